// Relays carry, they do not vouch: a real server merges into a project only chains of
// devices enrolled in it. Work of a device that has not enrolled yet is held apart and joins
// when it enrolls, decryptable by the coordinators; what a revoked device made after its
// revocation is held apart for good. Nothing held apart reaches a coordinator.
#include "field_device.hpp"
#include "sync/bundle.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;

struct AdmissionTest : DemoServerTest {
    Device organizer, coordinator;

    void SetUp() override {
        DemoServerTest::SetUp();
        ASSERT_TRUE(organizer.enroll(token("organizer")));
        ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    }

    // The organizer picks up every chain of `from` (a bundle, as in the field) and syncs.
    void carry(sync::Replica& from) {
        std::string path = tmp / "carried.bundle";
        ASSERT_TRUE(sync::write_bundle(from, nullptr, path));
        auto read = sync::read_bundle(organizer.replica, nullptr, path, "demo", 1'790'000'000'000);
        ASSERT_TRUE(read) << read.error().describe();
        auto synced = organizer.sync();
        ASSERT_TRUE(synced) << synced.error().describe();
    }

    std::uint64_t coordinator_holds(const merge::DeviceId& device) {
        auto synced = coordinator.sync();
        EXPECT_TRUE(synced) << synced.error().describe();
        auto point = coordinator.replica.chain_point(device);
        EXPECT_TRUE(point);
        return point && *point ? (*point)->seq : 0;
    }
};

TEST_F(AdmissionTest, AChainOfADeviceNobodyEnrolledIsHeldApartAndNeverReachesTheCoordinator) {
    Device stranger;  // a key made up by anyone, naming the right project
    stranger.author(5, "demo");
    carry(stranger.replica);
    auto s = stats();
    EXPECT_EQ(s.at("held_changesets"), 5);
    EXPECT_EQ(s.at("held_devices"), 1);
    EXPECT_EQ(s.at("changesets"), 0);
    EXPECT_EQ(coordinator_holds(stranger.keys.id), 0u);
    // The organizer was told they are durably held: it does not send them again.
    auto again = organizer.sync();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->stats.sent, 0u);
}

TEST_F(AdmissionTest, WorkSavedBeforeEnrollingJoinsWhenTheDeviceEnrollsAndTheCoordinatorCanOpenIt) {
    auto field = FieldDevice::create(tmp / "field");
    auto epoch = field.interview("Amina");
    field.interview("Bongani");
    sync::DeviceReplica field_replica(field.store);
    carry(field_replica);
    EXPECT_EQ(stats().at("held_changesets"), 2);
    EXPECT_EQ(coordinator_holds(field.store.keys().id), 0u);

    // The phone reaches a network and enrolls: its carried work joins the project.
    ASSERT_TRUE(field.enroll(token("collector")));
    EXPECT_EQ(stats().at("held_changesets"), 0);
    EXPECT_EQ(stats().at("changesets"), 2);
    // Its first sync sends the epoch grants it made on enrolling, though every changeset
    // is already there, and the coordinator receives them.
    auto synced = field.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 1u) << "only the last changeset again, to carry the grants";
    EXPECT_EQ(coordinator_holds(field.store.keys().id), 2u);
    auto grants = coordinator.replica.grants(field.store.keys().id);
    ASSERT_TRUE(grants);
    bool opened = false;
    for (const auto& bytes : *grants) {
        auto g = store::decode_grant(bytes);
        ASSERT_TRUE(g);
        if (g->recipient == coordinator_key.public_key && g->epoch == epoch)
            opened = store::open_grant(*g, coordinator_key).has_value();
    }
    EXPECT_TRUE(opened) << "the grants made at enrollment never reached the coordinator";
}

TEST_F(AdmissionTest, WhatAnOrganizerOrALostAcknowledgementDeliveredShowsAsDelivered) {
    auto field = FieldDevice::create(tmp / "field");
    ASSERT_TRUE(field.enroll(token("collector")));
    field.interview("Amina");
    field.interview("Bongani");
    EXPECT_EQ(*field.unsent(), 2u);
    sync::DeviceReplica field_replica(field.store);
    carry(field_replica);  // the organizer delivers them
    auto synced = field.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 0u);
    EXPECT_EQ(*field.unsent(), 0u) << "the server holds them: they are delivered";

    // A crash lost the acknowledgement of the next one: the server's summary repairs it.
    field.interview("Chidi");
    ASSERT_TRUE(field.sync());
    tamper(field.home + "/device.db", "UPDATE devices SET acked = 0");
    EXPECT_EQ(*field.unsent(), 3u);
    auto repaired = field.sync();
    ASSERT_TRUE(repaired);
    EXPECT_EQ(repaired->stats.sent, 0u);
    EXPECT_EQ(*field.unsent(), 0u);
}

TEST_F(AdmissionTest, AnOrganizersStatusShowsTheCarriedChangesetsItHasNotPushedYet) {
    auto field = FieldDevice::create(tmp / "field");
    ASSERT_TRUE(field.enroll(token("collector")));
    field.interview("Amina");
    field.interview("Bongani");
    auto relay = FieldDevice::create(tmp / "relay");
    ASSERT_TRUE(relay.enroll(token("organizer")));
    std::string path = tmp / "picked-up.bundle";
    sync::DeviceReplica field_replica(field.store);
    ASSERT_TRUE(sync::write_bundle(field_replica, nullptr, path));
    sync::DeviceReplica relay_replica(relay.store);
    auto read = sync::read_bundle(relay_replica, nullptr, path, "demo", 1'790'000'000'000);
    ASSERT_TRUE(read) << read.error().describe();
    auto before = relay.store.status();
    ASSERT_TRUE(before);
    EXPECT_EQ(before->carried, 2u);
    EXPECT_EQ(before->carried_unsent, 2u) << "carried, not yet pushed";

    auto pushed = relay.sync();
    ASSERT_TRUE(pushed) << pushed.error().describe();
    EXPECT_EQ(pushed->stats.acknowledged, 2u);
    auto after = relay.store.status();
    ASSERT_TRUE(after);
    EXPECT_EQ(after->carried, 2u);
    EXPECT_EQ(after->carried_unsent, 0u);
    // And the collector sees its work delivered at its next sync.
    auto synced = field.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 0u);
    EXPECT_EQ(*field.unsent(), 0u);
}

TEST_F(AdmissionTest, WhatARevokedDeviceMadeAfterItsRevocationIsHeldApart) {
    Device collector;
    ASSERT_TRUE(collector.enroll(token("collector")));
    collector.author(3, "demo");
    ASSERT_TRUE(collector.sync());
    ASSERT_EQ(server_command(tmp, data, {"revoke", crypto::to_hex(collector.keys.id)}).exit_code,
              0);
    collector.author(2, "demo");
    EXPECT_FALSE(collector.sync()) << "a revoked device cannot sync itself";
    carry(collector.replica);  // but an organizer may still carry its chain
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 3);
    EXPECT_EQ(s.at("held_changesets"), 2);
    EXPECT_EQ(coordinator_holds(collector.keys.id), 3u);
}

}  // namespace
}  // namespace canvass::server_test
