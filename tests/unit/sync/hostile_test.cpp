// What a misbehaving or hostile client gets: a clear refusal, and nothing stored.
#include <gtest/gtest.h>

#include "raw_client.hpp"
#include "sync/frame.hpp"
#include "sync/handshake_hint.hpp"

namespace canvass::sync::testing {
namespace {

// Opens an exchange as `device`, sends `batch`, returns the server's answer.
Result<Message> send_batch(Harness& h, TestDevice& device, Changesets batch,
                           std::vector<ChainTip> chains = {}) {
    return h.run([&](Transport& t) -> Result<Message> {
        CANVASS_TRY(auto ch, raw_sync_channel(t, h.server_key.public_key, device.keys));
        CANVASS_TRY_VOID(raw_open_exchange(ch, chains));
        CANVASS_TRY_VOID(ch.send(batch));
        // The server's own bye may come first, and so may the device's own changesets that
        // the summary said it lacks (a collector receives its own chain back).
        for (;;) {
            CANVASS_TRY(auto m, ch.receive());
            if (!std::holds_alternative<Bye>(m) && !std::holds_alternative<Changesets>(m)) return m;
        }
    });
}

ErrorCode error_code_of(const Result<Message>& r) {
    EXPECT_TRUE(r);
    if (!r) return ErrorCode::internal;
    auto* e = std::get_if<ErrorMessage>(&*r);
    EXPECT_TRUE(e) << "expected an error, got " << message_name(*r);
    return e ? e->code : ErrorCode::internal;
}

TEST(Hostile, ACollectorCannotPushAnotherDevicesChain) {
    Harness h;
    TestDevice collector, other;
    h.directory.add_device(collector.keys, Role::collector);
    other.author(3);
    auto r = send_batch(h, collector, Changesets{1, {make_run(other, 1, 3)}});
    EXPECT_EQ(error_code_of(r), ErrorCode::forbidden);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

TEST(Hostile, ATamperedChangesetIsRefusedAndNothingIsStored) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(4);
    auto run = make_run(collector, 1, 4);
    run.changesets[2].back() ^= 0x01;  // one bit of ciphertext
    auto r = send_batch(h, collector, Changesets{1, {run}});
    EXPECT_EQ(error_code_of(r), ErrorCode::bad_batch);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
    EXPECT_EQ(h.directory.memory_replica().store_calls(), 0u);
}

TEST(Hostile, AForgedHeadSignatureIsRefused) {
    Harness h;
    TestDevice collector, forger;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(2);
    auto run = make_run(collector, 1, 2);
    auto forged =
        merge::sign_head(collector.keys.id, 2, run.head.hash, forger.keys.signing.secret_key);
    run.head.signature = forged.signature;
    auto r = send_batch(h, collector, Changesets{1, {run}});
    EXPECT_EQ(error_code_of(r), ErrorCode::bad_batch);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

TEST(Hostile, AKeyThatDoesNotDeriveTheDeviceIdIsRefused) {
    Harness h;
    TestDevice collector, forger;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(2);
    auto run = make_run(collector, 1, 2);
    run.key = forger.keys.signing.public_key;
    auto r = send_batch(h, collector, Changesets{1, {run}});
    EXPECT_EQ(error_code_of(r), ErrorCode::bad_batch);
}

TEST(Hostile, ARelayedRunThatDoesNotVerifyIsRefusedAloneAndTheRestOfTheBatchIsStored) {
    Harness h;
    TestDevice organizer, collector, other, forger;
    h.directory.add_device(organizer.keys, Role::organizer);
    h.directory.add_device(collector.keys, Role::collector);
    h.directory.add_device(other.keys, Role::collector);
    collector.author(2);
    other.author(3);
    auto bad = make_run(collector, 1, 2);
    bad.key = forger.keys.signing.public_key;
    auto r = send_batch(h, organizer, Changesets{1, {bad, make_run(other, 1, 3)}});
    ASSERT_TRUE(r) << r.error().describe();
    auto* ack = std::get_if<Ack>(&*r);
    ASSERT_TRUE(ack) << "expected an ack, got " << message_name(*r);
    ASSERT_EQ(ack->refused.size(), 1u);
    EXPECT_EQ(ack->refused[0].device, collector.keys.id);
    EXPECT_EQ(ack->refused[0].seq, 1u);
    EXPECT_EQ(ack->refused[0].code, ErrorCode::bad_batch);
    EXPECT_NE(ack->refused[0].message.find("does not derive the device id"), std::string::npos)
        << ack->refused[0].message;
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 3u);
    EXPECT_FALSE(h.directory.memory_replica().all_chains().contains(collector.keys.id));
}

TEST(Hostile, AGapIsRefused) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(5);
    auto r = send_batch(h, collector, Changesets{1, {make_run(collector, 3, 5)}});
    EXPECT_EQ(error_code_of(r), ErrorCode::bad_batch);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

TEST(Hostile, ChangesetsOfAnotherProjectAreRefused) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(1, kNowMs, "another-project");
    auto r = send_batch(h, collector, Changesets{1, {make_run(collector, 1, 1)}});
    EXPECT_EQ(error_code_of(r), ErrorCode::bad_batch);
}

TEST(Hostile, ABatchSentTwiceIsStoredOnce) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(4);
    for (int i = 0; i < 2; ++i) {
        auto r = send_batch(h, collector, Changesets{1, {make_run(collector, 1, 4)}});
        ASSERT_TRUE(r);
        ASSERT_TRUE(std::holds_alternative<Ack>(*r)) << message_name(*r);
        EXPECT_EQ(std::get<Ack>(*r).durable.at(0).seq, 4u);
    }
    // An overlapping batch adds only what is new.
    collector.author(2);
    auto r = send_batch(h, collector, Changesets{1, {make_run(collector, 3, 6)}});
    ASSERT_TRUE(r && std::holds_alternative<Ack>(*r));
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 6u);
}

TEST(Hostile, EquivocationIsKeptAsEvidenceAndNotMerged) {
    Harness h;
    TestDevice collector, organizer;
    h.directory.add_device(collector.keys, Role::collector);
    h.directory.add_device(organizer.keys, Role::organizer);
    // Same keys, a second history that diverges at seq 3.
    TestDevice fork;
    fork.keys = store::DeviceKeys{
        store::DeviceKeys{crypto::SigningKeyPair{collector.keys.signing.public_key,
                                                 collector.keys.signing.secret_key.clone()},
                          crypto::DhKeyPair{collector.keys.transport.public_key,
                                            collector.keys.transport.secret_key.clone()},
                          collector.keys.id}};
    collector.author(3);
    for (int i = 1; i <= 2; ++i)
        fork.replica.append_own(
            merge::decode(collector.replica.changesets(collector.keys.id, i, i)->front()).value(),
            fork.keys.signing);
    fork.seq = 2;
    fork.last = collector.replica.chain_point(collector.keys.id).value()->hash;
    fork.last = *collector.replica.chain_hash(collector.keys.id, 2).value();
    fork.author(2);  // seq 3' and 4'
    ASSERT_TRUE(h.sync(collector));
    auto r = send_batch(h, organizer, Changesets{1, {make_run(fork, 3, 4)}});
    ASSERT_TRUE(r);
    ASSERT_TRUE(std::holds_alternative<Ack>(*r)) << message_name(*r);
    EXPECT_EQ(std::get<Ack>(*r).durable.at(0).seq, 3u);  // the chain did not move
    auto& server = h.directory.memory_replica();
    EXPECT_EQ(server.changeset_count(), 3u);
    ASSERT_EQ(server.evidence().size(), 1u);
    EXPECT_EQ(server.evidence()[0].seq, 3u);
    EXPECT_EQ(server.evidence()[0].changesets.size(), 2u);
}

TEST(Hostile, GarbageAfterTheHandshakeEndsTheSession) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    auto r = h.run([&](Transport& t) -> Result<Message> {
        CANVASS_TRY(auto ch, raw_sync_channel(t, h.server_key.public_key, collector.keys));
        Bytes garbage(100, 0x5a);
        CANVASS_TRY_VOID(t.send_frame(garbage));
        return ch.receive();
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::net);  // the server hung up
}

TEST(Hostile, GarbageInsteadOfAHandshakeGetsTheWrongKeyHintAndIsDropped) {
    Harness h;
    std::optional<HandshakeHint> hint;
    auto r = h.run([&](Transport& t) -> Result<Bytes> {
        Bytes garbage(48, 0x42);
        CANVASS_TRY_VOID(t.send_frame(garbage));
        CANVASS_TRY(auto first, t.receive_frame());
        hint = read_handshake_hint(first);
        return t.receive_frame();
    });
    EXPECT_EQ(hint, HandshakeHint::wrong_key);
    ASSERT_FALSE(r);  // and then the server hung up
    std::lock_guard lock(h.log_mutex);
    ASSERT_FALSE(h.log.empty());
    EXPECT_NE(h.log.back().find("reason=handshake"), std::string::npos) << h.log.back();
}

TEST(Hostile, AMessageOverTheCapIsRefused) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    auto r = h.run([&](Transport& t) -> Result<Message> {
        CANVASS_TRY(auto ch, raw_sync_channel(t, h.server_key.public_key, collector.keys));
        Hello huge{std::string(9u << 20, 'x')};
        CANVASS_TRY_VOID(ch.send(huge));
        return ch.receive();
    });
    if (r)
        EXPECT_EQ(error_code_of(r), ErrorCode::limit);
    else
        EXPECT_EQ(r.error().domain, Domain::protocol);  // refused locally: over our own cap
}

}  // namespace
}  // namespace canvass::sync::testing
