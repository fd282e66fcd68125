// Issue 15: status() reads tallies that triggers keep in the transaction of every change
// (schema version 10) instead of scanning the store. Each test changes a store every way that
// moves a figure and checks, after each step, that every figure equals a recount of the tables.
#include <gtest/gtest.h>

#include <algorithm>

#include "photo_form.hpp"
#include "status_recount.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace canvass::store {
namespace {

using canvass::testing::expect_status_recounts;
using canvass::testing::TempDir;
using nlohmann::json;

StoreOptions fast() {
    return canvass::testing::fast_store_options();
}

// A store with the household and photo forms.
DeviceStore make_store(const std::string& home, const std::string& role = "") {
    auto s = canvass::testing::make_test_store(home, role);
    EXPECT_TRUE(s.add_form(canvass::testing::kPhotoForm));
    return s;
}

// The chain of `from` from seq `first` on, as `to` would receive it from a bundle.
Result<void> carry(DeviceStore& from, DeviceStore& to, std::uint64_t first = 1) {
    const auto& id = from.keys().id;
    const auto last = from.status()->own_changesets;
    CANVASS_TRY(auto head, from.head_at(id, first, last));
    CANVASS_TRY(auto bodies, from.changesets(id, first, last));
    CANVASS_TRY(auto grants, from.grants(id));
    std::vector<DeviceStore::IncomingRun> runs{
        {id, head->second, std::move(bodies), head->first, std::move(grants)}};
    return to.ingest(runs);
}

TEST(StatusTallies, RecordFiguresEqualARecountAfterSavesDraftsEditsDeletesAndImports) {
    TempDir dir;
    const std::string home = dir / "home";
    auto s = make_store(home);
    expect_status_recounts(s, home, "a new store");
    auto a = s.create_record("household", json{{"name", "A"}, {"age", 30}}, true);
    ASSERT_TRUE(a);
    expect_status_recounts(s, home, "a finalized save");
    auto b = s.create_record("household", json{{"name", "B"}}, false);
    ASSERT_TRUE(b);
    expect_status_recounts(s, home, "a draft");
    ASSERT_TRUE(s.save_draft(*b, json{{"name", "B"}, {"age", 41}}));
    expect_status_recounts(s, home, "a draft saved again");
    ASSERT_TRUE(s.finalize(*b));
    expect_status_recounts(s, home, "a draft finalized");
    ASSERT_TRUE(*s.edit(*a, json{{"age", 31}}));
    expect_status_recounts(s, home, "an edit");
    ASSERT_TRUE(s.save_draft(*a, json{{"name", "A"}, {"age", 32}}));
    expect_status_recounts(s, home, "an edit drafted");
    auto c = s.create_record("household", json{{"name", "C"}}, false);
    ASSERT_TRUE(c);
    ASSERT_TRUE(s.delete_record(*c));
    expect_status_recounts(s, home, "a draft deleted");
    ASSERT_TRUE(s.delete_record(*b));
    expect_status_recounts(s, home, "a finalized record deleted");
    std::vector<json> batch{json{{"name", "D"}}, json{{"name", "E"}}, json{{"name", "F"}}};
    ASSERT_TRUE(s.import_records("household", batch, true));
    ASSERT_TRUE(s.import_records("household", {json{{"name", "G"}}, json{{"name", "H"}}}, false));
    expect_status_recounts(s, home, "bulk imports");
    // One record of a failed import would be a figure off: nothing of it is counted.
    EXPECT_FALSE(s.import_records("household", {json{{"name", "I"}}, json{{"age", 5}}}, true));
    expect_status_recounts(s, home, "a refused import");
    // Records list by time of change then id: imports in one millisecond come in any order, so
    // the draft to finalize is found by its status, not its place.
    const auto records = *s.records();
    const auto draft = std::find_if(records.begin(), records.end(), [](const auto& r) {
        return r.status == RecordStatus::draft && !r.deleted;
    });
    ASSERT_NE(draft, records.end());
    ASSERT_TRUE(s.finalize(draft->id));
    expect_status_recounts(s, home, "an imported draft finalized");
    const auto before = *s.status();
    s = std::move(DeviceStore::open(home, Passphrase{"correct horse"}, fast())).value();
    expect_status_recounts(s, home, "reopened");
    EXPECT_EQ(s.status()->digest, before.digest);
    EXPECT_EQ(s.status()->finalized, 6u);
    EXPECT_EQ(s.status()->drafts, 1u);
}

TEST(StatusTallies, CarriedChainsConflictsAcknowledgementsAndRefusalsEqualARecount) {
    TempDir dir;
    auto alice = make_store(dir / "alice", "collector");
    const std::string home = dir / "coordinator";
    auto coordinator = make_store(home, "coordinator");
    auto id = alice.create_record("household", json{{"name", "A"}, {"age", 30}}, true);
    ASSERT_TRUE(id);
    ASSERT_TRUE(alice.create_record("household", json{{"name", "B"}}, true));
    ASSERT_TRUE(alice.create_record("household", json{{"name", "C"}}, true));
    ASSERT_TRUE(carry(alice, coordinator));
    expect_status_recounts(coordinator, home, "a chain carried in");
    ASSERT_TRUE(carry(alice, coordinator));
    expect_status_recounts(coordinator, home, "the same chain again");
    // Concurrent changes of one answer by the collector and the coordinator: a conflict.
    ASSERT_TRUE(*alice.edit(*id, json{{"age", 31}}));
    ASSERT_TRUE(coordinator.resolve(*id, "age", json(33)));
    expect_status_recounts(coordinator, home, "the coordinator's change");
    ASSERT_TRUE(carry(alice, coordinator, 4));
    expect_status_recounts(coordinator, home, "a concurrent change carried in");
    EXPECT_EQ(coordinator.status()->conflicts, 1u);
    ASSERT_TRUE(coordinator.resolve(*id, "age", json(32)));
    expect_status_recounts(coordinator, home, "the conflict resolved");
    EXPECT_EQ(coordinator.status()->conflicts, 0u);
    ASSERT_TRUE(coordinator.mark_acked(alice.keys().id, 2));
    expect_status_recounts(coordinator, home, "a carried chain acknowledged in part");
    ASSERT_TRUE(coordinator.mark_refused(alice.keys().id, 4, "forged"));
    expect_status_recounts(coordinator, home, "a carried chain refused");
    EXPECT_EQ(coordinator.status()->carried_unsent, 1u);
    ASSERT_TRUE(coordinator.mark_acked(coordinator.keys().id, 2));
    expect_status_recounts(coordinator, home, "own changesets acknowledged");
    EXPECT_EQ(coordinator.status()->unsent, 0u);

    // A tampered chain is refused whole: its transaction, and the tallies' with it, roll back.
    const auto before = *coordinator.status();
    auto bob = make_store(dir / "bob", "collector");
    ASSERT_TRUE(bob.create_record("household", json{{"name", "D"}}, true));
    auto head = **bob.head_at(bob.keys().id, 1, 1);
    auto bodies = *bob.changesets(bob.keys().id, 1, 1);
    bodies[0].back() ^= 1;
    std::vector<DeviceStore::IncomingRun> runs{
        {bob.keys().id, head.second, bodies, head.first, *bob.grants(bob.keys().id)}};
    EXPECT_FALSE(coordinator.ingest(runs));
    expect_status_recounts(coordinator, home, "a tampered chain refused");
    EXPECT_EQ(coordinator.status()->carried, before.carried);
    EXPECT_EQ(coordinator.status()->digest, before.digest);

    // A chain held with a gap (none is stored so; status() must not assume it) is counted.
    {
        auto db = Database::open(home + "/device.db", false);
        ASSERT_TRUE(db);
        auto del = db->prepare("DELETE FROM changesets WHERE device = ? AND seq = 3");
        ASSERT_TRUE(del);
        ASSERT_TRUE(del->bind(1, alice.keys().id).run());
    }
    expect_status_recounts(coordinator, home, "a carried chain with a gap");
    EXPECT_EQ(coordinator.status()->carried, before.carried - 1);
}

TEST(StatusTallies, AttachmentFiguresEqualARecountAsTheyAreSavedSentAndReceived) {
    TempDir dir;
    const std::string home = dir / "home";
    auto s = make_store(home);
    std::vector<std::uint8_t> photo(70 * 1024, 0x5a);
    auto ref = s.add_attachment(photo, "stall.jpg");
    ASSERT_TRUE(ref);
    expect_status_recounts(s, home, "an attachment copied in");
    ASSERT_TRUE(
        s.create_record("stalls", json{{"market", "Gikomba"}, {"stall", ref->to_json()}}, true));
    expect_status_recounts(s, home, "a record naming it");
    auto unsent = s.unsent_attachments(1);
    ASSERT_TRUE(unsent && unsent->size() == 1u);
    ASSERT_TRUE(s.mark_attachment_sent(s.keys().id, unsent->front().id));
    expect_status_recounts(s, home, "the attachment delivered");

    crypto::Hash id{};
    id[0] = 7;
    const merge::DeviceId author{5}, carrier{6};
    const CarriedAttachment whole{id, 100000, 2, author, {}, {}}, claim{id, 20, 1, carrier, {}, {}};
    ASSERT_TRUE(s.keep_received_chunk(whole, 0, std::vector<std::uint8_t>(10, 1), true));
    expect_status_recounts(s, home, "a first chunk received");
    EXPECT_EQ(s.status()->attachments.partial, 1u);
    ASSERT_TRUE(s.keep_received_chunk(whole, 1, std::vector<std::uint8_t>(10, 2), true));
    ASSERT_TRUE(s.keep_received_chunk(whole, 1, std::vector<std::uint8_t>(10, 2), true));
    expect_status_recounts(s, home, "the last chunk received, twice");
    ASSERT_TRUE(s.keep_received_chunk(claim, 0, std::vector<std::uint8_t>(36, 3), true));
    expect_status_recounts(s, home, "another author's item under the same id");
    EXPECT_EQ(s.status()->attachments.received, 2u);
    ASSERT_TRUE(s.mark_attachment_sent(author, id));
    expect_status_recounts(s, home, "a carried item delivered");
    EXPECT_EQ(s.status()->attachments.carried, 1u);
}

// A store written before version 10 has no tallies: it is counted once as it is migrated
// (the digest by one pass when the store opens), and shows the same status as before.
TEST(StatusTallies, AStoreOfVersion9IsTalliedWhenItIsUpgraded) {
    TempDir dir;
    auto alice = make_store(dir / "alice", "collector");
    const std::string home = dir / "home";
    StoreStatus before;
    {
        auto s = make_store(home, "organizer");
        ASSERT_TRUE(s.create_record("household", json{{"name", "A"}}, true));
        ASSERT_TRUE(s.create_record("household", json{{"name", "B"}}, false));
        auto ref = s.add_attachment(std::vector<std::uint8_t>(1000, 1), "stall.jpg");
        ASSERT_TRUE(ref);
        ASSERT_TRUE(s.create_record("stalls",
                                    json{{"market", "Gikomba"}, {"stall", ref->to_json()}}, true));
        ASSERT_TRUE(alice.create_record("household", json{{"name", "C"}}, true));
        ASSERT_TRUE(carry(alice, s));
        crypto::Hash item{};
        const CarriedAttachment a{item, 100000, 2, alice.keys().id, {}, {}};
        ASSERT_TRUE(s.keep_received_chunk(a, 0, std::vector<std::uint8_t>(10, 1), true));
        before = *s.status();
    }
    {  // back to version 9, as an older canvass left it
        auto db = Database::open(home + "/device.db", false);
        ASSERT_TRUE(db);
        std::vector<std::string> triggers;
        auto st = db->prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'");
        while (*st->step()) triggers.push_back(st->text(0));
        EXPECT_FALSE(triggers.empty());
        for (const auto& t : triggers) ASSERT_TRUE(db->exec("DROP TRIGGER " + t));
        ASSERT_TRUE(db->exec(
            "DROP TABLE record_tally; DROP TABLE chain_tally; DROP TABLE attachment_tally; "
            "DROP INDEX records_new_drafts; ALTER TABLE attachment_inbox DROP COLUMN held; "
            "PRAGMA user_version = 9"));
    }
    auto s = std::move(DeviceStore::open(home, Passphrase{"correct horse"}, fast())).value();
    expect_status_recounts(s, home, "upgraded");
    auto after = *s.status();
    EXPECT_EQ(after.digest, before.digest);
    EXPECT_EQ(after.finalized, before.finalized);
    EXPECT_EQ(after.drafts, before.drafts);
    EXPECT_EQ(after.carried, before.carried);
    EXPECT_EQ(after.carried_unsent, before.carried_unsent);
    EXPECT_EQ(after.attachments.held, before.attachments.held);
    EXPECT_EQ(after.attachments.unsent, before.attachments.unsent);
    EXPECT_EQ(after.attachments.partial, before.attachments.partial);
    EXPECT_EQ(after.attachments.carried, before.attachments.carried);
    ASSERT_TRUE(s.create_record("household", json{{"name", "D"}}, true));
    expect_status_recounts(s, home, "a save after the upgrade");
}

}  // namespace
}  // namespace canvass::store
