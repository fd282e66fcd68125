// A Transport over a byte stream that someone else owns: a phone app's own socket, handed to
// the C ABI as callbacks (canvass_transport in canvass.h). Frames go on the stream exactly as
// the TCP transport writes them (a 2-byte length, then the frame: frame.hpp), so the stream
// can be a plain TCP connection to canvass-server, opened however the host likes.
//
// The stream's functions are called on the syncing thread only, one at a time. Deadlines are
// the stream's business (a socket timeout): a read that never returns stalls the sync.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "canvass/result.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

struct ByteStream {
    // Writes every byte of `bytes`, or fails with Error{net, io} (broken) or {net, timeout}.
    std::function<Result<void>(std::span<const std::uint8_t> bytes)> write;
    // Reads at least one and at most bytes.size() bytes into `bytes` and returns how many; 0
    // when the peer closed the stream. Errors as for write.
    std::function<Result<std::size_t>(std::span<std::uint8_t> bytes)> read;
    // Closes the stream; called once, by the transport's close() or its destructor. May be empty.
    std::function<void()> close;
};

// A Transport that frames over `stream` and follows Transport's contract: one write per
// frame (header and body together), reads of exactly what the frame still lacks (never beyond
// it, so the stream is left at a frame boundary), and after close() every call fails with
// Error{net, io}. A stream that returns more bytes than asked for is a broken stream (io).
std::unique_ptr<Transport> stream_transport(ByteStream stream);

}  // namespace canvass::sync
