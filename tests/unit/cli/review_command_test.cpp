// `canvass review RECORD STATE [--comment TEXT]`: a coordinator's review, written as a
// coordinator edit that the export's ReviewState carries; refused on a collector's device and
// for a state ODK Central does not have.
#include <gtest/gtest.h>

#include "export_test_support.hpp"

namespace canvass::cli {
namespace {

using namespace export_test;
using canvass::testing::TempDir;

const std::string kForm = "street_vendors";

class ReviewCommandTest : public ::testing::Test {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string form_text = source_file("schemas/forms/" + kForm + ".json");
    std::vector<merge::RecordId> ids;

    void SetUp() override {
        auto alice = make_store(dir / "alice", {form_text}, {coord.public_key}, "collector");
        auto imported = alice.import_records(kForm, answer_sets(kForm, alice), true);
        ASSERT_TRUE(imported) << imported.error().message;
        ids = *imported;
        auto desk = make_store(dir / "coord", {form_text}, {coord.public_key}, "coordinator");
        ship(alice, desk);
    }
    Outcome on(const std::string& home, std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"--home", dir / home, "--passphrase-file", coord.passphrase_file});
        return canvass(args);
    }
    std::map<std::string, std::string> review_states() {
        auto out = dir / "export";
        auto r = on("coord", {"export", "--key", coord.key_file, "--form", kForm, "--out", out,
                              "--format", "csv,jsonl"});
        EXPECT_EQ(r.code, 0) << r.err;
        auto csv = CsvTable::read(out + "/" + kForm + ".csv");
        std::map<std::string, std::string> states;
        for (std::size_t i = 0; i < csv.rows.size(); ++i)
            states[csv.cell(i, "KEY")] = csv.cell(i, "ReviewState");
        return states;
    }
};

TEST_F(ReviewCommandTest, ACoordinatorsReviewGoesOutInReviewState) {
    auto id = merge::format_uuid(ids[0]);
    auto r = on("coord", {"review", id.substr(0, 8), "rejected", "--comment", "interviewed twice"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("rejected, with a comment"), std::string::npos) << r.out;
    ASSERT_EQ(on("coord", {"review", merge::format_uuid(ids[1]), "approved"}).code, 0);
    auto states = review_states();
    EXPECT_EQ(states["uuid:" + id], "rejected");
    EXPECT_EQ(states["uuid:" + merge::format_uuid(ids[1])], "approved");
    auto lines = slurp(dir / "export" + "/" + kForm + ".jsonl");
    EXPECT_NE(lines.find("\"review_comment\":\"interviewed twice\""), std::string::npos);
    // Cleared: no review state; the record was changed after its first save (by the review's
    // own changesets), which Central calls "edited".
    ASSERT_EQ(on("coord", {"review", id, "none"}).code, 0);
    EXPECT_EQ(review_states()["uuid:" + id], "edited");
}

TEST_F(ReviewCommandTest, ACollectorMayNotReviewAndUnknownStatesAreRefused) {
    auto id = merge::format_uuid(ids[0]);
    auto own = on("alice", {"review", id, "approved"});
    EXPECT_EQ(own.code, 1);
    EXPECT_NE(own.err.find("only a coordinator"), std::string::npos) << own.err;
    auto bad = on("coord", {"review", id, "fine"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find("approved, hasIssues, rejected or none"), std::string::npos) << bad.err;
    EXPECT_EQ(review_states()["uuid:" + id], "");
}

}  // namespace
}  // namespace canvass::cli
