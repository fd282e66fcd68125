// The interview over a form whose choices come from an attached CSV file: the choices a
// select_one_from_file step offers after its choice_filter, in the session's language, and
// the lookups computed from the file as the interview goes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "cities_form.hpp"
#include "canvass/interview.hpp"
#include "recording_sink.hpp"

namespace canvass::interview {
namespace {

using canvass::testing::RecordingSink;

using nlohmann::json;
using ::testing::ElementsAre;

std::vector<std::string> offered(const Step& step) {
    std::vector<std::string> out;
    for (const auto& c : step.choices) out.push_back(c.name + "=" + c.label);
    return out;
}

TEST(FileChoicesSession, TheStepOffersTheFilesRowsThatPassTheFilter) {
    auto form = canvass::testing::load_feature_form(canvass::testing::cities_form_json());
    ASSERT_TRUE(form);
    RecordingSink sink;
    auto s = FormSession::open(*form, sink,
                               {.purpose = Purpose::interview,
                                .answers_json = "{}",
                                .language = "fr",
                                .clock = {},
                                .metadata = {},
                                .random = {},
                                .last_saved_json = {}});
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->answer("\"ca\""));
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().name, "city");
    EXPECT_THAT(offered(s->current()), ElementsAre("tor=Toronto", "mtl=Montréal"));
    EXPECT_FALSE(s->answer("\"ams\""));  // a row of the file the filter leaves out
    ASSERT_TRUE(s->answer_typed("2"));
    EXPECT_EQ(s->current().answer, "\"mtl\"");
}

TEST(FileChoicesSession, CurrentInARepeatFiltersByTheSameInstance) {
    auto form = canvass::testing::load_feature_form(canvass::testing::cities_form_json());
    ASSERT_TRUE(form);
    RecordingSink sink;
    auto s = FormSession::open(*form, sink, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->jump("trips"));
    ASSERT_TRUE(s->add_instance());
    ASSERT_TRUE(s->answer("\"nl\""));
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().name, "trip_city");
    EXPECT_THAT(offered(s->current()),
                ElementsAre("ams=Amsterdam", "rtm=Rotterdam", "dhg=The Hague"));
}

}  // namespace
}  // namespace canvass::interview
