// An epoch grant: a device's epoch data key sealed to one project recipient (a coordinator's
// X25519 key), signed by the device. Grants travel with the changesets they unlock, so one
// X25519 operation serves a whole epoch. A grant is a separate object rather than a field of
// the changeset so that a device can grant earlier epochs to a recipient added later (records
// made before enrollment, a second coordinator joining), without rewriting its hash chain.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"
#include "merge/ids.hpp"

namespace canvass::store {

using EpochId = std::array<std::uint8_t, 16>;

struct EpochGrant {
    merge::DeviceId device{};
    EpochId epoch{};
    crypto::DhPublicKey recipient{};
    std::vector<std::uint8_t> sealed;  // crypto_box_seal of the 32-byte epoch key
    crypto::Signature signature{};     // by the device's Ed25519 key over signing_bytes()
};

// The bytes a grant's signature covers: a domain tag, then every field but the signature.
std::vector<std::uint8_t> grant_signing_bytes(const EpochGrant& g);

// Seals `epoch_key` to `recipient` and signs the grant with the device's key.
EpochGrant make_grant(const merge::DeviceId& device, const EpochId& epoch,
                      const crypto::SecretBytes& epoch_key, const crypto::DhPublicKey& recipient,
                      const crypto::SecretBytes& signing_secret);

// True if the signature is the device's (`device_pk` must be the key the device id derives from).
bool verify_grant(const EpochGrant& g, const crypto::SigningPublicKey& device_pk);

// Opens the epoch key with the recipient's key pair.
Result<crypto::SecretBytes> open_grant(const EpochGrant& g, const crypto::DhKeyPair& recipient);

// Fixed binary form: device(16) epoch(16) recipient(32) signature(64) sealed(80).
std::vector<std::uint8_t> encode_grant(const EpochGrant& g);
Result<EpochGrant> decode_grant(std::span<const std::uint8_t> bytes);

}  // namespace canvass::store
