// What a device is told when the server is short of room, and what it makes of it: busy,
// full disk, a connection lost, a wrong key, each in its own words.
#include <gtest/gtest.h>

#include <thread>

#include "raw_client.hpp"
#include "store/sqlite.hpp"
#include "sync/handshake_hint.hpp"
#include "sync/memory_transport.hpp"

namespace canvass::sync::testing {
namespace {

constexpr int kSqliteFull = 13;  // SQLITE_FULL, as the server's store reports a full disk

// Runs a sync against a server thread that does `serve` with its end of the link.
template <class F>
Result<SyncReport> sync_against(Harness& h, TestDevice& device, F&& serve) {
    auto [c, s] = memory_transport_pair();
    std::thread server([&, t = s.get()] {
        serve(*t);
        t->close();
    });
    MemorySink sink;
    auto r = run_client_sync(*c, h.server_key.public_key, device.keys, device.replica, sink,
                             h.client_options());
    c->close();
    server.join();
    return r;
}

TEST(LoadRefusals, ABusyHintInPlaceOfMessage2IsReportedAsBusy) {
    Harness h;
    TestDevice device;
    auto r = sync_against(h, device, [](Transport& t) {
        (void)t.receive_frame();
        (void)t.send_frame(handshake_hint_frame(HandshakeHint::busy));
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::net);
    EXPECT_EQ(r.error().code, errc::unavailable);
    EXPECT_EQ(r.error().message, "the server is busy, try again in a minute");
}

TEST(LoadRefusals, AWrongKeyHintIsReportedAsAWrongKey) {
    Harness h;
    TestDevice device;
    auto r = sync_against(h, device, [](Transport& t) {
        (void)t.receive_frame();
        (void)t.send_frame(handshake_hint_frame(HandshakeHint::wrong_key));
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::wrong_key) << r.error().describe();
    EXPECT_NE(r.error().message.find("does not hold the server key this device trusts"),
              std::string::npos);
}

TEST(LoadRefusals, AServerThatVanishesDuringTheHandshakeIsALostConnectionNotAWrongKey) {
    Harness h;
    TestDevice device;
    auto r = sync_against(h, device, [](Transport& t) { (void)t.receive_frame(); });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::net) << r.error().describe();
    EXPECT_EQ(r.error().code, errc::io);
    EXPECT_NE(r.error().message.find("lost the connection"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("key"), std::string::npos) << r.error().message;
}

TEST(LoadRefusals, AServerOfAnotherKeyTellsTheDeviceSo) {
    Harness h;
    TestDevice device;
    h.directory.add_device(device.keys, Role::collector);
    auto impostor = crypto::generate_dh_key();
    auto r = sync_against(h, device, [&](Transport& t) {
        ServerSession session(h.directory, impostor, h.server_options());
        (void)serve_blocking(t, session);
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::wrong_key) << r.error().describe();
}

TEST(LoadRefusals, ASessionTheServerHasNoRoomForIsToldItIsBusy) {
    Harness h;
    TestDevice device;
    h.directory.add_device(device.keys, Role::collector);
    device.author(2);
    auto r = sync_against(h, device, [&](Transport& t) {
        auto options = h.server_options();
        options.admit = [] { return false; };
        ServerSession session(h.directory, h.server_key, options);
        (void)serve_blocking(t, session);
    });
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unavailable) << r.error().describe();
    EXPECT_EQ(r.error().message, "the server is busy, try again in a minute");
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 0u);
}

TEST(LoadRefusals, AFullDiskReachesTheDeviceAsAFullDisk) {
    Harness h;
    TestDevice device;
    h.directory.add_device(device.keys, Role::collector);
    device.author(3);
    Error full{Domain::sqlite, kSqliteFull, "cannot store the batch: database or disk is full"};
    ASSERT_TRUE(store::is_disk_full(full));
    h.directory.memory_replica().fail_next_store(full);
    auto r = h.sync(device);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unavailable) << r.error().describe();
    EXPECT_NE(r.error().message.find("the server's disk is full"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("internal"), std::string::npos) << r.error().message;
    EXPECT_EQ(device.replica.all_chains().at(device.keys.id).acknowledged, 0u);
    ASSERT_TRUE(h.sync(device));  // once there is room again, everything goes through
    EXPECT_EQ(h.directory.memory_replica().changeset_count(), 3u);
}

TEST(AssemblyBudget, MessagesBeyondTheFreeWindowTakeFromTheSharedBudgetAndGiveItBack) {
    AssemblyBudget budget(1u << 20);
    MessageAssembler a(8u << 20, &budget, 64u << 10);
    Bytes chunk(1 + 60000, 0x01);  // flag "more", then 60,000 bytes
    ASSERT_TRUE(a.add(chunk));
    EXPECT_EQ(budget.used(), 0u);  // within the free window
    ASSERT_TRUE(a.add(chunk));
    EXPECT_GT(budget.used(), 0u);
    EXPECT_EQ(budget.used(), a.charged());
    chunk[0] = 0x00;
    auto done = a.add(chunk);
    ASSERT_TRUE(done && *done);
    EXPECT_EQ((*done)->size(), 180000u);
    EXPECT_EQ(budget.used(), 0u);
}

TEST(AssemblyBudget, ASessionThatFindsNoBudgetIsRefusedAsUnavailableAndOthersKeepTheirs) {
    AssemblyBudget budget(200u << 10);
    Bytes chunk(1 + 65000, 0x01);
    MessageAssembler first(8u << 20, &budget, 64u << 10);
    Result<std::optional<Bytes>> r = std::optional<Bytes>{};
    while (r) r = first.add(chunk);
    EXPECT_EQ(r.error().domain, Domain::net);
    EXPECT_EQ(r.error().code, errc::unavailable);
    EXPECT_LE(budget.used(), budget.total());
    {
        MessageAssembler second(8u << 20, &budget, 64u << 10);
        ASSERT_TRUE(second.add(chunk));  // the free window needs nothing from the budget
        EXPECT_FALSE(second.add(chunk));
    }
    auto held = first.charged();
    EXPECT_EQ(budget.used(), held);
    first = MessageAssembler(1024, &budget);  // the old one gives back what it held
    EXPECT_EQ(budget.used(), 0u);
}

}  // namespace
}  // namespace canvass::sync::testing
