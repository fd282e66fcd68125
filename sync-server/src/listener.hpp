// The network side of canvass-server: one io_context, a coroutine per connection (a reader,
// a writer and a watchdog, in the shape of Asio's cpp20 chat_server example), deadlines,
// caps, and a graceful stop on SIGINT/SIGTERM. The protocol itself is sync::ServerSession.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "log.hpp"
#include "server_store.hpp"
#include "sync/server_session.hpp"

namespace canvass::server {

// Connections are admitted in two stages, as nginx and haproxy keep unfinished requests
// apart from established ones. A connection that has not finished the handshake costs the
// attacker nothing, so those are capped per source address and in total, and when a cap is
// reached the oldest of them (silent ones first) is closed to make room: a flood only ever
// pushes out the flood, and an honest device, which speaks at once and finishes in one round
// trip, always gets in. Authenticated sessions are capped on their own; beyond the cap a
// device is told the server is busy; and one device holds at most a few of them, so an
// enrolled device cannot take the slots of the others. docs/server.md gives the figures.
struct ListenOptions {
    std::string listen = "127.0.0.1:7433";              // host:port; port 0 lets the OS choose
    std::chrono::milliseconds handshake_timeout{5000};  // from accept to the end of the handshake
    std::chrono::milliseconds idle_timeout{120000};     // waiting for the next frame
    std::chrono::milliseconds read_timeout{30000};      // for the rest of a frame once begun
    std::chrono::milliseconds write_timeout{30000};     // for the client to take what we send
    std::size_t max_sessions = 256;               // authenticated sessions; more are told "busy"
    std::size_t max_sessions_per_device = 4;      // authenticated sessions of one device
    std::size_t max_handshakes = 512;             // unfinished handshakes, all addresses
    std::size_t max_handshakes_per_address = 64;  // unfinished handshakes from one address
    std::size_t max_handshake_frame = 1024;       // handshake messages are ~100 bytes
    std::size_t assembly_budget = 32u << 20;      // bytes of messages still arriving, all sessions
    std::size_t assembly_per_device = 8u << 20;   // of that, what one device's sessions may hold
    sync::ServerSessionOptions session;           // batch caps, message caps
};

// Serves until SIGINT or SIGTERM. Calls `on_listening` with the bound "host:port" once the
// socket listens. Returns an Error if it cannot listen (address in use, bad address).
Result<void> run_server(ServerStore& store, const crypto::DhKeyPair& key, ListenOptions options,
                        Logger& log, const std::function<void(const std::string&)>& on_listening);

}  // namespace canvass::server
