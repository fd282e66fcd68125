// The columns pyxform accepts on a calculate row: `default`, its first value (pyxform lets a
// calculate go without a calculation when its default is an expression), and `required` /
// `required_message`, which mean nothing on a row nobody answers (ODK checks the required
// answers of shown questions only).
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

TEST(CalculateColumns, RequiredIsAcceptedAndIgnored) {
    auto form = load_feature_form(
        feature_form_json({{{"type", "text"}, {"name", "name"}, {"label", en("Name?")}},
                           {{"type", "calculate"},
                            {"name", "greeting"},
                            {"calculation", "if(${name} = '', '', concat('Hi ', ${name}))"},
                            {"required", true},
                            {"required_message", en("Needed")}}}));
    ASSERT_TRUE(form);
    EXPECT_FALSE(form->find("greeting")->required);
    // The calculation is empty, and a finished record is still valid.
    ValidateOptions finished;
    finished.mode = Mode::final;
    EXPECT_TRUE(validate_answers(*form, json::object(), finished).ok());
}

TEST(CalculateColumns, ADefaultThatIsAnExpressionStandsForTheCalculation) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "calculate"}, {"name", "started_on"}, {"default", "today()"}},
         {{"type", "calculate"}, {"name", "twice"}, {"calculation", "2 * 2"}, {"default", "5"}}}));
    ASSERT_TRUE(form);
    const Row& started = *form->find("started_on");
    EXPECT_TRUE(started.default_expression);
    EXPECT_TRUE(started.kept_calculation());  // set once, then kept with the record
    EXPECT_FALSE(form->find("twice")->kept_calculation());
    // A kept value is saved as given; a calculation's is recomputed.
    EXPECT_TRUE(validate_answers(*form, json{{"started_on", "2026-03-01"}, {"twice", 9}}).ok());
}

TEST(CalculateColumns, ACalculateNeedsACalculationOrADynamicDefault) {
    EXPECT_THAT(
        feature_form_problems(
            feature_form_json({{{"type", "calculate"}, {"name", "c"}, {"default", "5"}},
                               {{"type", "calculate"},
                                {"name", "d"},
                                {"default", json::array()},
                                {"calculation", "1"}},
                               {{"type", "calculate"}, {"name", "e"}, {"default", "${nowhere}"}}})),
        ElementsAre("survey[0].calculation: missing: a calculate row needs a calculation (or a "
                    "default that is an expression)",
                    "survey[1].default: must not be empty",
                    "survey[2].default: unknown field ${nowhere}"));
}

}  // namespace
}  // namespace canvass::form
