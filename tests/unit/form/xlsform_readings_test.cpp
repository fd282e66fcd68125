// What real XLSForms write and pyxform accepts, read the same way by the form loader: choice
// lists named after OpenStreetMap keys, the style setting, groups and repeats without a label,
// and questions with a hint in place of a label (XLSForm's specification: "label or hint").
#include <gtest/gtest.h>

#include "form/loader.hpp"
#include "form/validate.hpp"
#include "test_forms.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;
using testing::vendors_form;

std::vector<Problem> problems(const json& f) {
    auto loaded = load_form_json(f);
    return loaded ? std::vector<Problem>{} : loaded.error();
}

TEST(XlsformReadings, ChoiceListsMayBeNamedAfterOsmKeys) {
    json f = vendors_form();
    f["choices"]["building:material"] = f["choices"]["goods"];
    f["survey"][3]["children"][1]["type"] = "select_multiple building:material";
    auto loaded = load_form_json(f);
    ASSERT_TRUE(loaded) << describe(loaded.error().front());
    EXPECT_EQ(loaded->find("goods")->list_name, "building:material");
    json answers = {{"age", 30}, {"job", "tailor"}, {"goods", {"cloth"}}};
    EXPECT_TRUE(validate_answers(loaded.value(), answers).ok());
    answers["goods"] = {"brick"};
    EXPECT_FALSE(validate_answers(loaded.value(), answers).ok());
}

TEST(XlsformReadings, AListNameStillStartsLikeAFieldNameAndHoldsNoSpace) {
    json f = vendors_form();
    f["choices"][":material"] = f["choices"]["goods"];
    f["choices"]["building material"] = f["choices"]["goods"];
    EXPECT_EQ(problems(f),
              (std::vector<Problem>{
                  {"choices[\":material\"]", "invalid list name :material"},
                  {"choices[\"building material\"]", "invalid list name building material"}}));
}

TEST(XlsformReadings, StyleSettingIsAcceptedAsText) {
    json f = vendors_form();
    f["settings"]["style"] = "pages";
    EXPECT_TRUE(load_form_json(f));
    f["settings"]["style"] = 3;
    EXPECT_EQ(
        problems(f),
        (std::vector<Problem>{{"settings.style", "must be a string, like pages or theme-grid"}}));
}

TEST(XlsformReadings, GroupsAndRepeatsNeedNoLabel) {
    json f = vendors_form();
    f["survey"][3].erase("label");  // the group work
    f["survey"][4].erase("label");  // the repeat members
    auto loaded = load_form_json(f);
    ASSERT_TRUE(loaded) << describe(loaded.error().front());
    EXPECT_TRUE(loaded->find("work")->label.empty());
}

TEST(XlsformReadings, AQuestionNeedsALabelOrAHint) {
    json f = vendors_form();
    f["survey"][6].erase("label");
    f["survey"][6]["hint"] = {{"en", "Day of the visit"}, {"fr", "Jour de la visite"}};
    EXPECT_TRUE(load_form_json(f));
    f["survey"][6].erase("hint");
    EXPECT_EQ(problems(f), (std::vector<Problem>{{"survey[6].label", "missing"}}));
}

}  // namespace
}  // namespace canvass::form
