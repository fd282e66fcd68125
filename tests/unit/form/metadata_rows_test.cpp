// XLSForm's metadata types (start, end, today, deviceid, username, phonenumber, email,
// start-geopoint): loaded without labels, never asked, their values checked by form.
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
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The metadata rows of the XLSForm specification's example, as pyxform writes them.
json metadata_survey() {
    return json::array({
        {{"type", "start"}, {"name", "start"}},
        {{"type", "end"}, {"name", "end"}},
        {{"type", "today"}, {"name", "today"}},
        {{"type", "deviceid"}, {"name", "deviceid"}},
        {{"type", "username"}, {"name", "username"}},
        {{"type", "phonenumber"}, {"name", "phonenumber"}},
        {{"type", "email"}, {"name", "email"}},
        {{"type", "start-geopoint"}, {"name", "where"}},
        {{"type", "text"}, {"name", "q"}, {"label", en("Q")}},
    });
}

TEST(MetadataRows, LoadWithoutLabelsAndAreNotQuestions) {
    auto form = load_feature_form(feature_form_json(metadata_survey()));
    ASSERT_TRUE(form);
    EXPECT_EQ(form->question_count(), 1u);
    EXPECT_EQ(form->find("where")->type, RowType::start_geopoint);
    EXPECT_EQ(type_name(RowType::start_geopoint), "start-geopoint");
    EXPECT_TRUE(is_metadata(form->find("end")->type));
    EXPECT_FALSE(is_question(form->find("today")->type));
}

TEST(MetadataRows, AuditIsRefusedSayingItIsNotSupported) {
    auto problems = feature_form_problems(
        feature_form_json({{{"type", "audit"}, {"name", "audit"}},
                           {{"type", "text"}, {"name", "q"}, {"label", en("Q")}}}));
    ASSERT_THAT(problems, ElementsAre(HasSubstr("survey[0].type: type audit is not supported")));
    EXPECT_THAT(problems[0], HasSubstr("remove the row"));
}

TEST(MetadataRows, InsideARepeatIsAnErrorNamingTheRow) {
    json survey = {{{"type", "repeat"},
                    {"name", "r"},
                    {"label", en("R")},
                    {"children", {{{"type", "start"}, {"name", "s"}}}}}};
    EXPECT_THAT(
        feature_form_problems(feature_form_json(survey)),
        ElementsAre("survey[0].children[0].type: a start row belongs outside repeats: it has "
                    "one value per record"));
}

TEST(MetadataRows, TakeNoRelevantNorRequired) {
    json survey = {{{"type", "end"}, {"name", "e"}, {"relevant", "true()"}, {"required", true}}};
    EXPECT_THAT(
        feature_form_problems(feature_form_json(survey)),
        ElementsAre(HasSubstr("survey[0].relevant: relevant is not allowed on a metadata row"),
                    "survey[0].required: required is not allowed on a end row"));
}

TEST(MetadataRows, ValuesAreCheckedByTheirTypeAndKept) {
    auto form = load_feature_form(feature_form_json(metadata_survey()));
    ASSERT_TRUE(form);
    json good = {{"start", "2026-09-10T12:00:00.000+02:00"},
                 {"end", "2026-09-10T12:30:05.000+02:00"},
                 {"today", "2026-09-10"},
                 {"deviceid", "00ff"},
                 {"username", "team 3"},
                 {"where", {{"lat", 1.5}, {"lon", 36.8}}},
                 {"q", "x"}};
    ValidateOptions final_check;
    final_check.mode = Mode::final;
    auto ok = validate_answers(*form, good, final_check);
    EXPECT_THAT(ok.violations, IsEmpty());
    EXPECT_EQ(ok.completed, good);

    json bad = {{"start", "yesterday"},
                {"today", "2026-02-30"},
                {"deviceid", 12},
                {"where", {{"lat", 91}, {"lon", 0}}}};
    auto v = validate_answers(*form, bad);
    ASSERT_EQ(v.violations.size(), 4u);
    EXPECT_EQ(v.violations[0].path, "start");
    EXPECT_THAT(v.violations[0].message, HasSubstr("expected a date and time"));
    EXPECT_EQ(v.violations[1].path, "today");
    EXPECT_EQ(v.violations[1].message, "no such date: 2026-02-30");
    EXPECT_EQ(v.violations[2].path, "deviceid");
    EXPECT_EQ(v.violations[3].path, "where");
    EXPECT_THAT(v.violations[3].message, HasSubstr("lat must be between -90 and 90"));
}

TEST(MetadataRows, AreSeenByExpressions) {
    json survey = metadata_survey();
    survey.push_back(
        {{"type", "calculate"},
         {"name", "minutes"},
         {"calculation",
          "round((decimal-date-time(${end}) - decimal-date-time(${start})) * 1440, 0)"}});
    auto form = load_feature_form(feature_form_json(survey));
    ASSERT_TRUE(form);
    json answers = {{"start", "2026-09-10T12:00:00.000+02:00"},
                    {"end", "2026-09-10T12:30:00.000+02:00"}};
    auto v = validate_answers(*form, answers);
    EXPECT_THAT(v.violations, IsEmpty());
    EXPECT_EQ(v.completed["minutes"], 30);
}

}  // namespace
}  // namespace canvass::form
