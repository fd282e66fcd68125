// What real XLSForms write and pyxform accepts, which the form engine now reads too (found
// in the corpus): choice lists named after OpenStreetMap keys, the style setting, groups and
// repeats without a label, a question with a hint in place of a label (XLSForm: "label or
// hint"), and XPath 1.0's floor() and ceiling().
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "form/loader.hpp"
#include "form/validate.hpp"
#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using namespace testing;
using nlohmann::json;

const Grid readings_settings = {{"form_id", "version", "default_language"},
                                {"readings", "1", "en"}};

form::Form form_of(const Workbook& b) {
    Import i = import_workbook(b, "readings");
    for (const auto& p : i.problems) ADD_FAILURE() << describe(p);
    auto loaded = form::load_form(i.twin_text);
    if (!loaded) throw std::runtime_error("the twin does not load");
    return std::move(loaded).value();
}

TEST(EngineReadings, ChoiceListsMayBeNamedAfterOsmKeys) {
    auto f = form_of(book({{"survey",
                            {{"type", "name", "label"},
                             {"select_multiple building:material", "material", "Material?"}}},
                           {"choices",
                            {{"list_name", "name", "label"},
                             {"building:material", "brick", "Brick"},
                             {"building:material", "wood", "Wood"}}},
                           {"settings", readings_settings}}));
    EXPECT_EQ(f.find("material")->list_name, "building:material");
    EXPECT_TRUE(form::validate_answers(f, json{{"material", {"wood"}}}).ok());
    EXPECT_FALSE(form::validate_answers(f, json{{"material", {"steel"}}}).ok());
}

TEST(EngineReadings, AListNameStillStartsLikeAFieldName) {
    auto b = book({{"survey", {{"type", "name", "label"}, {"select_one :material", "m", "M?"}}},
                   {"choices", {{"list_name", "name", "label"}, {":material", "brick", "Brick"}}},
                   {"settings", readings_settings}});
    EXPECT_EQ(problems_of(b, "readings"),
              (std::vector<std::string>{"choices row 2: invalid list name :material "
                                        "(choices[\":material\"])"}));
}

TEST(EngineReadings, StyleSettingIsKeptAsText) {
    auto b = book({{"survey", {{"type", "name", "label"}, {"text", "t", "T?"}}},
                   {"settings", {{"form_id", "version", "style"}, {"readings", "1", "pages"}}}});
    Import i = import_workbook(b, "readings");
    EXPECT_TRUE(i.ok());
    EXPECT_EQ(json::parse(i.twin_text)["settings"]["style"], "pages");
    json twin = json::parse(i.twin_text);
    twin["settings"]["style"] = 3;
    auto loaded = form::load_form_json(twin);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(form::describe(loaded.error().front()),
              "settings.style: must be a string, like pages or theme-grid");
}

TEST(EngineReadings, GroupsAndRepeatsNeedNoLabel) {
    auto f = form_of(book({{"survey",
                            {{"type", "name", "label", "appearance"},
                             {"begin group", "page", "", "field-list"},
                             {"text", "who", "Who?", ""},
                             {"end group"},
                             {"begin repeat", "members", "", ""},
                             {"integer", "age", "Age?", ""},
                             {"end repeat"}}},
                           {"settings", readings_settings}}));
    EXPECT_TRUE(f.find("page")->label.empty());
    EXPECT_TRUE(f.find("members")->label.empty());
    EXPECT_TRUE(form::validate_answers(
                    f, json{{"who", "Amina"}, {"members", json::array({json{{"age", 30}}})}})
                    .ok());
}

TEST(EngineReadings, AQuestionNeedsALabelOrAHint) {
    auto f = form_of(book(
        {{"survey", {{"type", "name", "label", "hint"}, {"date", "visit", "", "Day of the visit"}}},
         {"settings", readings_settings}}));
    EXPECT_EQ(f.find("visit")->hint.at("en"), "Day of the visit");
    auto b = book({{"survey", {{"type", "name", "label", "hint"}, {"date", "visit"}}},
                   {"settings", readings_settings}});
    EXPECT_EQ(problems_of(b, "readings"),
              (std::vector<std::string>{"survey row 2, column label: missing (survey[0].label)"}));
}

// XPath 1.0 section 4.4, which the ODK XForms specification takes over: floor() is the
// largest whole number not greater than its argument, ceiling() the smallest not less.
TEST(EngineReadings, FloorAndCeilingRoundTowardsMinusAndPlusInfinity) {
    auto f = form_of(book({{"survey",
                            {{"type", "name", "label", "calculation"},
                             {"decimal", "x", "X?", ""},
                             {"calculate", "down", "", "floor(${x})"},
                             {"calculate", "up", "", "ceiling(${x})"}}},
                           {"settings", readings_settings}}));
    auto at = [&](double x) {
        auto v = form::validate_answers(f, json{{"x", x}});
        EXPECT_TRUE(v.ok());
        return std::pair<double, double>(v.completed["down"], v.completed["up"]);
    };
    EXPECT_EQ(at(2.6), (std::pair<double, double>(2, 3)));
    EXPECT_EQ(at(-2.5), (std::pair<double, double>(-3, -2)));
    EXPECT_EQ(at(7), (std::pair<double, double>(7, 7)));
    // floor('') is NaN, and a calculation that is not a finite number gives no value.
    auto empty = form::validate_answers(f, json::object());
    EXPECT_FALSE(empty.completed.contains("down"));
    EXPECT_FALSE(empty.completed.contains("up"));
}

}  // namespace
}  // namespace canvass::xlsform
