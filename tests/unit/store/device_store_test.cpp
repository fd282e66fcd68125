#include "store/device_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "household_form.hpp"
#include "merge/hlc.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace canvass::store {
namespace {

using canvass::testing::TempDir;
using nlohmann::json;

using canvass::testing::slurp;

TEST(DeviceStore, CreateThenOpenWithTheSamePassphrase) {
    TempDir dir;
    merge::DeviceId id;
    {
        auto s = canvass::testing::make_test_store(dir / "home");
        id = s.keys().id;
    }
    auto again = DeviceStore::open(dir / "home", Passphrase{"correct horse"});
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->keys().id, id);
    auto forms = again->forms();
    ASSERT_TRUE(forms);
    ASSERT_EQ(forms->size(), 1u);
    EXPECT_EQ((*forms)[0].form_id, "household");
}

TEST(DeviceStore, WrongPassphraseIsAClearErrorAndOpensNothing) {
    TempDir dir;
    { canvass::testing::make_test_store(dir / "home"); }
    auto s = DeviceStore::open(dir / "home", Passphrase{"wrong"});
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, errc::wrong_key);
    EXPECT_EQ(s.error().message, "wrong passphrase for this canvass store");
}

TEST(DeviceStore, RawKeyUnlocksAndAPassphraseDoesNot) {
    TempDir dir;
    auto key = crypto::SecretBytes::random(32);
    { ASSERT_TRUE(DeviceStore::create(dir / "home", RawKey{key.clone()})); }
    EXPECT_TRUE(DeviceStore::open(dir / "home", RawKey{key.clone()}));
    auto wrong = DeviceStore::open(dir / "home", RawKey{crypto::SecretBytes::random(32)});
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, errc::wrong_key);
    EXPECT_FALSE(DeviceStore::open(dir / "home", Passphrase{"anything"}));
}

TEST(DeviceStore, CreateRefusesAnExistingStoreAndOpenAMissingOne) {
    TempDir dir;
    { canvass::testing::make_test_store(dir / "home"); }
    auto again =
        DeviceStore::create(dir / "home", Passphrase{"x"}, canvass::testing::fast_store_options());
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("already exists"), std::string::npos);
    auto missing = DeviceStore::open(dir / "nowhere", Passphrase{"x"});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("canvass init"), std::string::npos);
}

TEST(DeviceStore, AddFormReportsEveryProblemAndRefusesChangedContentUnderOneVersion) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto bad = s.add_form(R"({"settings": {}, "survey": []})");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("problem"), std::string::npos);
    std::string changed = canvass::testing::kHouseholdForm;
    changed.replace(changed.find("\"Name\""), 6, "\"Full name\"");
    auto clash = s.add_form(changed);
    ASSERT_FALSE(clash);
    EXPECT_NE(clash.error().message.find("new settings.version"), std::string::npos);
    EXPECT_TRUE(s.add_form(canvass::testing::kHouseholdForm));  // same content: fine
}

TEST(DeviceStore, FinalizedRecordReadsBackWithCalculationsAndInstanceIds) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto id = s.create_record("household",
                              json{{"name", "Amina"},
                                   {"age", 34},
                                   {"work", "vendor"},
                                   {"members", json::array({json{{"member_name", "Ali"}}})}},
                              true);
    ASSERT_TRUE(id) << id.error().message;
    auto snap = s.record(*id);
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->summary.status, RecordStatus::finalized);
    EXPECT_EQ(snap->answers["name"], "Amina");
    EXPECT_EQ(snap->answers["size"], 2);
    ASSERT_EQ(snap->answers["members"].size(), 1u);
    EXPECT_EQ(snap->answers["members"][0]["member_name"], "Ali");
    EXPECT_TRUE(snap->answers["members"][0].contains("_id"));
}

TEST(DeviceStore, InvalidAnswersSaveNothing) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto r = s.create_record("household", json{{"name", "A"}, {"age", 5}}, true);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("age: Between 14 and 110"), std::string::npos);
    auto missing = s.create_record("household", json{{"age", 30}}, true);
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("name"), std::string::npos);
    EXPECT_TRUE(s.records()->empty());
    EXPECT_EQ(s.status()->own_changesets, 0u);
}

TEST(DeviceStore, ADraftMayMissRequiredAnswersUntilFinalized) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto id = s.create_record("household", json{{"age", 30}}, false);
    ASSERT_TRUE(id) << id.error().message;
    EXPECT_EQ(s.status()->own_changesets, 0u);  // drafts never enter the chain
    EXPECT_FALSE(s.finalize(*id));
    ASSERT_TRUE(s.save_draft(*id, json{{"age", 30}, {"name", "B"}}));
    ASSERT_TRUE(s.finalize(*id));
    EXPECT_EQ(s.status()->own_changesets, 1u);
    EXPECT_EQ(s.record(*id)->answers["name"], "B");
}

TEST(DeviceStore, EditWritesOnlyWhatChangedAndNothingWhenNothingDid) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto id = *s.create_record("household", json{{"name", "A"}, {"age", 30}}, true);
    auto changed = s.edit(id, json{{"age", 31}});
    ASSERT_TRUE(changed) << changed.error().message;
    EXPECT_TRUE(*changed);
    auto same = s.edit(id, json{{"age", 31}});
    ASSERT_TRUE(same);
    EXPECT_FALSE(*same);
    EXPECT_EQ(s.status()->own_changesets, 2u);
    auto cs = s.changesets(s.keys().id, 2, 2);
    ASSERT_EQ(cs->size(), 1u);
    auto decoded = merge::decode((*cs)[0]);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->header.ops.size(), 1u);
    EXPECT_EQ(decoded->header.ops[0].path, "age");
    EXPECT_EQ(s.record(id)->answers["age"], 31);
}

TEST(DeviceStore, EditAddsAndRemovesRepeatInstancesById) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto id = *s.create_record(
        "household", json{{"name", "A"}, {"members", json::array({json{{"member_name", "X"}}})}},
        true);
    auto member = s.record(id)->answers["members"][0]["_id"];
    auto added = s.edit(id, json{{"members", json::array({json{{"member_name", "Y"}}})}});
    ASSERT_TRUE(added) << added.error().message;
    auto two = s.record(id)->answers["members"];
    ASSERT_EQ(two.size(), 2u);
    EXPECT_EQ(s.record(id)->answers["size"], 3);
    ASSERT_TRUE(
        s.edit(id, json{{"members", json::array({json{{"_id", member}, {"_delete", true}}})}}));
    auto one = s.record(id)->answers["members"];
    ASSERT_EQ(one.size(), 1u);
    EXPECT_EQ(one[0]["member_name"], "Y");
    EXPECT_FALSE(
        s.edit(id, json{{"members", json::array({json{{"_id", member}, {"member_age", 3}}})}}));
}

TEST(DeviceStore, RepeatInstancesKeepTheOrderTheyWereGivenIn) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    json members = json::array();
    for (const char* name : {"first", "second", "third", "fourth", "fifth", "sixth"}) {
        members.push_back(json{{"member_name", name}});
    }
    auto id = *s.create_record("household", json{{"name", "A"}, {"members", members}}, true);
    ASSERT_TRUE(s.edit(id, json{{"members", json::array({json{{"member_name", "seventh"}}})}}));
    auto back = s.record(id)->answers["members"];
    ASSERT_EQ(back.size(), 7u);
    for (std::size_t i = 0; i < 6; ++i)
        EXPECT_EQ(back[i]["member_name"], members[i]["member_name"]);
    EXPECT_EQ(back[6]["member_name"], "seventh");
}

TEST(DeviceStore, DeletingADraftErasesItAndAFinalizedRecordIsMarkedDeleted) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto draft = *s.create_record("household", json{{"name", "D"}}, false);
    auto final = *s.create_record("household", json{{"name", "F"}}, true);
    ASSERT_TRUE(s.delete_record(draft));
    EXPECT_FALSE(s.record(draft));
    ASSERT_TRUE(s.delete_record(final));
    EXPECT_TRUE(s.record(final)->summary.deleted);
    EXPECT_EQ(s.status()->own_changesets, 2u);
}

TEST(DeviceStore, BulkImportIsAllOrNothing) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    std::vector<json> batch{json{{"name", "A"}}, json{{"name", "B"}, {"age", 3}}};
    auto r = s.import_records("household", batch, true);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("record 2"), std::string::npos);
    EXPECT_TRUE(s.records()->empty());
    EXPECT_EQ(s.status()->own_changesets, 0u);
    // The chain head rolled back with the transaction: the next save is seq 1.
    ASSERT_TRUE(s.create_record("household", json{{"name", "C"}}, true));
    EXPECT_TRUE(s.changesets(s.keys().id, 1, 1)->size() == 1);
}

TEST(DeviceStore, NoAnswerIsStoredInClear) {
    TempDir dir;
    {
        auto s = canvass::testing::make_test_store(dir / "home");
        ASSERT_TRUE(s.create_record("household", json{{"name", "Zanele Mokoena-Dlamini"}}, true));
        ASSERT_TRUE(s.create_record("household", json{{"name", "Thabo Sekgobela-Draft"}}, false));
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "home")) {
        auto bytes = slurp(entry.path());
        EXPECT_EQ(bytes.find("Zanele"), std::string::npos) << entry.path();
        EXPECT_EQ(bytes.find("Thabo"), std::string::npos) << entry.path();
        EXPECT_EQ(bytes.find("Waste picker"), std::string::npos) << entry.path();  // form labels
    }
}

TEST(DeviceStore, AnotherStoreIngestsAChainAndRefusesATamperedOne) {
    TempDir dir;
    auto a = canvass::testing::make_test_store(dir / "a");
    auto b = canvass::testing::make_test_store(dir / "b");
    ASSERT_TRUE(a.create_record("household", json{{"name", "A"}}, true));
    ASSERT_TRUE(a.create_record("household", json{{"name", "B"}}, true));
    auto batch = *a.changesets(a.keys().id, 1, 2);
    auto head = **a.head_at(a.keys().id, 1, 2);
    auto run = [&](std::vector<std::vector<std::uint8_t>> changesets) {
        std::vector<DeviceStore::IncomingRun> runs(1);
        runs[0] = {a.keys().id, head.second, std::move(changesets), head.first,
                   *a.grants(a.keys().id)};
        return runs;
    };
    auto tampered = batch;
    tampered[1].back() ^= 1;
    EXPECT_FALSE(b.ingest(run(tampered)));
    EXPECT_EQ(b.status()->carried, 0u);

    auto ok = b.ingest(run(batch));
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(b.status()->carried, 2u);
    EXPECT_EQ(b.status()->digest, a.status()->digest);
    EXPECT_TRUE(b.ingest(run(batch)));  // idempotent
    auto vv = *b.summary();
    EXPECT_EQ(vv.get(a.keys().id)->seq, 2u);
    auto records = *b.records();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_FALSE(b.record(records[0].id)->readable);  // others' answers stay sealed
}

TEST(DeviceStore, AForkedChainIsKeptAsEvidenceAndNotMerged) {
    TempDir dir;
    auto a = canvass::testing::make_test_store(dir / "a");
    auto b = canvass::testing::make_test_store(dir / "b");
    ASSERT_TRUE(a.create_record("household", json{{"name", "A"}}, true));
    auto first = *a.changesets(a.keys().id, 1, 1);
    auto head = **a.head_at(a.keys().id, 1, 1);
    std::vector<DeviceStore::IncomingRun> runs(1);
    runs[0] = {a.keys().id, head.second, first, head.first, {}};
    ASSERT_TRUE(b.ingest(runs));

    // The same device signs a different changeset 1: build it by hand from the original.
    auto forged = *merge::decode(first[0]);
    forged.header.hlc += 1;
    auto forged_bytes = merge::encode(forged);
    auto forged_head = merge::sign_head(a.keys().id, 1, merge::changeset_hash(forged),
                                        a.keys().signing.secret_key);
    runs[0] = {a.keys().id, head.second, {forged_bytes}, forged_head, {}};
    auto r = b.ingest(runs);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("evidence"), std::string::npos);
    EXPECT_EQ(b.status()->equivocations, 1u);
    EXPECT_EQ(b.status()->carried, 1u);
}

}  // namespace
}  // namespace canvass::store

namespace canvass::store {
namespace {

// today() in a constraint reads the clock the store was given, not the machine's: a test's
// (or an app's) clock decides what "not in the future" means when answers are saved.
TEST(DeviceStoreClock, TodayInConstraintsReadsTheStoresClock) {
    static constexpr std::string_view form = R"json({
      "settings": {"form_id": "visit", "version": "1", "title": {"en": "Visit"}, "default_language": "en"},
      "survey": [{"type": "date", "name": "visited", "label": {"en": "Visited on"},
                  "constraint": ". <= today()", "constraint_message": {"en": "not in the future"}}],
      "choices": {}})json";
    TempDir dir;
    ManualClock clock(1'577'880'000'000);  // 2020-01-01T12:00Z
    StoreOptions options = canvass::testing::fast_store_options();
    options.clock = &clock;
    auto s = DeviceStore::create(dir / "home", Passphrase{"correct horse"}, options);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_TRUE(s->add_form(form));
    auto later = s->create_record("visit", json{{"visited", "2021-06-01"}}, true);
    ASSERT_FALSE(later) << "2021-06-01 is in the future of the store's clock";
    EXPECT_NE(later.error().message.find("not in the future"), std::string::npos)
        << later.error().message;
    EXPECT_TRUE(s->create_record("visit", json{{"visited", "2019-12-31"}}, true));
    clock.set(1'640'995'200'000);  // 2022-01-01
    EXPECT_TRUE(s->create_record("visit", json{{"visited", "2021-06-01"}}, true));
}

// A clock that does not move between saves (a fast machine, a phone's coarse clock, one set
// back) still lists records in the order they were saved: ${last-saved#…} and "the newest
// record" mean the one saved last, never a draw among equal milliseconds.
TEST(DeviceStoreClock, RecordsSavedInOneMillisecondListInTheOrderSaved) {
    static constexpr std::string_view form = R"json({
      "settings": {"form_id": "visit", "version": "1", "title": {"en": "Visit"}, "default_language": "en"},
      "survey": [{"type": "integer", "name": "n", "label": {"en": "N"}}],
      "choices": {}})json";
    TempDir dir;
    ManualClock clock(1'577'880'000'000);
    StoreOptions options = canvass::testing::fast_store_options();
    options.clock = &clock;
    std::vector<merge::RecordId> saved;
    {
        auto s = DeviceStore::create(dir / "home", Passphrase{"correct horse"}, options);
        ASSERT_TRUE(s) << s.error().message;
        ASSERT_TRUE(s->add_form(form));
        for (int i = 0; i < 12; ++i) {
            auto id = s->create_record("visit", json{{"n", i}}, i % 3 != 0);
            ASSERT_TRUE(id) << id.error().message;
            saved.push_back(*id);
        }
        ASSERT_TRUE(s->save_draft(saved[0], json{{"n", 100}}));  // touched last
        saved.push_back(saved[0]);
        saved.erase(saved.begin());
    }
    clock.set(1'577'870'000'000);  // set back ten thousand seconds, then the store reopened
    auto s = DeviceStore::open(dir / "home", Passphrase{"correct horse"}, options);
    ASSERT_TRUE(s) << s.error().message;
    auto after = s->create_record("visit", json{{"n", 13}}, true);
    ASSERT_TRUE(after);
    saved.push_back(*after);

    auto listed = s->records("visit");
    ASSERT_TRUE(listed);
    std::vector<merge::RecordId> order;
    for (const auto& r : *listed) order.push_back(r.id);
    EXPECT_EQ(order, saved);
    for (std::size_t i = 1; i < listed->size(); ++i)
        EXPECT_LT((*listed)[i - 1].updated_ms, (*listed)[i].updated_ms);
}

}  // namespace
}  // namespace canvass::store
