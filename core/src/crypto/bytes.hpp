// Internal to the crypto part: adapting spans to libsodium's C signatures.
#pragma once

#include <cstdint>
#include <span>

namespace canvass::crypto::detail {

// libsodium takes (pointer, length) pairs; an empty std::span may carry a null pointer, which
// some primitives would hand on to memcpy. A valid address for zero-length input avoids that.
inline const unsigned char* in(std::span<const std::uint8_t> s) noexcept {
    static const unsigned char none = 0;
    return s.empty() ? &none : s.data();
}

}  // namespace canvass::crypto::detail
