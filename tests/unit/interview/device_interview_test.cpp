// The engine over a real device store (core/src/interview/device_sink.hpp): drafts saved at
// every answer with their language, resumed in it, and an edit saved as one changeset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "interview/device_sink.hpp"
#include "market_form.hpp"
#include "temp_dir.hpp"

namespace canvass::interview {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class DeviceInterviewTest : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;
    store::DeviceStore store = make_store();
    form::Clock clock = form::fixed_clock({1789041600000, 0});

    store::DeviceStore make_store() {
        store::StoreOptions options;
        options.pwhash = crypto::PwhashParams::minimum();
        auto s = store::DeviceStore::create(dir / "home", store::Passphrase{"interview"}, options);
        EXPECT_TRUE(s) << s.error().message;
        auto added = s->add_form(testing::kMarketForm);
        EXPECT_TRUE(added) << added.error().message;
        return std::move(s).value();
    }

    static void give(FormSession& s, const std::string& typed) {
        auto given = s.answer_typed(typed);
        ASSERT_TRUE(given) << typed << ": " << given.error().message;
        auto moved = s.next();
        ASSERT_TRUE(moved) << typed << ": " << moved.error().message;
    }

    // The paths set by the last changeset of record `id`.
    std::vector<std::string> last_changeset_paths(const merge::RecordId& id) {
        std::vector<std::string> paths;
        auto walked = store.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
            if (cs.header.record != id) return {};
            paths.clear();
            for (const auto& op : cs.header.ops) paths.push_back(op.path);
            return {};
        });
        EXPECT_TRUE(walked);
        return paths;
    }
};

TEST_F(DeviceInterviewTest, NothingIsSavedBeforeTheFirstAnswerThenEveryAnswerIs) {
    auto opened = open_interview(store, {"market", "", "", clock});
    ASSERT_TRUE(opened) << opened.error().message;
    FormSession& s = *(*opened)->session;
    ASSERT_TRUE(s.next());
    EXPECT_FALSE((*opened)->record());
    give(s, "Ana");
    auto id = (*opened)->record();
    ASSERT_TRUE(id);
    give(s, "30");
    auto snap = store.record(*id);
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->answers,
              json({{"name", "Ana"}, {"age", 30}, {"household", 1}}));  // with calculations
}

TEST_F(DeviceInterviewTest, TheLanguageIsKeptWithTheDraftAndResumedIn) {
    merge::RecordId id{};
    {
        auto opened = open_interview(store, {"market", "", "", clock});
        ASSERT_TRUE(opened);
        FormSession& s = *(*opened)->session;
        ASSERT_TRUE(s.next());
        give(s, "Ana");
        ASSERT_TRUE(s.set_language("fr"));  // switched mid-interview
        give(s, "30");
        id = *(*opened)->record();
    }
    EXPECT_EQ(store.record(id)->language, "fr");
    auto resumed = open_interview(store, {"", merge::format_uuid(id).substr(0, 8), "", clock});
    ASSERT_TRUE(resumed) << resumed.error().message;
    FormSession& s = *(*resumed)->session;
    EXPECT_EQ(s.language(), "fr");
    EXPECT_EQ(s.current().label, "Pays ?");
    // --lang still wins over the draft's.
    auto in_english = open_interview(store, {"", merge::format_uuid(id), "en", clock});
    ASSERT_TRUE(in_english);
    EXPECT_EQ((*in_english)->session->current().label, "Country?");
}

TEST_F(DeviceInterviewTest, AFinalizedRecordIsNotResumed) {
    auto id = store.create_record(
        "market", json{{"name", "Ana"}, {"age", 30}, {"country", "ke"}, {"consent", "OK"}}, true);
    ASSERT_TRUE(id);
    auto resumed = open_interview(store, {"", merge::format_uuid(*id), "", clock});
    ASSERT_FALSE(resumed);
    EXPECT_THAT(resumed.error().message, HasSubstr("is finalized: change it with 'canvass edit"));
    auto unknown = open_interview(store, {"nosuchform", "", "", clock});
    ASSERT_FALSE(unknown);
    EXPECT_THAT(unknown.error().message, HasSubstr("no form nosuchform on this device"));
}

TEST_F(DeviceInterviewTest, AnEditSavesOneChangesetOfExactlyTheChangedFields) {
    auto id = store.create_record(
        "market",
        json{{"name", "Ana"}, {"age", 30}, {"country", "ke"}, {"income", 12.5}, {"consent", "OK"}},
        true);
    ASSERT_TRUE(id);
    auto before = store.status()->own_changesets;
    auto opened =
        open_edit(store, {merge::format_uuid(*id), "", clock, std::nullopt, std::nullopt});
    ASSERT_TRUE(opened) << opened.error().message;
    FormSession& s = *(*opened)->session;
    ASSERT_TRUE(s.jump(std::string_view("age")));
    give(s, "31");
    ASSERT_TRUE(s.jump(std::string_view("income")));
    give(s, "");                                        // income removed
    EXPECT_EQ(store.status()->own_changesets, before);  // nothing written before the end
    ASSERT_TRUE(s.finalize()) << "edit refused";
    EXPECT_EQ(s.outcome(), Outcome::edit_saved);
    EXPECT_EQ(store.status()->own_changesets, before + 1);
    EXPECT_THAT(last_changeset_paths(*id), ElementsAre("age", "income"));
    auto snap = store.record(*id);
    EXPECT_EQ(snap->answers["age"], 31);
    EXPECT_FALSE(snap->answers.contains("income"));
    EXPECT_EQ(snap->answers["name"], "Ana");
}

TEST_F(DeviceInterviewTest, AnEditOfADraftIsRefusedWithWhatToDoInstead) {
    auto id = store.create_record("market", json{{"name", "Ana"}}, false);
    ASSERT_TRUE(id);
    auto opened =
        open_edit(store, {merge::format_uuid(*id), "", clock, std::nullopt, std::nullopt});
    ASSERT_FALSE(opened);
    EXPECT_THAT(opened.error().message,
                HasSubstr("is a draft: continue it with 'canvass interview --resume"));
}

}  // namespace
}  // namespace canvass::interview
