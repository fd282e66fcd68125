// A device that skips its own store's checks can write any bytes as a value; the coordinator
// decrypts them. A value nested past the JSON caps must not reach recursive code (dump,
// destruction) where it would overflow the coordinator's stack: it is dropped from the
// answers and shown as no value, and the rest of the record reads as usual.
#include <gtest/gtest.h>

#include <string>

#include "coordinator/view_json.hpp"
#include "store/answers.hpp"
#include "store/record_json.hpp"

namespace canvass::coordinator {
namespace {

merge::FieldView field(const std::string& path, std::vector<std::string> values) {
    merge::FieldView f;
    f.path = path;
    std::uint64_t hlc = 1000;
    for (auto& v : values) f.candidates.push_back({merge::OpId{}, hlc--, std::move(v)});
    return f;
}

std::string deep(std::size_t levels) {
    return std::string(levels, '[') + std::string(levels, ']');
}

TEST(HostileValues, AValueNestedDeeperThanTheCapsIsDroppedFromAnswersAndShownAsNoValue) {
    merge::RecordView view;
    view.fields.push_back(field("age", {"34"}));
    view.fields.push_back(field("first_name", {deep(200000), "\"Ana\""}));
    view.fields.push_back(field("market", {deep(200000)}));

    auto answers = store::to_answers(view);
    EXPECT_EQ(answers.value("age", 0), 34);
    EXPECT_FALSE(answers.contains("market"));
    EXPECT_FALSE(answers.contains("first_name"));  // its winner is the hostile one
    EXPECT_NO_THROW(answers.dump());

    // The conflict's candidates: the hostile one is null, the other reads.
    ConflictCandidate hostile;
    hostile.value = deep(200000);
    EXPECT_EQ(answer_text(hostile.value, true, "?").size(), 400000u);  // its text as it came
    RecordConflicts listed{
        view.id, "f", {Conflict{"first_name", false, false, {hostile}, std::nullopt}}};
    auto j = conflicts_json({listed}, "?");
    EXPECT_TRUE(j[0]["candidates"][0]["value"].is_null());
    EXPECT_NO_THROW(j.dump());

    store::RecordSnapshot snap;
    snap.view = view;
    auto shown = store::record_json(snap);
    EXPECT_NO_THROW(shown.dump());
}

TEST(HostileValues, ValuesWithinTheCapsReadAsTheyWere) {
    merge::RecordView view;
    view.fields.push_back(field("location", {R"({"lat": 5.5, "lon": -0.2})"}));
    view.fields.push_back(field("goods", {R"(["fruit", "cloth"])"}));
    auto answers = store::to_answers(view);
    EXPECT_EQ(answers["location"]["lat"], 5.5);
    EXPECT_EQ(answers["goods"][1], "cloth");
}

}  // namespace
}  // namespace canvass::coordinator
