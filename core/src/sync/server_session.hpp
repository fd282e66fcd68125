// The server side of one connection, sans-I/O: feed it the frames the client sends, write
// out the frames it returns, close when it says so. The canvass-server drives it from Asio
// coroutines; tests drive it over a memory transport with serve_blocking().
//
// It runs the handshake (Noise_XK for sync, Noise_XKpsk3 for enrollment, told apart by
// which one message 1 decrypts under), checks the device or the token, and then the
// messages: enrollment's welcome and forms, or sync's hello, welcome, forms and exchange.
// Every refusal after the handshake is an `error` message the client can show; before it,
// nothing can be said securely to an unauthenticated peer: a message 1 made for another key
// gets an advisory hint (handshake_hint.hpp) and the connection is closed, except that a
// refused token is explained in handshake message 2 (authenticated by the server's key).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "merge/hlc.hpp"
#include "sync/chunking.hpp"
#include "sync/directory.hpp"
#include "sync/exchange.hpp"
#include "sync/messages.hpp"
#include "sync/noise.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// The batches the server sends (a coordinator's pull, a restored device's chain back): four
// times those it takes, within what a client decodes (MessageLimits: 1024 changesets, and half
// its 4 MiB, leaving room for the grants that travel beside them).
// What a server takes is kept small because every session's batch is a write transaction on
// the one database they share; a device's store has no other writer, and each batch it takes
// costs it a commit, so fewer, larger batches make its pull faster. On a slow
// link the pacer (pacing.hpp) still cuts each to seconds of transfer.
SyncLimits server_send_limits(const SyncLimits& told);

struct ServerSessionOptions {
    SyncLimits limits;              // told to clients; the server's own sends: server_send_limits
    MessageLimits message_limits;   // caps on what clients may send
    merge::Clock* clock = nullptr;  // nullptr: the system clock
    std::uint64_t future_threshold_ms = 24 * 3600 * 1000;
    // One line per event ("sync device=… project=… role=… outcome=ok …"); never a secret or
    // an answer. May be empty.
    std::function<void(const std::string&)> log;
    // Shared by the sessions of one server: what all of them together may hold in messages
    // still arriving (chunking.hpp). nullptr: only message_limits bounds each session.
    AssemblyBudget* assembly_budget = nullptr;
    // Asked once the handshake is over, before the device or token is looked at: false
    // refuses the session as `unavailable` (the server is busy). Empty: always admitted.
    std::function<bool()> admit;
    // Asked once the device is known (enrolled, not revoked), before its hello: false
    // refuses the session as `limit`, the device holding as many sessions as one device may
    // (admit_device_cap in the message). Empty: always admitted.
    std::function<bool(const merge::DeviceId&)> admit_device;
    std::size_t admit_device_cap = 0;  // for the refusal's message only
    // Told, after each frame of an admitted device's message, what this session now holds
    // of the shared assembly budget (MessageAssembler::charged): false when the device's
    // sessions together hold more than one device's share, which refuses the session as
    // `unavailable`. Empty: no share per device.
    std::function<bool(std::size_t charged)> device_assembly;
    // Caps on attachments, stated in the welcome to devices that ask (with a directory that
    // has a media_vault()).
    MediaCaps media;
};

class ServerSession {
  public:
    struct Output {
        std::vector<Bytes> frames;  // to write, in order
        bool close = false;         // close the connection once they are written
    };

    // `server_key` and `directory` must outlive the session.
    ServerSession(ServerDirectory& directory, const crypto::DhKeyPair& server_key,
                  ServerSessionOptions options);
    ~ServerSession();

    // Handles one frame from the client. After an Output with close, call nothing more.
    Output on_frame(std::span<const std::uint8_t> frame);
    // True until the handshake (and the device check) is over: the deadline to apply.
    bool handshaking() const;
    bool closed() const;
    // "device=0a1b… project=p role=collector", or "device=?" before the handshake, for logs.
    std::string who() const;

  private:
    struct State;
    Output handle(std::span<const std::uint8_t> frame);
    std::unique_ptr<State> s_;
};

// Serves one connection on a blocking transport until the session closes: for tests and
// simple embeddings. Returns the reason the session ended (ok if it finished normally).
Result<void> serve_blocking(Transport& transport, ServerSession& session);

}  // namespace canvass::sync
