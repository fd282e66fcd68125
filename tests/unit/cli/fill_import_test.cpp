// Bulk import with `canvass fill FORM --answers FILE.jsonl`: every line checked first and
// nothing saved unless all are valid (or the valid ones with --keep-valid, the refused ones
// written to a file), and a run again after fixing the file never duplicates a record.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "household_form.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

using canvass::testing::slurp;

class FillImportTest : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;
    std::string home = dir / "home";

    void SetUp() override {
        setenv("CANVASS_PASSPHRASE", "fill import test", 1);
        ASSERT_EQ(canvass({"init"}).code, 0);
        auto added = canvass({"form", "add", write("form.json", canvass::testing::kHouseholdForm)});
        ASSERT_EQ(added.code, 0) << added.err;
    }
    void TearDown() override { unsetenv("CANVASS_PASSPHRASE"); }

    Outcome canvass(std::vector<std::string> args, const std::string& input = "") {
        args.insert(args.begin(), {"--home", home});
        return run_captured(args, input);
    }
    std::string write(const std::string& name, const std::string& text) {
        std::string path = dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    std::size_t records() { return json::parse(canvass({"records", "--json"}).out).size(); }
    std::uint64_t changesets() {
        return json::parse(canvass({"status", "--json"}).out)["own_changesets"];
    }
};

// `n` valid lines, people P0..P(n-1); the lines numbered in `bad` (1-based) have an age the
// constraint refuses.
std::string people(std::size_t n, std::set<std::size_t> bad = {}) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        json line{{"name", "P" + std::to_string(i)},
                  {"age", bad.count(i + 1) ? 5 : 20 + static_cast<int>(i % 60)}};
        out += line.dump() + "\n";
    }
    return out;
}

TEST_F(FillImportTest, OneBadLineSavesNothingAndEveryProblemIsReportedWithItsLine) {
    std::string lines = people(30, {7, 19});
    lines += R"({"name": "Q", "bogus": 1, "members": [{"member_age": "x"}]})"
             "\n";
    lines += "{\"name\": \n";
    lines += "[1, 2]\n";
    auto file = write("people.jsonl", lines);
    auto r = canvass({"fill", "household", "--answers", file, "--finalize"});
    EXPECT_EQ(r.code, 1);
    for (const char* expected :
         {"people.jsonl:7: age: Between 14 and 110", "people.jsonl:19: age: Between 14 and 110",
          "people.jsonl:31: bogus: unknown field",
          "people.jsonl:31: members[1].member_age: ", "people.jsonl:32: invalid JSON at column",
          "people.jsonl:33: a record is a JSON object keyed by field name",
          "nothing saved: 5 of 33 lines", "--keep-valid --refused FILE"}) {
        EXPECT_NE(r.err.find(expected), std::string::npos) << expected << "\n" << r.err;
    }
    EXPECT_EQ(records(), 0u);
    EXPECT_EQ(changesets(), 0u);
}

TEST_F(FillImportTest, KeepValidSavesTheValidLinesAndWritesTheRefusedOnesToAPrivateFile) {
    ::umask(022);  // permissive: the refused lines hold answers, so their file must stay private
    auto file = write("people.jsonl", people(10, {3, 8}));
    auto refused = dir / "refused.jsonl";
    auto r = canvass({"fill", "household", "--answers", file, "--finalize", "--keep-valid",
                      "--refused", refused});
    EXPECT_EQ(r.code, 1) << "refused lines are a failure a script must notice";
    EXPECT_NE(r.out.find("saved 8 finalized records"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("2 lines refused"), std::string::npos) << r.err;
    EXPECT_EQ(records(), 8u);
    const std::string p2 = json{{"name", "P2"}, {"age", 5}}.dump(),
                      p7 = json{{"name", "P7"}, {"age", 5}}.dump();
    EXPECT_EQ(slurp(refused), p2 + "\n" + p7 + "\n");
    struct stat st {};
    ASSERT_EQ(::stat(refused.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    // Fixing the refused file and importing it completes the import.
    write("refused.jsonl", json{{"name", "P2"}, {"age", 50}}.dump() + "\n" +
                               json{{"name", "P7"}, {"age", 51}}.dump() + "\n");
    auto fixed = canvass({"fill", "household", "--answers", refused, "--finalize"});
    EXPECT_EQ(fixed.code, 0) << fixed.err;
    EXPECT_EQ(records(), 10u);
}

TEST_F(FillImportTest, ARunAgainAfterFixingTheFileSkipsWhatWasSavedAndNeverDuplicates) {
    // The report: 5,000 lines, saved up to a bad one, fixed, run again: 9,000 records.
    auto file = write("people.jsonl", people(50, {30}));
    auto first = canvass({"fill", "household", "--answers", file, "--finalize", "--keep-valid",
                          "--refused", dir / "refused.jsonl"});
    ASSERT_EQ(records(), 49u) << first.err;
    write("people.jsonl", people(50));
    auto again = canvass({"fill", "household", "--answers", file, "--finalize"});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("saved 1 finalized record, skipped 49 imported before"),
              std::string::npos)
        << again.out;
    EXPECT_EQ(records(), 50u);
    EXPECT_EQ(changesets(), 50u);
    auto third = canvass({"fill", "household", "--answers", file, "--finalize", "--json"});
    EXPECT_EQ(third.code, 0) << third.err;
    auto summary = json::parse(third.out);
    EXPECT_EQ(summary["saved"], 0);
    EXPECT_EQ(summary["skipped"], 50);
    EXPECT_EQ(records(), 50u);
}

TEST_F(FillImportTest, TheInstanceIdIsTheImportKeyAndIsNotSavedAsAnAnswer) {
    std::string lines = R"({"meta": {"instanceID": "uuid:1"}, "name": "A"})"
                        "\n"
                        R"({"meta/instanceID": "uuid:2", "name": "B"})"
                        "\n"
                        R"({"instanceID": "uuid:3", "name": "C"})"
                        "\n"
                        R"({"instanceID": "uuid:1", "name": "A, corrected"})"
                        "\n";
    auto r = canvass(
        {"fill", "household", "--answers", write("ids.jsonl", lines), "--finalize", "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto summary = json::parse(r.out);
    EXPECT_EQ(summary["saved"], 3);
    EXPECT_EQ(summary["skipped"], 1);  // the same instance as line 1
    auto list = json::parse(canvass({"records", "--json"}).out);
    ASSERT_EQ(list.size(), 3u);
    for (const auto& rec : list) {
        auto shown = json::parse(canvass({"show", rec["id"], "--json"}).out);
        EXPECT_FALSE(shown["answers"].contains("meta")) << shown.dump();
        EXPECT_FALSE(shown["answers"].contains("instanceID")) << shown.dump();
        EXPECT_NE(shown["answers"]["name"], "A, corrected");
    }
    // Other answers under a known instanceID are still the instance imported before.
    auto again = canvass({"fill", "household", "--answers",
                          write("again.jsonl", R"({"instanceID": "uuid:2", "name": "B2"})"
                                               "\n"),
                          "--finalize"});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("saved 0"), std::string::npos) << again.out;
    EXPECT_EQ(records(), 3u);
}

TEST_F(FillImportTest, IdenticalLinesWithoutInstanceIdAreOneRecordAndTheSummarySaysSo) {
    std::string line = json{{"name", "Same"}, {"age", 30}}.dump() + "\n";
    auto r = canvass(
        {"fill", "household", "--answers", write("same.jsonl", line + line + line), "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto summary = json::parse(r.out);
    EXPECT_EQ(summary["saved"], 1);
    EXPECT_EQ(summary["skipped"], 2);
    EXPECT_EQ(summary["repeated"], 2);
    EXPECT_EQ(records(), 1u);
    auto text = canvass({"fill", "household", "--answers", write("same2.jsonl", line + line)});
    EXPECT_NE(text.out.find("saved 0 draft records, skipped 1 imported before, skipped 1 line "
                            "repeating an earlier one"),
              std::string::npos)
        << text.out;
}

TEST_F(FillImportTest, AnErasedDraftIsImportedAgain) {
    auto file = write("one.jsonl", people(1));
    ASSERT_EQ(canvass({"fill", "household", "--answers", file}).code, 0);
    auto id = json::parse(canvass({"records", "--json"}).out).at(0).at("id").get<std::string>();
    ASSERT_EQ(canvass({"delete", id}).code, 0);
    ASSERT_EQ(records(), 0u);
    auto again = canvass({"fill", "household", "--answers", file});
    EXPECT_EQ(again.code, 0) << again.err;
    EXPECT_EQ(records(), 1u);
}

TEST_F(FillImportTest, LinesAreReadFromStandardInputAndAPrettyPrintedObjectIsOneRecord) {
    auto piped = canvass({"fill", "household", "--answers", "-", "--finalize"}, people(3));
    EXPECT_EQ(piped.code, 0) << piped.err;
    EXPECT_NE(piped.out.find("saved 3 finalized records"), std::string::npos) << piped.out;
    auto pretty = canvass({"fill", "household", "--answers",
                           write("pretty.json", "{\n  \"name\": \"Pretty\",\n  \"age\": 44\n}\n"),
                           "--finalize"});
    EXPECT_EQ(pretty.code, 0) << pretty.err;
    EXPECT_NE(pretty.out.find("saved finalized record "), std::string::npos) << pretty.out;
    EXPECT_EQ(records(), 4u);
}

TEST_F(FillImportTest, ProblemsAreInTheChosenLanguage) {
    std::string form = R"({
      "settings": {"form_id": "bilingual", "version": "1", "title": {"en": "B", "fr": "B"}, "languages": ["en", "fr"],
                   "default_language": "en"},
      "survey": [{"type": "integer", "name": "age", "label": {"en": "Age", "fr": "Âge"},
                  "constraint": ". >= 14", "constraint_message": {"en": "Too young", "fr": "Trop jeune"}}]
    })";
    ASSERT_EQ(canvass({"form", "add", write("bilingual.json", form)}).code, 0);
    auto r = canvass({"fill", "bilingual", "--answers",
                      write("b.jsonl", "{\"age\": 20}\n{\"age\": 3}\n"), "--lang", "fr"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("b.jsonl:2: age: Trop jeune"), std::string::npos) << r.err;
}

TEST_F(FillImportTest, KeepValidNeedsAFileForTheRefusedLines) {
    auto file = write("people.jsonl", people(2));
    EXPECT_EQ(canvass({"fill", "household", "--answers", file, "--keep-valid"}).code, 2);
    EXPECT_EQ(canvass({"fill", "household", "--answers", file, "--refused", dir / "r.jsonl"}).code,
              2);
    EXPECT_EQ(records(), 0u);
}

TEST_F(FillImportTest, ImportKeysAreNowhereInClearInTheStoreFiles) {
    const std::string marker = "uuid:marker-7f3e9c1a-import-key";
    auto r = canvass({"fill", "household", "--answers",
                      write("k.jsonl", json{{"instanceID", marker}, {"name", "K"}}.dump() + "\n"),
                      "--finalize"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::filesystem::remove(dir / "k.jsonl");
    for (const auto& entry : std::filesystem::recursive_directory_iterator(home)) {
        if (!entry.is_regular_file()) continue;
        EXPECT_EQ(slurp(entry.path()).find(marker), std::string::npos) << entry.path();
    }
}

}  // namespace
}  // namespace canvass::cli
