// Client and server sessions over a memory link, with in-memory replicas: push, pull, roles,
// resumption, idempotence, and what is refused.
#include <gtest/gtest.h>

#include <atomic>

#include "raw_client.hpp"
#include "sync_fixtures.hpp"

namespace canvass::sync::testing {
namespace {

TEST(Protocol, CollectorPushesItsChainAndTheServerAcknowledgesIt) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(10);
    auto report = h.sync(collector);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->stats.sent, 10u);
    EXPECT_EQ(report->stats.acknowledged, 10u);
    EXPECT_EQ(report->welcome.role, Role::collector);
    EXPECT_EQ(report->welcome.project, kProject);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 10u);
    EXPECT_EQ(collector.replica.all_chains().at(collector.keys.id).acknowledged, 10u);
    EXPECT_EQ(h.directory.memory_replica().state_digest(), collector.replica.state_digest());
}

TEST(Protocol, SyncWithNothingToDoIsOneSummaryEachWay) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(50);
    ASSERT_TRUE(h.sync(collector));
    int from_client = 0, from_server = 0;
    MemoryLinkOptions link;
    link.tap = [&](LinkSide side, std::span<const std::uint8_t>) {
        ++(side == LinkSide::first ? from_client : from_server);
        return true;
    };
    MemorySink sink;
    auto report = h.sync(collector, sink, link);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->stats.sent, 0u);
    EXPECT_EQ(report->stats.received, 0u);
    // Client: handshake 1 and 3, hello, summary, bye. Server: handshake 2, welcome, summary, bye.
    EXPECT_EQ(from_client, 5);
    EXPECT_EQ(from_server, 4);
    // And it does not grow with the database (beyond a seq taking a byte more to write).
    collector.author(500);
    ASSERT_TRUE(h.sync(collector));
    auto bigger = h.sync(collector);
    ASSERT_TRUE(bigger);
    EXPECT_LE(bigger->bytes_sent, report->bytes_sent + 4);
    EXPECT_LE(bigger->bytes_received, report->bytes_received + 4);
    EXPECT_LT(report->bytes_sent + report->bytes_received, 1000u);
}

TEST(Protocol, BatchesRespectTheServersLimitsAndWindow) {
    Harness h;
    h.limits.batch_changesets = 3;
    h.limits.window = 2;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(20);
    std::uint64_t most_unacked = 0;
    ClientOptions options;
    options.progress = [&](const ExchangeStats& s) {
        most_unacked = std::max(most_unacked, s.sent - s.acknowledged);
    };
    MemorySink sink;
    auto report = h.sync(collector, sink, {}, options);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->stats.batches_sent, 7u);
    EXPECT_LE(most_unacked, 6u);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 20u);
}

TEST(Protocol, CoordinatorPullsEveryChainAndReachesTheServersDigest) {
    Harness h;
    TestDevice a, b, coordinator;
    h.directory.add_device(a.keys, Role::collector);
    h.directory.add_device(b.keys, Role::collector);
    h.directory.add_device(coordinator.keys, Role::coordinator);
    a.author(7);
    b.author(12);
    ASSERT_TRUE(h.sync(a));
    ASSERT_TRUE(h.sync(b));
    auto report = h.sync(coordinator);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->stats.stored, 19u);
    EXPECT_EQ(coordinator.replica.changeset_count(), 19u);
    EXPECT_EQ(coordinator.replica.state_digest(), h.directory.memory_replica().state_digest());
    // A second pull is a no-op.
    auto again = h.sync(coordinator);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->stats.received, 0u);
}

// Issue 15: a pull commits one transaction per batch on the device, which has no other writer;
// the server sends batches of four times the size it takes, within what a client decodes.
TEST(Protocol, TheServerSendsBatchesFourTimesThoseItTakes) {
    EXPECT_EQ(server_send_limits(SyncLimits{}), (SyncLimits{1024, 2u << 20, 4}));
    EXPECT_EQ(server_send_limits(SyncLimits{1000, 4u << 20, 2}), (SyncLimits{1024, 2u << 20, 2}));
    Harness h;
    h.limits.batch_changesets = 3;
    TestDevice collector, coordinator;
    h.directory.add_device(collector.keys, Role::collector);
    h.directory.add_device(coordinator.keys, Role::coordinator);
    collector.author(24);
    auto pushed = h.sync(collector);
    ASSERT_TRUE(pushed);
    EXPECT_EQ(pushed->stats.batches_sent, 8u);  // 3 a batch, each ending at a signed head
    auto pulled = h.sync(coordinator);
    ASSERT_TRUE(pulled) << pulled.error().describe();
    EXPECT_EQ(pulled->stats.stored, 24u);
    EXPECT_EQ(pulled->stats.batches_received, 2u);  // 12 a batch
    EXPECT_EQ(coordinator.replica.state_digest(), h.directory.memory_replica().state_digest());
}

TEST(Protocol, CollectorNeverReceivesOtherDevicesChangesets) {
    Harness h;
    TestDevice a, b;
    h.directory.add_device(a.keys, Role::collector);
    h.directory.add_device(b.keys, Role::collector);
    a.author(5);
    b.author(5);
    ASSERT_TRUE(h.sync(a));
    auto report = h.sync(b);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->stats.received, 0u);
    EXPECT_EQ(b.replica.all_chains().size(), 1u);
    EXPECT_FALSE(b.replica.all_chains().contains(a.keys.id));
}

// Moves what `to` lacks of `from`'s chains, as a device-to-device relay would.
void relay(MemoryReplica& from, MemoryReplica& to, const merge::DeviceId& device) {
    Exchange::Options sender, receiver;
    sender.verify.project = receiver.verify.project = kProject;
    receiver.initiator = false;
    Exchange a(from, device_policy(Role::collector, device), sender);
    Exchange b(to, server_policy(Role::collector, device), receiver);
    std::vector<Message> to_b = a.start(), to_a;
    while (!(a.finished() && b.finished())) {
        ASSERT_FALSE(a.failed() || b.failed());
        ASSERT_FALSE(to_a.empty() && to_b.empty()) << "stalled";
        for (auto& m : std::exchange(to_b, {}))
            for (auto& r : b.receive(m)) to_a.push_back(std::move(r));
        for (auto& m : std::exchange(to_a, {}))
            for (auto& r : a.receive(m)) to_b.push_back(std::move(r));
    }
}

TEST(Protocol, OrganizerCarriesAnotherDevicesChangesetsToTheServer) {
    Harness h;
    TestDevice collector, organizer;
    h.directory.add_device(collector.keys, Role::collector);
    h.directory.add_device(organizer.keys, Role::organizer);
    collector.author(9);
    relay(collector.replica, organizer.replica, collector.keys.id);
    ASSERT_EQ(organizer.replica.changeset_count(), 9u);
    auto report = h.sync(organizer);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(report->stats.sent, 9u);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 9u);
    // The collector's own sync then has nothing left to send.
    auto direct = h.sync(collector);
    ASSERT_TRUE(direct);
    EXPECT_EQ(direct->stats.sent, 0u);
}

TEST(Protocol, InterruptedSyncResendsAtMostTheBatchesInFlight) {
    Harness h;
    h.limits.batch_changesets = 5;
    h.limits.window = 2;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(100);
    for (int cut_at : {6, 9, 13}) {
        TestDevice fresh;
        h.directory.add_device(fresh.keys, Role::collector);
        fresh.author(100);
        std::uint64_t sent_first = 0;
        int client_frames = 0;
        MemoryLinkOptions link;
        link.tap = [&](LinkSide side, std::span<const std::uint8_t>) {
            return side != LinkSide::first || ++client_frames < cut_at;
        };
        ClientOptions options;
        options.progress = [&](const ExchangeStats& s) { sent_first = s.sent; };
        MemorySink sink;
        auto first = h.sync(fresh, sink, link, options);
        ASSERT_FALSE(first);
        auto acked_first = fresh.replica.all_chains().at(fresh.keys.id).acknowledged;
        auto point = h.directory.memory_replica().chain_point(fresh.keys.id).value();
        std::uint64_t on_server = point ? point->seq : 0;
        EXPECT_GE(on_server, acked_first);  // every acknowledged changeset is there
        auto second = h.sync(fresh);
        ASSERT_TRUE(second) << second.error().describe();
        EXPECT_EQ(h.directory.memory_replica().all_chains().at(fresh.keys.id).encoded.size(), 100u);
        std::uint64_t resent = sent_first + second->stats.sent - 100;
        EXPECT_LE(resent, 10u) << "cut at client frame " << cut_at;
    }
}

TEST(Protocol, StorageFailureIsNeverAcknowledged) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(3);
    h.directory.memory_replica().fail_next_store();
    auto report = h.sync(collector);
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("try again later"), std::string::npos)
        << report.error().message;
    EXPECT_EQ(collector.replica.all_chains().at(collector.keys.id).acknowledged, 0u);
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
    ASSERT_TRUE(h.sync(collector));
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 3u);
}

TEST(Protocol, FarFutureClockIsFlaggedAndKept) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(1);
    collector.author(1, 4'070'908'800'000);  // 2099-01-01
    auto report = h.sync(collector);
    ASSERT_TRUE(report);
    auto& chain = h.directory.memory_replica().all_chains().at(collector.keys.id);
    EXPECT_EQ(chain.encoded.size(), 2u);
    EXPECT_EQ(chain.far_future, 1u);
}

TEST(Protocol, UnknownAndRevokedDevicesAreRefusedClearly) {
    Harness h;
    TestDevice stranger, revoked;
    h.directory.add_device(revoked.keys, Role::collector);
    h.directory.devices[revoked.keys.id].revoked = true;
    stranger.author(2);
    revoked.author(2);
    auto r1 = h.sync(stranger);
    ASSERT_FALSE(r1);
    EXPECT_EQ(r1.error().domain, Domain::auth);
    EXPECT_NE(r1.error().message.find("not enrolled"), std::string::npos) << r1.error().message;
    auto r2 = h.sync(revoked);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().domain, Domain::auth);
    EXPECT_NE(r2.error().message.find("revoked"), std::string::npos) << r2.error().message;
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

TEST(Protocol, WrongServerKeyPinnedIsRefusedByTheClient) {
    Harness h;
    TestDevice collector;
    h.directory.add_device(collector.keys, Role::collector);
    collector.author(2);
    auto impostor = crypto::generate_dh_key();
    MemorySink sink;
    auto r = h.run([&](Transport& t) {
        return run_client_sync(t, impostor.public_key, collector.keys, collector.replica, sink,
                               h.client_options());
    });
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("server key"), std::string::npos) << r.error().message;
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

}  // namespace
}  // namespace canvass::sync::testing
