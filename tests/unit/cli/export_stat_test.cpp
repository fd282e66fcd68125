// The Stata and SPSS files of `canvass export`, read back by an independent reader: the
// `readstat` and `extract_metadata` programs from Debian's readstat package.
#include "export_test_support.hpp"

#include <chrono>
#include <cmath>

#include "export/stat_names.hpp"
#include "merge/ids.hpp"

namespace canvass::cli::export_test {
namespace {

using canvass::testing::TempDir;

const std::string kStatForm = "home_based_workers";

// Position of `name` in a choice list of the form file, 1-based: the export's code.
int code_of(const json& form, const std::string& list, const std::string& name) {
    const auto& choices = form.at("choices").at(list);
    for (std::size_t i = 0; i < choices.size(); ++i) {
        if (choices[i]["name"] == name) return static_cast<int>(i) + 1;
    }
    return 0;
}

// A date as the format counts it, computed with the standard library's calendar: Stata %td
// days since 1960-01-01, SPSS seconds since 1582-10-14.
double stat_date(const std::string& iso, const std::string& ext) {
    using namespace std::chrono;
    int y = std::stoi(iso.substr(0, 4));
    auto m = static_cast<unsigned>(std::stoi(iso.substr(5, 2)));
    auto d = static_cast<unsigned>(std::stoi(iso.substr(8, 2)));
    sys_days when{year{y} / month{m} / std::chrono::day{d}};
    if (ext == "dta")
        return static_cast<double>((when - sys_days{year{1960} / January / 1}).count());
    return static_cast<double>((when - sys_days{year{1582} / October / 14}).count()) * 86400.0;
}

// Value labels of a variable without the two that name its missing values.
json choice_categories(const json& variable) {
    json out = json::array();
    for (const auto& c : variable.value("categories", json::array())) {
        if (c["label"] != "not relevant" && c["label"] != "not answered") out.push_back(c);
    }
    return out;
}

// An empty numeric answer as readstat prints it: nothing for Stata's .a/.b, the
// user-missing code for SPSS (not relevant -999999997, not answered -999999998).
bool missing_cell(const std::string& cell, const std::string& ext) {
    if (ext == "dta") return cell.empty();
    return !cell.empty() && (std::stod(cell) == -999999997.0 || std::stod(cell) == -999999998.0);
}

class StatExportTest : public ::testing::TestWithParam<std::string> {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string form_text = source_file("schemas/forms/" + kStatForm + ".json");
    json form = json::parse(form_text);
    std::vector<json> answers = answer_sets(kStatForm);
    std::string coordinator_home = dir / "coordinator";
    std::string out = dir / "out";
    std::vector<merge::RecordId> ids;

    void SetUp() override {
        if (shell("command -v readstat >/dev/null && command -v extract_metadata >/dev/null")
                .first != 0) {
            GTEST_SKIP() << "the readstat programs are not installed (apt-get install readstat)";
        }
        auto collector =
            make_store(dir / "collector", {form_text}, {coord.public_key}, "collector");
        ids = *collector.import_records(kStatForm, answers, true);
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        ship(collector, c);
    }

    void export_as(const std::string& format, const std::string& lang) {
        auto r = canvass({"--home", coordinator_home, "--passphrase-file", coord.passphrase_file,
                          "export", "--key", coord.key_file, "--form", kStatForm, "--format",
                          format, "--out", out, "--lang", lang});
        ASSERT_EQ(r.code, 0) << r.err;
    }

    // The data, converted to CSV by readstat.
    CsvTable data(const std::string& file) {
        std::string csv = dir / (file + ".csv");
        auto [status, output] = shell("readstat '" + out + "/" + file + "' '" + csv + "' 2>&1");
        EXPECT_EQ(status, 0) << output;
        return CsvTable::read(csv);
    }

    // Variables with their labels and value labels, by name, as extract_metadata reads them.
    std::map<std::string, json> metadata(const std::string& file) {
        std::string path = dir / (file + ".json");
        auto [status, output] =
            shell("extract_metadata '" + out + "/" + file + "' '" + path + "' 2>&1");
        EXPECT_EQ(status, 0) << output;
        std::map<std::string, json> vars;
        auto doc = json::parse(slurp(path));  // named: a temporary would die before the loop
        for (const auto& v : doc.at("variables")) vars[v.at("name").get<std::string>()] = v;
        return vars;
    }

    std::string key_of(std::size_t i) const { return "uuid:" + merge::format_uuid(ids[i]); }
};

TEST_P(StatExportTest, ValuesAndLabelsReadBackWithReadStat) {
    const std::string ext = GetParam();
    export_as(ext, "fr");
    auto t = data(kStatForm + "." + ext);
    ASSERT_EQ(t.rows.size(), answers.size());
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& a = answers[i];
        auto rows = t.where("KEY", key_of(i));
        ASSERT_EQ(rows.size(), 1u);
        auto row = rows[0];
        EXPECT_DOUBLE_EQ(std::stod(t.cell(row, "age")), a["age"].get<double>());
        EXPECT_EQ(std::stoi(t.cell(row, "gender")), code_of(form, "gender", a["gender"]));
        EXPECT_DOUBLE_EQ(std::stod(t.cell(row, "interview_date")),
                         stat_date(a["interview_date"], ext));
        if (a.contains("location")) {
            EXPECT_NEAR(std::stod(t.cell(row, "location_latitude")),
                        a["location"]["lat"].get<double>(), 1e-9);
        } else {
            EXPECT_TRUE(missing_cell(t.cell(row, "location_latitude"), ext))
                << t.cell(row, "location_latitude");
        }
        if (a.contains("inputs_provided")) {
            for (const auto& choice : form["choices"]["input"]) {
                std::string name = choice["name"];
                bool chosen = std::find(a["inputs_provided"].begin(), a["inputs_provided"].end(),
                                        name) != a["inputs_provided"].end();
                EXPECT_EQ(std::stoi(t.cell(row, "inputs_provided_" + name)), chosen ? 1 : 0)
                    << "record " << i << " " << name;
            }
        } else {
            EXPECT_TRUE(missing_cell(t.cell(row, "inputs_provided_tools"), ext))
                << "unanswered is missing, not 0";
        }
    }

    auto vars = metadata(kStatForm + "." + ext);
    ASSERT_TRUE(vars.count("gender"));
    EXPECT_EQ(vars["gender"]["label"], "Genre de la personne");
    const auto categories = choice_categories(vars["gender"]);
    ASSERT_EQ(categories.size(), form["choices"]["gender"].size());
    for (std::size_t k = 0; k < categories.size(); ++k) {
        EXPECT_EQ(categories[k]["code"].get<double>(), static_cast<double>(k + 1));
        EXPECT_EQ(categories[k]["label"], form["choices"]["gender"][k]["label"]["fr"]);
    }
    EXPECT_EQ(vars["age"]["type"], "NUMERIC");
    EXPECT_EQ(vars["age"]["label"], "Quel âge avez-vous ?");
    EXPECT_EQ(vars["interview_date"]["type"], "NUMERIC") << "a date, not text";
    EXPECT_EQ(vars["inputs_provided_tools"]["label"],
              "Que fournit le donneur d'ordre ?: Machine ou outils");
    EXPECT_EQ(vars["location_latitude"]["label"], "Position GPS du domicile (latitude)");
    EXPECT_TRUE(vars.count("KEY") && vars.count("SubmissionDate") && vars.count("FormVersion"));
}

TEST_P(StatExportTest, RepeatFilesKeepTheirKeysAndLabels) {
    const std::string ext = GetParam();
    export_as(ext, "es");
    auto members = data(kStatForm + "-hh_members." + ext);
    auto jobs = data(kStatForm + "-member_jobs." + ext);
    std::size_t given_members = 0;
    for (const auto& a : answers) given_members += a.value("hh_members", json::array()).size();
    EXPECT_EQ(members.rows.size(), given_members);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        EXPECT_EQ(members.where("PARENT_KEY", key_of(i)).size(),
                  answers[i].value("hh_members", json::array()).size());
    }
    ASSERT_FALSE(jobs.rows.empty());
    for (std::size_t r = 0; r < jobs.rows.size(); ++r) {
        const auto& parent = jobs.cell(r, "PARENT_KEY");
        EXPECT_EQ(members.where("KEY", parent).size(), 1u) << parent;
        EXPECT_EQ(jobs.cell(r, "KEY").rfind(parent + "/member_jobs[", 0), 0u);
    }
    auto vars = metadata(kStatForm + "-hh_members." + ext);
    EXPECT_TRUE(vars.count("member_relation"));
    EXPECT_FALSE(choice_categories(vars["member_relation"]).empty());
    EXPECT_EQ(choice_categories(vars["member_relation"])[0]["label"],
              form["choices"]["relation"][0]["label"]["es"]);
}

TEST_P(StatExportTest, AChoiceTheNewestFormDroppedKeepsACode) {
    const std::string ext = GetParam();
    json v2 = form;
    v2["settings"]["version"] = "2027.01.1";
    auto& genders = v2["choices"]["gender"];
    genders.erase(genders.begin());  // "female" is gone from the newest version
    {
        auto c =
            std::move(store::DeviceStore::open(coordinator_home, store::Passphrase{kPassphrase}))
                .value();
        ASSERT_TRUE(c.add_form(v2.dump()));
    }
    export_as(ext, "en");
    auto vars = metadata(kStatForm + "." + ext);
    const auto categories = choice_categories(vars["gender"]);
    ASSERT_EQ(categories.size(), genders.size() + 1);
    EXPECT_EQ(categories.back()["label"], "female");
    auto t = data(kStatForm + "." + ext);
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto row = t.where("KEY", key_of(i))[0];
        int expected = answers[i]["gender"] == "female"
                           ? static_cast<int>(genders.size()) + 1
                           : code_of(v2, "gender", answers[i]["gender"]);
        EXPECT_EQ(std::stoi(t.cell(row, "gender")), expected);
    }
}

TEST_P(StatExportTest, ALongTextSurvivesWhole) {
    const std::string ext = GetParam();
    // Longer than Stata's str2045: written as a strL. SPSS stores it as a very long string.
    std::string story;
    while (story.size() < 3000) story += "La patronne a retenu la paie de mars. ";
    story += "Fin.";  // SPSS pads texts with spaces, so a trailing space would not come back
    json a = answers[0];
    a["comments"] = story;
    merge::RecordId id{};
    {
        auto collector =
            std::move(store::DeviceStore::open(dir / "collector", store::Passphrase{kPassphrase}))
                .value();
        id = *collector.create_record(kStatForm, a, true);
        auto c =
            std::move(store::DeviceStore::open(coordinator_home, store::Passphrase{kPassphrase}))
                .value();
        ship(collector, c);
    }
    export_as(ext, "en");
    auto t = data(kStatForm + "." + ext);
    auto rows = t.where("KEY", "uuid:" + merge::format_uuid(id));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(t.cell(rows[0], "comments"), story);
}

INSTANTIATE_TEST_SUITE_P(StataAndSpss, StatExportTest, ::testing::Values("dta", "sav"));

TEST(StatNames, FollowEachFormatsRules) {
    exporting::NameMaker stata(exporting::StatFormat::dta);
    EXPECT_EQ(stata.make("age"), "age");
    EXPECT_EQ(stata.make("AGE"), "AGE_2") << "unique regardless of case";
    EXPECT_EQ(stata.make("in"), "in_");
    EXPECT_EQ(stata.make("str12"), "str12_");
    EXPECT_EQ(stata.make("hh.size-total"), "hh_size_total");
    EXPECT_EQ(stata.make("2nd"), "v2nd");
    auto long_name = stata.make("inputs_provided_raw_material_and_accessories");
    EXPECT_EQ(long_name, "inputs_provided_raw_material_and");
    EXPECT_EQ(long_name.size(), 32u);
    EXPECT_EQ(stata.make("inputs_provided_raw_material_and_tools"),
              "inputs_provided_raw_material_a_2");

    exporting::NameMaker spss(exporting::StatFormat::sav);
    EXPECT_EQ(spss.make("hh.size"), "hh.size");
    EXPECT_EQ(spss.make("with"), "with_");
    EXPECT_EQ(spss.make("_private"), "v_private");
    EXPECT_EQ(spss.make("end."), "end_");
    EXPECT_EQ(spss.make(std::string(70, 'a')).size(), 64u);
}

}  // namespace
}  // namespace canvass::cli::export_test
