// The offline device commands through canvass::cli::run: init, form add, forms, fill, edit,
// records, show, finalize, delete, status; and the store file searched for what was saved.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app.hpp"
#include "household_form.hpp"
#include "run_captured.hpp"
#include "store/device_store.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

class StoreCommandsTest : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;
    std::string home = dir / "home";

    void SetUp() override { setenv("CANVASS_PASSPHRASE", "store commands test", 1); }
    void TearDown() override { unsetenv("CANVASS_PASSPHRASE"); }

    Outcome canvass(std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", home});
        return run_captured(args);
    }
    std::string write(const std::string& name, const std::string& text) {
        std::string path = dir / name;
        std::ofstream(path, std::ios::binary) << text;
        return path;
    }
    void ready() {
        ASSERT_EQ(canvass({"init"}).code, 0);
        auto added = canvass({"form", "add", write("form.json", canvass::testing::kHouseholdForm)});
        ASSERT_EQ(added.code, 0) << added.err;
    }
    std::string only_record() {
        auto list = json::parse(canvass({"records", "--json"}).out);
        EXPECT_EQ(list.size(), 1u);
        return list.at(0).at("id");
    }
};

TEST_F(StoreCommandsTest, InitTwiceFailsAndCommandsWithoutAStoreSayHowToStart) {
    auto none = canvass({"records"});
    EXPECT_EQ(none.code, 1);
    EXPECT_NE(none.err.find("canvass init"), std::string::npos);
    ASSERT_EQ(canvass({"init"}).code, 0);
    auto again = canvass({"init"});
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find("already exists"), std::string::npos);
}

TEST_F(StoreCommandsTest, FillShowEditFinalizeDelete) {
    ready();
    auto forms = canvass({"forms"});
    EXPECT_NE(forms.out.find("household  version 1"), std::string::npos) << forms.out;
    auto filled = canvass({"fill", "household", "--answers",
                           write("a.json", R"({"name": "Lindiwe", "age": 40})"), "--finalize"});
    ASSERT_EQ(filled.code, 0) << filled.err;
    auto id = only_record();
    auto shown = json::parse(canvass({"show", id.substr(0, 8), "--json"}).out);
    EXPECT_EQ(shown["answers"]["name"], "Lindiwe");
    EXPECT_EQ(shown["status"], "finalized");

    auto refused = canvass({"edit", id, "--answers", write("e.json", R"({"age": 5})")});
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("Between 14 and 110"), std::string::npos) << refused.err;
    auto edited = canvass({"edit", id, "--answers", write("e2.json", R"({"age": 41})")});
    ASSERT_EQ(edited.code, 0) << edited.err;
    EXPECT_EQ(json::parse(canvass({"show", id, "--json"}).out)["answers"]["age"], 41);

    auto status = json::parse(canvass({"status", "--json"}).out);
    EXPECT_EQ(status["own_changesets"], 2);
    EXPECT_EQ(status["unsent_changesets"], 2);

    ASSERT_EQ(canvass({"delete", id}).code, 0);
    EXPECT_EQ(json::parse(canvass({"show", id, "--json"}).out)["status"], "deleted");
}

TEST_F(StoreCommandsTest, DraftsFinalizeAllAndBulkImportFromJsonLines) {
    ready();
    std::string lines = R"({"name": "A"})"
                        "\n"
                        R"({"age": 30})"
                        "\n";
    ASSERT_EQ(canvass({"fill", "household", "--answers", write("d.jsonl", lines)}).code, 0);
    auto fin = canvass({"finalize", "--all"});
    EXPECT_EQ(fin.code, 1);  // the second draft has no name
    EXPECT_NE(fin.out.find("finalized 1 record"), std::string::npos) << fin.out;
    EXPECT_NE(fin.err.find("name"), std::string::npos);

    auto bad = canvass({"fill", "household", "--answers",
                        write("bad.jsonl", R"({"name": "B"})"
                                           "\n"
                                           R"({"name": "C", "age": 2})"
                                           "\n"),
                        "--finalize"});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find("bad.jsonl:2: age: Between 14 and 110"), std::string::npos) << bad.err;
    EXPECT_EQ(json::parse(canvass({"records", "--json"}).out).size(), 2u);  // nothing of it saved

    auto broken = canvass({"fill", "household", "--answers", write("x.jsonl", "{\"name\": \n")});
    EXPECT_EQ(broken.code, 1);
    EXPECT_NE(broken.err.find("x.jsonl:1"), std::string::npos) << broken.err;
}

TEST_F(StoreCommandsTest, BadUsageExitsTwo) {
    EXPECT_EQ(canvass({"fill"}).code, 2);
    EXPECT_EQ(canvass({"finalize"}).code, 2);
    EXPECT_EQ(canvass({"records", "--bogus"}).code, 2);
}

TEST_F(StoreCommandsTest, SavedAnswersAreNowhereInClearInTheStoreFiles) {
    ready();
    // A second connection held open keeps the write-ahead log on disk (the last connection to
    // close would checkpoint and remove it), so the search covers the WAL too.
    auto holder = store::DeviceStore::open(home, store::Passphrase{"store commands test"});
    ASSERT_TRUE(holder);
    ASSERT_EQ(canvass({"fill", "household", "--answers",
                       write("s.json", R"({"name": "Precious Nkosazana Mahlangu",
                                          "members": [{"member_name": "Sipho Themba Khumalo"}]})"),
                       "--finalize"})
                  .code,
              0);
    ASSERT_EQ(canvass({"fill", "household", "--answers",
                       write("t.json", R"({"name": "Draft Person Mokoena"})")})
                  .code,
              0);
    std::filesystem::remove(dir / "s.json");
    std::filesystem::remove(dir / "t.json");
    std::filesystem::remove(dir / "form.json");
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
        if (!entry.is_regular_file()) continue;
        ++files;
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        for (const char* secret : {"Precious", "Khumalo", "Mokoena", "Waste picker"}) {
            EXPECT_EQ(bytes.find(secret), std::string::npos) << secret << " in " << entry.path();
        }
    }
    EXPECT_TRUE(std::filesystem::exists(home + "/device.db-wal"));
    EXPECT_GE(files, 2);  // the database and its WAL at least
}

}  // namespace
}  // namespace canvass::cli
