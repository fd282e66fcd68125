// The CSV export as ODK Central's download options shape it: meta-instanceID before KEY,
// split select_multiple columns, headers without group paths, and the .zip package.
#include <sys/stat.h>

#include "export_form_support.hpp"
#include "unzip.hpp"

namespace canvass::cli::export_test {
namespace {

const std::string kOptionsForm = "home_based_workers";

using canvass::testing::unzip;

class OdkOptionsTest : public ::testing::Test, public FormExport {
  protected:
    std::vector<json> answers = answer_sets(kOptionsForm);
    void SetUp() override { load(source_file("schemas/forms/" + kOptionsForm + ".json"), answers); }
};

TEST_F(OdkOptionsTest, MetaInstanceIdComesJustBeforeKeyAndHoldsTheRecordsUuid) {
    ASSERT_EQ(run().code, 0);
    auto t = table(kOptionsForm + ".csv");
    auto key = t.col("KEY");
    ASSERT_GT(key, 0u);
    EXPECT_EQ(t.header[key - 1], "meta-instanceID");
    EXPECT_EQ(t.header[key - 2], "comments") << "the meta group follows the form's last field";
    ASSERT_EQ(t.rows.size(), answers.size());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        EXPECT_EQ(t.cell(i, "meta-instanceID"), t.cell(i, "KEY"));
        EXPECT_EQ(t.cell(i, "meta-instanceID").rfind("uuid:", 0), 0u);
    }
    auto members = table(kOptionsForm + "-hh_members.csv");
    EXPECT_FALSE(members.has("meta-instanceID")) << "repeat tables have no meta group";
}

TEST_F(OdkOptionsTest, SplitSelectMultiplesAddsOneColumnPerChoiceAfterTheQuestion) {
    ASSERT_EQ(run({"--split-select-multiples"}).code, 0);
    auto t = table(kOptionsForm + ".csv");
    auto form = json::parse(source_file("schemas/forms/" + kOptionsForm + ".json"));
    std::vector<std::string> choices;
    for (const auto& c : form["choices"]["input"]) choices.push_back(c["name"]);
    ASSERT_FALSE(choices.empty());
    auto at = t.col("piece_rate-inputs_provided");
    for (std::size_t c = 0; c < choices.size(); ++c) {
        EXPECT_EQ(t.header.at(at + 1 + c), "piece_rate-inputs_provided/" + choices[c]);
    }
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto row = t.where("KEY", key_of(i)).at(0);
        const json given = answers[i].value("inputs_provided", json::array());
        EXPECT_EQ(t.cell(row, "piece_rate-inputs_provided"), odk_text(given))
            << "the joined column stays";
        for (const auto& c : choices) {
            std::string want;
            if (!given.empty())
                want = std::find(given.begin(), given.end(), c) != given.end() ? "1" : "0";
            EXPECT_EQ(t.cell(row, "piece_rate-inputs_provided/" + c), want)
                << "record " << i << " " << c;
        }
    }
    // Without the option the columns are not there.
    ASSERT_EQ(run().code, 0);
    EXPECT_FALSE(table(kOptionsForm + ".csv").has("piece_rate-inputs_provided/" + choices[0]));
}

TEST_F(OdkOptionsTest, NoGroupPathsWritesBareFieldNames) {
    ASSERT_EQ(run({"--no-group-paths"}).code, 0);
    auto t = table(kOptionsForm + ".csv");
    EXPECT_TRUE(t.has("age"));
    EXPECT_FALSE(t.has("respondent-age"));
    EXPECT_TRUE(t.has("location-Latitude"));
    EXPECT_TRUE(t.has("instanceID"));
    EXPECT_FALSE(t.has("meta-instanceID"));
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto row = t.where("KEY", key_of(i)).at(0);
        EXPECT_EQ(t.cell(row, "age"), odk_text(answers[i]["age"]));
    }
    auto cb = table("codebook.csv");
    EXPECT_EQ(cb.cell(cb.where("name", "age").at(0), "column"), "age");
}

TEST_F(OdkOptionsTest, ZipHoldsEveryTableWithLfLineEndsAndTheSameCells) {
    ASSERT_EQ(run().code, 0);
    std::map<std::string, std::string> loose;
    for (const auto& name : {kOptionsForm + ".csv", kOptionsForm + "-hh_members.csv",
                             kOptionsForm + "-member_jobs.csv"}) {
        loose[name] = slurp(out + "/" + name);
        std::filesystem::remove(out + "/" + name);
    }
    auto r = run({"--zip"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/" + kOptionsForm + ".csv"))
        << "the tables are in the zip only";
    auto files = unzip(out + "/" + kOptionsForm + ".zip");
    ASSERT_EQ(files.size(), loose.size());
    for (const auto& [name, text] : loose) {
        ASSERT_TRUE(files.count(name)) << name;
        const auto& zipped = files.at(name);
        EXPECT_EQ(zipped.find("\r\n"), std::string::npos)
            << name << ": LF line ends, as ODK Central writes";
        EXPECT_EQ(parse_csv(zipped), parse_csv(text))
            << name << ": the same cells as the loose file";
    }
    struct stat st {};
    ASSERT_EQ(::stat((out + "/" + kOptionsForm + ".zip").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(OdkOptionsTest, LabelsWritesChoiceLabelsInTheLanguageAsked) {
    auto r = run({"--labels", "fr"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto t = table(kOptionsForm + ".csv");
    auto form = json::parse(source_file("schemas/forms/" + kOptionsForm + ".json"));
    auto label_of = [&](const std::string& list, const std::string& name) -> std::string {
        for (const auto& c : form["choices"][list])
            if (c["name"] == name) return c["label"]["fr"];
        return name;
    };
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto row = t.where("KEY", key_of(i)).at(0);
        EXPECT_EQ(t.cell(row, "respondent-gender"), label_of("gender", answers[i]["gender"])) << i;
        std::string joined;
        for (const auto& v : answers[i].value("inputs_provided", json::array()))
            joined += (joined.empty() ? "" : " ") + label_of("input", v);
        EXPECT_EQ(t.cell(row, "piece_rate-inputs_provided"), joined) << i;
        EXPECT_EQ(t.cell(row, "respondent-age"), odk_text(answers[i]["age"]))
            << "other answers stay";
    }
    auto members = table(kOptionsForm + "-hh_members.csv");
    EXPECT_EQ(members.cell(0, "member_relation"),
              label_of("relation", answers[0]["hh_members"][0]["member_relation"]));
}

TEST_F(OdkOptionsTest, LabelsInALanguageTheFormLacksIsAClearError) {
    auto r = run({"--labels", "de"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(
        r.err.find(
            "choice labels in de: form home_based_workers has no language 'de' (it has en fr es)"),
        std::string::npos)
        << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/" + kOptionsForm + ".csv"));
}

// A form whose settings name its records: ODK Central writes meta-instanceID, then
// meta-instanceName, then KEY.
TEST(OdkMetaGroup, InstanceIdComesBeforeInstanceName) {
    FormExport e;
    json form = {{"settings",
                  {{"form_id", "named"},
                   {"version", "1"},
                   {"title", {{"en", "Named"}}},
                   {"default_language", "en"},
                   {"languages", {"en"}},
                   {"instance_name", "${who}"}}},
                 {"choices", json::object()},
                 {"survey", {{{"type", "text"}, {"name", "who"}, {"label", {{"en", "Who?"}}}}}}};
    e.load(form.dump(), {{{"who", "Ana"}}});
    ASSERT_EQ(e.run().code, 0);
    auto t = e.table("named.csv");
    std::vector<std::string> want{"SubmissionDate", "who", "meta-instanceID", "meta-instanceName",
                                  "KEY"};
    ASSERT_GE(t.header.size(), want.size());
    EXPECT_EQ(std::vector<std::string>(t.header.begin(), t.header.begin() + 5), want);
    EXPECT_EQ(t.cell(0, "meta-instanceName"), "Ana");
    EXPECT_EQ(t.cell(0, "meta-instanceID"), e.key_of(0));
}

}  // namespace
}  // namespace canvass::cli::export_test

namespace canvass::cli::export_test {
namespace {

// ODK Central's test forms name a question `name` at the top level and in a repeat: each
// table gets its own column.
TEST(SharedNameExport, TheSameNameAtTheTopAndInARepeatFillsEachTable) {
    FormExport e;
    json form = {
        {"settings",
         {{"form_id", "family"},
          {"version", "1"},
          {"title", {{"en", "Family"}}},
          {"default_language", "en"},
          {"languages", {"en"}}}},
        {"choices", json::object()},
        {"survey",
         {{{"type", "text"}, {"name", "name"}, {"label", {{"en", "Family name"}}}},
          {{"type", "repeat"},
           {"name", "children"},
           {"label", {{"en", "Child"}}},
           {"children",
            {{{"type", "text"}, {"name", "name"}, {"label", {{"en", "Child's name"}}}}}}}}}};
    e.load(form.dump(),
           {{{"name", "Silva"}, {"children", {{{"name", "Ana"}}, {{"name", "Rui"}}}}}});
    auto r = e.run({"--format", "csv,dta"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto main = e.table("family.csv");
    ASSERT_EQ(main.rows.size(), 1u);
    EXPECT_EQ(main.cell(0, "name"), "Silva");
    auto kids = e.table("family-children.csv");
    ASSERT_EQ(kids.rows.size(), 2u);
    EXPECT_EQ(kids.cell(0, "name"), "Ana");
    EXPECT_EQ(kids.cell(1, "name"), "Rui");
    EXPECT_EQ(kids.cell(1, "PARENT_KEY"), e.key_of(0));
}

}  // namespace
}  // namespace canvass::cli::export_test
