// Two real canvass-server instances on one PostgreSQL database (started by the test), as a
// load balancer would put them: collectors sync to either at random, an organizer relays
// the same chains to the other at the same moment, a coordinator syncs from both. At the end
// both instances and the coordinator have one state digest, nothing is stored twice and no
// equivocation is reported. Then one instance is killed mid-push while the other keeps
// serving: nothing acknowledged is lost.
#include <random>
#include <thread>

#include "postgres_fixture.hpp"
#include "server_harness.hpp"
#include "sync/exchange.hpp"

namespace canvass::server_test {
namespace {

// Copies `device`'s chain from `from` into `to`, as a device-to-device relay carries it.
void carry(sync::MemoryReplica& from, sync::MemoryReplica& to, const merge::DeviceId& device) {
    sync::Exchange::Options sender, receiver;
    sender.verify.project = receiver.verify.project = "demo";
    receiver.initiator = false;
    sync::Exchange a(from, sync::device_policy(sync::Role::collector, device), sender);
    sync::Exchange b(to, sync::server_policy(sync::Role::collector, device), receiver);
    std::vector<sync::Message> to_b = a.start(), to_a;
    while (!(a.finished() && b.finished())) {
        ASSERT_FALSE(a.failed() || b.failed());
        ASSERT_FALSE(to_a.empty() && to_b.empty()) << "stalled";
        for (auto& m : std::exchange(to_b, {}))
            for (auto& r : b.receive(m)) to_a.push_back(std::move(r));
        for (auto& m : std::exchange(to_a, {}))
            for (auto& r : a.receive(m)) to_b.push_back(std::move(r));
    }
}

// Two instances sharing one database: each its own data directory holding the same server
// key and DIR/database naming the shared database, as docs/server.md deploys them.
struct TwoInstances : ::testing::Test {
    testing::TempDir tmp_a, tmp_b;
    std::string data_a = tmp_a / "data", data_b = tmp_b / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();
    std::optional<RunningServer> a, b;

    void SetUp() override {
        CANVASS_REQUIRE_POSTGRES();
        auto url = pg_test::PostgresServer::get().create_database();
        auto init = server_command(tmp_a, data_a, {"--database", url, "init"});
        ASSERT_EQ(init.exit_code, 0) << init.err;
        std::filesystem::create_directories(data_b);
        for (const char* f : {"server.key", "server.pub", "database"})
            std::filesystem::copy_file(std::filesystem::path(data_a) / f,
                                       std::filesystem::path(data_b) / f);
        auto created = server_command(tmp_a, data_a,
                                      {"project", "create", "demo", "--recipients",
                                       recipients_file(tmp_a, "demo", coordinator_key)});
        ASSERT_EQ(created.exit_code, 0) << created.err;
        a.emplace(tmp_a, data_a,
                  std::vector<std::string>{"--batch-changesets", "40", "--window", "3"});
        b.emplace(tmp_b, data_b,
                  std::vector<std::string>{"--batch-changesets", "40", "--window", "3"});
        a->start();
        b->start();
    }

    RunningServer& instance(int i) { return i == 0 ? *a : *b; }
    void enroll(Device& d, const std::string& role, int at) {
        // Minted through the other instance's data directory: one database behind both.
        auto token = mint_token(at == 0 ? tmp_b : tmp_a, at == 0 ? data_b : data_a,
                                instance(at).address(), role);
        auto enrolled = d.enroll(token);
        ASSERT_TRUE(enrolled) << enrolled.error().describe();
    }
    Result<sync::SyncReport> sync_to(Device& d, int at) {
        d.address = instance(at).address();
        return d.sync();
    }
};

TEST_F(TwoInstances, CollectorsAndARelayAtBothInstancesAtOnceConvergeWithNothingTwice) {
    std::mt19937 random(1707);
    constexpr int kCollectors = 5, kRounds = 4;
    std::vector<Device> collectors(kCollectors);
    Device organizer, coordinator;
    for (auto& c : collectors) enroll(c, "collector", static_cast<int>(random() % 2));
    enroll(organizer, "organizer", 0);
    enroll(coordinator, "coordinator", 1);
    std::uint64_t authored = 0;
    for (int round = 0; round < kRounds; ++round) {
        for (auto& c : collectors) {
            int n = 20 + static_cast<int>(random() % 60);
            c.author(n, "demo");
            authored += static_cast<std::uint64_t>(n);
            carry(c.replica, organizer.replica, c.keys.id);
            // The collector syncs to one instance while the organizer relays its same chain
            // to the other.
            const int here = static_cast<int>(random() % 2);
            Result<sync::SyncReport> direct = unexpected(Domain::core, errc::io, "not run"),
                                     relayed = direct;
            std::thread collector_sync([&] { direct = sync_to(c, here); });
            std::thread organizer_sync([&] { relayed = sync_to(organizer, 1 - here); });
            collector_sync.join();
            organizer_sync.join();
            ASSERT_TRUE(direct) << direct.error().describe();
            ASSERT_TRUE(relayed) << relayed.error().describe();
            EXPECT_TRUE(direct->equivocations.empty());
            EXPECT_TRUE(relayed->equivocations.empty());
            EXPECT_EQ(direct->stats.evidence + relayed->stats.evidence, 0u);
        }
    }
    // Every collector's chain is acknowledged to it, by whichever instance.
    for (auto& c : collectors) {
        auto again = sync_to(c, static_cast<int>(random() % 2));
        ASSERT_TRUE(again) << again.error().describe();
        EXPECT_EQ(again->stats.sent, 0u);
        EXPECT_EQ(c.replica.all_chains().at(c.keys.id).acknowledged, c.seq);
    }
    auto from_a = sync_to(coordinator, 0);
    ASSERT_TRUE(from_a) << from_a.error().describe();
    auto from_b = sync_to(coordinator, 1);
    ASSERT_TRUE(from_b) << from_b.error().describe();
    EXPECT_EQ(from_b->stats.stored, 0u);  // instance b had nothing a did not
    EXPECT_EQ(coordinator.replica.changeset_count(), authored);
    auto stats_a = project_stats(tmp_a, data_a), stats_b = project_stats(tmp_b, data_b);
    EXPECT_EQ(stats_a["changesets"], authored);
    EXPECT_EQ(stats_a["equivocations"], 0);
    EXPECT_EQ(stats_a["equivocating_devices"], 0);
    EXPECT_EQ(stats_a["state_digest"], crypto::to_hex(coordinator.replica.state_digest()));
    EXPECT_EQ(stats_b["state_digest"], stats_a["state_digest"]);
    EXPECT_EQ(stats_b["records"], authored);
    EXPECT_EQ(a->stop(), 0);
    EXPECT_EQ(b->stop(), 0);
}

TEST_F(TwoInstances, AnInstanceKilledMidPushLosesNothingAcknowledgedAndTheOtherServesOn) {
    Device device;
    enroll(device, "collector", 0);
    const int total = 2000;
    device.author(total, "demo");
    bool killed = false;
    device.address = a->address();
    auto first = device.sync([&](const sync::ExchangeStats& s) {
        if (!killed && s.acknowledged >= 600) {
            ::kill(a->pid(), SIGKILL);
            killed = true;
        }
    });
    ASSERT_TRUE(killed);
    ASSERT_FALSE(first);
    a->kill_now();
    auto acknowledged = device.replica.all_chains().at(device.keys.id).acknowledged;
    EXPECT_GE(acknowledged, 600u);
    // The surviving instance serves the rest at once; only what was in flight is sent again.
    auto second = sync_to(device, 1);
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_LE(second->stats.sent, static_cast<std::uint64_t>(total) - acknowledged);
    auto stats = project_stats(tmp_b, data_b);
    EXPECT_EQ(stats["changesets"], total);
    EXPECT_EQ(stats["equivocations"], 0);
    auto check = server_command(tmp_b, data_b, {"stats", "--json"});
    EXPECT_EQ(check.exit_code, 0) << check.err;
    EXPECT_EQ(b->stop(), 0);
}

TEST_F(TwoInstances, ATokenNamingBothInstancesReachesTheOneThatAnswers) {
    const std::string both = a->address() + "," + b->address();
    auto token = server_command(tmp_a, data_a,
                                {"token", "create", "--project", "demo", "--role", "collector",
                                 "--address", both, "--json"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    ASSERT_EQ(a->stop(), 0);  // the first address no longer answers
    Device device;
    auto enrolled = device.enroll(nlohmann::json::parse(token.out).at("token").get<std::string>());
    ASSERT_TRUE(enrolled) << enrolled.error().describe();
    EXPECT_EQ(device.address, both);
    device.author(30, "demo");
    auto synced = device.sync();  // through the second address, the first still down
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.acknowledged, 30u);
    auto none = net::connect_tcp(a->address() + "," + a->address());
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message.find("no server address answered"), std::string::npos)
        << none.error().message;
    EXPECT_FALSE(net::parse_addresses(b->address() + ",nowhere"));
    EXPECT_EQ(b->stop(), 0);
}

}  // namespace
}  // namespace canvass::server_test
