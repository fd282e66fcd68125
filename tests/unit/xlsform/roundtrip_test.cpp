// Import -> export -> import gives the same twin, on the four example questionnaires; and
// the committed .xlsx of each imports to the twin of its .json.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "xlsform/export.hpp"
#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using nlohmann::json;

const char* const example_forms[] = {"street_vendors", "waste_pickers", "home_based_workers",
                                     "domestic_workers"};

json read_json(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    json j = json::parse(s.str());
    j.erase("$schema");
    return j;
}

json imported(const std::string& path) {
    Import i = import_file(path);
    EXPECT_TRUE(i.ok()) << path << ": " << (i.problems.empty() ? "" : describe(i.problems[0]));
    return json::parse(i.twin_text);
}

class ExampleForms : public ::testing::TestWithParam<const char*> {
  protected:
    std::string source(const std::string& ext) const {
        return std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/" + GetParam() + ext;
    }
    canvass::testing::TempDir dir;
};

TEST_P(ExampleForms, ExportThenImportGivesTheSameTwin) {
    json form = read_json(source(".json"));
    std::string xlsx = dir / "form.xlsx";
    auto written = export_xlsform(form, xlsx);
    ASSERT_TRUE(written.has_value()) << written.error().message;
    json once = imported(xlsx);
    EXPECT_EQ(once, form);
    std::string again = dir / "again.xlsx";
    ASSERT_TRUE(export_xlsform(once, again).has_value());
    EXPECT_EQ(imported(again), once);
}

TEST_P(ExampleForms, TheCommittedSpreadsheetImportsToTheJsonForm) {
    EXPECT_EQ(imported(source(".xlsx")), read_json(source(".json")));
}

INSTANTIATE_TEST_SUITE_P(Schemas, ExampleForms, ::testing::ValuesIn(example_forms));

TEST(Export, WritesLanguageColumnsGroupsAndSettingsAsXlsformReadsThem) {
    json form = json::parse(R"({
      "settings": {"form_id": "m", "version": "2", "title": {"en": "Market", "fr": "Marché"},
                   "default_language": "en", "languages": ["en", "fr"], "instance_name": "${n}"},
      "survey": [{"type": "group", "name": "g", "label": {"en": "G", "fr": "G"}, "children": [
                   {"type": "integer", "name": "n", "label": {"en": "N", "fr": "N"}, "default": 3, "required": true}]}],
      "choices": {"yn": [{"name": "y", "label": {"en": "Yes", "fr": "Oui"}, "group": "a"}]}})");
    canvass::testing::TempDir dir;
    std::string path = dir / "m.xlsx";
    ASSERT_TRUE(export_xlsform(form, path).has_value());
    auto book = read_workbook(path);
    ASSERT_TRUE(book.has_value()) << book.error().message;
    auto text = [](const Sheet* s) {
        std::vector<std::vector<std::string>> rows;
        for (const auto& r : s->rows) {
            std::vector<std::string> cells;
            for (const auto& c : r.cells) cells.push_back(column_letters(c.column) + "=" + c.text);
            rows.push_back(cells);
        }
        return rows;
    };
    using Rows = std::vector<std::vector<std::string>>;
    EXPECT_EQ(text(book->find("survey")), (Rows{{"A=type", "B=name", "C=label::English (en)",
                                                 "D=label::French (fr)", "E=required", "F=default"},
                                                {"A=begin_group", "B=g", "C=G", "D=G"},
                                                {"A=integer", "B=n", "C=N", "D=N", "E=yes", "F=3"},
                                                {"A=end_group"}}));
    EXPECT_EQ(
        text(book->find("choices")),
        (Rows{{"A=list_name", "B=name", "C=label::English (en)", "D=label::French (fr)", "E=group"},
              {"A=yn", "B=y", "C=Yes", "D=Oui", "E=a"}}));
    EXPECT_EQ(text(book->find("settings")),
              (Rows{{"A=form_id", "B=version", "C=form_title", "D=form_title::French (fr)",
                     "E=default_language", "F=instance_name"},
                    {"A=m", "B=2", "C=Market", "D=Marché", "E=English (en)", "F=${n}"}}));
    // instance_name passes through whether or not the form engine knows it yet.
    EXPECT_EQ(json::parse(import_file(path).twin_text), form);
}

TEST(Export, ALabelColumnCanvassDoesNotKnowComesBackAsALabel) {
    json form = json::parse(R"({
      "settings": {"form_id": "m", "version": "2", "title": {"pt-BR": "Feira"}, "default_language": "pt-BR",
                   "languages": ["pt-BR"]},
      "survey": [{"type": "text", "name": "n", "label": {"pt-BR": "Nome"}, "guidance": {"pt-BR": "Pergunte"}}]})");
    canvass::testing::TempDir dir;
    std::string path = dir / "m.xlsx";
    ASSERT_TRUE(export_xlsform(form, path).has_value());
    auto book = read_workbook(path);
    ASSERT_TRUE(book.has_value());
    EXPECT_EQ(book->find("survey")->rows[0].at(2), "label::pt-BR");
    EXPECT_EQ(book->find("survey")->rows[0].at(3), "guidance::pt-BR (pt-BR)");
    EXPECT_EQ(json::parse(import_file(path).twin_text), form);
}

TEST(Export, FailsOnAPathItCannotWrite) {
    json form = read_json(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json");
    auto r = export_xlsform(form, "/nonexistent-dir/x.xlsx");
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().message.rfind("cannot write /nonexistent-dir/x.xlsx", 0), 0u)
        << r.error().message;
}

}  // namespace
}  // namespace canvass::xlsform
