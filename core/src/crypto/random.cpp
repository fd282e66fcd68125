#include "crypto/random.hpp"

#include <sodium.h>

#include "canvass/clock.hpp"
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

namespace canvass {

void secure_random(std::span<std::uint8_t> out) {
    crypto::random_bytes(out);
}

}  // namespace canvass
