// Survey columns that neither canvass nor pyxform reads (a designer's `notes`): pyxform
// ignores them, so the reader does too, with a warning naming the sheet, the header row and
// the column, and the known column a misspelt header is closest to.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using namespace testing;
using nlohmann::json;

const Grid columns_settings = {{"form_id", "version", "default_language"}, {"columns", "1", "en"}};

TEST(UnknownColumns, ADesignersOwnColumnIsIgnoredWithAWarning) {
    auto b = book({{"survey",
                    {{"type", "name", "label", "notes", "Tutorial Notes"},
                     {"text", "village", "Village?", "ask the chief", "a text question"}}},
                   {"settings", columns_settings}});
    Import i = import_workbook(b, "columns");
    EXPECT_TRUE(i.ok()) << ::testing::PrintToString(described(i.problems));
    EXPECT_EQ(described(i.warnings),
              (std::vector<std::string>{
                  "survey row 1, column notes: unknown column, ignored (pyxform ignores it too)",
                  "survey row 1, column Tutorial Notes: unknown column, ignored (pyxform ignores "
                  "it too)"}));
    json twin = json::parse(i.twin_text);
    EXPECT_EQ(twin["survey"][0],
              (json{{"type", "text"}, {"name", "village"}, {"label", {{"en", "Village?"}}}}));
}

TEST(UnknownColumns, AMisspeltColumnNamesTheColumnItIsClosestTo) {
    auto b = book({{"survey",
                    {{"type", "name", "lable", "relevent", "constrant", "hnt"},
                     {"integer", "age", "Age?", "1 = 1", ". > 0", "years"}}},
                   {"settings", columns_settings}});
    Import i = import_workbook(b, "columns");
    EXPECT_EQ(
        described(i.warnings),
        (std::vector<std::string>{
            "survey row 1, column lable: unknown column, ignored (did you mean label?)",
            "survey row 1, column relevent: unknown column, ignored (did you mean relevant?)",
            "survey row 1, column constrant: unknown column, ignored (did you mean constraint?)",
            "survey row 1, column hnt: unknown column, ignored (did you mean hint?)"}));
    // Without its label column the question has none: the loader says so, at its cell.
    EXPECT_EQ(described(i.problems),
              (std::vector<std::string>{"survey row 2, column label: missing (survey[0].label)"}));
}

TEST(UnknownColumns, ColumnsCanvassOrPyxformReadAreKept) {
    // trigger in any case is the engine's; rows is ODK Collect's, which canvass does not read
    // yet: kept, so that the loader refuses it by name rather than the form losing it.
    auto b = book({{"survey",
                    {{"type", "name", "label", "Trigger", "rows", "instance::tag"},
                     {"text", "a", "A?", "", "", ""},
                     {"text", "b", "B?", "${a}", "3", "x"}}},
                   {"settings", columns_settings}});
    Import i = import_workbook(b, "columns");
    EXPECT_TRUE(i.warnings.empty()) << ::testing::PrintToString(described(i.warnings));
    EXPECT_EQ(
        described(i.problems),
        (std::vector<std::string>{"survey row 3, column instance::tag: unknown column "
                                  "(survey[1][\"instance::tag\"])",
                                  "survey row 3, column rows: unknown column (survey[1].rows)"}));
    EXPECT_EQ(json::parse(i.twin_text)["survey"][1]["trigger"], "${a}");
}

TEST(UnknownColumns, AChoicesColumnIsAFilterColumnWhenItCanBeAName) {
    auto b = book({{"survey", {{"type", "name", "label"}, {"select_one city", "city", "City?"}}},
                   {"choices",
                    {{"list_name", "name", "label", "country", "tutorial notes"},
                     {"city", "nbo", "Nairobi", "ke", "the capital"}}},
                   {"settings", columns_settings}});
    Import i = import_workbook(b, "columns");
    EXPECT_TRUE(i.ok()) << ::testing::PrintToString(described(i.problems));
    EXPECT_EQ(described(i.warnings),
              (std::vector<std::string>{
                  "choices row 1, column tutorial notes: not a name a choice_filter "
                  "can use (letters, digits, _, . and -), ignored"}));
    json city = json::parse(i.twin_text)["choices"]["city"][0];
    EXPECT_EQ(city["country"], "ke");
    EXPECT_FALSE(city.contains("tutorial notes"));
}

}  // namespace
}  // namespace canvass::xlsform
