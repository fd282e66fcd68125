// A blocking, encrypted message channel over a Transport once the Noise handshake is done:
// each message is CBOR, split into frames (chunking.hpp), each frame one Noise transport
// message. Used by the client; the server does the same from its coroutines.
#pragma once

#include <cstdint>

#include "canvass/result.hpp"
#include "sync/chunking.hpp"
#include "sync/messages.hpp"
#include "sync/noise.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

class SecureChannel {
  public:
    // `transport` must outlive the channel.
    SecureChannel(Transport& transport, NoiseSession session, MessageLimits limits = {})
        : transport_(transport),
          session_(std::move(session)),
          limits_(limits),
          assembler_(limits.max_message_bytes) {}

    // Encrypts and sends one message. Errors: the transport's, or protocol/limit_exceeded.
    Result<void> send(const Message& message);
    // The next message. Errors: the transport's; protocol/corrupt for a frame that fails
    // authentication or a malformed message; protocol/limit_exceeded over a cap. After any
    // error the channel is unusable.
    Result<Message> receive();

    void close() { transport_.close(); }
    std::uint64_t bytes_sent() const { return bytes_sent_; }  // on the wire, headers included
    std::uint64_t bytes_received() const { return bytes_received_; }
    const MessageLimits& limits() const { return limits_; }

  private:
    Transport& transport_;
    NoiseSession session_;
    MessageLimits limits_;
    MessageAssembler assembler_;
    std::uint64_t bytes_sent_ = 0;
    std::uint64_t bytes_received_ = 0;
};

}  // namespace canvass::sync
