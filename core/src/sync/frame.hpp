// Frames: the unit a Transport moves. On a byte stream (TCP) a frame is a 2-byte big-endian
// length followed by that many bytes, so one frame holds at most 65535 bytes, Noise's own
// limit on a message. Every frame after the handshake is one Noise transport message; the
// application messages it carries may span several frames (see channel.hpp).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace canvass::sync {

inline constexpr std::size_t max_frame_bytes = 65535;  // Noise's maximum message length
inline constexpr std::size_t frame_header_bytes = 2;

// The header of a frame of `length` bytes. Precondition: length <= max_frame_bytes.
inline std::array<std::uint8_t, frame_header_bytes> frame_header(std::size_t length) {
    return {static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length & 0xff)};
}

// The length announced by a frame header.
inline std::size_t frame_length(std::span<const std::uint8_t, frame_header_bytes> header) {
    return std::size_t{header[0]} << 8 | header[1];
}

}  // namespace canvass::sync
