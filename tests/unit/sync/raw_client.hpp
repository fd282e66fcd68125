// A client that speaks the protocol by hand, to send what a well-behaved client never would.
#pragma once

#include <gtest/gtest.h>

#include "sync/channel.hpp"
#include "sync/enrollment.hpp"
#include "sync/noise.hpp"
#include "sync_fixtures.hpp"

namespace canvass::sync::testing {

// Completes the Noise_XK handshake as `keys` and returns the encrypted channel.
inline Result<SecureChannel> raw_sync_channel(Transport& t, const crypto::DhPublicKey& server,
                                              const store::DeviceKeys& keys) {
    CANVASS_TRY(auto hs, NoiseHandshake::initiator(
                             NoisePattern::xk, as_bytes(sync_prologue),
                             {keys.transport.public_key, keys.transport.secret_key.clone()}, server,
                             std::nullopt));
    CANVASS_TRY(auto m1, hs.write_message({}));
    CANVASS_TRY_VOID(t.send_frame(m1));
    CANVASS_TRY(auto m2, t.receive_frame());
    CANVASS_TRY_VOID(hs.read_message(m2));
    CANVASS_TRY(auto m3, hs.write_message({}));
    CANVASS_TRY_VOID(t.send_frame(m3));
    CANVASS_TRY(auto session, hs.split());
    return SecureChannel(t, std::move(session));
}

// hello, welcome, summary (ours: `chains`), the server's summary: ready to send batches.
inline Result<Summary> raw_open_exchange(SecureChannel& ch, std::vector<ChainTip> chains = {}) {
    CANVASS_TRY_VOID(ch.send(Hello{"raw"}));
    CANVASS_TRY(auto welcome, ch.receive());
    if (!std::holds_alternative<Welcome>(welcome))
        return unexpected(Domain::protocol, errc::invalid_argument, "no welcome");
    CANVASS_TRY_VOID(ch.send(Summary{std::move(chains)}));
    CANVASS_TRY(auto summary, ch.receive());
    if (!std::holds_alternative<Summary>(summary))
        return unexpected(Domain::protocol, errc::invalid_argument, "no summary");
    return std::get<Summary>(summary);
}

// A run of `device`'s changesets first..last as its replica would send them.
inline ChainRun make_run(TestDevice& device, std::uint64_t first, std::uint64_t last) {
    ChainRun run;
    run.device = device.keys.id;
    run.key = device.keys.signing.public_key;
    run.changesets = device.replica.changesets(device.keys.id, first, last).value();
    auto head = device.replica.cover_head(device.keys.id, first, last).value().value();
    run.head = HeadSignature{head.head.seq, head.head.hash, head.head.signature};
    return run;
}

}  // namespace canvass::sync::testing
