// The interview refuses, at its question, an answer too long to sync, and asks again: what an
// interview saves, the server accepts (docs/limits.md).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "merge/changeset.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

TEST(InterviewLimits, AnAnswerTooLongToSyncIsRefusedAtItsQuestionAndAskedAgain) {
    canvass::testing::TempDir dir;
    setenv("CANVASS_PASSPHRASE", "interview limits", 1);
    std::string home = dir / "home";
    auto run = [&](std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--home", home});
        return run_captured(args, input);
    };
    ASSERT_EQ(run({"init"}).code, 0);
    std::string form = dir / "notes.json";
    std::ofstream(form)
        << R"({"settings": {"form_id": "notes", "version": "1", "title": {"en": "Notes", "fr": "Notes"},
        "default_language": "en", "languages": ["en", "fr"]},
      "survey": [{"type": "text", "name": "story", "label": {"en": "What happened?", "fr": "Que s'est-il passé ?"}},
                 {"type": "text", "name": "more", "label": {"en": "Anything else?", "fr": "Autre chose ?"}}]})";
    ASSERT_EQ(run({"form", "add", form}).code, 0);

    std::string input = std::string(merge::kMaxAnswerBytes, 'y') + "\nshort\n\ny\n";
    auto r = run({"interview", "notes", "--lang", "fr"}, input);
    ASSERT_EQ(r.code, 0) << r.err << r.out.substr(r.out.size() > 2000 ? r.out.size() - 2000 : 0);
    EXPECT_NE(r.out.find("trop longue pour être synchronisée (" +
                         std::to_string(merge::kMaxAnswerBytes + 2) + " octets ; au plus " +
                         std::to_string(merge::kMaxAnswerBytes) + ")"),
              std::string::npos);
    EXPECT_EQ(r.out.find("Non enregistré"), std::string::npos)
        << "refused at the question, never at the save";
    auto list = json::parse(run({"records", "--json"}).out);
    ASSERT_EQ(list.size(), 1u);
    auto shown = json::parse(run({"show", list[0]["id"], "--json"}).out);
    unsetenv("CANVASS_PASSPHRASE");
    EXPECT_EQ(shown["answers"]["story"], "short");
    EXPECT_EQ(shown["status"], "finalized");
}

}  // namespace
}  // namespace canvass::cli
