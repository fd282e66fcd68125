// Noise handshake messages as a peer sends them before it is authenticated: message 1 as
// the server reads it, and message 2 as a device reads it after sending a real message 1.
#include <cstddef>
#include <cstdint>
#include <span>

#include "sync/noise.hpp"

namespace {

struct Keys {
    canvass::crypto::DhKeyPair server = canvass::crypto::generate_dh_key();
    canvass::crypto::DhKeyPair device = canvass::crypto::generate_dh_key();
};

canvass::crypto::DhKeyPair copy(const canvass::crypto::DhKeyPair& k) {
    return {k.public_key, canvass::crypto::SecretBytes(k.secret_key.span())};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace canvass::sync;
    static const Keys keys;
    std::span<const std::uint8_t> message(data, size);
    for (auto pattern : {NoisePattern::xk, NoisePattern::xk_psk3}) {
        auto responder = NoiseHandshake::responder(pattern, {}, copy(keys.server));
        if (!responder) __builtin_trap();
        (void)responder->read_message(message);

        std::optional<canvass::crypto::SecretBytes> psk;
        if (pattern == NoisePattern::xk_psk3) psk = canvass::crypto::SecretBytes(32);
        auto initiator = NoiseHandshake::initiator(pattern, {}, copy(keys.device),
                                                   keys.server.public_key, std::move(psk));
        if (!initiator) __builtin_trap();
        if (!initiator->write_message({})) __builtin_trap();
        (void)initiator->read_message(message);
    }
    return 0;
}
