// The Transport: how the sync logic moves frames without knowing about sockets.
//
// The sync core (handshake, messages, anti-entropy) talks only to this interface, so a phone
// app can bring its own socket, the command line uses the Asio TCP transport (core/src/net/),
// and tests run two peers in one process over memory_transport_pair().
//
// The interface is blocking: a client runs its sync on one thread. The server does not use
// it; it runs the same sans-I/O protocol objects from its own coroutines.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::sync {

using Bytes = std::vector<std::uint8_t>;

class Transport {
  public:
    virtual ~Transport() = default;

    // Sends one frame of at most max_frame_bytes (frame.hpp). Returns once the frame is handed
    // on (to the OS or the peer's queue), not when the peer has read it. Errors are in domain
    // net: io when the connection is closed or broken, timeout when the write deadline passes,
    // invalid_argument for a frame that is too long.
    virtual Result<void> send_frame(std::span<const std::uint8_t> frame) = 0;

    // The next frame from the peer. Errors in domain net: io when the peer closed the
    // connection (message "connection closed by peer") or it broke, timeout when nothing
    // arrived before the read deadline.
    virtual Result<Bytes> receive_frame() = 0;

    // Closes the connection in both directions; later calls fail with io. Idempotent.
    virtual void close() = 0;
};

}  // namespace canvass::sync
