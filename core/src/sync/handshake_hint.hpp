// What a server says to a peer it turns away before the handshake is over.
//
// Until message 3 nothing is authenticated in either direction, so nothing said then can be
// trusted: anyone on the path could forge it, just as anyone on the path can cut the
// connection. A hint is therefore only advisory. It changes which explanation the person at
// the device reads ("the server is busy" rather than "the connection was lost"), never what
// the device trusts: it keeps its pinned key, stores nothing, and simply tries again later.
//
// A hint is one frame sent in place of handshake message 2: the ASCII text
// "canvass-hint:" and a word. Every real message 2 is at least 48 bytes (an ephemeral key
// and a tag), every hint shorter, so the two cannot be confused.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sync/transport.hpp"

namespace canvass::sync {

enum class HandshakeHint {
    busy,       // the server has no room for this connection now: try again in a minute
    wrong_key,  // message 1 was not made for this server's key
};

// The frame that carries `hint`.
Bytes handshake_hint_frame(HandshakeHint hint);

// The hint `frame` carries, if it is a hint at all (otherwise it may be message 2).
std::optional<HandshakeHint> read_handshake_hint(std::span<const std::uint8_t> frame);

}  // namespace canvass::sync
