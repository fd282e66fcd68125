// Reading typed answers (interview/typed_answer.hpp), keeping a draft valid
// (interview/settle.hpp) and the changes of an interactive edit (interview/edit_changes.hpp).
#include <gtest/gtest.h>

#include "interview/edit_changes.hpp"
#include "interview/settle.hpp"
#include "interview/typed_answer.hpp"
#include "market_form.hpp"

namespace canvass::interview {
namespace {

using nlohmann::json;

class TypedAnswer : public ::testing::Test {
  protected:
    form::Form form = testing::market_form();
    form::Instant now{1789000000000, 120};  // 2026-09-10T02:26:40+02:00

    Result<json> read(const std::string& field, std::string_view text) {
        const form::Row& row = *form.find(field);
        std::vector<StepChoice> offered;
        if (const auto* list = form.choices(row.list_name))
            for (const auto& c : list->choices) offered.push_back({c.name, c.label.at("en")});
        return read_answer(row, offered, text, now);
    }
    std::string refusal(const std::string& field, std::string_view text) {
        auto r = read(field, text);
        return r ? "accepted " + r->dump() : r.error().message;
    }
};

TEST_F(TypedAnswer, Numbers) {
    EXPECT_EQ(*read("age", "42"), json(42));
    EXPECT_EQ(*read("age", "-3"), json(-3));
    EXPECT_EQ(*read("age", "+3"), json(3));
    EXPECT_EQ(refusal("age", "4.5"), "type a whole number, like 12");
    EXPECT_EQ(refusal("age", "99999999999999999999"), "that number is too large");
    EXPECT_EQ(*read("income", "12.5"), json(12.5));
    EXPECT_EQ(*read("income", "12"), json(12));
    EXPECT_EQ(refusal("income", "12,5"), "type a number, like 12 or 3.5");
}

TEST_F(TypedAnswer, Choices) {
    EXPECT_EQ(*read("country", "2"), json("sn"));
    EXPECT_EQ(*read("country", "KE"), json("ke"));
    EXPECT_EQ(refusal("country", "3"), "choose a number from 1 to 2");
    EXPECT_EQ(refusal("country", "1 2"), "choose one answer: type its number");
    EXPECT_EQ(*read("goods", "3,1 2"), json({"fruit", "cloth", "tools"}));
    EXPECT_EQ(*read("goods", "cloth 2"), json({"cloth"}));
    EXPECT_EQ(refusal("goods", "1 hats"),
              "there is no choice hats here: type its number or its name");
}

TEST_F(TypedAnswer, DatesTimesAndNow) {
    EXPECT_EQ(*read("visit_date", "today"), json("2026-09-10"));
    EXPECT_EQ(*read("visit_date", "2026-01-31"),
              json("2026-01-31"));  // checked by the form's rules
    form::Row time = *form.find("name");
    time.type = form::RowType::time;
    EXPECT_EQ(*read_answer(time, {}, "now", now), json("02:26"));
    form::Row stamp = time;
    stamp.type = form::RowType::datetime;
    EXPECT_EQ(*read_answer(stamp, {}, "NOW", now), json("2026-09-10T02:26:40+02:00"));
    EXPECT_EQ(*read_answer(stamp, {}, "2026-09-10 08:00", now), json("2026-09-10T08:00"));
}

TEST_F(TypedAnswer, GeopointsAndAcknowledgements) {
    form::Row point = *form.find("name");
    point.type = form::RowType::geopoint;
    EXPECT_EQ(*read_answer(point, {}, "18.5 73.8", now), json({{"lat", 18.5}, {"lon", 73.8}}));
    EXPECT_EQ(*read_answer(point, {}, "18.5, 73.8, 560, 5", now),
              json({{"lat", 18.5}, {"lon", 73.8}, {"alt", 560.0}, {"acc", 5.0}}));
    EXPECT_FALSE(read_answer(point, {}, "18.5", now));
    EXPECT_FALSE(read_answer(point, {}, "north 73.8", now));
    EXPECT_EQ(*read("consent", "y"), json("OK"));
    EXPECT_EQ(*read("consent", "OK"), json("OK"));
    EXPECT_EQ(*read("consent", "n"), json());
    EXPECT_EQ(refusal("consent", "maybe"), "type y (or OK) to confirm");
}

TEST_F(TypedAnswer, ShownWithChoiceLabels) {
    EXPECT_EQ(show_answer(form, *form.find("goods"), json({"fruit", "tools"}), "fr"),
              "Fruits, Outils");
    EXPECT_EQ(show_answer(form, *form.find("country"), json("sn"), "fr"), "Sénégal");
    EXPECT_EQ(show_answer(form, *form.find("income"), json(2.5), "fr"), "2.5");
}

TEST(Settle, RemovesAnswersThatNoLongerApplyAndSizesCountedRepeats) {
    form::Form form = testing::market_form();
    json answers = json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "city": "nairobi",
        "income": 10, "household": 7, "visits": 2, "visit": [{"visit_date": "2026-01-01"}]})");
    auto cleared = settle(form, answers, form::fixed_clock({}), "en");
    EXPECT_EQ(cleared, (std::vector<std::string>{"City?", "Income?"}));
    EXPECT_EQ(answers, json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "visits": 2,
        "visit": [{"visit_date": "2026-01-01"}, {}]})"));

    answers["visits"] = 0;
    cleared = settle(form, answers, form::fixed_clock({}), "en");
    EXPECT_EQ(cleared, (std::vector<std::string>{"Visit 1"}));
    EXPECT_FALSE(answers.contains("visit"));
}

TEST(EditChanges, OnlyWhatChangedWithInstancesMatchedById) {
    form::Form form = testing::market_form();
    json before = json::parse(R"({"name": "Ana", "age": 30, "income": 10, "members": [
        {"_id": "00000000-0000-4000-8000-000000000001", "member_name": "A",
         "jobs": [{"_id": "00000000-0000-4000-8000-000000000011", "wage": 5}]},
        {"_id": "00000000-0000-4000-8000-000000000002", "member_name": "B"}]})");
    json after = json::parse(R"({"name": "Ana", "age": 31, "members": [
        {"_id": "00000000-0000-4000-8000-000000000001", "member_name": "A",
         "jobs": [{"_id": "00000000-0000-4000-8000-000000000011", "wage": 6}, {"wage": 7}]},
        {"member_name": "C"}]})");
    EXPECT_EQ(edit_changes(form, before, after),
              json::parse(R"({"age": 31, "income": null, "members": [
        {"_id": "00000000-0000-4000-8000-000000000001",
         "jobs": [{"_id": "00000000-0000-4000-8000-000000000011", "wage": 6}, {"wage": 7}]},
        {"member_name": "C"},
        {"_id": "00000000-0000-4000-8000-000000000002", "_delete": true}]})"));
    EXPECT_EQ(edit_changes(form, before, before), json::object());
}

}  // namespace
}  // namespace canvass::interview
