// Randomness from the operating system's CSPRNG (libsodium's randombytes).
//
// Code that must be deterministic under test (merge, sync schedules) takes an injected
// Random source instead; this is for keys, salts and nonces, which must never be replayable.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace canvass::crypto {

// Fills `out` with unpredictable bytes. Never fails once libsodium is initialized
// (ensure_initialized throws if it cannot be).
void random_bytes(std::span<std::uint8_t> out);

template <std::size_t N>
std::array<std::uint8_t, N> random_array() {
    std::array<std::uint8_t, N> a;
    random_bytes(a);
    return a;
}

// A uniform value in [0, upper_bound); 0 if upper_bound is 0.
std::uint32_t random_uniform(std::uint32_t upper_bound);

}  // namespace canvass::crypto
