// The network side of canvass-server: one io_context, a coroutine per connection (a reader,
// a writer and a watchdog, in the shape of Asio's cpp20 chat_server example), deadlines,
// caps, and a graceful stop on SIGINT/SIGTERM. The protocol itself is sync::ServerSession.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>

#include "canvass/result.hpp"
#include "canvass/server.hpp"
#include "crypto/box.hpp"
#include "server/log.hpp"
#include "server/server_store.hpp"
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
//
// canvass::ServeOptions (canvass/server.hpp) says what each one is; the defaults are its own.
struct ListenOptions {
    std::string listen = ServeOptions{}.listen;
    std::chrono::milliseconds handshake_timeout = ServeOptions{}.handshake_timeout;
    std::chrono::milliseconds idle_timeout = ServeOptions{}.idle_timeout;
    std::chrono::milliseconds read_timeout = ServeOptions{}.read_timeout;
    std::chrono::milliseconds write_timeout = ServeOptions{}.write_timeout;
    std::size_t max_sessions = ServeOptions{}.max_sessions;
    std::size_t max_sessions_per_device = ServeOptions{}.max_sessions_per_device;
    std::size_t max_handshakes = ServeOptions{}.max_handshakes;
    std::size_t max_handshakes_per_address = ServeOptions{}.max_handshakes_per_address;
    std::size_t max_handshake_frame = 1024;  // handshake messages are ~100 bytes
    std::size_t assembly_budget = ServeOptions{}.assembly_budget;
    std::size_t assembly_per_device = ServeOptions{}.assembly_per_device;
    sync::ServerSessionOptions session;  // batch caps, message caps
};

// Stops a run_server from another thread as SIGTERM does (canvass::ServerStop).
struct StopHook {
    std::mutex mutex;
    bool requested = false;
    std::function<void()> fire;  // set by run_server while it serves
    void request();              // thread-safe; before or during run_server
};

// Serves until SIGINT or SIGTERM, or until `stop` is requested. Calls `on_listening` with the
// bound "host:port" once the socket listens. Returns an Error if it cannot listen (address in
// use, bad address).
Result<void> run_server(ServerStore& store, const crypto::DhKeyPair& key, ListenOptions options,
                        Logger& log, const std::function<void(const std::string&)>& on_listening,
                        StopHook* stop = nullptr);

}  // namespace canvass::server
