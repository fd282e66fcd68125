// Media questions on the command line: `canvass interview` takes a file's path and copies
// the file in, refusing a missing one by name while the interview goes on; `canvass fill`
// reads paths relative to the answers file, and so do `edit --answers` and `form validate`;
// `canvass status` says what waits to sync.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kStallForm = R"({
  "settings": {"form_id": "stalls", "version": "1", "title": {"en": "Stalls"}, "default_language": "en"},
  "survey": [
    {"type": "text", "name": "market", "label": {"en": "Market?"}},
    {"type": "image", "name": "stall", "label": {"en": "Photo of the stall?"}, "required": true}
  ]
})";

class MediaAnswers : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;
    std::string home = dir / "home";

    void SetUp() override {
        setenv("CANVASS_PASSPHRASE", "media test passphrase", 1);
        ASSERT_EQ(canvass({"init"}).code, 0);
        std::string form = dir / "stalls.json";
        std::ofstream(form) << kStallForm;
        auto added = canvass({"form", "add", form});
        ASSERT_EQ(added.code, 0) << added.err;
        std::ofstream(dir / "stall.jpg", std::ios::binary) << std::string(70000, 'x');
    }

    Outcome canvass(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--home", home});
        return run_captured(args, input);
    }
};

TEST_F(MediaAnswers, AnInterviewTakesAPathRefusingAMissingFileByNameAndGoingOn) {
    std::string missing = dir / "nope.jpg";
    std::string notes = dir / "notes.txt";
    std::ofstream(notes) << "not a photo";
    auto r = canvass({"interview", "stalls"},
                     "Gikomba\n" + missing + "\n" + notes + "\n" + (dir / "stall.jpg") + "\ny\n");
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_THAT(r.out, HasSubstr("there is no file " + missing));
    EXPECT_THAT(r.out, HasSubstr("an image question takes a image/… file, got text/plain"));
    EXPECT_THAT(r.out, HasSubstr("Finalized record "));
    auto list = json::parse(canvass({"records", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    auto shown = json::parse(canvass({"show", list[0]["id"], "--json"}).out);
    EXPECT_EQ(shown["answers"]["stall"]["name"], "stall.jpg");
    EXPECT_EQ(shown["answers"]["stall"]["size"], 70000);
    EXPECT_EQ(shown["answers"]["stall"]["type"], "image/jpeg");

    auto status = json::parse(canvass({"status", "--json"}).out);
    EXPECT_EQ(status["attachments"]["held"], 1);
    EXPECT_EQ(status["attachments"]["unsent"], 1);
    EXPECT_EQ(status["attachments"]["records_waiting"], 1);
    EXPECT_THAT(canvass({"status"}).out,
                HasSubstr("1 record waits for its attachments to reach the server"));
}

TEST_F(MediaAnswers, FillReadsPathsBesideTheAnswersFileAndRefusesAMissingOneByField) {
    std::string answers = dir / "answers.jsonl";
    std::ofstream(answers) << R"({"market": "Gikomba", "stall": "stall.jpg"})"
                           << "\n"
                           << R"({"market": "Toi", "stall": "gone.jpg"})"
                           << "\n";
    auto r = canvass({"fill", "stalls", "--answers", answers, "--finalize"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.err, HasSubstr(":2: stall: there is no file"));
    EXPECT_THAT(r.err, HasSubstr("gone.jpg"));
    EXPECT_EQ(json::parse(canvass({"records", "--json"}).out).size(), 0u);  // all or nothing
    EXPECT_EQ(json::parse(canvass({"status", "--json"}).out)["attachments"]["held"], 0);

    std::ofstream(answers) << R"({"market": "Gikomba", "stall": "stall.jpg"})"
                           << "\n";
    r = canvass({"fill", "stalls", "--answers", answers, "--finalize"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto list = json::parse(canvass({"records", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(
        json::parse(canvass({"show", list[0]["id"], "--json"}).out)["answers"]["stall"]["name"],
        "stall.jpg");
}

TEST_F(MediaAnswers, AnEditTakesANewPhotoByPathAndRefusesAMissingOneSavingNothing) {
    std::string answers = dir / "answers.jsonl";
    std::ofstream(answers) << R"({"market": "Gikomba", "stall": "stall.jpg"})"
                           << "\n";
    ASSERT_EQ(canvass({"fill", "stalls", "--answers", answers, "--finalize"}).code, 0);
    const std::string id = json::parse(canvass({"records", "--json"}).out)[0]["id"];
    std::ofstream(dir / "better.jpg", std::ios::binary) << std::string(90000, 'y');

    std::string missing = dir / "edit-missing.json";
    std::ofstream(missing) << R"({"stall": "lost.jpg"})";
    auto refused = canvass({"edit", id, "--answers", missing});
    EXPECT_EQ(refused.code, 1);
    EXPECT_THAT(refused.err, HasSubstr("stall: there is no file"));
    EXPECT_THAT(refused.err, HasSubstr("nothing was saved"));
    EXPECT_EQ(json::parse(canvass({"show", id, "--json"}).out)["answers"]["stall"]["name"],
              "stall.jpg");

    std::string change = dir / "edit.json";
    std::ofstream(change) << R"({"stall": "better.jpg"})";
    auto edited = canvass({"edit", id, "--answers", change});
    ASSERT_EQ(edited.code, 0) << edited.err;
    auto shown = json::parse(canvass({"show", id, "--json"}).out);
    EXPECT_EQ(shown["answers"]["stall"]["name"], "better.jpg");
    EXPECT_EQ(shown["answers"]["stall"]["size"], 90000);
    EXPECT_EQ(json::parse(canvass({"status", "--json"}).out)["attachments"]["held"], 2);
}

TEST_F(MediaAnswers, FormValidateReadsPathsAsFillWouldAndNamesAMissingFile) {
    std::string form = dir / "stalls.json";
    std::string answers = dir / "answers.jsonl";
    std::ofstream(answers) << R"({"market": "Gikomba", "stall": "stall.jpg"})"
                           << "\n"
                           << R"({"market": "Toi", "stall": "gone.jpg"})"
                           << "\n"
                           << R"({"market": "Toi", "stall": "stalls.json"})"
                           << "\n";
    auto r = canvass({"form", "validate", form, "--answers", answers, "--final"});
    EXPECT_EQ(r.code, 1);
    EXPECT_THAT(r.out, Not(HasSubstr(":1:")));
    EXPECT_THAT(r.out, HasSubstr(":2: stall: there is no file"));
    EXPECT_THAT(r.out, HasSubstr(":3: stall:"));  // a .json file is not an image
    EXPECT_THAT(r.out, HasSubstr("2 of 3 records"));
    EXPECT_EQ(json::parse(canvass({"status", "--json"}).out)["attachments"]["held"], 0)
        << "validate keeps nothing";
}

}  // namespace
}  // namespace canvass::cli
