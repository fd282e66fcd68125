// A coordinator's `resolve` and `edit --key` are saves like any other: the record with the new
// value must pass the form's constraints, required answers and relevance, or nothing is saved.
#include "export_test_support.hpp"
#include "merge/ids.hpp"

namespace canvass::cli::export_test {
namespace {

using canvass::testing::TempDir;

const std::string kForm = "home_based_workers";

class CoordinatorChecksTest : public ::testing::Test {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string collector_home = dir / "collector";
    std::string coordinator_home = dir / "coordinator";
    std::string record;

    void SetUp() override {
        std::string form_text = source_file("schemas/forms/" + kForm + ".json");
        auto collector = make_store(collector_home, {form_text}, {coord.public_key}, "collector");
        auto ids = collector.import_records(kForm, answer_sets(kForm), true);
        ASSERT_TRUE(ids) << ids.error().message;
        record = merge::format_uuid(ids->front());  // piece rate work, 55 pieces a week
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        ship(collector, c);
    }

    Outcome on_coordinator(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"--home", coordinator_home, "--passphrase-file", coord.passphrase_file});
        return canvass(args);
    }
    Outcome resolve(const std::string& path, const std::string& value, bool with_key) {
        std::vector<std::string> args{"resolve", record, path, "--value", value};
        if (with_key) args.insert(args.end(), {"--key", coord.key_file});
        return on_coordinator(args);
    }
    std::uint64_t changesets() {
        return json::parse(on_coordinator({"status", "--json"}).out)["own_changesets"];
    }
    json answers() {
        return json::parse(
            on_coordinator({"show", record, "--json", "--key", coord.key_file}).out)["answers"];
    }
};

TEST_F(CoordinatorChecksTest, ResolveRefusesWhatTheQuestionsOwnConstraintRefusesEvenWithoutTheKey) {
    auto r = resolve("age", "5", false);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("nothing was changed: with 5 at age"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("age: "), std::string::npos) << r.err;
    // A required answer may not be cleared either.
    r = resolve("age", "null", false);
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("required"), std::string::npos) << r.err;
    EXPECT_EQ(changesets(), 0u);
    auto ok = resolve("age", "40", false);
    EXPECT_EQ(ok.code, 0) << ok.err;
    EXPECT_EQ(changesets(), 1u);
}

TEST_F(CoordinatorChecksTest, ARuleOnOtherAnswersNeedsTheKeyAndIsThenChecked) {
    // rejected_pieces: `. <= ${pieces_week}`, in a group relevant to piece-rate work.
    auto unread = resolve("rejected_pieces", "10", false);
    EXPECT_EQ(unread.code, 1);
    EXPECT_NE(unread.err.find("give --key FILE"), std::string::npos) << unread.err;
    auto refused = resolve("rejected_pieces", "70", true);
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("rejected_pieces: "), std::string::npos) << refused.err;
    EXPECT_EQ(changesets(), 0u);
    // Rejected pieces make `rejected_deducted` relevant, and required: one value alone cannot
    // settle that, an edit of both can.
    auto incomplete = resolve("rejected_pieces", "10", true);
    EXPECT_EQ(incomplete.code, 1);
    EXPECT_NE(incomplete.err.find("rejected_deducted: an answer is required"), std::string::npos)
        << incomplete.err;
    EXPECT_NE(incomplete.err.find("canvass edit"), std::string::npos) << incomplete.err;
    EXPECT_EQ(changesets(), 0u);
    auto ok = resolve("pieces_week", "60", true);
    ASSERT_EQ(ok.code, 0) << ok.err;
    EXPECT_EQ(answers()["pieces_week"], 60);
    // Answering a question that is not relevant is refused like in an interview.
    auto irrelevant = resolve("product_other", "\"baskets\"", true);
    EXPECT_EQ(irrelevant.code, 1);
    EXPECT_NE(irrelevant.err.find("not relevant"), std::string::npos) << irrelevant.err;
}

TEST_F(CoordinatorChecksTest, EditWithTheKeyChecksConstraintsOnTheWholeRecord) {
    std::string edit_file = dir / "edit.json";
    std::ofstream(edit_file) << R"({"rejected_pieces": 70})";
    auto r = on_coordinator({"edit", record, "--answers", edit_file, "--key", coord.key_file});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("rejected_pieces: "), std::string::npos) << r.err;
    std::ofstream(edit_file) << R"({"age": 5})";
    r = on_coordinator({"edit", record, "--answers", edit_file, "--key", coord.key_file});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("age: "), std::string::npos) << r.err;
    EXPECT_EQ(changesets(), 0u);
}

}  // namespace
}  // namespace canvass::cli::export_test
