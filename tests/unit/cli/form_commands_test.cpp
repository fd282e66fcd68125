// `canvass form check` and `canvass form validate`, run through canvass::cli::run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../form/test_forms.hpp"
#include "app.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

Outcome canvass(const std::vector<std::string>& args) {
    return run_captured(args);
}

class FormCommandsTest : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;

    std::string write(const std::string& name, const std::string& text) {
        std::string path = dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    std::string good_form() { return write("vendors.json", form::testing::vendors_form().dump(2)); }
    std::string bad_form() {
        json f = form::testing::vendors_form();
        f["survey"][0]["type"] = "integr";
        f["survey"][3]["relevant"] = "${agee} >= 18";
        return write("bad.json", f.dump());
    }
};

TEST_F(FormCommandsTest, CheckSummarizesEachValidForm) {
    std::string f = good_form();
    auto r = canvass({"form", "check", f});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, f + ": ok: vendors version 1, 13 questions, languages en fr\n");
}

TEST_F(FormCommandsTest, CheckPrintsEveryProblemAndFails) {
    std::string good = good_form();
    std::string bad = bad_form();
    auto r = canvass({"form", "check", good, bad});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, good + ": ok: vendors version 1, 13 questions, languages en fr\n" + bad +
                         ": survey[0].type: unknown type integr\n" + bad +
                         ": survey[3].relevant: unknown field ${agee}\n");
}

TEST_F(FormCommandsTest, CheckReportsUnreadableAndInvalidJsonFiles) {
    std::string missing = dir / "missing.json";
    std::string broken = write("broken.json", "{\n\"settings\": }");
    auto r = canvass({"form", "check", missing, broken});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, missing + ": cannot read " + missing + ": No such file or directory\n" +
                         broken +
                         ": invalid JSON at line 2, column 13: unexpected '}'; expected '[', '{', "
                         "or a literal\n");
}

TEST_F(FormCommandsTest, CheckJson) {
    std::string good = good_form();
    std::string bad = bad_form();
    auto r = canvass({"form", "check", "--json", good, bad});
    EXPECT_EQ(r.code, 1);
    json report = json::parse(r.out);
    ASSERT_EQ(report.size(), 2u);
    EXPECT_EQ(report[0]["valid"], true);
    EXPECT_EQ(report[0]["form_id"], "vendors");
    EXPECT_EQ(report[0]["questions"], 13);
    EXPECT_EQ(report[0]["languages"], json({"en", "fr"}));
    EXPECT_EQ(report[1]["valid"], false);
    EXPECT_EQ(report[1]["problems"][1],
              json({{"path", "survey[3].relevant"}, {"message", "unknown field ${agee}"}}));
}

TEST_F(FormCommandsTest, UsageErrorsExitTwoAndNameTheWholeCommand) {
    auto r = canvass({"form", "check"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("Run 'canvass form check --help' for usage."), std::string::npos) << r.err;
    r = canvass({"form"});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("Run 'canvass form --help' for usage."), std::string::npos) << r.err;
    r = canvass({"form", "validate", good_form()});
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--answers is required"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("Run 'canvass form validate --help' for usage."), std::string::npos)
        << r.err;
    r = canvass({"form", "check", "--bogus", good_form()});
    EXPECT_EQ(r.code, 2);
}

TEST_F(FormCommandsTest, HelpOnEveryCommand) {
    for (auto args : std::vector<std::vector<std::string>>{
             {"form", "--help"}, {"form", "check", "--help"}, {"form", "validate", "--help"}}) {
        auto r = canvass(args);
        EXPECT_EQ(r.code, 0);
        EXPECT_NE(r.out.find("Usage"), std::string::npos) << r.out;
    }
    EXPECT_NE(canvass({"form", "validate", "--help"}).out.find("--final"), std::string::npos);
    EXPECT_NE(canvass({"form", "check", "--help"}).out.find("--json"), std::string::npos);
}

TEST_F(FormCommandsTest, ValidateOneValidRecord) {
    std::string f = good_form();
    std::string a =
        write("a.json", R"({"age": 30, "job": "vendor", "members": [{"member_name": "Ann"}]})");
    auto r = canvass({"form", "validate", f, "--answers", a});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.out, a + ": 1 record valid against vendors version 1\n");
}

TEST_F(FormCommandsTest, ValidateJsonLinesReportsEachRecordByLine) {
    std::string f = good_form();
    std::string a = write(
        "a.jsonl", "{\"age\": 30}\n\n{\"age\": 12}\n{\"age\": 40, \"agee\": 1}\n{\"age\": \n");
    auto r = canvass({"form", "validate", f, "--answers", a});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, a + ":3: age: Between 14 and 110\n" + a + ":4: agee: unknown field\n" + a +
                         ":5: invalid JSON at line 1, column 9: unexpected end of input; expected "
                         "'[', '{', or a literal\n" +
                         a + ": 3 of 4 records with violations\n");
}

TEST_F(FormCommandsTest, ValidateInTheChosenLanguageAndFinalMode) {
    std::string f = good_form();
    std::string a = write("a.jsonl", "{\"age\": 12}\n{\"country\": \"ke\"}\n");
    auto r = canvass({"form", "validate", f, "--answers", a, "--lang", "fr"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, a + ":1: age: Entre 14 et 110\n" + a + ": 1 of 2 records with violations\n");
    r = canvass({"form", "validate", f, "--answers", a, "--lang", "fr", "--final"});
    EXPECT_EQ(r.out, a + ":1: age: Entre 14 et 110\n" + a + ":2: age: L'âge est requis\n" + a +
                         ": 2 of 2 records with violations\n");
}

TEST_F(FormCommandsTest, ValidateJson) {
    std::string f = good_form();
    std::string a = write("a.jsonl", "{\"age\": 30}\n{\"age\": 12, \"bye\": \"x\"}\n");
    auto r = canvass({"form", "validate", f, "--answers", a, "--json"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(
        json::parse(r.out),
        json::parse(R"([{"record": 2, "line": 2, "path": "age", "message": "Between 14 and 110"},
                              {"record": 2, "line": 2, "path": "bye", "message": "a note is not answered"}])"));
    std::string one = write("one.json", "{\n  \"age\": 30\n}\n");
    r = canvass({"form", "validate", f, "--answers", one, "--json"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(json::parse(r.out), json::array());
}

TEST_F(FormCommandsTest, ValidateRefusesAnUnknownLanguageAsBadUsage) {
    std::string a = write("a.json", "{}");
    auto r = canvass({"form", "validate", good_form(), "--answers", a, "--lang", "de"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "canvass: --lang de: form vendors is written in en, fr\n");
}

TEST_F(FormCommandsTest, ValidateWithAnInvalidFormOrUnreadableAnswers) {
    std::string a = write("a.json", "{}");
    auto r = canvass({"form", "validate", bad_form(), "--answers", a});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("bad.json: survey[0].type: unknown type integr\n"), std::string::npos)
        << r.out;
    r = canvass({"form", "validate", good_form(), "--answers", dir / "nope.json"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("cannot read"), std::string::npos);
    std::string broken = write("broken.json", "{\n  \"age\": 30,\n  \"job\" \"x\"\n}\n");
    r = canvass({"form", "validate", good_form(), "--answers", broken});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out,
              broken +
                  ": invalid JSON at line 3, column 11: unexpected string literal; expected ':'\n" +
                  broken + ": 1 of 1 records with violations\n");
}

// The example questionnaires of schemas/forms/ must load, and their answers validate.
TEST(ExampleForms, CheckAndValidate) {
    namespace fs = std::filesystem;
    fs::path dir = fs::path(CANVASS_SOURCE_DIR) / "schemas" / "forms";
    std::vector<std::string> forms;
    if (fs::is_directory(dir))
        for (const auto& e : fs::directory_iterator(dir))
            if (e.path().extension() == ".json") forms.push_back(e.path().string());
    if (forms.empty()) GTEST_SKIP() << "no example forms in " << dir;
    std::vector<std::string> args = {"form", "check"};
    args.insert(args.end(), forms.begin(), forms.end());
    auto r = canvass(args);
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    for (const auto& f : forms) {
        std::string answers = f.substr(0, f.size() - 5) + ".answers.jsonl";
        if (!fs::exists(answers)) continue;
        auto v = canvass({"form", "validate", f, "--answers", answers, "--final"});
        EXPECT_EQ(v.code, 0) << v.out << v.err;
    }
}

}  // namespace
}  // namespace canvass::cli
