// ${last-saved#name} in a default (ODK XForms' instance('__last-saved')): the answer given
// in the last record of the form saved on this device, proposed again, as ODK Collect does
// for an interviewer's name or a street walked along, stall after stall.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feature_form.hpp"
#include "interview/device_sink.hpp"
#include "temp_dir.hpp"
#include "recording_sink.hpp"

namespace canvass::interview {
namespace {

using canvass::testing::RecordingSink;

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::feature_form_problems;
using canvass::testing::load_feature_form;
using nlohmann::json;
using ::testing::Contains;
using ::testing::HasSubstr;

json stalls_survey() {
    return {
        {{"type", "text"},
         {"name", "enumerator"},
         {"label", en("Your code")},
         {"default", "${last-saved#enumerator}"}},
        {{"type", "integer"},
         {"name", "stall_no"},
         {"label", en("Stall number")},
         {"default", "${last-saved#stall_no} + 1"}},
        {{"type", "text"},
         {"name", "street"},
         {"label", en("Street")},
         {"default", "${last-saved#street}"}},
        {{"type", "repeat"},
         {"name", "workers"},
         {"label", en("Workers")},
         {"children",
          {
              {{"type", "text"},
               {"name", "worker"},
               {"label", en("Name")},
               {"default", "${last-saved#worker}"}},
          }}},
    };
}

TEST(LastSaved, ADefaultProposesTheLastRecordsAnswerAndExpressionsComputeOnIt) {
    auto form = load_feature_form(feature_form_json(stalls_survey()));
    ASSERT_TRUE(form);
    EXPECT_TRUE(form->reads_last_saved());
    RecordingSink sink;
    SessionOptions options;
    options.last_saved_json = json{{"enumerator", "PN01"},
                                   {"stall_no", 14},
                                   {"workers", {{{"worker", "Amina"}}, {{"worker", "Wanjiru"}}}}}
                                  .dump();
    auto s = FormSession::open(*form, sink, options);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->current().answer, "\"PN01\"");
    EXPECT_TRUE(s->current().answer_is_default);
    ASSERT_TRUE(s->answer(s->current().answer));
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().answer, "15");
    ASSERT_TRUE(s->next());
    // The last record had no street: nothing is proposed.
    EXPECT_EQ(s->current().name, "street");
    EXPECT_EQ(s->current().answer, "");
    ASSERT_TRUE(s->answer("\"Moi Avenue\""));
    ASSERT_TRUE(s->next());
    ASSERT_EQ(s->current().kind, StepKind::repeat_prompt);
    ASSERT_TRUE(s->add_instance());
    // Inside a repeat, as ODK reads the path: the first instance's answer.
    EXPECT_EQ(s->current().answer, "\"Amina\"");
}

TEST(LastSaved, WithoutALastRecordNothingIsProposed) {
    auto form = load_feature_form(feature_form_json(stalls_survey()));
    ASSERT_TRUE(form);
    RecordingSink sink;
    auto s = FormSession::open(*form, sink, {});
    ASSERT_TRUE(s);
    EXPECT_EQ(s->current().answer, "");
    ASSERT_TRUE(s->next());
    EXPECT_EQ(s->current().answer, "") << "\"\" + 1 is NaN, which is no answer";
}

TEST(LastSaved, IsOnlyReadInADefaultAndMustNameAField) {
    json survey = stalls_survey();
    survey.push_back(
        {{"type", "calculate"}, {"name", "same"}, {"calculation", "${last-saved#street}"}});
    EXPECT_THAT(feature_form_problems(feature_form_json(survey)),
                Contains(HasSubstr(
                    "survey[4].calculation: ${last-saved#street} is only allowed in default")));
    json typo = stalls_survey();
    typo[2]["default"] = "${last-saved#stret}";
    EXPECT_THAT(feature_form_problems(feature_form_json(typo)),
                Contains("survey[2].default: unknown field ${last-saved#stret}"));
}

// Over a real store: the record saved last, drafts too, never the record being resumed.
TEST(LastSaved, TheStoreGivesTheLastRecordSavedOfTheFormButNotTheDraftItself) {
    canvass::testing::TempDir dir;
    store::StoreOptions so;
    so.pwhash = crypto::PwhashParams::minimum();
    auto store = store::DeviceStore::create(dir / "home", store::Passphrase{"stalls"}, so);
    ASSERT_TRUE(store) << store.error().message;
    ASSERT_TRUE(store->add_form(feature_form_json(stalls_survey()).dump()));

    ASSERT_TRUE(store->create_record("f", {{"enumerator", "PN01"}, {"stall_no", 14}}, true));
    auto second = open_interview(*store, {"f", "", "", {}});
    ASSERT_TRUE(second) << second.error().message;
    FormSession& s = *(*second)->session;
    EXPECT_EQ(s.current().answer, "\"PN01\"");
    ASSERT_TRUE(s.answer("\"PN02\""));  // the draft is saved now, the newest record of the form
    auto draft = (*second)->record();
    ASSERT_TRUE(draft);

    auto resumed = open_interview(*store, {"", merge::format_uuid(*draft), "", {}});
    ASSERT_TRUE(resumed) << resumed.error().message;
    FormSession& r = *(*resumed)->session;
    ASSERT_EQ(r.current().name, "stall_no");
    EXPECT_EQ(r.current().answer, "15") << "the first record's stall, not the draft's own";

    auto third = open_interview(*store, {"f", "", "", {}});
    ASSERT_TRUE(third);
    EXPECT_EQ((*third)->session->current().answer, "\"PN02\"")
        << "a draft saved is the last record saved";
}

}  // namespace
}  // namespace canvass::interview
