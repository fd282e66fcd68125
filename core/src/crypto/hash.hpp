// BLAKE2b-256: changeset hashes, chain links, state digests.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace canvass::crypto {

// Initializes libsodium once; every entry point of the crypto part calls it.
// Throws std::runtime_error if the library cannot start (no entropy source).
void ensure_initialized();

using Hash = std::array<std::uint8_t, 32>;

Hash blake2b_256(std::span<const std::uint8_t> data);
inline Hash blake2b_256(std::string_view s) {
    return blake2b_256({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
}

// Keyed BLAKE2b-256 (a MAC): `key` is 16 to 64 bytes.
Hash blake2b_256_keyed(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// Incremental BLAKE2b-256 for data that arrives in pieces.
class Blake2b {
  public:
    Blake2b();
    ~Blake2b();
    Blake2b(const Blake2b&) = delete;
    Blake2b& operator=(const Blake2b&) = delete;
    void update(std::span<const std::uint8_t> data);
    void update(std::string_view s) {
        update({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    }
    Hash finish();

  private:
    alignas(64) unsigned char state_[384];  // crypto_generichash_state, opaque here
};

std::string to_hex(std::span<const std::uint8_t> bytes);
// Returns false if `hex` is not an even-length string of hex digits of the expected size.
bool from_hex(std::string_view hex, std::span<std::uint8_t> out);

}  // namespace canvass::crypto
