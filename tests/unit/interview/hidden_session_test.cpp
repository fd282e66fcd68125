// XLSForm's hidden rows in an interview: never a step, holding their default from the start
// (ODK sets defaults when the form loads) or their calculation, saved with the record.
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

form::Form hidden_form() {
    json survey = {
        {{"type", "hidden"}, {"name", "team"}, {"default", "north"}},
        {{"type", "text"}, {"name", "village"}, {"label", en("Village?")}},
        {{"type", "hidden"}, {"name", "place"}, {"calculation", "concat('v-', ${village})"}},
        {{"type", "hidden"}, {"name", "from_app"}},
        {{"type", "repeat"},
         {"name", "visits"},
         {"label", en("Visit")},
         {"children",
          {{{"type", "hidden"}, {"name", "visit_team"}, {"default", "concat(${team}, '-1')"}},
           {{"type", "integer"}, {"name", "minutes"}, {"label", en("Minutes?")}}}}},
    };
    return *load_feature_form(feature_form_json(survey));
}

TEST(HiddenSession, HiddenRowsAreNeverSteps) {
    form::Form form = hidden_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, {});
    ASSERT_TRUE(s);
    std::vector<std::string> names;
    for (const auto& step : s->steps()) names.push_back(step.name);
    EXPECT_THAT(names, ::testing::ElementsAre("village", "visits"));
    EXPECT_FALSE(s->jump("team"));
}

TEST(HiddenSession, DefaultsAndCalculationsAreSavedWithTheRecord) {
    form::Form form = hidden_form();
    RecordingSink sink;
    auto s = FormSession::open(form, sink, {});
    ASSERT_TRUE(s);
    EXPECT_EQ(json::parse(s->answers_json()).value("team", ""), "north");
    ASSERT_TRUE(s->answer(R"("Kisumu")"));
    ASSERT_TRUE(s->jump("visits"));
    ASSERT_TRUE(s->add_instance());
    ASSERT_TRUE(s->answer("20"));
    ASSERT_TRUE(s->finalize());
    ASSERT_EQ(sink.finishes.size(), 1u);
    const json& saved = sink.finishes[0];
    EXPECT_EQ(saved["team"], "north");
    EXPECT_EQ(saved["place"], "v-Kisumu");
    EXPECT_FALSE(saved.contains("from_app"));
    EXPECT_EQ(saved["visits"][0]["visit_team"], "north-1");  // a dynamic default, per instance
    EXPECT_EQ(saved["visits"][0]["minutes"], 20);
}

TEST(HiddenSession, AValueTheAppGaveIsKept) {
    form::Form form = hidden_form();
    RecordingSink sink;
    SessionOptions o;
    o.answers_json = R"({"team": "south", "from_app": "contact-42"})";
    auto s = FormSession::open(form, sink, o);
    ASSERT_TRUE(s);
    json answers = json::parse(s->answers_json());
    EXPECT_EQ(answers["team"], "south");  // the default fills only an empty value
    EXPECT_EQ(answers["from_app"], "contact-42");
}

}  // namespace
}  // namespace canvass::interview
