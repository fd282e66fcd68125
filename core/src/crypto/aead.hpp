// Authenticated encryption with associated data.
//
// XChaCha20-Poly1305-IETF, with random 24-byte nonces, encrypts everything at rest and the
// values of changesets (DESIGN.md 3, 4). ChaCha20-Poly1305-IETF with a counter nonce is the
// cipher of Noise's CipherState (core/src/sync/noise.*).
//
// Every ciphertext is the encrypted plaintext followed by a 16-byte Poly1305 tag. Keys are
// 32 bytes; passing another size is a programming error (std::invalid_argument).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/secret.hpp"

namespace canvass::crypto {

inline constexpr std::size_t aead_key_bytes = 32;
inline constexpr std::size_t aead_tag_bytes = 16;

using XNonce = std::array<std::uint8_t, 24>;

// A nonce from the CSPRNG; 24 bytes are enough that random nonces never collide in practice.
XNonce random_xnonce();

// Encrypts `plaintext` and authenticates it together with `ad` (which is not encrypted).
std::vector<std::uint8_t> xchacha_encrypt(const SecretBytes& key32, const XNonce& nonce,
                                          std::span<const std::uint8_t> plaintext,
                                          std::span<const std::uint8_t> ad);

// The plaintext, or Error{crypto, corrupt, "authentication failed"} if the ciphertext, the
// nonce, `ad` or the key differ from the encryption's (or the ciphertext is shorter than a tag).
Result<std::vector<std::uint8_t>> xchacha_decrypt(const SecretBytes& key32, const XNonce& nonce,
                                                  std::span<const std::uint8_t> ciphertext,
                                                  std::span<const std::uint8_t> ad);

// ChaCha20-Poly1305-IETF (RFC 8439): 12-byte nonces that must never repeat under one key.
using Nonce12 = std::array<std::uint8_t, 12>;

// Noise's nonce for counter `n`: four zero bytes, then `n` as 8 little-endian bytes.
Nonce12 counter_nonce(std::uint64_t n) noexcept;

std::vector<std::uint8_t> chacha_encrypt(const SecretBytes& key32, const Nonce12& nonce,
                                         std::span<const std::uint8_t> plaintext,
                                         std::span<const std::uint8_t> ad);
// Same failure contract as xchacha_decrypt.
Result<std::vector<std::uint8_t>> chacha_decrypt(const SecretBytes& key32, const Nonce12& nonce,
                                                 std::span<const std::uint8_t> ciphertext,
                                                 std::span<const std::uint8_t> ad);

// The same with Noise's counter nonce, counter_nonce(counter).
inline std::vector<std::uint8_t> chacha_encrypt(const SecretBytes& key32, std::uint64_t counter,
                                                std::span<const std::uint8_t> plaintext,
                                                std::span<const std::uint8_t> ad) {
    return chacha_encrypt(key32, counter_nonce(counter), plaintext, ad);
}
inline Result<std::vector<std::uint8_t>> chacha_decrypt(const SecretBytes& key32,
                                                        std::uint64_t counter,
                                                        std::span<const std::uint8_t> ciphertext,
                                                        std::span<const std::uint8_t> ad) {
    return chacha_decrypt(key32, counter_nonce(counter), ciphertext, ad);
}

}  // namespace canvass::crypto
