// The interview state machine (cli-client/src/interview/session.hpp), driven line by line
// with the small form of interview_test_support.hpp.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "interview_test_support.hpp"

namespace canvass::cli::interview {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Interviewer;
using ::testing::Not;

// Answers up to the members repeat for an adult in Nairobi.
void answer_adult(Interviewer& i) {
    i.type({"Ana", "30", "1", "nairobi", "12.5", "1 3"});
}

TEST(InterviewSession, OpensWithTitleNotesAndTheFirstQuestion) {
    Interviewer i;
    EXPECT_THAT(i.last, HasSubstr("Market survey\n"));
    EXPECT_THAT(i.last, HasSubstr("\nHello\n"));
    EXPECT_THAT(i.last, HasSubstr("\n* Name?\n> "));
    EXPECT_FALSE(i.session.done());
}

TEST(InterviewSession, ShowsLabelHintAndNumberedChoicesInTheChosenLanguage) {
    Interviewer i(json::object(), Purpose::interview, "fr");
    EXPECT_THAT(i.last, HasSubstr("Enquête marché"));
    EXPECT_THAT(i.type({"Ana"}), HasSubstr("* Âge ?\n  En années\n  (un nombre entier)\n> "));
    EXPECT_THAT(i.type({"30"}), HasSubstr("* Pays ?\n  1. Kenya\n  2. Sénégal\n> "));
}

TEST(InterviewSession, SpeaksAndUnderstandsTheInterviewLanguage) {
    Interviewer i(json::object(), Purpose::interview, "fr");
    EXPECT_THAT(
        i.last,
        HasSubstr("Chaque réponse est enregistrée dès qu'elle est donnée. Tapez ? pour l'aide."));
    EXPECT_EQ(i.type({""}), "! Cette question demande une réponse.\n> ");
    EXPECT_EQ(i.type({"retour"}), "! C'est la première question.\n> ");
    EXPECT_THAT(i.type({"aide"}),
                HasSubstr("  < ou retour     revenir à la question précédente\n"));
    i.type({"Ana"});
    EXPECT_EQ(i.type({"trente"}), "! tapez un nombre entier, comme 12\n> ");
    i.type({"30", "1"});
    EXPECT_EQ(i.type({"7"}), "! choisissez un numéro de 1 à 2\n> ");  // Nairobi and Mombasa only
    EXPECT_THAT(i.type({"nairobi"}), HasSubstr("Revenu ?"));
    i.type({"passer", "1"});
    EXPECT_THAT(i.last, HasSubstr("Ajouter « Membre » ? [o/N]"));
    EXPECT_EQ(i.type({"peut-être"}), "! Tapez o pour en ajouter, ou n pour continuer.\n> ");
    i.type({"non", "1"});
    EXPECT_THAT(i.type({"aujourd'hui"}), HasSubstr("Confirmez"));
    EXPECT_EQ(i.type({"bof"}), "! tapez o (ou OK) pour confirmer\n> ");
    EXPECT_THAT(i.type({"oui"}), HasSubstr("Finaliser cet entretien ? [o/n]"));
    EXPECT_THAT(i.last, HasSubstr("Résumé"));
    i.type({"o"});
    EXPECT_TRUE(i.session.done());
    EXPECT_EQ(i.session.outcome(), Outcome::finalized);
    EXPECT_EQ(i.sink.saves.back()["consent"], "OK");
    EXPECT_EQ(i.sink.saves.back()["visit"][0]["visit_date"].get<std::string>().size(), 10u);
}

TEST(InterviewSession, EnglishWordsWorkInAnyLanguageAndOnlyTheFormsLanguagesAreTaken) {
    Interviewer fr(json::object(), Purpose::interview, "fr");
    EXPECT_EQ(fr.type({"back"}), "! C'est la première question.\n> ");
    form::Form form = testing::market_form();
    testing::RecordingSink sink;
    auto es = FormSession::open(form, sink, {Purpose::interview, "{}", "es", {}, {}, {}, {}});
    ASSERT_FALSE(es);  // not a language of this form: said in the language asked for
    EXPECT_EQ(es.error().message, "Este formulario no tiene el idioma es (tiene: en, fr).");
}

TEST(InterviewSession, RefusesAnAnswerWithTheConstraintMessageAndAsksAgain) {
    Interviewer i(json::object(), Purpose::interview, "fr");
    i.type({"Ana"});
    EXPECT_EQ(i.type({"120"}), "! Entre 14 et 100\n> ");
    EXPECT_EQ(i.sink.saves.back(), json({{"name", "Ana"}}));  // nothing saved for it
    EXPECT_THAT(i.type({"30"}), HasSubstr("Pays ?"));
    EXPECT_EQ(i.sink.saves.back()["age"], 30);
}

TEST(InterviewSession, RefusesMalformedAnswersAndMissingRequiredOnes) {
    Interviewer i;
    EXPECT_EQ(i.type({""}), "! This question needs an answer.\n> ");
    EXPECT_EQ(i.type({"skip"}), "! This question needs an answer.\n> ");
    i.type({"Ana"});
    EXPECT_EQ(i.type({"thirty"}), "! type a whole number, like 12\n> ");
    EXPECT_EQ(i.type({"3"}), "! Between 14 and 100\n> ");
}

TEST(InterviewSession, SavesEveryAnswerAsItIsGiven) {
    Interviewer i;
    i.type({"Ana"});
    ASSERT_EQ(i.sink.saves.size(), 1u);
    EXPECT_THAT(
        i.last,
        HasSubstr("(saved as draft draft-1; resume it with canvass interview --resume draft-1)\n"));
    i.type({"30", "2"});
    ASSERT_EQ(i.sink.saves.size(), 3u);
    EXPECT_EQ(i.sink.saves.back(), json({{"name", "Ana"}, {"age", 30}, {"country", "sn"}}));
}

TEST(InterviewSession, ChoiceFilterOffersAndAcceptsOnlyMatchingChoices) {
    Interviewer i;
    i.type({"Ana", "30", "sn"});
    EXPECT_THAT(i.last, HasSubstr("City?\n  1. Dakar\n> "));
    EXPECT_THAT(i.last, Not(HasSubstr("Nairobi")));
    EXPECT_EQ(i.type({"2"}), "! choose a number from 1 to 1\n> ");
    EXPECT_EQ(i.type({"nairobi"}),
              "! there is no choice nairobi here: type its number or its name\n> ");
    i.type({"1"});
    EXPECT_EQ(i.sink.saves.back()["city"], "dakar");
}

TEST(InterviewSession, SkipsAGroupThatIsNotRelevant) {
    Interviewer i;
    i.type({"Ana", "16", "1", ""});  // a minor: no work questions; city left unanswered
    EXPECT_THAT(i.screen, Not(HasSubstr("Income?")));
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"? [y/N]\n> "));
    EXPECT_EQ(i.sink.saves.back(), json({{"name", "Ana"}, {"age", 16}, {"country", "ke"}}));
}

TEST(InterviewSession, AsksTheGroupOfARelevantSectionUnderItsHeading) {
    Interviewer i;
    i.type({"Ana", "30", "1", "2"});
    EXPECT_THAT(i.last, HasSubstr("── Work ──\n\nquestion 5 of 8\nIncome?\n  (a number)\n> "));
    i.type({"12.5"});
    EXPECT_THAT(i.last, HasSubstr("Goods?\n  1. Fruit\n  2. Cloth\n  3. Tools\n"));
    i.type({"3, fruit"});
    EXPECT_EQ(i.sink.saves.back()["goods"], json({"fruit", "tools"}));
    EXPECT_EQ(i.sink.saves.back()["income"], 12.5);
}

TEST(InterviewSession, EnterAnswersTheFormsDefault) {
    Interviewer i;
    i.type({"Ana", "30", "1", "1", "12.5"});
    EXPECT_THAT(i.last,
                HasSubstr("(one or more numbers, separated by spaces; Enter answers Cloth)\n> "));
    i.type({""});
    EXPECT_EQ(i.sink.saves.back()["goods"], json({"cloth"}));
    EXPECT_THAT(i.type({"<"}),
                HasSubstr("(one or more numbers, separated by spaces; Enter keeps Cloth)"));
}

TEST(InterviewSession, RepeatsAndNestedRepeatsAskToAddEachInstance) {
    Interviewer i;
    answer_adult(i);
    i.type({"y", "Ana K"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Job of Ana K\"? [y/N]"));
    i.type({"y"});
    EXPECT_THAT(i.last, HasSubstr("── Job of Ana K 1 ──\n\nquestion 8 of 10\n* Wage of job 1?"));
    i.type({"10", "y", "20"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Job of Ana K\"? (2 so far) [y/N]"));
    i.type({"n"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"? (1 so far) [y/N]"));
    i.type({"y", "Ben", "n"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"? (2 so far) [y/N]"));
    i.type({"n"});
    EXPECT_THAT(i.last, HasSubstr("Household of 3\n"));  // a calculation shown in a note
    EXPECT_THAT(i.last, HasSubstr("Visits?"));
    EXPECT_EQ(i.sink.saves.back()["members"],
              json::parse(R"([{"member_name": "Ana K", "jobs": [{"wage": 10}, {"wage": 20}]},
                              {"member_name": "Ben"}])"));
}

TEST(InterviewSession, RepeatCountAsksExactlyThatManyInstances) {
    Interviewer i;
    answer_adult(i);
    i.type({"n", "2"});
    EXPECT_THAT(i.last, HasSubstr("── Visit 1 ──\n\nquestion 8 of 10\n* Date of visit 1?\n  (a "
                                  "date YYYY-MM-DD, or today)\n> "));
    i.type({"2026-09-01"});
    EXPECT_THAT(i.last, HasSubstr("── Visit 2 ──\n\nquestion 9 of 10\n* Date of visit 2?"));
    EXPECT_EQ(i.type({"2026-02-30"}), "! no such date: 2026-02-30\n> ");
    i.type({"today"});
    EXPECT_THAT(i.last, HasSubstr("* Confirm\n  (y to confirm)\n> "));
    EXPECT_THAT(i.screen, Not(HasSubstr("Add a \"Visit\"")));
    // "today" is the local date of the session's clock (2026-09-10 at UTC+2).
    EXPECT_EQ(i.sink.saves.back()["visit"], json::parse(R"([{"visit_date": "2026-09-01"},
                                                             {"visit_date": "2026-09-10"}])"));
}

TEST(InterviewSession, BackGoesToThePreviousQuestionWithItsAnswerAsDefault) {
    Interviewer i;
    i.type({"Ana", "30"});
    EXPECT_THAT(i.type({"<"}),
                HasSubstr("* Age?\n  In years\n  (a whole number; Enter keeps 30)\n> "));
    EXPECT_THAT(i.type({"back"}), HasSubstr("* Name?\n  (Enter keeps Ana)\n> "));
    EXPECT_EQ(i.type({"<"}), "! This is the first question.\n> ");
    EXPECT_THAT(i.type({""}), HasSubstr("* Age?"));  // Enter keeps, and moves on
    EXPECT_THAT(i.type({"31"}), HasSubstr("* Country?"));
    EXPECT_EQ(i.sink.saves.back(), json({{"name", "Ana"}, {"age", 31}}));
}

TEST(InterviewSession, BackCrossesRepeatBoundaries) {
    Interviewer i;
    answer_adult(i);
    i.type({"y", "Ana K", "y", "10", "n", "y"});
    EXPECT_THAT(i.last, HasSubstr("── Member 2 ──\n\nquestion 9 of 11\n* Member name?"));
    // Back from the second member goes into the first one's jobs, then into its last job.
    EXPECT_THAT(i.type({"<"}),
                HasSubstr("── Member 1 ──\n\nAdd a \"Job of Ana K\"? (1 so far) [y/N]"));
    EXPECT_THAT(i.type({"<"}), HasSubstr("── Job of Ana K 1 ──\n\nquestion 8 of 11\n* Wage of job "
                                         "1?\n  (a number; Enter keeps 10)"));
    i.type({"15", "n"});
    EXPECT_THAT(i.last, HasSubstr("── Member 2 ──\n\nquestion 9 of 11\n* Member name?"));
    // Back from the question after a repeat reaches its add step.
    i.type({"Ben", "n", "n"});
    EXPECT_THAT(i.last, HasSubstr("Visits?"));
    EXPECT_THAT(i.type({"<"}), HasSubstr("Add a \"Member\"? (2 so far) [y/N]"));
    EXPECT_EQ(i.sink.saves.back()["members"][0]["jobs"], json::parse(R"([{"wage": 15}])"));
}

TEST(InterviewSession, ChangingAnEarlierAnswerRemovesAnswersThatNoLongerApply) {
    Interviewer i;
    answer_adult(i);
    i.type({"<", "<", "<", "<", "<"});
    EXPECT_THAT(i.last, HasSubstr("* Age?"));
    i.type({"16"});
    EXPECT_THAT(i.last,
                HasSubstr("Answers that no longer apply were removed:\n  Income?\n  Goods?\n"));
    i.type({"", "2"});  // country stays Kenya; Mombasa
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"?"));
    EXPECT_EQ(i.sink.saves.back(),
              json({{"name", "Ana"}, {"age", 16}, {"country", "ke"}, {"city", "mombasa"}}));
    // A new country takes away a city it does not have.
    i.type({"<", "<", "2"});
    EXPECT_THAT(i.last, HasSubstr("removed:\n  City?\n"));
}

TEST(InterviewSession, SkipAndEnterLeaveOptionalQuestionsUnanswered) {
    Interviewer i;
    i.type({"Ana", "30", "1", "skip", "", "skip"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"?"));
    EXPECT_EQ(i.sink.saves.back(), json({{"name", "Ana"}, {"age", 30}, {"country", "ke"}}));
    // skip also removes an answer given before.
    i.type({"<", "<", "<", "2", "<", "skip"});
    EXPECT_FALSE(i.sink.saves.back().contains("city"));
}

TEST(InterviewSession, SummaryThenFinalize) {
    Interviewer i;
    answer_adult(i);
    i.type({"y", "Ana K", "n", "n", "0", "y"});
    EXPECT_THAT(
        i.last,
        HasSubstr(
            "\nSummary\n  1. Name?: Ana\n  2. Age?: 30\n  3. Country?: Kenya\n  4. City?: Nairobi\n"
            "  ── Work ──\n    5. Income?: 12.5\n    6. Goods?: Fruit, Tools\n"
            "  ── Member 1 ──\n    7. Member name?: Ana K\n  8. Visits?: 0\n  9. Confirm: OK\n"));
    EXPECT_THAT(i.last, HasSubstr("Finalize this interview? [y/n]\n> "));
    EXPECT_EQ(i.type({"maybe"}), "! Type y or n.\n> ");
    EXPECT_EQ(i.type({"y"}), "Finalized record draft-1: it is sent at the next canvass sync.\n");
    EXPECT_TRUE(i.session.done());
    EXPECT_EQ(i.session.outcome(), Outcome::finalized);
    ASSERT_EQ(i.sink.finishes.size(), 1u);
    EXPECT_EQ(i.sink.finishes[0]["consent"], "OK");
    EXPECT_FALSE(i.sink.finishes[0].contains("household"));  // calculations are the store's
}

TEST(InterviewSession, NoToFinalizeKeepsTheDraft) {
    Interviewer i;
    i.type({"Ana", "16", "1", "", "n", "", "ok"});
    EXPECT_THAT(i.last, HasSubstr("Finalize this interview?"));
    EXPECT_EQ(i.type({"n"}), "Kept as a draft.\n");
    EXPECT_EQ(i.session.outcome(), Outcome::draft_kept);
    EXPECT_TRUE(i.sink.finishes.empty());
}

TEST(InterviewSession, AFailedFinalizeSaysWhyAndAllowsGoingBack) {
    Interviewer i;
    i.sink.refuse_finish = "the store is full";
    i.type({"Ana", "16", "1", "", "n", "", "y", "y"});
    EXPECT_EQ(i.last,
              "! the store is full\nType < to go back to the answers, or n to stop here.\n> ");
    EXPECT_THAT(i.type({"<"}), HasSubstr("* Confirm\n  (y to confirm; Enter keeps OK)"));
}

TEST(InterviewSession, QuitAndEndOfInputKeepTheDraft) {
    Interviewer i;
    i.type({"Ana"});
    EXPECT_EQ(i.type({"quit"}), "Stopped. The draft keeps every answer given so far.\n");
    EXPECT_EQ(i.session.outcome(), Outcome::draft_kept);

    Interviewer j;
    j.type({"Ana"});
    EXPECT_EQ(j.session.end_of_input(),
              "\nInput ended. The draft keeps every answer given so far.\n");
    EXPECT_EQ(j.session.outcome(), Outcome::draft_kept);
}

TEST(InterviewSession, HelpListsTheCommandsAndWhatThisQuestionTakes) {
    Interviewer i;
    i.type({"Ana"});
    const auto& help = i.type({"?"});
    EXPECT_THAT(help, HasSubstr("< or back   go back to the previous question"));
    EXPECT_THAT(help, HasSubstr("skip "));
    EXPECT_THAT(help, HasSubstr("This question takes a whole number.\n> "));
}

TEST(InterviewSession, ABackslashAnswersWhatReadsLikeACommand) {
    Interviewer i;
    i.type({"\\skip"});
    EXPECT_EQ(i.sink.saves.back()["name"], "skip");
}

TEST(InterviewSession, RemoveTakesAwayARepeatInstance) {
    Interviewer i;
    answer_adult(i);
    i.type({"y", "Ana K", "n", "y", "Ben", "n", "y"});
    EXPECT_THAT(i.last, HasSubstr("── Member 3 ──"));
    i.type({"<", "<"});  // back past the second member's jobs to its name
    EXPECT_THAT(i.last, HasSubstr("Member name?\n  (Enter keeps Ben)"));
    EXPECT_EQ(i.type({"remove"}), "Remove \"Member\" 2 and all its answers? [y/n]\n> ");
    EXPECT_THAT(i.type({"n"}), HasSubstr("Nothing removed.\n"));
    EXPECT_THAT(i.last, HasSubstr("Enter keeps Ben"));
    i.type({"remove", "y"});
    EXPECT_THAT(i.last, HasSubstr("Removed.\n"));
    // The third member took the second one's place.
    EXPECT_THAT(i.last, HasSubstr("── Member 2 ──\n\nquestion 8 of 10\n* Member name?\n> "));
    EXPECT_EQ(i.sink.saves.back()["members"], json::parse(R"([{"member_name": "Ana K"}, {}])"));
    i.type({"remove", "y"});
    EXPECT_THAT(i.last, HasSubstr("Add a \"Member\"? (1 so far)"));
    EXPECT_EQ(i.sink.saves.back()["members"], json::parse(R"([{"member_name": "Ana K"}])"));
}

TEST(InterviewSession, RemoveOutsideARepeatIsRefused) {
    Interviewer i;
    EXPECT_EQ(
        i.type({"remove"}),
        "! remove works at a question inside a repeat whose number of instances is not fixed by "
        "the form.\n> ");
}

TEST(InterviewSession, ResumeStartsAfterTheLastAnswer) {
    Interviewer i(json{{"name", "Ana"}, {"age", 30}, {"country", "ke"}, {"household", 1}},
                  Purpose::resume);
    EXPECT_THAT(i.last, HasSubstr("Resuming a draft"));
    EXPECT_THAT(i.last, HasSubstr("City?\n  1. Nairobi\n  2. Mombasa\n> "));
    EXPECT_THAT(i.last, Not(HasSubstr("Name?")));
    EXPECT_THAT(i.type({"<"}),
                HasSubstr("* Country?\n  1. Kenya\n  2. Senegal\n  (Enter keeps Kenya)\n> "));
    i.type({"", "1"});
    EXPECT_EQ(i.sink.saves.back(),
              json({{"name", "Ana"}, {"age", 30}, {"country", "ke"}, {"city", "nairobi"}}));
}

TEST(InterviewSession, ResumeContinuesAfterTheLastAnswer) {
    // The optional city was left unanswered: resuming does not go back to it.
    Interviewer i(json{{"name", "Ana"}, {"age", 30}, {"country", "ke"}, {"income", 5}},
                  Purpose::resume);
    EXPECT_THAT(i.last, HasSubstr("── Work ──\n\nquestion 6 of 8\nGoods?"));
}

TEST(InterviewSession, ResumeInsideARepeatAsksToAddAgain) {
    json draft = json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "city": "dakar",
                                 "members": [{"member_name": "Ana K"}]})");
    Interviewer i(draft, Purpose::resume);
    EXPECT_THAT(i.last, HasSubstr("── Member 1 ──\n\nAdd a \"Job of Ana K\"? [y/N]\n> "));
}

TEST(InterviewSession, ResumeOfACompleteDraftGoesToTheSummary) {
    json draft =
        json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "city": "dakar", "visits": 1,
                                 "visit": [{"visit_date": "2026-01-02"}], "consent": "OK"})");
    Interviewer i(draft, Purpose::resume);
    EXPECT_THAT(i.last, HasSubstr("Summary"));
    EXPECT_THAT(i.last, HasSubstr("Finalize this interview?"));
}

TEST(InterviewSession, EditWithoutChangesSavesNothing) {
    json record = json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "city": "dakar",
                                  "members": [{"_id": "6f1c2a1e-0000-4000-8000-000000000001", "member_name": "Ana K"}],
                                  "consent": "OK"})");
    Interviewer i(record, Purpose::edit);
    EXPECT_THAT(i.last, HasSubstr("Editing a finalized record"));
    EXPECT_THAT(i.last, HasSubstr("* Name?\n  (Enter keeps Ana)"));
    // Enter through every question; on add steps Enter means no.
    i.type({"", "", "", "", "", "", "", "", ""});
    EXPECT_EQ(i.session.outcome(), Outcome::unchanged);
    EXPECT_THAT(i.last, HasSubstr("Nothing was changed"));
    EXPECT_TRUE(i.sink.finishes.empty());
}

TEST(InterviewSession, EditSavesTheChangedAnswersAtTheEnd) {
    json record = json::parse(
        R"({"name": "Ana", "age": 16, "country": "sn", "city": "dakar", "consent": "OK"})");
    Interviewer i(record, Purpose::edit);
    i.type({"Ana Maria", "quit"});
    EXPECT_THAT(i.last, HasSubstr("Name?: Ana Maria"));
    EXPECT_THAT(i.last, HasSubstr("Save these changes as an edit of the record? [y/n]"));
    i.type({"y"});
    EXPECT_EQ(i.session.outcome(), Outcome::edit_saved);
    ASSERT_EQ(i.sink.finishes.size(), 1u);
    EXPECT_EQ(i.sink.finishes[0]["name"], "Ana Maria");
}

TEST(InterviewSession, EditDiscardedWhenTheInputEnds) {
    json record = json::parse(R"({"name": "Ana", "age": 16, "country": "sn", "consent": "OK"})");
    Interviewer i(record, Purpose::edit);
    i.type({"Ana Maria"});
    EXPECT_EQ(i.session.end_of_input(), "\nInput ended: the edit was not saved.\n");
    EXPECT_EQ(i.session.outcome(), Outcome::edit_discarded);
}

}  // namespace
}  // namespace canvass::cli::interview
