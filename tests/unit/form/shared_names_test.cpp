// One name for a question at the top level and another in a repeat (ODK Central's test
// forms use `name` in both): each is answered in its own JSON object, so the form engine
// takes them, checks each answer against its own row, and refuses only what would be
// ambiguous.
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

std::vector<std::string> violations(const Form& form, const json& answers) {
    return canvass::testing::feature_form_violations(form, answers);
}

json household(json extra_member_row = nullptr) {
    json children = {{{"type", "text"}, {"name", "name"}, {"label", en("Member's name")}},
                     {{"type", "text"}, {"name", "size"}, {"label", en("Clothes size")}}};
    if (!extra_member_row.is_null()) children.push_back(extra_member_row);
    return feature_form_json(
        {{{"type", "text"}, {"name", "name"}, {"label", en("Household name")}},
         {{"type", "integer"}, {"name", "size"}, {"label", en("Household size")}},
         {{"type", "repeat"},
          {"name", "members"},
          {"label", en("Member")},
          {"children", children}}});
}

TEST(SharedNames, ATopLevelQuestionAndARepeatQuestionMayShareAName) {
    auto form = load_feature_form(household());
    ASSERT_TRUE(form);
    const Row* top = form->find_at("size", std::nullopt);
    const Row* member = form->find_at("size", form->find("members")->id);
    ASSERT_TRUE(top && member);
    EXPECT_EQ(top->type, RowType::integer);
    EXPECT_EQ(member->type, RowType::text);
    // Each answer is checked against the row of its own level.
    EXPECT_THAT(
        violations(*form, {{"name", "Silva"},
                           {"size", 3},
                           {"members", {{{"name", "Ana"}, {"size", "M"}}, {{"name", "Ben"}}}}}),
        IsEmpty());
    EXPECT_THAT(violations(*form, {{"size", "M"}, {"members", {{{"size", 3}}}}}),
                ElementsAre("size: expected a whole number, got \"M\"",
                            "members[1].size: expected text (a JSON string), got 3"));
    auto done = validate_answers(*form, {{"size", 3.0}, {"members", {{{"size", "3"}}}}});
    ASSERT_TRUE(done.ok());
    EXPECT_TRUE(done.completed["size"].is_number_integer())
        << "integers canonical at their own level";
    EXPECT_EQ(done.completed["members"][0]["size"], "3");
}

TEST(SharedNames, NamesStayUniqueAtOneLevelAndForGroupsRepeatsAndCalculates) {
    EXPECT_THAT(feature_form_problems(
                    household({{"type", "integer"}, {"name", "name"}, {"label", en("Again")}})),
                ElementsAre(HasSubstr("duplicate name name")));
    json with_group = feature_form_json(
        {{{"type", "text"}, {"name", "name"}, {"label", en("Name")}},
         {{"type", "group"},
          {"name", "g"},
          {"label", en("G")},
          {"children", {{{"type", "text"}, {"name", "name"}, {"label", en("Same object")}}}}}});
    EXPECT_THAT(feature_form_problems(with_group), ElementsAre(HasSubstr("duplicate name name")))
        << "same JSON object";
    EXPECT_THAT(feature_form_problems(
                    household({{"type", "calculate"}, {"name", "size"}, {"calculation", "1"}})),
                ElementsAre(HasSubstr("duplicate name size")));
}

TEST(SharedNames, AReferenceToASharedNameIsAmbiguous) {
    auto problems = feature_form_problems(household({{"type", "integer"},
                                                     {"name", "age"},
                                                     {"label", en("Age")},
                                                     {"relevant", "${name} != ''"}}));
    EXPECT_THAT(problems, ElementsAre(HasSubstr("${name} is ambiguous")));
}

}  // namespace
}  // namespace canvass::form
