// SHA-256, HMAC-SHA256 and HKDF: the hash functions of Noise_*_SHA256 (core/src/sync/noise.*).
// Everything else in canvass hashes with BLAKE2b (crypto/hash.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace canvass::crypto {

using Sha256 = std::array<std::uint8_t, 32>;

Sha256 sha256(std::span<const std::uint8_t> data);

// HMAC-SHA256 (RFC 2104) with a key of any length (keys over 64 bytes are hashed first).
Sha256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// HKDF as Noise defines it (revision 34, section 4.3), with HASHLEN 32:
//   temp_key = HMAC(chaining_key, input_key_material)
//   output1 = HMAC(temp_key, 0x01)
//   output2 = HMAC(temp_key, output1 || 0x02)
//   output3 = HMAC(temp_key, output2 || 0x03)
// `input_key_material` is empty or 32 bytes in Noise, but any length works. The outputs are
// secrets: callers wipe them (crypto::wipe) when done.
std::array<Sha256, 2> hkdf2(const Sha256& chaining_key,
                            std::span<const std::uint8_t> input_key_material);
std::array<Sha256, 3> hkdf3(const Sha256& chaining_key,
                            std::span<const std::uint8_t> input_key_material);

}  // namespace canvass::crypto
