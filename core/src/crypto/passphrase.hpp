// Wrapping secrets (the store key, coordinator keys, private keys in the store) for storage.
//
// Two self-describing, versioned blob formats, both XChaCha20-Poly1305 with the blob's header
// as associated data, so no header field (parameters, salt, nonce) can be changed unnoticed:
//
//   passphrase blob, "CVPW" v1 (all integers little-endian):
//     "CVPW" | version u8 = 1 | alg u8 = 1 (Argon2id v1.3 + XChaCha20-Poly1305-IETF) |
//     opslimit u64 | memlimit u64 (bytes) | salt[16] | nonce[24] | ciphertext (secret + 16)
//   key blob, "CVKW" v1:
//     "CVKW" | version u8 = 1 | alg u8 = 1 (XChaCha20-Poly1305-IETF) | nonce[24] | ciphertext
//
// Unwrapping never trusts the blob: it is parsed with bounds checks, and Argon2id parameters
// outside [PwhashParams::minimum(), pwhash_max_*] are refused before any memory is allocated,
// so a hostile file cannot make a phone allocate gigabytes or hash for minutes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/secret.hpp"

namespace canvass::crypto {

// Argon2id cost. The default is libsodium's INTERACTIVE level (2 passes over 64 MiB): the
// passphrase is typed on low-end Android phones with 1-2 GB of RAM, where the MODERATE level
// (256 MiB) risks being killed by the OS and SENSITIVE (1 GiB) cannot run at all. The
// parameters are stored in each blob, so a later default can be stronger without breaking
// old blobs.
struct PwhashParams {
    std::uint64_t opslimit = 2;        // crypto_pwhash_OPSLIMIT_INTERACTIVE
    std::size_t memlimit = 64u << 20;  // crypto_pwhash_MEMLIMIT_INTERACTIVE

    // The weakest parameters accepted (1 pass, 8 KiB): for tests only, never for real data.
    static constexpr PwhashParams minimum() { return {1, 8192}; }
};

// Upper bounds accepted when wrapping and when unwrapping.
inline constexpr std::uint64_t pwhash_max_opslimit = 10;
inline constexpr std::size_t pwhash_max_memlimit = std::size_t{1} << 30;  // 1 GiB

// A passphrase blob of `secret` (any size, including empty). Throws std::invalid_argument if
// `params` are outside the accepted range, std::runtime_error if memory for Argon2id cannot
// be allocated.
std::vector<std::uint8_t> wrap_with_passphrase(const SecretBytes& secret,
                                               std::string_view passphrase,
                                               PwhashParams params = {});

// The secret of a passphrase blob. Errors, all in domain crypto:
//   wrong_key "wrong passphrase": the blob is well formed but does not open with this
//     passphrase (an altered ciphertext looks the same: AEAD cannot tell them apart);
//   corrupt: not such a blob, truncated, or parameters out of range;
//   unsupported: a version or algorithm this build does not know;
//   limit_exceeded: not enough memory for the key derivation.
Result<SecretBytes> unwrap_with_passphrase(std::span<const std::uint8_t> blob,
                                           std::string_view passphrase);

// A key blob of `secret` under a raw 32-byte key (a platform keystore's key, or the store
// key for small secrets kept in the store). Throws std::invalid_argument if `key32` is not
// 32 bytes.
std::vector<std::uint8_t> wrap_with_key(const SecretBytes& secret, const SecretBytes& key32);

// The secret of a key blob. Errors (domain crypto): wrong_key if it does not open with
// `key32` (or was altered), corrupt if malformed or truncated, unsupported for an unknown
// version or algorithm. Throws std::invalid_argument if `key32` is not 32 bytes.
Result<SecretBytes> unwrap_with_key(std::span<const std::uint8_t> blob, const SecretBytes& key32);

}  // namespace canvass::crypto
