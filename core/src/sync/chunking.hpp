// How one application message spans frames.
//
// After the handshake every frame is one Noise transport message: at most 65535 bytes, of
// which 16 are the AEAD tag. Its plaintext is one flag byte and a chunk of the message:
//
//   flag 0x01 = more chunks of this message follow, 0x00 = this chunk ends the message.
//
// A message is the concatenation of its chunks; an empty chunk is allowed only as the one
// chunk of an empty message (never sent in practice: every message is a CBOR map). Any other
// flag value, or a message growing past the cap, is a protocol error. The flag travels
// inside the encryption, so nobody on the wire learns where messages begin or end beyond
// what the frame sizes show.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "sync/noise.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// The most message bytes one frame carries: 65535 - 16 (tag) - 1 (flag).
inline constexpr std::size_t max_chunk_bytes = noise_max_plaintext - 1;

// The frame plaintexts (flag + chunk) of `message`, in order; at least one.
std::vector<Bytes> split_message(std::span<const std::uint8_t> message,
                                 std::size_t chunk_bytes = max_chunk_bytes);

// Puts messages back together from frame plaintexts.
class MessageAssembler {
public:
    explicit MessageAssembler(std::size_t max_message_bytes) : max_(max_message_bytes) {}

    // Adds one frame plaintext. Returns the finished message when this chunk ends one, an
    // empty optional while more chunks are expected, or Error{protocol, ...} for a bad flag
    // or a message over the cap (the assembler is then unusable: end the session).
    Result<std::optional<Bytes>> add(std::span<const std::uint8_t> plaintext);

private:
    std::size_t max_;
    Bytes pending_;
};

}  // namespace canvass::sync
