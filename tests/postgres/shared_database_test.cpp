// Two stores on one PostgreSQL database, each with its own connection and thread, as two
// canvass-server instances are: what both receive at once is stored once, gap-free; a fork
// that reaches both at once is evidence whichever commits first; a token enrolls once.
#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "server/pg_store.hpp"
#include "postgres_fixture.hpp"
#include "store/recipients.hpp"
#include "sync/memory_replica.hpp"
#include "test_chain.hpp"

namespace canvass::pg_test {
namespace {

constexpr std::uint64_t kNow = 1'790'000'000;

struct SharedDatabase : ::testing::Test {
    std::string url;
    std::unique_ptr<server::ServerStore> a, b;  // two instances

    void SetUp() override {
        CANVASS_REQUIRE_POSTGRES();
        url = PostgresServer::get().create_database();
        auto first = server::open_postgres_store(url);
        ASSERT_TRUE(first) << first.error().describe();
        auto second = server::open_postgres_store(url);
        ASSERT_TRUE(second) << second.error().describe();
        a = std::move(*first);
        b = std::move(*second);
        ASSERT_TRUE(a->create_project(
            "demo", store::first_statement("demo", crypto::generate_dh_key()), kNow));
    }

    void enroll(const store::DeviceKeys& keys) {
        sync::TokenRecord token{crypto::random_array<16>(),
                                crypto::SecretBytes::random(32),
                                "demo",
                                sync::Role::collector,
                                kNow + 3600,
                                false,
                                ""};
        ASSERT_TRUE(a->create_token(token, kNow));
        sync::DeviceRecord d{keys.id,
                             "demo",
                             sync::Role::collector,
                             keys.signing.public_key,
                             keys.transport.public_key,
                             kNow,
                             false,
                             "",
                             0};
        ASSERT_TRUE(b->enroll_device(token.id, d));
    }
};

TEST_F(SharedDatabase, OneChainReceivedByTwoInstancesAtOnceIsStoredOnceAndGapFree) {
    constexpr int kDevices = 6, kLength = 60;
    std::vector<store::DeviceKeys> keys;
    std::vector<TestChain> chains;
    keys.reserve(kDevices);
    for (int i = 0; i < kDevices; ++i) {
        keys.push_back(store::generate_device_keys());
        enroll(keys.back());
    }
    for (auto& k : keys) {
        chains.emplace_back(k);
        chains.back().extend(kLength);
    }
    // Each instance receives every chain in runs of its own cut, each verified against a point
    // the other instance may have passed meanwhile: the device pushing to one, an organizer
    // relaying it to the other.
    auto push = [&](server::ServerStore& store,
                    std::vector<std::pair<std::uint64_t, std::uint64_t>> cuts, std::latch& start,
                    std::vector<Error>& failures) {
        auto* replica = store.replica("demo").value();
        start.arrive_and_wait();
        for (const auto& [first, last] : cuts)
            for (const auto& c : chains)
                if (auto stored = replica->store(c.batch(first, last)); !stored)
                    failures.push_back(stored.error());
    };
    std::latch start(2);
    std::vector<Error> failures_a, failures_b;
    std::thread ta(
        push, std::ref(*a),
        std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 20}, {21, 40}, {41, 60}},
        std::ref(start), std::ref(failures_a));
    std::thread tb(push, std::ref(*b),
                   std::vector<std::pair<std::uint64_t, std::uint64_t>>{{1, 25}, {1, 45}, {30, 60}},
                   std::ref(start), std::ref(failures_b));
    ta.join();
    tb.join();
    // Each instance's runs continue what it stored itself: none may fail, whatever the other did.
    for (const auto& e : failures_a) ADD_FAILURE() << e.describe();
    for (const auto& e : failures_b) ADD_FAILURE() << e.describe();
    auto stats = a->stats("demo", kNow);
    ASSERT_TRUE(stats) << stats.error().describe();
    EXPECT_EQ(stats->changesets, std::uint64_t{kDevices} * kLength);
    EXPECT_EQ(stats->equivocations, 0u);
    EXPECT_EQ(stats->equivocating_devices, 0u);
    for (const auto& c : chains) {
        auto point = b->replica("demo").value()->chain_point(c.keys->id);
        ASSERT_TRUE(point && *point);
        EXPECT_EQ((*point)->seq, std::uint64_t{kLength});
        EXPECT_EQ((*point)->hash, c.changesets.back().hash);
    }
    auto check = b->integrity_check();
    ASSERT_TRUE(check);
    EXPECT_EQ(*check, "ok");
}

TEST_F(SharedDatabase, AForkReachingTwoInstancesAtOnceIsEvidenceWhicheverCommitsFirst) {
    constexpr int kRounds = 8;
    std::uint64_t expected_evidence = 0;
    for (int round = 0; round < kRounds; ++round) {
        auto keys = store::generate_device_keys();
        enroll(keys);
        TestChain chain{keys};
        chain.extend(5);
        ASSERT_TRUE(a->replica("demo").value()->store(chain.batch(1, 5)));
        auto x = chain.prefix(5), y = chain.prefix(5);
        x.extend(5);  // 6..10
        y.extend(4);  // 6..9, another history of the same device
        std::latch start(2);
        Result<void> stored_x, stored_y;
        std::thread tx([&] {
            start.arrive_and_wait();
            stored_x = a->replica("demo").value()->store(x.batch(6, 10));
        });
        std::thread ty([&] {
            start.arrive_and_wait();
            stored_y = b->replica("demo").value()->store(y.batch(6, 9));
        });
        tx.join();
        ty.join();
        ASSERT_TRUE(stored_x) << stored_x.error().describe();
        ASSERT_TRUE(stored_y) << stored_y.error().describe();
        auto point = a->replica("demo").value()->chain_point(keys.id);
        ASSERT_TRUE(point && *point);
        // One history is the chain, whole; the other is evidence, whole, as it would be had
        // it reached a single server second.
        if ((*point)->seq == 10) {
            EXPECT_EQ((*point)->hash, x.changesets.back().hash);
            expected_evidence += 4;
        } else {
            EXPECT_EQ((*point)->seq, 9u);
            EXPECT_EQ((*point)->hash, y.changesets.back().hash);
            expected_evidence += 5;
        }
    }
    auto stats = b->stats("demo", kNow);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->equivocations, expected_evidence);
    EXPECT_EQ(stats->equivocating_devices, std::uint64_t{kRounds});
    auto check = a->integrity_check();
    ASSERT_TRUE(check);
    EXPECT_EQ(*check, "ok");
}

TEST_F(SharedDatabase, ATokenUsedAtTwoInstancesAtOnceEnrollsOneDevice) {
    sync::TokenRecord token{crypto::random_array<16>(),
                            crypto::SecretBytes::random(32),
                            "demo",
                            sync::Role::collector,
                            kNow + 3600,
                            false,
                            ""};
    ASSERT_TRUE(a->create_token(token, kNow));
    auto k1 = store::generate_device_keys(), k2 = store::generate_device_keys();
    sync::DeviceRecord d1{k1.id,
                          "demo",
                          sync::Role::collector,
                          k1.signing.public_key,
                          k1.transport.public_key,
                          kNow,
                          false,
                          "",
                          0};
    sync::DeviceRecord d2{k2.id,
                          "demo",
                          sync::Role::collector,
                          k2.signing.public_key,
                          k2.transport.public_key,
                          kNow,
                          false,
                          "",
                          0};
    std::latch start(2);
    Result<void> e1, e2;
    std::thread t1([&] {
        start.arrive_and_wait();
        e1 = a->enroll_device(token.id, d1);
    });
    std::thread t2([&] {
        start.arrive_and_wait();
        e2 = b->enroll_device(token.id, d2);
    });
    t1.join();
    t2.join();
    EXPECT_NE(e1.has_value(), e2.has_value());
    const auto& refused = e1 ? e2 : e1;
    if (!refused) {
        EXPECT_EQ(refused.error().code, errc::already_exists) << refused.error().describe();
    }
    auto devices = a->devices();
    ASSERT_TRUE(devices);
    EXPECT_EQ(devices->size(), 1u);
}

TEST_F(SharedDatabase, RecordStatesStoredByBothInstancesAtOnceKeepTheDigest) {
    auto keys = store::generate_device_keys();
    enroll(keys);
    TestChain chain{keys};
    chain.extend(300);
    sync::MemoryReplica coordinator;
    ASSERT_TRUE(coordinator.store(chain.batch(1, 300)));
    // Pushes and both instances' record keepers (each with a connection of its own, as
    // RecordKeeper has), all at once.
    auto keeper_a = server::open_postgres_store(url), keeper_b = server::open_postgres_store(url);
    ASSERT_TRUE(keeper_a && keeper_b);
    std::latch start(3);
    std::thread pusher([&] {
        start.arrive_and_wait();
        for (std::uint64_t first = 1; first <= 300; first += 25)
            EXPECT_TRUE(a->replica("demo").value()->store(chain.batch(first, first + 24)));
    });
    auto keep = [&](server::ServerStore& store) {
        start.arrive_and_wait();
        for (int i = 0; i < 200; ++i) {
            auto done = store.catch_up_record_states(16);
            ASSERT_TRUE(done) << done.error().describe();
        }
    };
    std::thread ka(keep, std::ref(**keeper_a)), kb(keep, std::ref(**keeper_b));
    pusher.join();
    ka.join();
    kb.join();
    auto stats = b->stats("demo", kNow);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->records, 300u);
    EXPECT_EQ(stats->state_digest, coordinator.state_digest());
    for (;;) {
        auto done = a->catch_up_record_states(64);
        ASSERT_TRUE(done);
        if (*done == 0) break;
    }
    auto after = a->stats("demo", kNow);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->state_digest, coordinator.state_digest());
}

}  // namespace
}  // namespace canvass::pg_test
