// The coordinator key file: the X25519 key pair a project's devices seal their epoch keys to
// (DESIGN.md section 3, "project recipients"). Only coordinators hold it; the server never
// sees the secret half.
//
// The file is a small JSON document, mode 0600:
//   {"format": "canvass-coordinator-key", "version": 1,
//    "public_key": "<64 lowercase hex digits>",
//    "signing_key": "<64 hex digits: the Ed25519 key that signs recipient statements>",
//    "secret": "<hex of a passphrase blob (crypto/passphrase.hpp) of the 32-byte secret>"}
// The public key is in clear so `keys show` and scripts can read it without the passphrase;
// loading checks that the unwrapped secret gives that same public key, so a file whose two
// halves were mixed up is refused rather than silently decrypting nothing.
#pragma once

#include <optional>
#include <string>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/passphrase.hpp"
#include "crypto/sign.hpp"

namespace canvass::coordinator {

inline constexpr const char* kKeyFileFormat = "canvass-coordinator-key";
inline constexpr int kKeyFileVersion = 1;

// Generates a fresh key pair and writes it to `path` (created with mode 0600; an existing
// file is never overwritten: Error{core, already_exists}). Returns the public key.
Result<crypto::DhPublicKey> create_key_file(const std::string& path, const std::string& passphrase,
                                            crypto::PwhashParams params = {});

// The public key of a key file, without unlocking it. Errors name the file: unreadable,
// not a coordinator key file, unsupported version.
Result<crypto::DhPublicKey> read_public_key(const std::string& path);

// The public Ed25519 key the file's secret signs recipient statements with
// (store::coordinator_signing_key), as the file states it; nullopt for a file written before
// it did (unlock it to derive the key).
Result<std::optional<crypto::SigningPublicKey>> read_signing_key(const std::string& path);

// The key pair of a key file. A wrong passphrase is Error{crypto, wrong_key} whose message
// names the file; a damaged file is Error{crypto, corrupt}.
Result<crypto::DhKeyPair> open_key_file(const std::string& path, const std::string& passphrase);

// 64 lowercase hex digits: the form `canvass-server project create --recipient` takes.
std::string recipient_text(const crypto::DhPublicKey& key);

}  // namespace canvass::coordinator
