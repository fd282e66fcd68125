// XLSForm's hidden type (pyxform: a string bind with no control): a value kept with the
// record and never shown, which may have a default or a calculation.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "feature_form.hpp"
#include "form/validate.hpp"

namespace canvass::form {
namespace {

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::feature_form_problems;
using canvass::testing::load_feature_form;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> violations(const Form& form, const json& answers) {
    return canvass::testing::feature_form_violations(form, answers);
}

TEST(HiddenType, LoadsWithoutALabelAndIsNoAskedQuestion) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "text"}, {"name", "village"}, {"label", en("Village?")}},
         {{"type", "hidden"}, {"name", "patient_id"}},
         {{"type", "hidden"}, {"name", "team"}, {"default", "north"}},
         {{"type", "hidden"}, {"name", "place"}, {"calculation", "concat('v-', ${village})"}}}));
    ASSERT_TRUE(form);
    EXPECT_EQ(form->find("patient_id")->type, RowType::hidden);
    EXPECT_EQ(form->find("team")->default_value, "north");
    EXPECT_TRUE(form->find("place")->calculation);
    EXPECT_TRUE(is_question(RowType::hidden));  // it takes a value, checked like an answer
    EXPECT_EQ(form->question_count(), 1u);      // but only village is asked
}

TEST(HiddenType, HoldsTextLikeAnyAnswer) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "hidden"}, {"name", "patient_id"}, {"constraint", "string-length(.) = 6"}},
         {{"type", "hidden"}, {"name", "age_text"}, {"relevant", "${patient_id} != ''"}}}));
    ASSERT_TRUE(form);
    EXPECT_THAT(violations(*form, {{"patient_id", "P00017"}, {"age_text", "41"}}), IsEmpty());
    EXPECT_THAT(violations(*form, {{"patient_id", 17}}),
                ElementsAre("patient_id: expected text (a JSON string), got 17"));
    EXPECT_THAT(violations(*form, {{"patient_id", "P17"}}),
                ElementsAre("patient_id: refused by the constraint string-length(.) = 6"));
    EXPECT_THAT(violations(*form, {{"age_text", "41"}}),
                ElementsAre("age_text: answered but not relevant (relevant: ${patient_id} != '')"));
}

TEST(HiddenType, TakesTheColumnsOfAQuestionButNoChoices) {
    EXPECT_THAT(
        feature_form_problems(
            feature_form_json({{{"type", "hidden"}, {"name", "h"}, {"choice_filter", "name = 'a'"}},
                               {{"type", "hidden"}, {"name", "g"}, {"parameters", "start=1"}}})),
        ElementsAre(
            ::testing::HasSubstr("survey[0].choice_filter: choice_filter is only allowed on"),
            ::testing::HasSubstr(
                "survey[1].parameters: parameters is only allowed on range rows")));
}

}  // namespace
}  // namespace canvass::form
