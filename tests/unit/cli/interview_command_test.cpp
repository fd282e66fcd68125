// `canvass interview` and the interactive `canvass edit`, run through canvass::cli::run
// with a real device store and the interviewer's lines on standard input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app.hpp"
#include "interview_test_support.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

class InterviewCommand : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;
    std::string home = dir / "home";

    void SetUp() override {
        setenv("CANVASS_PASSPHRASE", "interview test passphrase", 1);
        ASSERT_EQ(canvass({"init"}).code, 0);
        std::string form = dir / "market.json";
        std::ofstream(form) << interview::testing::kMarketForm;
        auto added = canvass({"form", "add", form});
        ASSERT_EQ(added.code, 0) << added.err;
    }

    Outcome canvass(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--home", home});
        return run_captured(args, input);
    }

    json records() { return json::parse(canvass({"records", "--json"}).out); }
    json shown(const std::string& id) { return json::parse(canvass({"show", id, "--json"}).out); }
};

// Every line of a whole interview of an adult in Nairobi with one member and no visits.
constexpr const char* kWholeInterview = "Ana\n30\n1\n1\n12.5\n1 3\ny\nAna K\nn\nn\n0\ny\n";

TEST_F(InterviewCommand, AWholeInterviewIsFinalized) {
    auto r = canvass({"interview", "market"}, std::string(kWholeInterview) + "y\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("(saved as draft "));
    EXPECT_THAT(r.out, HasSubstr("\n> Ana\n"));  // without a terminal, what was typed is echoed
    EXPECT_THAT(r.out, HasSubstr("Finalized record "));
    auto list = records();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["status"], "finalized");
    json answers = shown(list[0]["id"])["answers"];
    EXPECT_EQ(answers["name"], "Ana");
    EXPECT_EQ(answers["goods"], json({"fruit", "tools"}));
    EXPECT_EQ(answers["household"], 2);
    EXPECT_EQ(answers["members"][0]["member_name"], "Ana K");
}

TEST_F(InterviewCommand, AnInterviewStoppedMidwayIsADraftThatResumes) {
    auto r = canvass({"interview", "market", "--lang", "fr"}, "Ana\n30\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Pays ?"));
    EXPECT_THAT(r.out, HasSubstr("Resume with: canvass interview --resume "));
    auto list = records();
    ASSERT_EQ(list.size(), 1u);
    std::string id = list[0]["id"];
    EXPECT_EQ(list[0]["status"], "draft");
    EXPECT_EQ(shown(id)["answers"]["age"], 30);

    // Resumed in the language the draft was taken in, without --lang.
    r = canvass({"interview", "--resume", id.substr(0, 8)}, "1\n1\n12.5\n1 3\nn\n0\ny\ny\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Reprise d'un brouillon"));
    EXPECT_THAT(r.out, HasSubstr("Résumé\n  1. Nom ?: Ana\n  2. Âge ?: 30\n  3. Pays ?: Kenya\n"));
    EXPECT_THAT(r.out, HasSubstr("Fiche " + id + " finalisée"));
    EXPECT_EQ(records()[0]["status"], "finalized");
}

TEST_F(InterviewCommand, ALanguageChosenDuringTheInterviewIsKeptForResume) {
    auto r = canvass({"interview", "market"}, "Ana\nlang fr\n30\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Âge ?"));
    std::string id = records()[0]["id"];
    r = canvass({"interview", "--resume", id}, "quit\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("* Pays ?"));
    r = canvass({"interview", "--resume", id, "--lang", "en"}, "quit\n");
    EXPECT_THAT(r.out, HasSubstr("* Country?"));  // --lang chooses another
}

TEST_F(InterviewCommand, LinesWrapToColumnsWhenSetAndStayWholeOtherwise) {
    setenv("COLUMNS", "30", 1);
    auto r = canvass({"interview", "market"}, "quit\n");
    unsetenv("COLUMNS");
    EXPECT_THAT(r.out, HasSubstr("Each answer is saved as it is\ngiven. Type ? for help.\n"));
    r = canvass({"interview", "market"}, "quit\n");
    EXPECT_THAT(r.out, HasSubstr("Each answer is saved as it is given. Type ? for help.\n"));
}

TEST_F(InterviewCommand, QuittingBeforeAnyAnswerSavesNothing) {
    auto r = canvass({"interview", "market"}, "quit\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("No answer was given: nothing was saved.\n"));
    EXPECT_TRUE(records().empty());
}

TEST_F(InterviewCommand, InteractiveEditSavesOneEditOfTheChangedAnswers) {
    ASSERT_EQ(canvass({"interview", "market"}, std::string(kWholeInterview) + "y\n").code, 0);
    std::string id = records()[0]["id"];
    // New name, keep the rest, then save.
    auto r = canvass({"edit", id.substr(0, 8)}, "Ana Maria\nquit\ny\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("Editing a finalized record"));
    EXPECT_THAT(r.out, HasSubstr("Saved the edit of record " + id));
    json answers = shown(id)["answers"];
    EXPECT_EQ(answers["name"], "Ana Maria");
    EXPECT_EQ(answers["members"][0]["member_name"], "Ana K");  // untouched instance kept

    // Removing the member and leaving income unanswered.
    r = canvass({"edit", id}, "\n\n\n\nskip\n\nremove\ny\nn\n\n\ny\n");
    ASSERT_EQ(r.code, 0) << r.err;
    answers = shown(id)["answers"];
    EXPECT_FALSE(answers.contains("income"));
    EXPECT_TRUE(answers.value("members", json::array()).empty()) << answers.dump();
    EXPECT_EQ(answers["household"], 1);

    // The file-based edit still works beside it.
    std::string file = dir / "change.json";
    std::ofstream(file) << R"({"age": 44})";
    r = canvass({"edit", id, "--answers", file});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(shown(id)["answers"]["age"], 44);
}

TEST_F(InterviewCommand, ClearErrorsAndUsage) {
    auto r = canvass({"interview"});
    EXPECT_EQ(r.code, 2);
    EXPECT_THAT(r.err, HasSubstr("interview needs FORM, or --resume RECORD"));
    EXPECT_EQ(canvass({"interview", "market", "--resume", "abcd"}).code, 2);
    r = canvass({"interview", "nosuch"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("no form nosuch on this device"));
    r = canvass({"interview", "market", "--lang", "de"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("This form has no language de (it has: en, fr)."));

    ASSERT_EQ(canvass({"interview", "market"}, std::string(kWholeInterview) + "y\n").code, 0);
    std::string id = records()[0]["id"];
    r = canvass({"interview", "--resume", id});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err,
                HasSubstr("is finalized: change it with 'canvass edit " + id.substr(0, 8) + "'"));
    ASSERT_EQ(canvass({"interview", "market"}, "Ben\n").code, 0);
    std::string draft;
    for (const auto& rec : records())
        if (rec["status"] == "draft") draft = rec["id"];
    r = canvass({"edit", draft});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr("is a draft: continue it with 'canvass interview --resume"));
}

}  // namespace
}  // namespace canvass::cli
