// What statisticians expect of the Stata and SPSS files, checked on a small market form
// (tests/data/export) against values worked out by hand (expected.json): integer choice
// names kept as codes, dates as dates, "not relevant" and "not answered" told apart,
// select_multiple indicators 0 when answered without the choice, a question keeping its
// own name when an indicator would take it, labels without raw ${…} references. Read
// back with Debian's readstat programs; tests/scripts/test_export_stats.py reads the same
// files with R's haven and pandas.
#include <chrono>
#include <cmath>

#include "export/stat_model.hpp"
#include "export_form_support.hpp"
#include "form/answer_types.hpp"

namespace canvass::cli::export_test {
namespace {

std::vector<json> lines_of(const std::string& relative) {
    std::istringstream lines(source_file(relative));
    std::vector<json> out;
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty()) out.push_back(json::parse(line));
    }
    return out;
}

// ISO 8601 date, `…Z` datetime or time as the format counts it, from the standard library's
// calendar: Stata %td days since 1960-01-01 and %tc milliseconds; SPSS seconds since 1582-10-14.
double stat_number(const std::string& iso, const std::string& variable, const std::string& ext) {
    using namespace std::chrono;
    const bool stata = ext == "dta";
    if (variable == "open_time") {
        double secs = std::stoi(iso.substr(0, 2)) * 3600 + std::stoi(iso.substr(3, 2)) * 60 +
                      std::stoi(iso.substr(6, 2));
        return stata ? secs * 1000 : secs;
    }
    sys_days day{year{std::stoi(iso.substr(0, 4))} /
                 month{static_cast<unsigned>(std::stoi(iso.substr(5, 2)))} /
                 std::chrono::day{static_cast<unsigned>(std::stoi(iso.substr(8, 2)))}};
    sys_days origin =
        stata ? sys_days{year{1960} / January / 1} : sys_days{year{1582} / October / 14};
    double days = static_cast<double>((day - origin).count());
    double secs = 0;
    if (variable == "visit_start") {
        secs = std::stoi(iso.substr(11, 2)) * 3600 + std::stoi(iso.substr(14, 2)) * 60 +
               std::stoi(iso.substr(17, 2));
    }
    if (variable == "visit_date") return stata ? days : days * 86400;
    return stata ? (days * 86400 + secs) * 1000 : days * 86400 + secs;
}

class StatValuesTest : public ::testing::TestWithParam<std::string>, public FormExport {
  protected:
    json expected = json::parse(source_file("tests/data/export/expected.json"));

    void SetUp() override {
        if (shell("command -v readstat >/dev/null && command -v extract_metadata >/dev/null")
                .first != 0) {
            GTEST_SKIP() << "the readstat programs are not installed (apt-get install readstat)";
        }
        load(source_file("tests/data/export/market_stats.json"),
             lines_of("tests/data/export/market_stats.answers.jsonl"));
        auto r = run({"--format", GetParam()});
        ASSERT_EQ(r.code, 0) << r.err;
    }

    CsvTable data() {
        std::string csv = dir / "data.csv";
        auto [status, output] =
            shell("readstat '" + out + "/market_stats." + GetParam() + "' '" + csv + "' 2>&1");
        EXPECT_EQ(status, 0) << output;
        return CsvTable::read(csv);
    }
    std::map<std::string, json> metadata() {
        std::string path = dir / "meta.json";
        auto [status, output] = shell("extract_metadata '" + out + "/market_stats." + GetParam() +
                                      "' '" + path + "' 2>&1");
        EXPECT_EQ(status, 0) << output;
        std::map<std::string, json> vars;
        auto doc = json::parse(slurp(path));
        for (const auto& v : doc.at("variables")) vars[v.at("name").get<std::string>()] = v;
        return vars;
    }
};

TEST_P(StatValuesTest, ValuesCodesDatesAndMissingReasonsAreWhatTheFormSays) {
    const std::string ext = GetParam();
    auto t = data();
    for (const auto& [trader, want] : expected["rows"].items()) {
        auto rows = t.where("trader", trader);
        ASSERT_EQ(rows.size(), 1u) << trader;
        for (const auto& [variable, value] : want.items()) {
            const auto& cell = t.cell(rows[0], variable);
            std::string where = trader + " " + variable + " = '" + cell + "'";
            if (value.is_number()) {
                EXPECT_DOUBLE_EQ(std::stod(cell), value.get<double>()) << where;
            } else if (value == "a" || value == "b") {
                // readstat prints Stata's .a/.b as empty; SPSS's user-missing values as their
                // codes.
                if (ext == "dta") {
                    EXPECT_EQ(cell, "") << where;
                } else if (variable.rfind("visit", 0) == 0 || variable == "open_time") {
                    EXPECT_EQ(cell, "") << where << ": SPSS dates have no missing codes";
                } else {
                    EXPECT_DOUBLE_EQ(std::stod(cell), value == "a" ? exporting::kSpssNotRelevant
                                                                   : exporting::kSpssNotAnswered)
                        << where;
                }
            } else if (variable == "goods_other") {
                EXPECT_EQ(cell, value.get<std::string>()) << where;
            } else {
                EXPECT_NEAR(std::stod(cell), stat_number(value, variable, ext), 1e-6) << where;
            }
        }
    }
}

TEST_P(StatValuesTest, LabelsNamesAndFormatsAreWhatTheAnalystReads) {
    const std::string ext = GetParam();
    auto vars = metadata();
    for (const auto& [variable, label] : expected["variable_labels"].items()) {
        ASSERT_TRUE(vars.count(variable)) << variable;
        EXPECT_EQ(vars[variable]["label"], label) << variable;
        EXPECT_EQ(vars[variable]["label"].get<std::string>().find("${"), std::string::npos);
    }
    EXPECT_FALSE(vars.count("goods_other_3")) << "one indicator per choice";
    for (const auto& [variable, labels] : expected["value_labels"].items()) {
        std::map<std::string, std::string> got;
        for (const auto& c : vars[variable]["categories"]) {
            if (c.contains("code")) got[form::answer_text(c["code"])] = c["label"];
        }
        for (const auto& [code, label] : labels.items())
            EXPECT_EQ(got[code], label) << variable << " " << code;
    }
    // Dates are numbers with a date format (which extract_metadata does not print; the haven
    // and pandas test reads them as dates).
    for (const char* v : {"visit_date", "visit_start", "open_time"})
        EXPECT_EQ(vars[v]["type"], "NUMERIC") << v;
}

TEST(StatCodebook, StatesHowTheCodesWereChosen) {
    FormExport e;
    e.load(source_file("tests/data/export/market_stats.json"),
           lines_of("tests/data/export/market_stats.answers.jsonl"));
    ASSERT_EQ(e.run({"--format", "dta"}).code, 0);
    auto cb = e.table("codebook.csv");
    EXPECT_EQ(cb.cell(cb.where("name", "sells").at(0), "codes"),
              "the choice names (all integers): 1=1;0=0;99=99;-88=-88");
    EXPECT_EQ(cb.cell(cb.where("name", "colour").at(0), "codes"),
              "1..n in choice order: 1=red;2=blue");
    EXPECT_EQ(cb.cell(cb.where("name", "goods").at(0), "stata"),
              "goods_food goods_cloth goods_other_2");
    EXPECT_EQ(cb.cell(cb.where("name", "goods_other").at(0), "stata"), "goods_other");
}

INSTANTIATE_TEST_SUITE_P(StataAndSpss, StatValuesTest, ::testing::Values("dta", "sav"));

}  // namespace
}  // namespace canvass::cli::export_test
