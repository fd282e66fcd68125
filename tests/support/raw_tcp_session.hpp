// A device's session opened by hand against a real server over TCP, to send what no client
// would: the Noise_XK handshake as the device, then raw encrypted frames or whole messages.
// For hostile tests and benchmarks; loopback only in practice.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "net/tcp_transport.hpp"
#include "store/keyring.hpp"
#include "sync/chunking.hpp"
#include "sync/enrollment.hpp"
#include "sync/messages.hpp"
#include "sync/noise.hpp"

namespace canvass::testing {

class RawTcpSession {
  public:
    // Connects to `address` and completes the handshake as `keys`, trusting `server_key`.
    static Result<RawTcpSession> open(const std::string& address,
                                      const crypto::DhPublicKey& server_key,
                                      const store::DeviceKeys& keys, net::TcpOptions options = {}) {
        CANVASS_TRY(auto t, net::connect_tcp(address, options));
        CANVASS_TRY(auto hs, sync::NoiseHandshake::initiator(
                                 sync::NoisePattern::xk, sync::as_bytes(sync::sync_prologue),
                                 {keys.transport.public_key, keys.transport.secret_key.clone()},
                                 server_key, std::nullopt));
        CANVASS_TRY(auto m1, hs.write_message({}));
        CANVASS_TRY_VOID(t->send_frame(m1));
        CANVASS_TRY(auto m2, t->receive_frame());
        CANVASS_TRY_VOID(hs.read_message(m2));
        CANVASS_TRY(auto m3, hs.write_message({}));
        CANVASS_TRY_VOID(t->send_frame(m3));
        CANVASS_TRY(auto noise, hs.split());
        return RawTcpSession(std::move(t), std::move(noise));
    }

    // One frame: `plaintext` (a continuation flag and a chunk) encrypted.
    Result<void> send_plaintext(std::span<const std::uint8_t> plaintext) {
        CANVASS_TRY(auto frame, noise_->encrypt(plaintext));
        return transport_->send_frame(frame);
    }
    // An encoded message (well-formed or not), split into frames.
    Result<void> send_encoded(std::span<const std::uint8_t> message) {
        for (const auto& p : sync::split_message(message)) CANVASS_TRY_VOID(send_plaintext(p));
        return {};
    }
    Result<void> send(const sync::Message& m) { return send_encoded(sync::encode_message(m)); }
    // The next whole message from the server.
    Result<sync::Message> receive() {
        for (;;) {
            CANVASS_TRY(auto frame, transport_->receive_frame());
            CANVASS_TRY(auto plaintext, noise_->decrypt(frame));
            CANVASS_TRY(auto message, assembler_.add(plaintext));
            if (message) return sync::decode_message(*message);
        }
    }
    // The server's `error` message, skipping anything before it; nullopt if none came.
    std::optional<sync::ErrorMessage> refusal() {
        for (int i = 0; i < 64; ++i) {
            auto m = receive();
            if (!m) return std::nullopt;
            if (auto* e = std::get_if<sync::ErrorMessage>(&*m)) return *e;
        }
        return std::nullopt;
    }
    void close() { transport_->close(); }

  private:
    RawTcpSession(std::unique_ptr<sync::Transport> t, sync::NoiseSession noise)
        : transport_(std::move(t)), noise_(std::move(noise)) {}

    std::unique_ptr<sync::Transport> transport_;
    std::optional<sync::NoiseSession> noise_;
    sync::MessageAssembler assembler_{8u << 20};
};

}  // namespace canvass::testing
