// The key hierarchy of a device store (DESIGN.md section 3).
//
//   passphrase --Argon2id--> wraps the store key (32 random bytes)
//   store key  --XChaCha20-Poly1305--> wraps the device's Ed25519 and X25519 secret keys,
//                                      epoch data keys, drafts, record states and forms
//
// A phone app may keep the store key in the platform keystore and open the store with the raw
// key instead of a passphrase.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"
#include "merge/ids.hpp"

namespace canvass::store {

// How to unlock a store: a passphrase (Argon2id) or the raw 32-byte store key.
struct Passphrase {
    std::string text;
};
struct RawKey {
    crypto::SecretBytes key;
};
using Unlock = std::variant<Passphrase, RawKey>;

// A device's identity: it signs its changesets with `signing` and authenticates to the server
// with `transport` (Noise static key). Its id is derived from the signing public key.
struct DeviceKeys {
    crypto::SigningKeyPair signing;
    crypto::DhKeyPair transport;
    merge::DeviceId id{};
};

// The first 16 bytes of BLAKE2b-256("canvass device id" || signing public key).
merge::DeviceId device_id_of(const crypto::SigningPublicKey& pk);

DeviceKeys generate_device_keys();

// The key a device seals each of its epoch keys to, besides the project's recipients, so
// that a store restored from an older copy (same keys, fewer epochs) can open the work the
// lost copy delivered when the server sends it back. Derived from the signing key's seed
// (crypto_kdf, context "epochrec"), so it is in every copy of the store and nowhere else; it
// never leaves the device and is used for nothing else.
crypto::DhKeyPair epoch_recovery_key(const DeviceKeys& keys);

// The device's two secret keys as one blob (64 + 32 bytes) and back.
crypto::SecretBytes serialize_device_secrets(const DeviceKeys& keys);
Result<DeviceKeys> parse_device_secrets(const crypto::SecretBytes& bytes);

}  // namespace canvass::store
