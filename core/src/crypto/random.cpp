#include "crypto/random.hpp"

#include <sodium.h>

#include "crypto/hash.hpp"

namespace canvass::crypto {

void random_bytes(std::span<std::uint8_t> out) {
    ensure_initialized();
    if (!out.empty()) randombytes_buf(out.data(), out.size());
}

std::uint32_t random_uniform(std::uint32_t upper_bound) {
    ensure_initialized();
    return upper_bound == 0 ? 0 : randombytes_uniform(upper_bound);
}

}  // namespace canvass::crypto
