// Test helpers: hex strings to bytes and back.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/hash.hpp"

namespace canvass::crypto::test {

inline std::vector<std::uint8_t> unhex(std::string_view hex) {
    std::vector<std::uint8_t> out(hex.size() / 2);
    if (!from_hex(hex, out)) throw std::invalid_argument("bad hex in test: " + std::string(hex));
    return out;
}

template <std::size_t N>
std::array<std::uint8_t, N> unhex_array(std::string_view hex) {
    std::array<std::uint8_t, N> out;
    if (!from_hex(hex, out)) throw std::invalid_argument("bad hex in test: " + std::string(hex));
    return out;
}

inline std::span<const std::uint8_t> bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace canvass::crypto::test
