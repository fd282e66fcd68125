// X25519: Diffie-Hellman for Noise, and sealed boxes that carry epoch keys to the project's
// recipients (DESIGN.md 3 and 4).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/secret.hpp"

namespace canvass::crypto {

using DhPublicKey = std::array<std::uint8_t, 32>;

// secret_key is the 32-byte X25519 scalar as generated (clamping happens inside every use).
struct DhKeyPair {
    DhPublicKey public_key{};
    SecretBytes secret_key;
};

// A fresh key pair from the CSPRNG.
DhKeyPair generate_dh_key();

// The key pair of a stored 32-byte secret. Throws std::invalid_argument if `sk` is not 32 bytes.
DhKeyPair dh_key_from_secret(SecretBytes sk);

// X25519(sk, pk). Fails with Error{crypto, invalid_argument} when the result is all zeros,
// which happens exactly when `pk` is a low-order point: a peer trying to force a known
// shared secret. Throws std::invalid_argument if `sk` is not 32 bytes.
Result<std::array<std::uint8_t, 32>> dh(const SecretBytes& sk, const DhPublicKey& pk);

// Bytes a sealed box adds to its plaintext: an ephemeral public key and a Poly1305 tag.
inline constexpr std::size_t sealed_overhead = 48;

// Anonymous public-key encryption (crypto_box_seal): only the holder of the recipient's
// secret key can open it, and the sender cannot be identified. Output is
// plaintext.size() + sealed_overhead bytes. Throws std::invalid_argument if `recipient_pk`
// is a low-order point (a recipient key must be checked when it is imported).
std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext,
                               const DhPublicKey& recipient_pk);

// Opens a sealed box addressed to `recipient`. Error{crypto, corrupt} if it is too short, was
// altered, or was sealed to another key (the three cannot be told apart).
Result<SecretBytes> open_sealed(std::span<const std::uint8_t> sealed, const DhKeyPair& recipient);

}  // namespace canvass::crypto
