// Who may change a record, as the server enforces it on every batch (merge/authority.hpp):
// its creator or a coordinator; a change by anyone else refuses the batch by name, stores
// nothing of it and flags the author. A relay's batch loses only the offending run.
#include <gtest/gtest.h>

#include "sync_fixtures.hpp"

namespace canvass::sync::testing {
namespace {

// Moves `device`'s chain from one replica to another, as a device-to-device relay would.
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

struct AuthorityTest : ::testing::Test {
    Harness h;
    TestDevice alice, mallory;
    merge::RecordId alices_record{};

    void SetUp() override {
        h.directory.add_device(alice.keys, Role::collector);
        h.directory.add_device(mallory.keys, Role::collector);
        alice.author(2);
        alices_record = alice.record_of(1);
        ASSERT_TRUE(h.sync(alice));
    }
    std::size_t held() { return h.directory.memory_replica().changeset_count(); }
};

TEST_F(AuthorityTest, TheCreatorEditsAndDeletesItsOwnRecord) {
    alice.change(alices_record);
    alice.change(alices_record, merge::OpKind::delete_record);
    auto report = h.sync(alice);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(held(), 4u);
    EXPECT_TRUE(h.directory.flagged.empty());
}

TEST_F(AuthorityTest, AnotherCollectorsEditIsRefusedByNameAndNothingOfItsBatchIsStored) {
    mallory.author(1);              // an honest interview first, in the same batch
    mallory.change(alices_record);  // then the forged edit, seq 2
    auto r = h.sync(mallory);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::auth) << r.error().describe();
    const auto& m = r.error().message;
    EXPECT_NE(m.find("refused (forbidden)"), std::string::npos) << m;
    EXPECT_NE(m.find("device " + crypto::to_hex(mallory.keys.id)), std::string::npos) << m;
    EXPECT_NE(m.find("record " + merge::format_uuid(alices_record)), std::string::npos) << m;
    EXPECT_NE(m.find("seq 2"), std::string::npos) << m;
    EXPECT_EQ(held(), 2u);  // only alice's
    EXPECT_FALSE(h.directory.memory_replica().all_chains().contains(mallory.keys.id));
    ASSERT_EQ(h.directory.flagged.size(), 1u);
    EXPECT_EQ(h.directory.flagged[0].change.device, mallory.keys.id);
    EXPECT_EQ(h.directory.flagged[0].change.record, alices_record);
    EXPECT_EQ(h.directory.flagged[0].change.seq, 2u);
    EXPECT_EQ(h.directory.flagged[0].change.creator, alice.keys.id);
}

TEST_F(AuthorityTest, ADeleteOfAnotherDevicesRecordIsRefusedToo) {
    mallory.change(alices_record, merge::OpKind::delete_record);
    auto r = h.sync(mallory);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("may not change record"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(held(), 2u);
}

TEST_F(AuthorityTest, ACoordinatorMayChangeAnyRecord) {
    TestDevice coordinator;
    h.directory.add_device(coordinator.keys, Role::coordinator);
    coordinator.change(alices_record);
    auto report = h.sync(coordinator);
    ASSERT_TRUE(report) << report.error().describe();
    EXPECT_EQ(held(), 3u);
}

TEST_F(AuthorityTest, ARevokedCoordinatorIsNoLongerOne) {
    TestDevice coordinator;
    h.directory.add_device(coordinator.keys, Role::coordinator);
    h.directory.devices[coordinator.keys.id].role =
        Role::collector;  // what its enrollment says now
    coordinator.change(alices_record);
    EXPECT_FALSE(h.sync(coordinator));
    EXPECT_EQ(held(), 2u);
}

TEST_F(AuthorityTest, AnOrganizerRelayingAForgedChainHasThatChainRefusedAloneAndDeliversTheRest) {
    TestDevice organizer, bob;
    h.directory.add_device(organizer.keys, Role::organizer);
    h.directory.add_device(bob.keys, Role::collector);
    bob.author(3);                  // honest work the organizer also carries
    mallory.author(1);              // seq 1: honest
    mallory.change(alices_record);  // seq 2: forged
    relay(bob.replica, organizer.replica, bob.keys.id);
    relay(mallory.replica, organizer.replica, mallory.keys.id);

    auto r = h.sync(organizer);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(held(), 5u);  // alice's and bob's; nothing of mallory's run
    ASSERT_EQ(r->refused.size(), 1u);
    EXPECT_EQ(r->refused[0].device, mallory.keys.id);
    EXPECT_EQ(r->refused[0].seq, 2u);
    EXPECT_EQ(r->refused[0].code, ErrorCode::forbidden);
    EXPECT_NE(r->refused[0].message.find("record " + merge::format_uuid(alices_record)),
              std::string::npos)
        << r->refused[0].message;
    EXPECT_EQ(organizer.replica.refused_from(mallory.keys.id).value(),
              std::optional<std::uint64_t>(2));
    ASSERT_EQ(h.directory.flagged.size(), 1u);
    EXPECT_EQ(h.directory.flagged[0].change.device, mallory.keys.id);
    EXPECT_EQ(h.directory.flagged[0].delivered_by, organizer.keys.id);

    // The next sync sends nothing of that chain: what lies below the forged changeset has no
    // head of its own here (the relay received one run, signed at seq 2), and a relay cannot
    // sign one.
    auto again = h.sync(organizer);
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_TRUE(again->refused.empty());
    EXPECT_EQ(again->stats.sent, 0u);
    EXPECT_EQ(held(), 5u);
    EXPECT_EQ(h.directory.flagged.size(), 1u);
}

TEST_F(AuthorityTest, WhatARelayHoldsSignedBelowARefusedChangesetStillGoesThrough) {
    TestDevice organizer;
    h.directory.add_device(organizer.keys, Role::organizer);
    mallory.author(1);
    relay(mallory.replica, organizer.replica, mallory.keys.id);  // seq 1, with its own head
    mallory.change(alices_record);                               // seq 2: forged
    relay(mallory.replica, organizer.replica, mallory.keys.id);
    auto r = h.sync(organizer);
    ASSERT_TRUE(r) << r.error().describe();
    ASSERT_EQ(r->refused.size(), 1u);
    EXPECT_EQ(r->refused[0].seq, 2u);
    EXPECT_EQ(held(), 2u) << "one run of seq 1-2: refused whole";
    auto again = h.sync(organizer);
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->stats.sent, 1u);
    EXPECT_EQ(held(), 3u);
    EXPECT_EQ(h.directory.memory_replica().all_chains().at(mallory.keys.id).encoded.size(), 1u);
}

TEST_F(AuthorityTest, AForgedEditSentBeforeTheCreationNeverLocksTheCreatorOut) {
    // Mallory learnt the id of a record bob has not delivered yet and edits it first.
    TestDevice bob;
    h.directory.add_device(bob.keys, Role::collector);
    bob.author(1);
    const auto bobs_record = bob.record_of(1);
    mallory.change(bobs_record);
    auto forged = h.sync(mallory);
    ASSERT_FALSE(forged);
    EXPECT_NE(forged.error().message.find("its creation is not held here"), std::string::npos)
        << forged.error().message;
    // Bob's chain still goes through, and bob may go on editing his record.
    bob.change(bobs_record);
    auto honest = h.sync(bob);
    ASSERT_TRUE(honest) << honest.error().describe();
    EXPECT_EQ(held(), 4u);
}

TEST_F(AuthorityTest, ARecordIdCannotBeClaimedByCopyingItsCreationNonce) {
    // Mallory copies the nonce of alice's creation into a changeset of her own: the id derives
    // from the creator too, so this is an edit of alice's record, not a creation.
    auto alices =
        merge::decode(alice.replica.changesets(alice.keys.id, 1, 1).value().front()).value();
    auto cs = mallory.next();
    cs.header.record = alices_record;
    cs.header.nonce = alices.header.nonce;
    mallory.last = merge::changeset_hash(cs);
    mallory.replica.append_own(cs, mallory.keys.signing);
    EXPECT_FALSE(h.sync(mallory));
    EXPECT_EQ(held(), 2u);
}

}  // namespace
}  // namespace canvass::sync::testing
