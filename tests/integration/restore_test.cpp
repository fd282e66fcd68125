// A device's view of what was delivered stays true when its store is restored from an older
// copy: it learns its own chain back from the server and continues after it; work it saved
// after the restore moves after the server's chain and is delivered; two copies of one
// device working side by side are recorded as a fork at the server and told so.
#include <filesystem>
#include <thread>

#include "field_device.hpp"
#include "status_recount.hpp"
#include "store/values.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct RestoreTest : DemoServerTest {
    // The store in `home` opened again, as a person restoring a backup would.
    static FieldDevice reopen(const std::string& home) {
        store::StoreOptions o;
        o.pwhash = crypto::PwhashParams::minimum();
        auto s = store::DeviceStore::open(home, store::Passphrase{"field passphrase"}, o);
        EXPECT_TRUE(s) << s.error().message;
        return FieldDevice{home, std::move(s).value()};
    }

    // A copy of the store's files (database and its WAL) as they are now.
    std::string backup(const std::string& home, const std::string& name) {
        std::string copy = tmp / name;
        fs::create_directories(copy);
        for (const auto& e : fs::directory_iterator(home))
            fs::copy(e.path(), copy + "/" + e.path().filename().string());
        return copy;
    }
};

TEST_F(RestoreTest, ARestoredStoreLearnsItsOwnChainBackAndContinuesAfterIt) {
    std::string copy;
    {
        auto device = FieldDevice::create(tmp / "phone");
        ASSERT_TRUE(device.enroll(token()));
        device.interview("Amina");
        device.interview("Bongani");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        device.interview("Chidi");
        device.interview("Dembe");
        ASSERT_TRUE(device.sync());
    }  // the phone is lost; its backup is restored on another
    auto restored = reopen(copy);
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 0u);
    EXPECT_EQ(synced->stats.stored, 2u) << "the two changesets saved after the backup came back";
    EXPECT_EQ(synced->stats.own_returned, 2u);
    EXPECT_EQ(*restored.unsent(), 0u);
    auto records = restored.store.records();
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 4u);

    // New work continues the chain: the server takes it and sees no fork.
    restored.interview("Eshe");
    auto next = restored.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    EXPECT_EQ(next->stats.acknowledged, 1u);
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 5);
    EXPECT_EQ(s.at("equivocations"), 0);
}

TEST_F(RestoreTest, InterviewsTheLostCopyMadeUnderANewerEpochComeBackReadable) {
    // The lost copy drew a new epoch key after the backup (epochs last a day): the backup does
    // not hold it, but the server sends it back sealed to this device's recovery key.
    canvass::ManualClock clock{1'790'000'000'000};
    store::StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    o.clock = &clock;
    const std::string home = tmp / "phone";
    std::string copy;
    merge::RecordId later{};
    {
        auto created = store::DeviceStore::create(home, store::Passphrase{"field passphrase"}, o);
        ASSERT_TRUE(created) << created.error().message;
        FieldDevice device{home, std::move(created).value()};
        ASSERT_TRUE(device.store.add_form(canvass::testing::kHouseholdForm));
        ASSERT_TRUE(device.enroll(token()));
        const auto first = device.interview("Amina");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        clock.advance(2ull * 24 * 3600 * 1000);
        EXPECT_NE(device.interview("Chidi"), first) << "a new epoch";
        ASSERT_TRUE(device.sync());
        auto records = device.store.records();
        ASSERT_TRUE(records);
        for (const auto& r : *records)
            if (device.store.record(r.id)->answers.value("name", "") == "Chidi") later = r.id;
    }
    auto opened = store::DeviceStore::open(copy, store::Passphrase{"field passphrase"}, o);
    ASSERT_TRUE(opened) << opened.error().message;
    FieldDevice restored{copy, std::move(opened).value()};
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.stored, 1u);
    auto snapshot = restored.store.record(later);
    ASSERT_TRUE(snapshot) << snapshot.error().message;
    EXPECT_TRUE(snapshot->readable);
    EXPECT_EQ(snapshot->answers.value("name", ""), "Chidi");
    // New work goes on under an epoch of its own, not the recovered one.
    restored.interview("Dembe");
    auto next = restored.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    EXPECT_EQ(stats().at("equivocations"), 0);
}

TEST_F(RestoreTest, TwoCopiesUsedOneAfterTheOtherBothDeliverAndEachIsToldItsChainCameBack) {
    // Never at the same time, the two copies form one straight chain: the server sees no
    // fork, nothing is lost, and each copy is told that its own chain came back to it.
    auto a = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(a.enroll(token()));
    a.interview("Amina");
    ASSERT_TRUE(a.sync());
    auto b = reopen(backup(a.home, "clone"));
    a.interview("Bongani");
    auto first = a.sync();
    ASSERT_TRUE(first) << first.error().describe();
    EXPECT_EQ(first->stats.own_returned, 0u);
    std::this_thread::sleep_for(5ms);  // b's work is later than a's
    b.interview("Chidi");
    auto second = b.sync();
    ASSERT_TRUE(second) << second.error().describe();
    EXPECT_EQ(second->stats.own_returned, 1u) << "a's Bongani came back to the clone";
    EXPECT_EQ(second->stats.sent, 1u);
    std::this_thread::sleep_for(5ms);
    a.interview("Dembe");
    auto third = a.sync();
    ASSERT_TRUE(third) << third.error().describe();
    EXPECT_EQ(third->stats.own_returned, 1u) << "the clone's Chidi came back to a";
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 4);
    EXPECT_EQ(s.at("equivocations"), 0);
}

// What a coordinator reads of `device`'s changesets: record id and the name answered,
// decrypted with the coordinator's key from the grants that reached it through the server.
std::map<merge::RecordId, std::string> coordinator_reads(Device& coordinator,
                                                         const merge::DeviceId& device,
                                                         const crypto::DhKeyPair& key) {
    std::map<merge::RecordId, std::string> out;
    auto synced = coordinator.sync();
    EXPECT_TRUE(synced) << synced.error().describe();
    auto point = coordinator.replica.chain_point(device);
    if (!point || !*point) return out;
    auto grants = coordinator.replica.grants(device);
    auto bodies = coordinator.replica.changesets(device, 1, (*point)->seq);
    EXPECT_TRUE(grants && bodies);
    if (!grants || !bodies) return out;
    for (const auto& body : *bodies) {
        auto cs = merge::decode(body);
        EXPECT_TRUE(cs);
        if (!cs) continue;
        for (const auto& bytes : *grants) {
            auto g = store::decode_grant(bytes);
            if (!g || g->recipient != key.public_key || g->epoch != cs->header.epoch) continue;
            auto epoch_key = store::open_grant(*g, key);
            EXPECT_TRUE(epoch_key);
            auto values = store::decrypt_values(*epoch_key, *cs);
            EXPECT_TRUE(values) << "changeset " << cs->header.seq << " does not open";
            if (!values) continue;
            for (std::size_t i = 0; i < cs->header.ops.size(); ++i)
                if (cs->header.ops[i].path == "name" && (*values)[i])
                    out[cs->header.record] = *(*values)[i];
        }
    }
    return out;
}

std::set<merge::RecordId> record_ids(FieldDevice& device) {
    std::set<merge::RecordId> out;
    auto walked = device.store.for_each_changeset([&](const merge::Changeset& c) -> Result<void> {
        out.insert(c.header.record);
        return {};
    });
    EXPECT_TRUE(walked);
    return out;
}

TEST_F(RestoreTest, WorkSavedAfterARestoreMovesAfterTheServersChainAndReachesTheCoordinator) {
    Device coordinator;
    ASSERT_TRUE(coordinator.enroll(token("coordinator")));
    std::string copy;
    std::set<merge::RecordId> lost_copy_records;
    {
        auto device = FieldDevice::create(tmp / "phone");
        ASSERT_TRUE(device.enroll(token()));
        device.interview("Amina");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        device.interview("Bongani");
        device.interview("Chidi");
        ASSERT_TRUE(device.sync());
        lost_copy_records = record_ids(device);
    }
    // Restored, and two interviews saved before the first sync, at seqs 2 and 3 again: they
    // move after the server's 2 and 3 and are delivered, nothing stranded, no fork.
    auto restored = reopen(copy);
    restored.interview("Dembe");
    restored.interview("Eshe");
    auto new_records = record_ids(restored);
    canvass::testing::expect_status_recounts(restored.store, copy,
                                             "restored, two interviews saved");
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    // Its own chain came back and its new work moved after it: the tallies followed.
    canvass::testing::expect_status_recounts(restored.store, copy,
                                             "the lost copy's chain taken back");
    EXPECT_EQ(restored.store.status()->finalized, 5u);
    EXPECT_EQ(synced->stats.stored, 2u) << "the lost copy's two changesets came back";
    EXPECT_EQ(synced->stats.sent, 2u);
    EXPECT_EQ(synced->stats.acknowledged, 2u);
    EXPECT_EQ(*restored.unsent(), 0u);
    auto records = restored.store.records();
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 5u);
    auto point = restored.store.chain_point(restored.store.keys().id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 5u);
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 5);
    EXPECT_EQ(s.at("equivocations"), 0);

    // The coordinator reads all five, the new ones unchanged and under the ids they were saved
    // with.
    auto read = coordinator_reads(coordinator, restored.store.keys().id, coordinator_key);
    std::set<std::string> names;
    for (const auto& [id, name] : read) names.insert(name);
    EXPECT_EQ(names, (std::set<std::string>{"\"Amina\"", "\"Bongani\"", "\"Chidi\"", "\"Dembe\"",
                                            "\"Eshe\""}));
    for (const auto& id : new_records)
        EXPECT_TRUE(read.count(id)) << "a record id changed on the way";
    for (const auto& id : lost_copy_records) EXPECT_TRUE(read.count(id));

    // And the chain goes on from there.
    restored.interview("Fola");
    auto next = restored.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    EXPECT_EQ(stats().at("changesets"), 6);
}

TEST_F(RestoreTest, FewerInterviewsSavedAfterARestoreThanWereLostAreMovedAfterTheServersChainToo) {
    std::string copy;
    {
        auto device = FieldDevice::create(tmp / "phone");
        ASSERT_TRUE(device.enroll(token()));
        device.interview("Amina");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        device.interview("Bongani");
        device.interview("Chidi");
        ASSERT_TRUE(device.sync());
    }
    auto restored = reopen(copy);
    restored.interview("Dembe");
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 1u);
    EXPECT_EQ(*restored.unsent(), 0u);
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 4);
    EXPECT_EQ(s.at("equivocations"), 0);
}

TEST_F(RestoreTest, AnOrganizerRestoredFromAnOlderCopyLearnsItsOwnChainBackAndDeliversNewWork) {
    std::string copy;
    {
        auto organizer = FieldDevice::create(tmp / "organizer");
        ASSERT_TRUE(organizer.enroll(token("organizer")));
        organizer.interview("Amina");
        ASSERT_TRUE(organizer.sync());
        copy = backup(organizer.home, "backup");
        organizer.interview("Bongani");
        organizer.interview("Chidi");
        ASSERT_TRUE(organizer.sync());
    }
    auto restored = reopen(copy);
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.stored, 2u)
        << "an organizer receives its own chain back, as a collector does";
    EXPECT_EQ(*restored.unsent(), 0u);
    restored.interview("Dembe");
    auto next = restored.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 4);
    EXPECT_EQ(s.at("equivocations"), 0);
}

TEST_F(RestoreTest, TwoCopiesOfOneDeviceSavingSideBySideAreRecordedAsAForkAndToldSo) {
    auto first = FieldDevice::create(tmp / "phone");
    ASSERT_TRUE(first.enroll(token()));
    first.interview("Amina");
    ASSERT_TRUE(first.sync());
    auto clone = reopen(backup(first.home, "clone"));
    // Both copies work at the same time: their new changesets interleave.
    for (const char* name : {"Bongani", "Chidi"}) {
        first.interview(std::string(name) + " (first)");
        std::this_thread::sleep_for(5ms);
        clone.interview(std::string(name) + " (clone)");
        std::this_thread::sleep_for(5ms);
    }
    ASSERT_TRUE(first.sync());
    auto refused = clone.sync();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("another device uses the same identity"),
              std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("recorded the fork"), std::string::npos)
        << refused.error().message;
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 3) << "neither side of the fork was merged twice";
    EXPECT_GE(s.at("equivocations"), 1);
    EXPECT_EQ(*clone.unsent(), 2u) << "the clone's work stays on it, not shown as delivered";
}

}  // namespace
}  // namespace canvass::server_test
