#include "sync/handshake_hint.hpp"

#include <algorithm>
#include <string_view>

namespace canvass::sync {
namespace {

constexpr std::string_view kBusy = "canvass-hint:busy";
constexpr std::string_view kWrongKey = "canvass-hint:wrong-key";

bool equals(std::span<const std::uint8_t> frame, std::string_view text) {
    return std::equal(frame.begin(), frame.end(), text.begin(), text.end(),
                      [](std::uint8_t a, char b) { return a == static_cast<std::uint8_t>(b); });
}

}  // namespace

Bytes handshake_hint_frame(HandshakeHint hint) {
    auto text = hint == HandshakeHint::busy ? kBusy : kWrongKey;
    return Bytes(text.begin(), text.end());
}

std::optional<HandshakeHint> read_handshake_hint(std::span<const std::uint8_t> frame) {
    if (equals(frame, kBusy)) return HandshakeHint::busy;
    if (equals(frame, kWrongKey)) return HandshakeHint::wrong_key;
    return std::nullopt;
}

}  // namespace canvass::sync
