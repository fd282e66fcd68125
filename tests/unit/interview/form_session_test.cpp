// The interview engine (core/include/canvass/interview.hpp) driven as an app drives it:
// answers in, steps out, with a sink that records every save.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "canvass/interview.hpp"
#include "market_form.hpp"
#include "recording_sink.hpp"

namespace canvass::interview {
namespace {

using canvass::testing::RecordingSink;

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 2026-09-10 at noon UTC.
constexpr form::Instant kTestNow{1789041600000, 0};

struct Engine {
    form::Form form = testing::market_form();
    RecordingSink sink;
    FormSession session;

    explicit Engine(json answers = json::object(), Purpose purpose = Purpose::interview,
                    std::string lang = "en")
        : session(*FormSession::open(form, sink,
                                     {purpose,
                                      answers.dump(),
                                      std::move(lang),
                                      form::fixed_clock(kTestNow),
                                      {},
                                      {},
                                      {}})) {}

    // Answers the current question with what a person typed, then moves on; fails the test
    // if either is refused.
    void give(const std::string& typed) {
        auto given = session.answer_typed(typed);
        ASSERT_TRUE(given) << typed << ": " << given.error().message;
        auto moved = session.next();
        ASSERT_TRUE(moved) << typed << ": " << moved.error().message;
    }
    std::string at() const { return session.current().name; }
};

// Past the opening note, up to the members repeat, for an adult in Nairobi.
void answer_adult(Engine& e) {
    ASSERT_TRUE(e.session.next());  // the note
    for (const char* typed : {"Ana", "30", "1", "nairobi", "12.5", "1 3"}) e.give(typed);
}

TEST(FormSession, StartsAtTheFirstStepAndDescribesIt) {
    Engine e(json::object(), Purpose::interview, "fr");
    Step note = e.session.current();
    EXPECT_EQ(note.kind, StepKind::note);
    EXPECT_EQ(note.label, "Bonjour");
    ASSERT_TRUE(e.session.next());
    ASSERT_TRUE(e.session.next().error().message == "Cette question demande une réponse.");
    e.give("Ana");
    Step age = e.session.current();
    EXPECT_EQ(age.kind, StepKind::question);
    EXPECT_EQ(age.name, "age");
    EXPECT_EQ(age.type, "integer");
    EXPECT_EQ(age.label, "Âge ?");
    EXPECT_EQ(age.hint, "En années");
    EXPECT_EQ(age.format, "un nombre entier");
    EXPECT_TRUE(age.required);
    EXPECT_EQ(age.number, 2u);
}

TEST(FormSession, SkipLogicLeavesOutAGroupThatDoesNotApply) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    for (const char* typed : {"Ana", "16", "1", "1"}) e.give(typed);
    // Under 18: the work group (income, goods) is not asked.
    EXPECT_EQ(e.session.current().kind, StepKind::repeat_prompt);
    EXPECT_EQ(e.at(), "members");
    auto names = e.session.steps();
    EXPECT_TRUE(
        std::none_of(names.begin(), names.end(), [](const Step& s) { return s.name == "income"; }));
    ASSERT_TRUE(e.session.back());
    ASSERT_TRUE(e.session.back());
    ASSERT_TRUE(e.session.back());
    e.give("30");                   // now an adult: the group applies
    ASSERT_TRUE(e.session.next());  // country kept
    ASSERT_TRUE(e.session.next());  // city kept
    EXPECT_EQ(e.at(), "income");
}

TEST(FormSession, ARefusedAnswerSaysWhyInTheSessionLanguageAndChangesNothing) {
    Engine e(json::object(), Purpose::interview, "fr");
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    auto refused = e.session.answer_typed("120");
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().message, "Entre 14 et 100");  // the form's message in French
    EXPECT_EQ(e.sink.saves.back(), json({{"name", "Ana"}}));
    auto words = e.session.answer_typed("trente");
    ASSERT_FALSE(words);
    EXPECT_EQ(words.error().message, "tapez un nombre entier, comme 12");
    EXPECT_EQ(e.at(), "age");
}

// An app hands answers in as JSON text: one nested far past the JSON caps is refused as not
// JSON, without ever reaching the recursive code that would overflow the stack.
TEST(FormSession, AnAnswerNestedPastTheJsonCapsIsRefusedAndChangesNothing) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    const std::string deep = std::string(300000, '[') + std::string(300000, ']');
    auto refused = e.session.answer(deep);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("not JSON"), std::string::npos)
        << refused.error().message;
    EXPECT_FALSE(e.session.supply_location(deep));
    EXPECT_TRUE(e.sink.saves.empty() || e.sink.saves.back() == json::object());
    EXPECT_EQ(e.at(), "name");
}

TEST(FormSession, DateRefusalsAreTranslatedToo) {
    Engine e(json::object(), Purpose::interview, "fr");
    ASSERT_TRUE(e.session.next());
    for (const char* typed : {"Ana", "30", "1", "1", "", ""}) e.give(typed);
    ASSERT_EQ(e.session.current().kind, StepKind::repeat_prompt);
    ASSERT_TRUE(e.session.next());  // no members
    ASSERT_EQ(e.session.current().kind, StepKind::note);
    ASSERT_TRUE(e.session.next());
    e.give("1");
    ASSERT_EQ(e.at(), "visit_date");
    auto bad = e.session.answer_typed("2026-02-30");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message, "cette date n'existe pas : 2026-02-30");
    auto shapeless = e.session.answer("\"le 3 mars\"");
    ASSERT_FALSE(shapeless);
    EXPECT_THAT(shapeless.error().message, HasSubstr("AAAA-MM-JJ"));
}

TEST(FormSession, TwoRepeatInstancesEachWithTheirAnswers) {
    Engine e;
    answer_adult(e);
    ASSERT_EQ(e.session.current().kind, StepKind::repeat_prompt);
    EXPECT_EQ(e.session.current().instances, 0u);
    ASSERT_TRUE(e.session.add_instance());
    e.give("Ana K");
    ASSERT_EQ(e.at(), "jobs");
    ASSERT_TRUE(e.session.next());  // no job
    ASSERT_EQ(e.at(), "members");
    EXPECT_EQ(e.session.current().instances, 1u);
    ASSERT_TRUE(e.session.add_instance());
    Step second = e.session.current();
    EXPECT_EQ(second.name, "member_name");
    ASSERT_EQ(second.groups.size(), 1u);
    EXPECT_EQ(second.groups[0].label, "Member");
    EXPECT_EQ(second.groups[0].instance, 2u);
    e.give("Ben");
    ASSERT_TRUE(e.session.next());
    ASSERT_TRUE(e.session.next());  // no more members
    EXPECT_EQ(e.at(), "size_note");
    EXPECT_EQ(e.session.current().label, "Household of 3");  // the calculation, computed
    EXPECT_EQ(e.sink.saves.back()["members"],
              json::parse(R"([{"member_name": "Ana K"}, {"member_name": "Ben"}])"));
}

TEST(FormSession, BackReturnsToThePreviousStepWithItsAnswer) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    ASSERT_TRUE(e.session.back());
    Step name = e.session.current();
    EXPECT_EQ(name.name, "name");
    EXPECT_EQ(name.answer, "\"Ana\"");
    EXPECT_FALSE(name.answer_is_default);
    ASSERT_TRUE(e.session.back());  // the note
    auto first = e.session.back();
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().message, "This is the first question.");
}

TEST(FormSession, JumpsByIndexAndByNameAndRefusesWhatIsNotThere) {
    Engine e;
    answer_adult(e);
    ASSERT_TRUE(e.session.jump(std::string_view("country")));
    EXPECT_EQ(e.session.current().answer, "\"ke\"");
    ASSERT_TRUE(e.session.jump(std::size_t{1}));
    EXPECT_EQ(e.at(), "name");
    ASSERT_TRUE(e.session.jump(e.session.steps().size()));
    EXPECT_EQ(e.session.current().kind, StepKind::end);
    EXPECT_FALSE(e.session.next());
    EXPECT_EQ(e.session.jump(std::string_view("agee")).error().message,
              "This form has no question named agee.");
    EXPECT_EQ(e.session.jump(std::string_view("wage")).error().message,
              "Question wage does not apply to the answers given.");
    EXPECT_FALSE(e.session.jump(e.session.steps().size() + 1));
}

TEST(FormSession, HierarchyListsEveryStepWithItsAnswer) {
    Engine e;
    answer_adult(e);
    std::vector<std::string> listed;
    for (const auto& s : e.session.steps())
        listed.push_back(s.name + "=" + (s.answer_is_default ? "" : s.answer));
    EXPECT_THAT(listed,
                ElementsAre("intro=", "name=\"Ana\"", "age=30", "country=\"ke\"",
                            "city=\"nairobi\"", "income=12.5", "goods=[\"fruit\",\"tools\"]",
                            "members=", "size_note=", "visits=", "consent="));
    EXPECT_EQ(e.session.steps()[6].answer_text, "Fruit, Tools");
}

TEST(FormSession, ProgressCountsTheRelevantQuestions) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    // name, age, country, city, visits, consent: the work group waits for an age.
    EXPECT_EQ(e.session.progress().position, 1u);
    EXPECT_EQ(e.session.progress().total, 6u);
    e.give("Ana");
    e.give("30");  // an adult: income and goods too
    EXPECT_EQ(e.session.progress().position, 3u);
    EXPECT_EQ(e.session.progress().total, 8u);
    e.give("1");
    e.give("1");
    e.give("");
    e.give("");
    ASSERT_TRUE(e.session.add_instance());  // a member's name
    EXPECT_EQ(e.session.progress().position, 7u);
    EXPECT_EQ(e.session.progress().total, 9u);
}

TEST(FormSession, ChoicesAreTypedByNumberNameOrLabelIgnoringCaseAndAccents) {
    Engine e(json::object(), Purpose::interview, "fr");
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    e.give("30");
    ASSERT_TRUE(e.session.answer_typed("senegal"));
    EXPECT_EQ(e.session.current().answer, "\"sn\"");
    ASSERT_TRUE(e.session.answer_typed("SÉNÉGAL"));
    ASSERT_TRUE(e.session.answer_typed("Kenya"));
    EXPECT_EQ(e.session.current().answer, "\"ke\"");
    ASSERT_TRUE(e.session.next());
    // The choice filter offers Kenyan cities only.
    EXPECT_EQ(e.session.current().choices.size(), 2u);
    EXPECT_FALSE(e.session.answer("\"dakar\""));
    ASSERT_TRUE(e.session.next());
    e.give("12");
    ASSERT_TRUE(e.session.answer_typed("fruits, outils"));
    EXPECT_EQ(e.session.current().answer, "[\"fruit\",\"tools\"]");
}

TEST(FormSession, ALanguageSwitchChangesLabelsAndMessagesAndIsSaved) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    ASSERT_TRUE(e.session.set_language("fr"));
    EXPECT_EQ(e.session.current().label, "Âge ?");
    EXPECT_EQ(e.sink.languages.back(), "fr");  // saved with the draft at once
    EXPECT_EQ(e.session.answer_typed("abc").error().message, "tapez un nombre entier, comme 12");
    EXPECT_EQ(e.session.set_language("de").error().message,
              "Ce formulaire n'a pas la langue de (il a : en, fr).");
}

TEST(FormSession, ALanguageChosenBeforeAnyAnswerGoesWithTheFirstSave) {
    Engine e;
    ASSERT_TRUE(e.session.set_language("fr"));
    EXPECT_TRUE(e.sink.saves.empty());  // no draft before the first answer
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    EXPECT_EQ(e.sink.languages, std::vector<std::string>{"fr"});
}

TEST(FormSession, FinalizeNamesEveryMissingRequiredAnswer) {
    Engine e;
    answer_adult(e);
    ASSERT_TRUE(e.session.add_instance());
    ASSERT_TRUE(e.session.jump(e.session.steps().size()));
    auto refused = e.session.finalize();
    ASSERT_FALSE(refused);
    EXPECT_EQ(
        refused.error().message,
        "2 required questions have no answer yet:\n  7. Member name? (Member 1)\n  9. Confirm");
    EXPECT_TRUE(e.sink.finishes.empty());
    ASSERT_EQ(e.session.missing().size(), 2u);
    ASSERT_TRUE(e.session.jump(std::string_view("member_name")));
    e.give("Ana K");
    ASSERT_TRUE(e.session.jump(std::string_view("consent")));
    e.give("y");
    ASSERT_TRUE(e.session.finalize());
    EXPECT_EQ(e.session.outcome(), Outcome::finalized);
    ASSERT_EQ(e.sink.finishes.size(), 1u);
    EXPECT_EQ(e.sink.finishes[0]["consent"], "OK");
}

TEST(FormSession, ResumeStartsAfterTheLastAnswer) {
    Engine e(json{{"name", "Ana"}, {"age", 30}, {"country", "ke"}}, Purpose::resume);
    EXPECT_EQ(e.at(), "city");
}

TEST(FormSession, AnEditOffersNoDefaultAndKnowsWhetherItChanged) {
    json record = {{"name", "Ana"}, {"age", 16}, {"country", "ke"}, {"consent", "OK"}};
    Engine e(record, Purpose::edit);
    EXPECT_FALSE(e.session.changed());
    ASSERT_TRUE(e.session.finalize());
    EXPECT_EQ(e.session.outcome(), Outcome::unchanged);
    EXPECT_TRUE(e.sink.finishes.empty());
}

TEST(FormSession, TheInjectedClockGivesToday) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    for (const char* typed : {"Ana", "16", "1", "1"}) e.give(typed);
    ASSERT_TRUE(e.session.next());  // no members
    ASSERT_TRUE(e.session.next());  // the note
    e.give("1");
    ASSERT_EQ(e.at(), "visit_date");
    ASSERT_TRUE(e.session.answer_typed("today"));
    EXPECT_EQ(e.session.current().answer, "\"2026-09-10\"");
}

TEST(FormSession, StepsAsJson) {
    Engine e;
    ASSERT_TRUE(e.session.next());
    e.give("Ana");
    e.give("30");
    json step = json::parse(to_json(e.session.current()));
    EXPECT_EQ(step["kind"], "question");
    EXPECT_EQ(step["name"], "country");
    EXPECT_EQ(step["type"], "select_one");
    EXPECT_EQ(step["number"], 3);
    EXPECT_EQ(step["required"], true);
    EXPECT_EQ(step["answer"], nullptr);
    EXPECT_EQ(step["choices"], json::parse(R"([{"name": "ke", "label": "Kenya"},
                                               {"name": "sn", "label": "Senegal"}])"));
    json all = json::parse(to_json(e.session.steps()));
    EXPECT_EQ(all[2]["answer"], 30);
    EXPECT_EQ(all[7]["kind"], "repeat_prompt");
}

}  // namespace
}  // namespace canvass::interview
