// XLSForm types range, rank, geotrace, geoshape, barcode and or_other: what the
// specifications accept as their answers, and what the loader makes of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "feature_form.hpp"
#include "form/validate.hpp"

namespace canvass::form {
namespace {

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::feature_form_problems;
using canvass::testing::feature_form_violations;
using canvass::testing::load_feature_form;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The XLSForm documentation's range example: parameters start=0 end=17 step=1.
TEST(RangeType, ParametersBoundTheAnswerAndItsSteps) {
    auto form = load_feature_form(
        feature_form_json({{{"type", "range"},
                            {"name", "hours"},
                            {"label", en("Hours")},
                            {"parameters", "start=0 end=17 step=1"}},
                           {{"type", "range"},
                            {"name", "score"},
                            {"label", en("Score")},
                            {"parameters", "step=0.5 start=1 end=3"}},
                           {{"type", "range"}, {"name", "plain"}, {"label", en("Plain")}}}));
    ASSERT_TRUE(form);
    EXPECT_EQ(form->find("score")->range_step, 0.5);
    EXPECT_EQ(form->find("plain")->range_end, 10);  // pyxform's defaults 1, 10, 1
    EXPECT_THAT(feature_form_violations(*form, {{"hours", 17}, {"score", 2.5}, {"plain", 1}}),
                IsEmpty());
    EXPECT_THAT(feature_form_violations(*form, {{"hours", 18}, {"score", 2.25}, {"plain", "3"}}),
                ElementsAre("hours: expected a number from 0 to 17 in steps of 1, got 18",
                            "score: expected a number from 1 to 3 in steps of 0.5, got 2.25",
                            "plain: expected a number, got \"3\""));
}

TEST(RangeType, BadParametersAreLoadTimeErrors) {
    EXPECT_THAT(
        feature_form_problems(feature_form_json(
            {{{"type", "range"},
              {"name", "r"},
              {"label", en("R")},
              {"parameters", "start=1 end=5 step=0"}},
             {{"type", "range"}, {"name", "s"}, {"label", en("S")}, {"parameters", "begin=1"}},
             {{"type", "text"}, {"name", "t"}, {"label", en("T")}, {"parameters", "start=1"}}})),
        ElementsAre(
            "survey[0].parameters: step must be more than 0",
            "survey[1].parameters: unknown parameter begin (a range takes start, end and step)",
            HasSubstr("survey[2].parameters: parameters is only allowed on range rows")));
}

json fruit_choices() {
    return {{"fruit",
             {{{"name", "mango"}, {"label", en("Mango")}},
              {{"name", "guava"}, {"label", en("Guava")}},
              {{"name", "passion"}, {"label", en("Passion fruit")}}}}};
}

TEST(RankType, OrdersEveryChoiceOnce) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "rank fruit"}, {"name", "liked"}, {"label", en("Rank")}},
         {{"type", "calculate"}, {"name", "top"}, {"calculation", "selected-at(${liked}, 0)"}}},
        fruit_choices()));
    ASSERT_TRUE(form);
    auto v = validate_answers(*form, {{"liked", {"guava", "mango", "passion"}}});
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.completed["top"], "guava");
    EXPECT_THAT(feature_form_violations(*form, {{"liked", {"guava", "mango"}}}),
                ElementsAre("liked: a rank orders every choice of list fruit (3), got 2"));
    EXPECT_THAT(feature_form_violations(*form, {{"liked", {"guava", "guava", "mango"}}}),
                ElementsAre("liked: \"guava\" is chosen more than once"));
}

TEST(GeotraceAndGeoshape, ODKTextOfPoints) {
    auto form = load_feature_form(
        feature_form_json({{{"type", "geotrace"}, {"name", "road"}, {"label", en("Road")}},
                           {{"type", "geoshape"}, {"name", "field"}, {"label", en("Field")}},
                           {{"type", "calculate"},
                            {"name", "road_m"},
                            {"calculation", "round(distance(${road}), 0)"}}}));
    ASSERT_TRUE(form);
    json good = {{"road", "0 0 0 0; 0 0.001 0 0"},
                 {"field", "0 0 0 0;0 0.001 0 0;0.001 0.001 0 0;0 0 0 0"}};
    auto v = validate_answers(*form, good);
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.completed["road_m"], 111);
    EXPECT_THAT(feature_form_violations(*form, {{"road", "0 0"}, {"field", "0 0;1 1;1 0"}}),
                ElementsAre("road: a geotrace needs at least 2 points, got 1",
                            "field: a geoshape must end at its first point"));
    EXPECT_THAT(feature_form_violations(*form, {{"road", "0 0; 95 0"}}),
                ElementsAre(HasSubstr("bad point \" 95 0\"")));
}

TEST(BarcodeType, IsText) {
    auto form = load_feature_form(
        feature_form_json({{{"type", "barcode"}, {"name", "code"}, {"label", en("Code")}}}));
    ASSERT_TRUE(form);
    EXPECT_TRUE(validate_answers(*form, {{"code", "4006381333931"}}).ok());
    EXPECT_FALSE(validate_answers(*form, {{"code", 4006381333931}}).ok());
}

// pyxform's or_other: an "other" choice labelled Other, and NAME_other "Specify other.",
// relevant when other is chosen.
TEST(OrOther, AddsTheOtherChoiceAndTheSpecifyQuestion) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "select_one fruit or_other"}, {"name", "favourite"}, {"label", en("Favourite")}},
         {{"type", "text"}, {"name", "after"}, {"label", en("After")}}},
        fruit_choices()));
    ASSERT_TRUE(form);
    const Row* other = form->find("favourite_other");
    ASSERT_TRUE(other);
    EXPECT_EQ(other->id, form->find("favourite")->id + 1);  // right after the select
    EXPECT_EQ(other->label.at("en"), "Specify other.");
    EXPECT_EQ(form->choices("fruit")->find("other")->label.at("en"), "Other");
    EXPECT_TRUE(
        validate_answers(*form, {{"favourite", "other"}, {"favourite_other", "durian"}}).ok());
    EXPECT_THAT(
        feature_form_violations(*form, {{"favourite", "mango"}, {"favourite_other", "durian"}}),
        ElementsAre(HasSubstr("favourite_other: answered but not relevant")));
}

TEST(OrOther, WithAChoiceFilterOrATakenNameIsAnError) {
    EXPECT_THAT(
        feature_form_problems(feature_form_json(
            {{{"type", "select_one fruit or_other"}, {"name", "f"}, {"label", en("F")}},
             {{"type", "text"}, {"name", "f_other"}, {"label", en("O")}}},
            fruit_choices())),
        ElementsAre("survey[1].name: duplicate name f_other (or_other at survey[0] adds it)"));
    EXPECT_THAT(
        feature_form_problems(feature_form_json({{{"type", "select_one fruit or_other"},
                                                  {"name", "f"},
                                                  {"label", en("F")},
                                                  {"choice_filter", "name != 'mango'"}}},
                                                fruit_choices())),
        ElementsAre(HasSubstr("survey[0].type: or_other cannot be used with a choice_filter")));
}

TEST(ChoiceNames, SpacesInSelectOneAndDuplicatesWhenAllowed) {
    json choices = {{"place",
                     {{{"name", "in town"}, {"label", en("In town")}},
                      {{"name", "rural"}, {"label", en("Rural")}},
                      {{"name", "rural"}, {"label", en("Countryside")}}}}};
    json survey = {
        {{"type", "select_one place"}, {"name", "where"}, {"label", en("Where")}},
        {{"type", "calculate"}, {"name", "urban"}, {"calculation", "${where} = 'in town'"}}};
    EXPECT_THAT(
        feature_form_problems(feature_form_json(survey, choices)),
        ElementsAre(HasSubstr("choices.place[2].name: duplicate choice rural in list place")));
    auto form =
        load_feature_form(feature_form_json(survey, choices, {{"allow_choice_duplicates", "yes"}}));
    ASSERT_TRUE(form);
    auto v = validate_answers(*form, {{"where", "in town"}});
    EXPECT_TRUE(v.ok());
    EXPECT_EQ(v.completed["urban"], true);
}

TEST(InstanceName, NamesTheRecordFromItsAnswers) {
    json survey = {{{"type", "text"}, {"name", "village"}, {"label", en("Village")}},
                   {{"type", "integer"}, {"name", "hh"}, {"label", en("Household")}}};
    auto form = load_feature_form(
        feature_form_json(survey, json::object(),
                          {{"instance_name", "concat(${village}, '-', ${hh}, '-', today())"}}));
    ASSERT_TRUE(form);
    EXPECT_EQ(
        record_name(*form, {{"village", "Kisumu"}, {"hh", 12}}, fixed_clock({1789041600000, 0})),
        "Kisumu-12-2026-09-10");
    EXPECT_THAT(feature_form_problems(
                    feature_form_json(survey, json::object(), {{"instance_name", "${villag}"}})),
                ElementsAre("settings.instance_name: unknown field ${villag}"));
}

}  // namespace
}  // namespace canvass::form
