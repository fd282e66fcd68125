// The interview's steps for range, rank, geotrace and barcode: what the step tells the app,
// and what a person types.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feature_form.hpp"
#include "canvass/interview.hpp"
#include "recording_sink.hpp"

namespace canvass::interview {
namespace {

using canvass::testing::RecordingSink;

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::load_feature_form;
using nlohmann::json;

form::Form types_form() {
    json survey = {
        {{"type", "range"},
         {"name", "pain"},
         {"label", en("Pain")},
         {"parameters", "start=0 end=10 step=2"}},
        {{"type", "rank fruit"}, {"name", "liked"}, {"label", en("Rank")}},
        {{"type", "geotrace"}, {"name", "road"}, {"label", en("Road")}},
        {{"type", "barcode"}, {"name", "code"}, {"label", en("Code")}},
        {{"type", "select_one kind or_other"}, {"name", "best"}, {"label", en("Best")}},
    };
    json choices = {{"fruit",
                     {{{"name", "mango"}, {"label", en("Mango")}},
                      {{"name", "guava"}, {"label", en("Guava")}},
                      {{"name", "passion"}, {"label", en("Passion fruit")}}}},
                    {"kind", {{{"name", "sweet"}, {"label", en("Sweet")}}}}};
    return *load_feature_form(feature_form_json(survey, choices));
}

TEST(NewTypesSession, RangeStepCarriesItsParameters) {
    form::Form form = types_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, {});
    ASSERT_TRUE(s);
    Step pain = s->current();
    EXPECT_EQ(pain.type, "range");
    EXPECT_EQ(pain.range_end, 10);
    EXPECT_EQ(pain.range_step, 2);
    EXPECT_EQ(pain.format, "a number from 0 to 10, in steps of 2");
    EXPECT_THAT(to_json(pain),
                ::testing::HasSubstr("\"range\":{\"end\":10.0,\"start\":0.0,\"step\":2.0}"));
    EXPECT_FALSE(s->answer_typed("3"));
    ASSERT_TRUE(s->answer_typed("4"));
}

TEST(NewTypesSession, RankIsTypedInOrderAndShownByLabels) {
    form::Form form = types_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, {});
    ASSERT_TRUE(s->jump("liked"));
    EXPECT_EQ(s->current().choices.size(), 3u);
    auto partial = s->answer_typed("2 1");
    ASSERT_FALSE(partial);
    EXPECT_EQ(partial.error().message, "put all 3 choices in order");
    ASSERT_TRUE(s->answer_typed("3 1 2"));
    EXPECT_EQ(s->current().answer, R"(["passion","mango","guava"])");
    EXPECT_EQ(s->current().answer_text, "Passion fruit, Mango, Guava");
}

TEST(NewTypesSession, GeotraceBarcodeAndOrOtherAreTyped) {
    form::Form form = types_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, {});
    ASSERT_TRUE(s->jump("road"));
    EXPECT_FALSE(s->answer_typed("1 2"));
    ASSERT_TRUE(s->answer_typed("1 2; 1.5 2.5"));
    ASSERT_TRUE(s->jump("code"));
    ASSERT_TRUE(s->answer_typed("4006381333931"));
    EXPECT_EQ(s->current().answer, "\"4006381333931\"");
    ASSERT_TRUE(s->jump("best"));
    EXPECT_EQ(s->current().choices.back().label, "Other");
    ASSERT_TRUE(s->answer_typed("other"));
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().name, "best_other");
    EXPECT_EQ(s->current().label, "Specify other.");
}

}  // namespace
}  // namespace canvass::interview
