// store::BulkImport: one transaction, nothing saved without commit(), import keys that skip
// what was imported before, and the keys taken from a record's instanceID or its answers.
#include "store/bulk_import.hpp"

#include <gtest/gtest.h>

#include "household_form.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace canvass::store {
namespace {

using canvass::testing::TempDir;
using nlohmann::json;

TEST(BulkImport, WithoutCommitNothingIsSavedAndTheChainHeadIsRestored) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    {
        auto import = BulkImport::begin(s, "household", true);
        ASSERT_TRUE(import) << import.error().message;
        for (int i = 0; i < 5; ++i) {
            auto line = import->add(json{{"name", "P" + std::to_string(i)}});
            ASSERT_TRUE(line);
            EXPECT_EQ(line->outcome, BulkImport::Outcome::saved);
        }
        EXPECT_EQ(import->saved(), 5u);
    }
    EXPECT_TRUE(s.records()->empty());
    EXPECT_EQ(s.status()->own_changesets, 0u);
    ASSERT_TRUE(s.create_record("household", json{{"name", "After"}}, true));
    EXPECT_EQ(s.changesets(s.keys().id, 1, 1)->size(),
              1u);  // seq 1: the abandoned ones left no gap
}

TEST(BulkImport, ARefusedRecordHasEveryProblemAndARepeatOfItIsRefusedAgain) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto import = BulkImport::begin(s, "household", true);
    ASSERT_TRUE(import);
    json bad{{"age", 3}, {"bogus", true}};
    auto first = import->add(bad);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->outcome, BulkImport::Outcome::refused);
    ASSERT_EQ(first->problems.size(), 3u);  // no name (required), the age, the unknown field
    auto again = import->add(bad);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->outcome, BulkImport::Outcome::refused)
        << "not skipped as a duplicate of a refused line";
    EXPECT_EQ(import->refused(), 2u);
}

TEST(BulkImport, ACommittedKeyIsSkippedByTheNextImportAndNamesItsRecord) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    merge::RecordId saved{};
    {
        auto import = BulkImport::begin(s, "household", true);
        auto line = import->add(json{{"instanceID", "uuid:abc"}, {"name", "A"}});
        ASSERT_TRUE(line && line->outcome == BulkImport::Outcome::saved);
        saved = line->record;
        auto twin = import->add(json{{"meta", {{"instanceID", "uuid:abc"}}}, {"name", "A again"}});
        ASSERT_TRUE(twin);
        EXPECT_EQ(twin->outcome, BulkImport::Outcome::skipped);
        EXPECT_EQ(twin->same_as, 1u);
        ASSERT_TRUE(import->commit());
    }
    auto import = BulkImport::begin(s, "household", false);
    auto line = import->add(json{{"meta/instanceID", "uuid:abc"}, {"name", "B"}});
    ASSERT_TRUE(line);
    EXPECT_EQ(line->outcome, BulkImport::Outcome::skipped);
    EXPECT_EQ(line->record, saved);
    EXPECT_EQ(line->same_as, 0u);
}

TEST(BulkImport, TheKeyIsTheInstanceIdOrTheCanonicalAnswers) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto form = s.form("household");
    ASSERT_TRUE(form);
    json a = json::parse(R"({"name": "A", "age": 30})"),
         b = json::parse(R"({"age":30,"name":"A"})");
    EXPECT_EQ(import_key(**form, a), import_key(**form, b));
    EXPECT_EQ(import_key(**form, a), "answers:{\"age\":30,\"name\":\"A\"}");
    json nested{{"meta", {{"instanceID", "uuid:1"}, {"deprecatedID", "x"}}}, {"name", "N"}};
    EXPECT_EQ(import_key(**form, nested), "instance:uuid:1");
    EXPECT_EQ(nested, (json{{"meta", {{"deprecatedID", "x"}}}, {"name", "N"}}));
    json flat{{"instanceID", "uuid:2"}, {"name", "F"}};
    EXPECT_EQ(import_key(**form, flat), "instance:uuid:2");
    EXPECT_EQ(flat, (json{{"name", "F"}}));
    json empty_id{{"instanceID", ""}, {"name", "E"}};
    EXPECT_TRUE(import_key(**form, empty_id).starts_with("answers:"));
}

}  // namespace
}  // namespace canvass::store
