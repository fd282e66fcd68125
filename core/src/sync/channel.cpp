#include "sync/channel.hpp"

#include "sync/frame.hpp"

namespace canvass::sync {

Result<void> SecureChannel::send(const Message& message) {
    Bytes encoded = encode_message(message);
    if (encoded.size() > limits_.max_message_bytes)
        return unexpected(Domain::protocol, errc::limit_exceeded, "message too large to send");
    for (const auto& plaintext : split_message(encoded)) {
        CANVASS_TRY(auto frame, session_.encrypt(plaintext));
        CANVASS_TRY_VOID(transport_.send_frame(frame));
        bytes_sent_ += frame.size() + frame_header_bytes;
    }
    return {};
}

Result<Message> SecureChannel::receive() {
    for (;;) {
        CANVASS_TRY(auto frame, transport_.receive_frame());
        bytes_received_ += frame.size() + frame_header_bytes;
        CANVASS_TRY(auto plaintext, session_.decrypt(frame));
        CANVASS_TRY(auto message, assembler_.add(plaintext));
        if (message) return decode_message(*message, limits_);
    }
}

}  // namespace canvass::sync
