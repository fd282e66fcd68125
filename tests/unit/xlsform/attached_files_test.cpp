// The CSV files an XLSForm names beside itself (docs/xlsform.md "Attached files"): read into
// the twin's `external` and checked there, each problem at the sheet, row and column a
// designer sees; written back beside the spreadsheet by export, so that import -> export ->
// import gives the same twin. And the external_choices sheet of select_one_external.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "form/loader.hpp"
#include "form/validate.hpp"
#include "xlsform/attached_files.hpp"
#include "xlsform/export.hpp"
#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using nlohmann::json;
using testing::book;
using ::testing::Contains;
using ::testing::ElementsAre;
using testing::Grid;
using ::testing::HasSubstr;
using testing::problems_of;
using testing::sheet;

const Grid settings = {{"form_id", "version", "default_language"}, {"towns", "1", "English (en)"}};

// The XLSForm documentation's example: a select_one_from_file whose choices are a CSV file.
Workbook towns_book(
    const std::string& calculation = "pulldata('villages', 'district', 'name', ${village})") {
    return book({{"survey",
                  {{"type", "name", "label::English (en)", "calculation"},
                   {"select_one_from_file villages.csv", "village", "Village", ""},
                   {"calculate", "district", "", calculation}}},
                 {"settings", settings}});
}

FileSource files_of(std::map<std::string, std::string> files) {
    return
        [files = std::move(files)](const std::string& name) -> Result<std::optional<std::string>> {
            auto it = files.find(name);
            if (it == files.end()) return std::optional<std::string>();
            return std::optional<std::string>(it->second);
        };
}

const std::string villages_csv =
    "\xEF\xBB\xBFname,label,label::French (fr),district\r\n"
    "kib,Kibera,,nairobi\r\n"
    "\"mat\",\"Mathare, North\",\"Mathare \"\"Nord\"\"\",nairobi\r\n";

TEST(AttachedFiles, ACsvBesideTheFormIsCarriedInTheTwin) {
    Import i = import_workbook(towns_book(), "towns", files_of({{"villages.csv", villages_csv}}));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["external"]["villages.csv"], json::parse(R"({
        "columns": ["name", "label", "label::fr", "district"],
        "rows": [["kib", "Kibera", "", "nairobi"], ["mat", "Mathare, North", "Mathare \"Nord\"", "nairobi"]]})"));
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    EXPECT_EQ(form.value().choices("villages.csv")->choices[1].label.at("en"), "Mathare, North");
}

TEST(AttachedFiles, AnEditedFileGivesAnUnversionedFormANewVersion) {
    Workbook unversioned = towns_book();
    unversioned.sheets[1] = sheet("settings", {{"form_id"}, {"towns"}});
    auto version = [&](const std::string& csv) {
        Import i = import_workbook(unversioned, "towns", files_of({{"villages.csv", csv}}));
        return json::parse(i.twin_text)["settings"]["version"];
    };
    EXPECT_NE(version(villages_csv), version(villages_csv + "kor,Korogocho,,nairobi\n"));
}

TEST(AttachedFiles, AMissingFileIsAProblemAtTheRowThatNamesIt) {
    Import i = import_workbook(towns_book(), "towns", files_of({}));
    EXPECT_THAT(
        problems_of(i),
        Contains(
            "survey row 2, column type: the file villages.csv is not attached to the form: put "
            "villages.csv beside the form's spreadsheet (or under external in its JSON) "
            "(survey[0].type)"));
}

TEST(AttachedFiles, AFileWithoutANameColumnIsAProblemAtTheRow) {
    Import i = import_workbook(towns_book(), "towns",
                               files_of({{"villages.csv", "code,label\nkib,Kibera\n"}}));
    EXPECT_THAT(problems_of(i),
                Contains(HasSubstr("survey row 2, column type: villages.csv has no column name: "
                                   "each row of a choice file gives a choice's name in the "
                                   "column name")));
}

TEST(AttachedFiles, AnUnknownInstanceIsAProblemAtItsExpression) {
    Import i =
        import_workbook(towns_book("instance('towns')/root/item[name = ${village}]/district"),
                        "towns", files_of({{"villages.csv", villages_csv}}));
    EXPECT_THAT(problems_of(i),
                ElementsAre("survey row 3, column calculation: unknown instance 'towns': the form "
                            "has no choice list towns and no file towns.csv attached (put "
                            "towns.csv beside the form's spreadsheet) (survey[1].calculation)"));
}

TEST(AttachedFiles, ProblemsInsideAFileNameItsLine) {
    Import quote = import_workbook(towns_book(), "towns",
                                   files_of({{"villages.csv", "name,label\n\"kib,Kibera\n"}}));
    EXPECT_THAT(problems_of(quote),
                Contains("villages.csv row 2: a quote opened here is never closed"));
    Import wide = import_workbook(towns_book(), "towns",
                                  files_of({{"villages.csv", "name,label\nkib,Kibera,x\n"}}));
    EXPECT_THAT(problems_of(wide),
                Contains("villages.csv row 2: 3 cells, but the first line names 2 columns"));
    Import twice = import_workbook(
        towns_book(), "towns",
        files_of({{"villages.csv", "name,label\nkib,Kibera\n\nkib,Kibera again\n"}}));
    EXPECT_THAT(problems_of(twice),
                Contains(HasSubstr("villages.csv row 4: duplicate choice kib in villages.csv")));
}

TEST(AttachedFiles, ExportWritesTheFilesBesideTheSpreadsheetAndImportReadsThemBack) {
    Import first =
        import_workbook(towns_book(), "towns", files_of({{"villages.csv", villages_csv}}));
    ASSERT_TRUE(first.ok());
    canvass::testing::TempDir dir;
    json twin = json::parse(first.twin_text);
    ASSERT_TRUE(export_xlsform(twin, dir / "towns.xlsx"));
    std::ifstream csv(dir / "villages.csv");
    ASSERT_TRUE(csv);
    Import again = import_file(dir / "towns.xlsx");
    ASSERT_TRUE(again.ok()) << problems_of(again).front();
    EXPECT_EQ(json::parse(again.twin_text), twin);
}

TEST(AttachedFiles, TheParametersValueAndLabelPickTheFilesColumns) {
    Workbook b = book(
        {{"survey",
          {{"type", "name", "label::English (en)", "parameters"},
           {"select_one_from_file stalls.csv", "stall", "Stall", "value=stall_code label=owner"}}},
         {"settings", settings}});
    Import i = import_workbook(
        b, "towns", files_of({{"stalls.csv", "stall_code,owner,market\nS-14,Amina,gikomba\n"}}));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    const auto* list = form.value().choices(form.value().find("stall")->list_name);
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->choices.at(0).name, "S-14");
    EXPECT_EQ(list->choices.at(0).label.at("en"), "Amina");
    Import wrong =
        import_workbook(b, "towns", files_of({{"stalls.csv", "code,owner\nS-14,Amina\n"}}));
    EXPECT_THAT(problems_of(wrong),
                Contains(HasSubstr("survey row 2, column type: stalls.csv has no column "
                                   "stall_code (the parameter value=stall_code")));
}

// A JSON twin written by hand (or by another tool) names its files the same way: they are
// read from its folder too, unless its external already holds them.
TEST(AttachedFiles, AJsonFormReadsTheFilesBesideItAsASpreadsheetDoes) {
    Import first =
        import_workbook(towns_book(), "towns", files_of({{"villages.csv", villages_csv}}));
    ASSERT_TRUE(first.ok());
    json twin = json::parse(first.twin_text);
    const json carried = twin["external"];
    twin.erase("external");
    canvass::testing::TempDir dir;
    std::ofstream(dir / "towns.json") << twin.dump(2);
    std::ofstream(dir / "villages.csv") << villages_csv;
    FormText read = read_form_file(dir / "towns.json");
    ASSERT_TRUE(read.problems.empty()) << describe(read.problems.front());
    EXPECT_EQ(json::parse(read.json_text)["external"], carried);
    ASSERT_TRUE(form::load_form(read.json_text));

    // A twin that carries its files is read as it is, byte for byte, whatever lies beside it.
    std::ofstream(dir / "villages.csv") << "name,label\nother,Other\n";
    std::ofstream(dir / "whole.json") << first.twin_text;
    EXPECT_EQ(read_form_file(dir / "whole.json").json_text, first.twin_text);

    // A file with a problem is named with its line; a missing one is the loader's problem.
    std::ofstream(dir / "villages.csv") << "name,label\n\"kib,Kibera\n";
    EXPECT_THAT(read_form_file(dir / "towns.json").problems,
                Contains(::testing::Field(&CellProblem::sheet, "villages.csv")));
    std::filesystem::remove(dir / "villages.csv");
    FormText alone = read_form_file(dir / "towns.json");
    EXPECT_TRUE(alone.problems.empty());
    auto loaded = form::load_form(alone.json_text);
    ASSERT_FALSE(loaded);
    EXPECT_THAT(loaded.error().front().message,
                HasSubstr("the file villages.csv is not attached to the form"));
}

TEST(ExternalChoices, SelectOneExternalReadsItsListFromTheSheet) {
    // XLSForm Offline's example: counties filtered by state, a name repeated in two states.
    Workbook b = book({{"survey",
                        {{"type", "name", "label", "choice_filter"},
                         {"select_one states", "state", "State", ""},
                         {"select_one_external counties", "county", "County", "state=${state}"}}},
                       {"choices",
                        {{"list_name", "name", "label"},
                         {"states", "tx", "Texas"},
                         {"states", "wa", "Washington"}}},
                       {"external_choices",
                        {{"list_name", "name", "label", "state"},
                         {"states", "tx", "Texas", ""},
                         {"counties", "king", "King", "wa"},
                         {"counties", "king", "King", "tx"},
                         {"counties", "pierce", "Pierce", "wa"}}},
                       {"settings", {{"form_id"}, {"counties"}}}});
    Import i = import_workbook(b, "counties");
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["survey"][1]["type"], "select_one counties");
    EXPECT_EQ(t["choices"]["states_external"].size(), 1u);  // the choices sheet keeps "states"
    EXPECT_EQ(t["settings"]["allow_choice_duplicates"], "yes");
    ASSERT_EQ(i.warnings.size(), 1u);
    EXPECT_THAT(describe(i.warnings[0]),
                HasSubstr("external_choices sheet: a list holds a choice name twice"));
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    EXPECT_TRUE(form::validate_answers(form.value(), {{"state", "tx"}, {"county", "king"}}).ok());
    EXPECT_FALSE(
        form::validate_answers(form.value(), {{"state", "tx"}, {"county", "pierce"}}).ok());
}

TEST(CsvTables, WriteAndReadAreInverse) {
    json table =
        json::parse(R"({"columns": ["name", "label"], "rows": [["a", "x, \"y\"\nz"], ["b", ""]]})");
    std::string text = write_csv_table(table);
    EXPECT_EQ(text, "name,label\r\na,\"x, \"\"y\"\"\nz\"\r\nb,\r\n");
    CsvTable back = read_csv_table(text, "t.csv");
    EXPECT_TRUE(back.problems.empty());
    EXPECT_EQ(json(back.table), table);
}

}  // namespace
}  // namespace canvass::xlsform
