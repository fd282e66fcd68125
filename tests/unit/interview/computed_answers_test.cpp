// XLSForm's trigger, a calculation on a question (a computed answer the interviewer may
// change) and dynamic defaults, with ODK Collect's semantics.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feature_form.hpp"
#include "form/validate.hpp"
#include "canvass/interview.hpp"
#include "recording_sink.hpp"

namespace canvass::interview {
namespace {

using canvass::testing::RecordingSink;

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::load_feature_form;
using nlohmann::json;

SessionOptions at_noon() {
    SessionOptions o;
    o.clock = form::fixed_clock({1789041600000, 0});  // 2026-09-10T12:00Z
    return o;
}

json answers_of(const FormSession& s) {
    return json::parse(s.answers_json());
}

// The XLSForm documentation's trigger example: the time a weight was recorded, set again
// whenever the weight changes.
form::Form trigger_form() {
    json survey = {
        {{"type", "decimal"}, {"name", "weight"}, {"label", en("Weight")}},
        {{"type", "datetime"},
         {"name", "weight_time"},
         {"label", en("When")},
         {"trigger", "${weight}"},
         {"calculation", "now()"},
         {"read_only", true}},
        {{"type", "text"},
         {"name", "note_to_clear"},
         {"label", en("Comment")},
         {"trigger", "${weight}"}},
        {{"type", "calculate"},
         {"name", "weight_kg"},
         {"trigger", "${weight}"},
         {"calculation", "${weight} div 1000"}},
    };
    return *load_feature_form(feature_form_json(survey));
}

TEST(Trigger, SetsTheValueWhenTheTriggerChangesAndOnlyThen) {
    form::Form form = trigger_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, at_noon());
    ASSERT_TRUE(s);
    EXPECT_FALSE(answers_of(*s).contains("weight_time"));  // nothing before the trigger
    ASSERT_TRUE(s->answer("2500"));
    json a = answers_of(*s);
    EXPECT_EQ(a["weight_time"], "2026-09-10T12:00:00.000+00:00");
    EXPECT_EQ(a["weight_kg"], 2.5);
    // The comment is answered, then cleared by the next change of the weight (a trigger
    // without a calculation clears).
    ASSERT_TRUE(s->jump("note_to_clear"));
    ASSERT_TRUE(s->answer("\"scale was off\""));
    EXPECT_EQ(answers_of(*s)["note_to_clear"], "scale was off");
    ASSERT_TRUE(s->jump("weight"));
    ASSERT_TRUE(s->answer("2600"));
    a = answers_of(*s);
    EXPECT_FALSE(a.contains("note_to_clear"));
    EXPECT_EQ(a["weight_kg"], 2.6);
    // The same weight again changes nothing.
    ASSERT_TRUE(s->jump("note_to_clear"));
    ASSERT_TRUE(s->answer("\"kept\""));
    ASSERT_TRUE(s->jump("weight"));
    ASSERT_TRUE(s->answer("2600"));
    EXPECT_EQ(answers_of(*s)["note_to_clear"], "kept");
}

TEST(Trigger, ATriggeredCalculateIsKeptByValidationNotRecomputed) {
    form::Form form = trigger_form();
    json saved = {{"weight", 2600}, {"weight_kg", 2.5}};  // computed when the weight was 2500
    auto v = form::validate_answers(form, saved);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.completed["weight_kg"], 2.5);
}

form::Form computed_form() {
    json survey = {
        {{"type", "integer"}, {"name", "adults"}, {"label", en("Adults")}},
        {{"type", "integer"}, {"name", "children"}, {"label", en("Children")}},
        {{"type", "integer"},
         {"name", "household"},
         {"label", en("Household size")},
         {"calculation", "coalesce(${adults}, 0) + coalesce(${children}, 0)"}},
        {{"type", "text"}, {"name", "village"}, {"label", en("Village")}},
        {{"type", "text"},
         {"name", "market"},
         {"label", en("Market")},
         {"default", "concat(${village}, ' market')"}},
        {{"type", "date"}, {"name", "visit"}, {"label", en("Visit")}, {"default", "today()"}},
        {{"type", "integer"}, {"name", "count"}, {"label", en("Count")}, {"default", "12"}},
    };
    return *load_feature_form(feature_form_json(survey));
}

TEST(ComputedAnswer, FollowsItsCalculationButTheInterviewerMayChangeIt) {
    form::Form form = computed_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, at_noon());
    ASSERT_TRUE(s);
    EXPECT_EQ(answers_of(*s)["household"], 0);  // computed when the interview opens
    ASSERT_TRUE(s->answer("2"));
    ASSERT_TRUE(s->next());
    ASSERT_TRUE(s->answer("3"));
    EXPECT_EQ(answers_of(*s)["household"], 5);
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().name, "household");
    EXPECT_EQ(s->current().answer, "5");
    ASSERT_TRUE(s->answer("6"));  // a lodger the counts missed
    ASSERT_TRUE(s->next());
    ASSERT_TRUE(s->answer("\"Kisumu\""));  // unrelated: the interviewer's 6 stays
    EXPECT_EQ(answers_of(*s)["household"], 6);
    ASSERT_TRUE(s->jump("children"));
    ASSERT_TRUE(s->answer("4"));  // what it depends on changed: computed again
    EXPECT_EQ(answers_of(*s)["household"], 6);
    ASSERT_TRUE(s->answer("5"));
    EXPECT_EQ(answers_of(*s)["household"], 7);
}

TEST(DynamicDefault, IsEvaluatedWhenTheQuestionIsReached) {
    form::Form form = computed_form();
    ASSERT_TRUE(form.find("market")->default_expression);
    ASSERT_TRUE(form.find("visit")->default_expression);
    EXPECT_EQ(form.find("count")->default_value, 12);  // "12" from a spreadsheet cell is static
    RecordingSink sink;
    auto s = FormSession::open(form, sink, at_noon());
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->jump("village"));
    ASSERT_TRUE(s->answer("\"Kisumu\""));
    ASSERT_TRUE(s->next());
    Step market = s->current();
    EXPECT_EQ(market.name, "market");
    EXPECT_TRUE(market.answer_is_default);
    EXPECT_EQ(market.answer, "\"Kisumu market\"");
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().answer, "\"2026-09-10\"");
    EXPECT_TRUE(s->current().answer_is_default);
}

}  // namespace
}  // namespace canvass::interview
