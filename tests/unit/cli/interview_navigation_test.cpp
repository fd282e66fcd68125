// What the terminal interview gained over the engine (cli-client/src/interview/session.hpp):
// where a question is, jumping to a question and to the summary, switching language,
// choices typed by their label, translated refusals, wrapped lines.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "interview_test_support.hpp"

namespace canvass::cli::interview {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using testing::Interviewer;
using ::testing::Not;

TEST(InterviewNavigation, EachQuestionSaysWhereItIs) {
    Interviewer i;
    EXPECT_THAT(i.last, HasSubstr("\nquestion 1 of 6\n* Name?\n> "));
    EXPECT_THAT(i.type({"Ana", "30"}), HasSubstr("\nquestion 3 of 8\n* Country?\n"));
}

TEST(InterviewNavigation, GoJumpsToAQuestionByNumberOrName) {
    Interviewer i;
    i.type({"Ana", "30", "1"});
    EXPECT_THAT(i.type({"go 1"}), HasSubstr("* Name?\n  (Enter keeps Ana)\n> "));
    EXPECT_THAT(i.type({"go country"}), HasSubstr("* Country?\n"));
    EXPECT_EQ(
        i.type({"go 99"}),
        "! There is no question 99 here: type a number from 1 to 8, or a question's name.\n> ");
    EXPECT_EQ(i.type({"go agee"}), "! This form has no question named agee.\n> ");
    // The interview goes on from where it jumped.
    EXPECT_THAT(i.type({""}), HasSubstr("\nCity?\n"));
}

TEST(InterviewNavigation, AtATextQuestionGoOrLangFollowedByWordsIsTheAnswer) {
    Interviewer i;
    ASSERT_THAT(i.last, HasSubstr("Name?"));
    EXPECT_THAT(i.type({"go to the market"}), Not(HasSubstr("!")));
    EXPECT_EQ(i.sink.saves.back()["name"], "go to the market");
    i.type({"go name"});  // one word: still a jump
    EXPECT_THAT(i.last, HasSubstr("Name?"));
    EXPECT_THAT(i.type({"lang is not known"}), Not(HasSubstr("!")));
    EXPECT_EQ(i.sink.saves.back()["name"], "lang is not known");
    // At a question that is not text, it stays a command, and a wrong one is told.
    EXPECT_THAT(i.last, HasSubstr("Age?"));
    EXPECT_EQ(i.type({"go to the market"}), "! This form has no question named to the market.\n> ");
}

TEST(InterviewNavigation, TheSummaryListsNumberedAnswersAndTakesANumber) {
    Interviewer i;
    i.type({"Ana", "30", "1"});
    const auto& summary = i.type({"summary"});
    EXPECT_THAT(summary, HasSubstr("  1. Name?: Ana\n  2. Age?: 30\n  3. Country?: Kenya\n"));
    EXPECT_THAT(summary,
                HasSubstr("Type a number or a name to change that answer, or Enter to go on.\n> "));
    EXPECT_THAT(i.type({"2"}), HasSubstr("* Age?\n  In years\n  (a whole number; Enter keeps 30)"));
    EXPECT_THAT(i.type({"31"}), HasSubstr("* Country?"));
    EXPECT_EQ(i.sink.saves.back()["age"], 31);
    i.type({"summary"});
    EXPECT_THAT(i.type({""}), HasSubstr("* Country?"));  // Enter: back where it was
}

TEST(InterviewNavigation, AnAnswerChosenAtTheEndReturnsToTheSummary) {
    Interviewer i;
    i.type({"Ana", "16", "1", "", "n", "", "ok"});
    ASSERT_THAT(i.last, HasSubstr("Finalize this interview? [y/n]"));
    EXPECT_THAT(i.last, HasSubstr("To change an answer, type its number or name."));
    EXPECT_THAT(i.type({"1"}), HasSubstr("* Name?\n  (Enter keeps Ana)"));
    const auto& back = i.type({"Ana Maria"});
    EXPECT_THAT(back, HasSubstr("1. Name?: Ana Maria"));
    EXPECT_THAT(back, HasSubstr("Finalize this interview? [y/n]"));
    EXPECT_THAT(i.type({"city"}), HasSubstr("City?"));
    EXPECT_THAT(i.type({"2"}), HasSubstr("Finalize this interview?"));
    EXPECT_EQ(i.sink.saves.back()["city"], "mombasa");
}

TEST(InterviewNavigation, LangSwitchesTheLanguageAndTheDraftKeepsIt) {
    Interviewer i;
    i.type({"Ana"});
    const auto& now = i.type({"lang fr"});
    EXPECT_THAT(now, HasSubstr("Langue : fr\n"));
    EXPECT_THAT(now, HasSubstr("* Âge ?\n  En années\n  (un nombre entier)\n> "));
    EXPECT_EQ(i.sink.languages.back(), "fr");
    EXPECT_EQ(i.type({"abc"}), "! tapez un nombre entier, comme 12\n> ");
    EXPECT_EQ(i.type({"langue de"}), "! Ce formulaire n'a pas la langue de (il a : en, fr).\n> ");
}

TEST(InterviewNavigation, ChoicesAreTypedByTheirLabelWithoutCaseOrAccents) {
    Interviewer i(json::object(), canvass::interview::Purpose::interview, "fr");
    i.type({"Ana", "30", "SENEGAL"});
    EXPECT_EQ(i.sink.saves.back()["country"], "sn");
    i.type({"<", "kenya", "", "", "fruits, outils"});
    EXPECT_EQ(i.sink.saves.back()["goods"], json({"fruit", "tools"}));
}

TEST(InterviewNavigation, DateRefusalsAndFormatHintsAreTranslated) {
    Interviewer i(json::object(), canvass::interview::Purpose::interview, "fr");
    i.type({"Ana", "16", "1", "", "n", "1"});
    EXPECT_THAT(i.last, HasSubstr("(une date AAAA-MM-JJ, ou aujourd'hui)"));
    EXPECT_EQ(i.type({"2026-02-30"}), "! cette date n'existe pas : 2026-02-30\n> ");
    EXPECT_EQ(i.type({"hier"}),
              "! tapez une date comme 2026-09-12 (AAAA-MM-JJ), ou aujourd'hui\n> ");
}

TEST(InterviewNavigation, EnterAtAddAnotherGoesOnWithoutAdding) {
    Interviewer i;
    i.type({"Ana", "16", "1", ""});
    ASSERT_THAT(i.last, HasSubstr("Add a \"Member\"? [y/N]"));
    EXPECT_THAT(i.type({""}), HasSubstr("Visits?"));
    EXPECT_FALSE(i.sink.saves.back().contains("members"));
}

TEST(InterviewNavigation, LinesWrapAtWordBoundariesToTheWidth) {
    Interviewer i(json::object(), canvass::interview::Purpose::interview, "en", 24);
    EXPECT_THAT(i.last, HasSubstr("Each answer is saved as\nit is given. Type ? for\nhelp.\n"));
    i.type({"Ana"});
    EXPECT_THAT(i.type({"?"}), HasSubstr("  < or back   go back to\n  the previous question\n"));
    Interviewer unwrapped;
    EXPECT_THAT(unwrapped.last,
                HasSubstr("Each answer is saved as it is given. Type ? for help.\n"));
}

}  // namespace
}  // namespace canvass::cli::interview
