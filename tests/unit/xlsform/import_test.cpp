// XLSForm sheets to the JSON twin: headers, types, languages, values, and every problem
// named by sheet, row and column.
#include "xlsform/import.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using namespace testing;
using nlohmann::json;

const Grid market_settings = {{"form_id", "version", "form_title", "default_language"},
                              {"market", "3", "Market survey", "English (en)"}};

TEST(Import, ConvertsAPlainFormWithGroupsRepeatsAndChoices) {
    auto b = book({{"survey",
                    {{"type", "name", "label::English (en)", "required", "relevant"},
                     {"integer", "age", "Age?", "yes", ""},
                     {"begin group", "work", "Work", "", "${age} >= 18"},
                     {"select_one goods", "goods", "Goods?", "TRUE", ""},
                     {"end group"},
                     {"begin_repeat", "members", "Members", "", ""},
                     {"text", "member", "Name?", "no", ""},
                     {"end_repeat"}}},
                   {"choices",
                    {{"list_name", "name", "label::English (en)"},
                     {"goods", "food", "Food"},
                     {"goods", "1", "Other"}}},
                   {"settings", market_settings}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["settings"],
              json::parse(R"({"form_id":"market","version":"3","title":{"en":"Market survey"},
        "default_language":"en","languages":["en"]})"));
    EXPECT_EQ(t["survey"], json::parse(R"([
        {"type":"integer","name":"age","label":{"en":"Age?"},"required":true},
        {"type":"group","name":"work","label":{"en":"Work"},"relevant":"${age} >= 18","children":[
          {"type":"select_one goods","name":"goods","label":{"en":"Goods?"},"required":true}]},
        {"type":"repeat","name":"members","label":{"en":"Members"},"children":[
          {"type":"text","name":"member","label":{"en":"Name?"},"required":false}]}])"));
    EXPECT_EQ(
        t["choices"],
        json::parse(
            R"({"goods":[{"name":"food","label":{"en":"Food"}},{"name":"1","label":{"en":"Other"}}]})"));
}

TEST(Import, ReadsHeadersAndSheetsInAnyCaseAndOrder) {
    auto b = book(
        {{"Settings",
          {{"Default_Language", "Version", "Form_ID", "Form_Title"}, {"en", "1", "market", "M"}}},
         {"CHOICES", {{"Label", "List Name", "Name"}, {"Yes", "yn", "y"}}},
         {"Survey",
          {{"Relevance", "Label", "Name", "Type", "Constraint Message", "Constraint"},
           {"", "Sold?", "sold", "select one yn", "", ""},
           {"${sold} = 'y'", "Price?", "price", "Decimal", "Positive", ". > 0"}}}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["survey"][1],
              json::parse(R"({"type":"decimal","name":"price","label":{"en":"Price?"},
        "relevant":"${sold} = 'y'","constraint_message":{"en":"Positive"},"constraint":". > 0"})"));
}

TEST(Import, AcceptsEveryGroupAndRepeatSpelling) {
    for (auto [begin, end, type] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"begin group", "end group", "group"},
             {"begin_group", "end_group", "group"},
             {"Begin Group", "END GROUP", "group"},
             {"begin repeat", "end repeat", "repeat"},
             {"begin_repeat", "end_repeat", "repeat"},
             {"begin  repeat", "end_repeat", "repeat"}}) {
        auto b = book(
            {{"survey", {{"type", "name", "label"}, {begin, "g", "G"}, {"text", "t", "T"}, {end}}},
             {"settings", market_settings}});
        json t = twin_of(b, "market_file");
        EXPECT_EQ(t["survey"][0]["type"], type) << begin;
        EXPECT_EQ(t["survey"][0]["children"][0]["name"], "t") << begin;
    }
}

TEST(Import, AcceptsPyxformSelectAndTypeAliases) {
    auto b = book({{"survey",
                    {{"type", "name", "label"},
                     {"select one from yn", "a", "A"},
                     {"select all that apply from yn", "b", "B"},
                     {"select1 yn", "c", "C"},
                     {"select_multiple  yn", "d", "D"},
                     {"select all that apply yn", "e", "E"},
                     {"string", "f", "F"},
                     {"int", "g", "G"},
                     {"trigger", "h", "H"}}},
                   {"choices", {{"list name", "name", "label"}, {"yn", "y", "Y"}}},
                   {"settings", market_settings}});
    json t = twin_of(b, "market_file");
    std::vector<std::string> types;
    for (const auto& r : t["survey"]) types.push_back(r["type"]);
    EXPECT_EQ(types,
              (std::vector<std::string>{"select_one yn", "select_multiple yn", "select_one yn",
                                        "select_multiple yn", "select_multiple yn", "text",
                                        "integer", "acknowledge"}));
}

TEST(Import, ReadsLanguageColumnsByCodeNameOrBoth) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label::English (en)", "label::Français", "label::es",
            "hint:: Spanish (es) ", "hint::English (en)", "constraint",
            "jr:constraintMsg::English (en)"},
           {"integer", "n", "N?", "N ?", "¿N?", "Un número", "A number", ". > 0", "Positive"}}},
         {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["settings"]["languages"], json::parse(R"(["en","fr","es"])"));
    EXPECT_EQ(t["settings"]["default_language"], "en");
    EXPECT_EQ(t["survey"][0]["label"], json::parse(R"({"en":"N?","fr":"N ?","es":"¿N?"})"));
    // A translation left empty falls back to the default language's text.
    EXPECT_EQ(t["survey"][0]["hint"],
              json::parse(R"({"en":"A number","fr":"A number","es":"Un número"})"));
    EXPECT_EQ(t["survey"][0]["constraint_message"],
              json::parse(R"({"en":"Positive","fr":"Positive","es":"Positive"})"));
}

TEST(Import, ReadsOldSingleColonHeadersAndPlainColumnsInTheDefaultLanguage) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label:english", "required_message"}, {"text", "t", "T?", "Needed"}}},
         {"settings", {{"form_id", "version", "default_language"}, {"f", "1", "English"}}}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["survey"][0]["label"], json::parse(R"({"en":"T?"})"));
    EXPECT_EQ(t["survey"][0]["required_message"], json::parse(R"({"en":"Needed"})"));
    // Without a default language, plain columns beside named ones are "und" (undetermined).
    b = book(
        {{"survey", {{"type", "name", "label", "label::French (fr)"}, {"text", "t", "T?", "T ?"}}},
         {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    t = twin_of(b, "market_file");
    EXPECT_EQ(t["settings"]["languages"], json::parse(R"(["und","fr"])"));
    EXPECT_EQ(t["survey"][0]["label"], json::parse(R"({"und":"T?","fr":"T ?"})"));
}

TEST(Import, TypesDefaultsAndRequiredValues) {
    auto b =
        book({{"survey",
               {{"type", "name", "label", "default", "required", "read_only"},
                {"integer", "i", "I", "12", "1", "0"},
                {"decimal", "d", "D", "2.5", "false()", ""},
                {"select_multiple yn", "m", "M", "y n", "${i} > 3", ""},
                {"geopoint", "g", "G", "-1.5 36.8 1700 5", "No", ""},
                {"date", "day", "Day", "46357", "", ""},
                {"text", "s", "S", "12", "", "yes"}}},
              {"choices", {{"list_name", "name", "label"}, {"yn", "y", "Y"}, {"yn", "n", "N"}}},
              {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["survey"][0]["default"], 12);
    EXPECT_EQ(t["survey"][0]["required"], true);
    EXPECT_EQ(t["survey"][0]["read_only"], false);
    EXPECT_EQ(t["survey"][1]["default"], 2.5);
    EXPECT_EQ(t["survey"][1]["required"], false);
    EXPECT_EQ(t["survey"][2]["default"], json::parse(R"(["y","n"])"));
    EXPECT_EQ(t["survey"][2]["required"], "${i} > 3");
    EXPECT_EQ(t["survey"][3]["default"],
              json::parse(R"({"lat":-1.5,"lon":36.8,"alt":1700,"acc":5})"));
    EXPECT_EQ(t["survey"][4]["default"], "2026-12-01");  // an Excel date serial
    EXPECT_EQ(t["survey"][5]["default"], "12");
    EXPECT_EQ(t["survey"][5]["read_only"], true);
}

TEST(Import, PassesUnknownColumnsThroughUnderTheirOwnNames) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label", "trigger", "parameters", "Country"},
           {"text", "t", "T", "${x}", "a=1", ""}}},
         {"choices", {{"list_name", "name", "label", "Country"}, {"c", "nbo", "Nairobi", "ke"}}},
         {"settings",
          {{"form_id", "version", "instance_name", "public_key"},
           {"f", "1", "concat(${t})", "MIIB"}}}});
    Import i = import_workbook(b, "f");
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["survey"][0]["trigger"], "${x}");
    EXPECT_EQ(t["survey"][0]["parameters"], "a=1");
    EXPECT_EQ(t["choices"]["c"][0]["Country"], "ke");
    EXPECT_EQ(t["settings"]["instance_name"], "concat(${t})");
    EXPECT_FALSE(t["settings"].contains("public_key"));  // ODK transport only
}

TEST(Import, SkipsEmptyAndCommentRowsAndCleansQuotes) {
    auto b = book({{"survey",
                    {{"type", "name", "label", "relevant", "notes"},
                     {},
                     {"", "", "", "", "a designer's note"},
                     {"text", "t", "T", "${x} = \xE2\x80\x98y\xE2\x80\x99", ""},
                     {"integer", "x", "X"}}},
                   {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    Import i = import_workbook(b, "f");
    json t = json::parse(i.twin_text);
    ASSERT_EQ(t["survey"].size(), 2u);
    EXPECT_EQ(t["survey"][0]["relevant"], "${x} = 'y'");
}

TEST(Import, NamesTheFormAfterItsFileWhenTheSettingsDoNot) {
    auto b = book({{"survey", {{"type", "name", "label"}, {"text", "t", "T"}}}});
    Import i = import_workbook(b, "2026 household-survey");
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["settings"]["form_id"], "form_2026_household_survey");
    EXPECT_EQ(t["settings"]["title"], json::parse(R"({"und":"form_2026_household_survey"})"));
}

TEST(ImportProblems, NameTheSheetRowAndColumnOfLoaderProblems) {
    auto b = book({{"survey",
                    {{"type", "name", "label::English (en)", "relevant", "calculation"},
                     {"integer", "age", "Age?", "", ""},
                     {},
                     {"begin group", "work", "Work", "${agee} >= 18", ""},
                     {"integr", "years", "Years?", "", ""},
                     {"text", "age", "Again?", "", ""},
                     {"end group"},
                     {"calculate", "c", "", "", ""}}},
                   {"settings", market_settings}});
    // The loader's order: each row's own columns first, then the expressions of every row.
    EXPECT_EQ(problems_of(b, "market_file"),
              (std::vector<std::string>{
                  "survey row 5, column type: unknown type integr (survey[1].children[0].type)",
                  "survey row 6, column name: duplicate name age (also at survey row 2) "
                  "(survey[1].children[1].name)",
                  "survey row 8, column calculation: missing: a calculate row needs a calculation "
                  "(or a default that is an expression) (survey[2].calculation)",
                  "survey row 4, column relevant: unknown field ${agee} (survey[1].relevant)"}));
}

TEST(ImportProblems, NameTheColumnOfAMissingLabel) {
    auto b = book(
        {{"survey", {{"type", "name", "label::English (en)", "label::French (fr)"}, {"note", "n"}}},
         {"settings", market_settings}});
    EXPECT_EQ(problems_of(b, "market_file"),
              (std::vector<std::string>{
                  "survey row 2, column label::English (en): missing (survey[0].label)"}));
}

TEST(ImportProblems, ReportEverySpreadsheetProblemAtOnce) {
    auto b =
        book({{"survey",
               {{"type", "name", "label::Klingon", "label", "Label"},
                {"end repeat"},
                {"begin group", "g", "", "G", ""},
                {"text", "t", "", "T", ""},
                {"end repeat"},
                {"begin repeat", "r", "", "R", ""},
                {"text", "u", "", "U", ""}}},
              {"choices", {{"name", "label"}, {"y", "Y"}}},
              {"settings", {{"form_id", "version", "default_language"}, {"f", "1", "Elvish"}}}});
    EXPECT_EQ(
        problems_of(b, "market_file"),
        (std::vector<std::string>{
            "survey row 1, column label::Klingon: cannot tell which language \"Klingon\" is: write "
            "it with its "
            "code, like label::Klingon (xx), where xx is a code such as en, fr or pt-BR",
            "survey row 1, column Label: the same column as column D (label); keep one of them",
            "settings row 2, column default_language: cannot tell which language \"Elvish\" is: "
            "write it like "
            "English (en), or as a code such as en, fr or pt-BR",
            "survey row 2, column type: end repeat without a begin repeat before it",
            "survey row 5, column type: end repeat closes the begin group of row 3",
            "survey row 6, column type: begin repeat without an end repeat after it",
            "choices row 1: no list_name column: every choice needs the name of its list"}));
}

TEST(ImportProblems, NameMissingSheetsAndUnknownColumns) {
    auto b =
        book({{"Sheet1", {{"a"}}}, {"choices", {{"list_name", "name", "label"}, {"", "y", "Y"}}}});
    EXPECT_EQ(
        problems_of(b, "market_file"),
        (std::vector<std::string>{
            "the workbook has no sheet named survey (its sheets: Sheet1, choices)",
            "choices row 2, column list_name: missing: every choice needs the name of its list",
            "survey: missing"}));
    // A misspelt survey column is ignored with a warning, as pyxform ignores it (tested in
    // unknown_columns_test.cpp); an unknown choices column is a filter column, kept.
    b = book({{"survey", {{"type", "name", "label", "relevent"}, {"text", "t", "T", "${x}"}}},
              {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    EXPECT_EQ(problems_of(b, "market_file"), (std::vector<std::string>{}));
    b = book({{"survey", {{"type", "name", "label"}}},
              {"settings", {{"form_id", "version"}, {"f", "1"}}}});
    EXPECT_EQ(problems_of(b, "market_file"),
              (std::vector<std::string>{"survey sheet: must have at least one row (survey)"}));
}

TEST(ImportProblems, AFileThatIsNoWorkbookIsOneProblem) {
    canvass::testing::TempDir dir;
    std::string path = write_file(dir, "form.xlsx", "not a zip");
    Import i = import_file(path);
    ASSERT_EQ(i.problems.size(), 1u);
    EXPECT_EQ(describe(i.problems[0]),
              path + " is not an .xlsx workbook (it is not a zip archive)");
}

TEST(Import, ReadsPyxformsOwnXlsWorkbooks) {
    // tests/data/xlsform/README.md: pyxform's example workbooks, BSD-2-Clause.
    Import i =
        import_file(std::string(CANVASS_SOURCE_DIR) + "/tests/data/xlsform/yes_or_no_question.xls");
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["survey"], json::parse(R"([{"type":"select_one yes_or_no","name":"good_day",
        "label":{"en":"have you had a good day today?"}}])"));
    EXPECT_EQ(t["choices"], json::parse(R"({"yes_or_no":[{"name":"yes","label":{"en":"yes"}},
        {"name":"no","label":{"en":"no"}}]})"));
    // It has no settings sheet, so no version: one is made from the form's content.
    EXPECT_TRUE(i.problems.empty()) << describe(i.problems.front());
    const std::string version = t["settings"]["version"];
    EXPECT_EQ(version.size(), 13u);
    EXPECT_EQ(version[0], 'c');
    EXPECT_EQ(json::parse(import_file(std::string(CANVASS_SOURCE_DIR) +
                                      "/tests/data/xlsform/yes_or_no_question.xls")
                              .twin_text)["settings"]["version"],
              version)
        << "the same spreadsheet, the same version";

    i = import_file(std::string(CANVASS_SOURCE_DIR) + "/tests/data/xlsform/group.xls");
    t = json::parse(i.twin_text);
    EXPECT_EQ(t["settings"]["form_id"], "group");
    EXPECT_EQ(t["survey"][1]["type"], "group");
    EXPECT_EQ(t["survey"][1]["children"][1], json::parse(R"({"type":"integer","name":"age",
        "label":{"en":"How old is your father?"}})"));
}

TEST(ImportProblems, MapQuotedJsonPathsOfColumnsTheFormDoesNotHold) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label::English (en)", "image::English (en)"},
           {"note", "n", "Look", "market.jpg"}}},
         {"external_choices", {{"list_name", "name", "label::English (en)"}, {"towns", "a", "A"}}},
         {"settings", market_settings}});
    Import i = import_workbook(b, "f");
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["survey"][0]["media::image"], json::parse(R"({"en":"market.jpg"})"));
    EXPECT_EQ(t["choices"]["towns"][0]["name"], "a");  // external_choices' lists are choices
    std::vector<std::string> problems;
    for (const auto& p : i.problems) problems.push_back(describe(p));
    EXPECT_NE(std::find(problems.begin(), problems.end(),
                        "survey row 2, column image::English (en): unknown column "
                        "(survey[0][\"media::image\"])"),
              problems.end())
        << ::testing::PrintToString(problems);
}

TEST(ImportProblems, RefuseGroupsNestedBeyondTheTwinsDepth) {
    Grid survey = {{"type", "name", "label"}};
    for (int i = 0; i < 40; ++i) survey.push_back({"begin group", "g" + std::to_string(i), "G"});
    survey.push_back({"text", "t", "T"});
    for (int i = 0; i < 40; ++i) survey.push_back({"end group"});
    auto b = book({{"survey", survey}, {"settings", market_settings}});
    Import i = import_workbook(b, "f");
    ASSERT_EQ(i.problems.size(), 10u);
    EXPECT_EQ(describe(i.problems[0]),
              "survey row 32, column type: groups and repeats nest more than 30 deep, the most a "
              "form may hold");
    json t = json::parse(i.twin_text);  // the 30 levels that fit are kept, with every row
    json* level = &t["survey"];
    for (int d = 0; d < 30; ++d) level = &(*level)[0]["children"];
    EXPECT_EQ((*level)[0]["name"], "t");
}

TEST(Import, ReadsTheTitleInEveryLanguage) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label::English (en)", "label::French (fr)"}, {"note", "n", "N", "N"}}},
         {"settings",
          {{"form_id", "version", "form_title", "form_title::French (fr)", "default_language"},
           {"m", "1", "Market", "Marché", "English (en)"}}}});
    EXPECT_EQ(twin_of(b, "market_file")["settings"]["title"],
              json::parse(R"({"en":"Market","fr":"Marché"})"));
}

TEST(Import, APlainFormTitleBesideNamedLanguagesIsInTheFirstLanguage) {
    auto b = book(
        {{"survey",
          {{"type", "name", "label::English (en)", "label::French (fr)"}, {"note", "n", "N", "N"}}},
         {"settings", {{"form_id", "version", "form_title"}, {"m", "1", "Market"}}}});
    json t = twin_of(b, "market_file");
    EXPECT_EQ(t["settings"]["languages"], json::parse(R"(["en","fr"])"));
    EXPECT_EQ(t["settings"]["default_language"], "en");
    EXPECT_EQ(t["settings"]["title"], json::parse(R"({"en":"Market","fr":"Market"})"));
}

}  // namespace
}  // namespace canvass::xlsform
