// Metadata questions filled in by the interview engine at ODK Collect's moments: start,
// today and the device's properties when the interview opens, end when it is finalized,
// start-geopoint from the first position the host supplies.
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

// A clock the test moves: 2026-09-10T12:00:00Z, seen at UTC+02:00.
struct MovingClock {
    std::int64_t ms = 1789041600000;
    form::Clock clock() {
        return [this] { return form::Instant{ms, 120}; };
    }
};

SessionOptions on(MovingClock& t) {
    SessionOptions o;
    o.clock = t.clock();
    return o;
}

form::Form metadata_form() {
    json survey = {{{"type", "start"}, {"name", "started"}},
                   {{"type", "end"}, {"name", "ended"}},
                   {{"type", "today"}, {"name", "day"}},
                   {{"type", "deviceid"}, {"name", "device"}},
                   {{"type", "username"}, {"name", "user"}},
                   {{"type", "phonenumber"}, {"name", "phone"}},
                   {{"type", "email"}, {"name", "mail"}},
                   {{"type", "start-geopoint"}, {"name", "where"}},
                   {{"type", "text"}, {"name", "q"}, {"label", en("Q")}}};
    return *load_feature_form(feature_form_json(survey));
}

TEST(MetadataSession, MetadataRowsAreNotSteps) {
    form::Form form = metadata_form();
    RecordingSink sink;
    MovingClock t;
    auto s = FormSession::open(form, sink, on(t));
    ASSERT_TRUE(s);
    auto steps = s->steps();
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].name, "q");
    EXPECT_EQ(s->progress().total, 1u);
}

TEST(MetadataSession, StartTodayAndDeviceAtOpenEndAtFinalize) {
    form::Form form = metadata_form();
    RecordingSink sink;
    MovingClock t;
    SessionOptions o;
    o.clock = t.clock();
    o.metadata = {
        .deviceid = "0a1b", .username = "Team 3", .phonenumber = "", .email = "ana@example.org"};
    auto s = FormSession::open(form, sink, std::move(o));
    ASSERT_TRUE(s);
    EXPECT_TRUE(sink.saves.empty());  // nothing saved before the first answer
    t.ms += 25 * 60 * 1000;           // 25 minutes later
    ASSERT_TRUE(s->answer("\"x\""));
    ASSERT_EQ(sink.saves.size(), 1u);
    EXPECT_EQ(sink.saves[0]["started"], "2026-09-10T14:00:00.000+02:00");
    EXPECT_FALSE(sink.saves[0].contains("ended"));
    t.ms += 5 * 60 * 1000;
    ASSERT_TRUE(s->finalize());
    ASSERT_EQ(sink.finishes.size(), 1u);
    json done = sink.finishes[0];
    EXPECT_EQ(done["started"], "2026-09-10T14:00:00.000+02:00");
    EXPECT_EQ(done["ended"], "2026-09-10T14:30:00.000+02:00");
    EXPECT_EQ(done["day"], "2026-09-10");
    EXPECT_EQ(done["device"], "0a1b");
    EXPECT_EQ(done["user"], "Team 3");
    EXPECT_EQ(done["mail"], "ana@example.org");
    EXPECT_FALSE(done.contains("phone"));  // the host has none: left unanswered
    EXPECT_FALSE(done.contains("where"));  // no position supplied (a terminal)
}

TEST(MetadataSession, StartGeopointIsTheFirstPositionSupplied) {
    form::Form form = metadata_form();
    RecordingSink sink;
    MovingClock t;
    auto s = FormSession::open(form, sink, on(t));
    ASSERT_TRUE(s);
    EXPECT_FALSE(s->supply_location("{\"lat\": 95, \"lon\": 0}"));
    ASSERT_TRUE(s->supply_location("{\"lat\": -1.28, \"lon\": 36.82, \"acc\": 5}"));
    ASSERT_TRUE(s->supply_location("{\"lat\": 10, \"lon\": 10}"));
    ASSERT_TRUE(s->answer("\"x\""));
    ASSERT_TRUE(s->finalize());
    EXPECT_EQ(sink.finishes[0]["where"], json::parse(R"({"lat": -1.28, "lon": 36.82, "acc": 5})"));
}

TEST(MetadataSession, AResumedDraftKeepsItsStartAndAnEditMovesOnlyItsEnd) {
    form::Form form = metadata_form();
    MovingClock t;
    json draft = {{"started", "2026-09-01T08:00:00.000+02:00"}, {"day", "2026-09-01"}, {"q", "x"}};
    {
        RecordingSink sink;
        auto s = FormSession::open(form, sink,
                                   {Purpose::resume, draft.dump(), "", t.clock(), {}, {}, {}});
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->finalize());
        EXPECT_EQ(sink.finishes[0]["started"], "2026-09-01T08:00:00.000+02:00");
        EXPECT_EQ(sink.finishes[0]["day"], "2026-09-01");
        EXPECT_EQ(sink.finishes[0]["ended"], "2026-09-10T14:00:00.000+02:00");
    }
    json record = draft;
    record["ended"] = "2026-09-01T08:10:00.000+02:00";
    {
        RecordingSink sink;
        auto s = FormSession::open(form, sink,
                                   {Purpose::edit, record.dump(), "", t.clock(), {}, {}, {}});
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->finalize());  // nothing changed: nothing written, end kept
        EXPECT_EQ(s->outcome(), Outcome::unchanged);
        EXPECT_TRUE(sink.finishes.empty());
    }
    {
        RecordingSink sink;
        auto s = FormSession::open(form, sink,
                                   {Purpose::edit, record.dump(), "", t.clock(), {}, {}, {}});
        ASSERT_TRUE(s);
        ASSERT_TRUE(s->answer("\"y\""));
        ASSERT_TRUE(s->finalize());
        EXPECT_EQ(s->outcome(), Outcome::edit_saved);
        EXPECT_EQ(sink.finishes[0]["started"], "2026-09-01T08:00:00.000+02:00");
        EXPECT_EQ(sink.finishes[0]["ended"], "2026-09-10T14:00:00.000+02:00");
    }
}

}  // namespace
}  // namespace canvass::interview
