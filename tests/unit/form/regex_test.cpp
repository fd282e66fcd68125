// regex() with RE2: Unicode characters in patterns and text, time linear in the text,
// and every pattern problem reported when the form loads, naming the row.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>

#include "feature_form.hpp"
#include "form/functions.hpp"
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

json name_form(const std::string& constraint) {
    return feature_form_json({{{"type", "text"},
                               {"name", "full_name"},
                               {"label", en("Name")},
                               {"constraint", constraint}}});
}

bool accepted(const Form& form, const std::string& answer) {
    return validate_answers(form, {{"full_name", answer}}).ok();
}

// The defect of the issue: std::regex compared bytes, so À-ÿ was a range of two-byte
// sequences' pieces and "José Ñúñez" was refused.
TEST(Regex, LatinLettersWithAccentsAreCharacters) {
    auto form = load_feature_form(name_form("regex(., '^[A-Za-zÀ-ÿ ]+$')"));
    ASSERT_TRUE(form);
    EXPECT_TRUE(accepted(*form, "José Ñúñez"));
    EXPECT_TRUE(accepted(*form, "Zoë Bérénice"));
    EXPECT_FALSE(accepted(*form, "José 2"));
    EXPECT_FALSE(accepted(*form, "Łukasz"));  // Ł (U+0141) is past ÿ (U+00FF)
}

TEST(Regex, DotAndCountsCountCharactersNotBytes) {
    auto form = load_feature_form(name_form("regex(., '^.{3}$')"));
    ASSERT_TRUE(form);
    EXPECT_TRUE(accepted(*form, "Ñúñ"));     // 3 characters, 6 bytes
    EXPECT_TRUE(accepted(*form, "東京都"));  // 3 characters, 9 bytes
    EXPECT_FALSE(accepted(*form, "ab"));
}

// XForms: regex(value, expression) is the JavaScript test `/expression/.test(value)`
// (JavaRosa: Matcher.find()): a match anywhere unless the pattern is anchored.
TEST(Regex, MatchesAnywhereUnlessAnchoredAsInODK) {
    auto anywhere = load_feature_form(name_form("regex(., '[0-9]+')"));
    auto whole = load_feature_form(name_form("regex(., '^[0-9]+$')"));
    ASSERT_TRUE(anywhere && whole);
    EXPECT_TRUE(accepted(*anywhere, "flat 12b"));
    EXPECT_FALSE(accepted(*whole, "flat 12b"));
    EXPECT_TRUE(accepted(*whole, "12"));
}

// XLSForm's documented phone and e-mail examples.
TEST(Regex, XLSFormDocumentationExamples) {
    auto phone = load_feature_form(name_form("regex(., '^\\d{10}$')"));
    auto mail = load_feature_form(
        name_form("regex(., '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$')"));
    ASSERT_TRUE(phone && mail);
    EXPECT_TRUE(accepted(*phone, "0712345678"));
    EXPECT_FALSE(accepted(*phone, "071234567"));
    EXPECT_TRUE(accepted(*mail, "ana.k@example.org"));
    EXPECT_FALSE(accepted(*mail, "ana@example"));
}

// A fuzzer found patterns that took std::regex seconds; RE2 refuses counts above 1000 and
// the form says so at load time, naming the row and the count.
TEST(Regex, HugeCountIsALoadTimeErrorNamingTheRow) {
    EXPECT_THAT(
        feature_form_problems(name_form("regex(., 'a{0,40000}b')")),
        ElementsAre("survey[0].constraint: invalid regular expression 'a{0,40000}b': repeat "
                    "count 40000 is more than 1000"));
}

TEST(Regex, RE2SyntaxProblemsAreLoadTimeErrors) {
    EXPECT_THAT(feature_form_problems(name_form("regex(., '[a-')")),
                ElementsAre(HasSubstr(
                    "survey[0].constraint: invalid regular expression '[a-': missing ]")));
    EXPECT_THAT(feature_form_problems(name_form("regex(., '^(?=a)')")),
                ElementsAre(HasSubstr("look-ahead and look-behind are not supported")));
    EXPECT_THAT(feature_form_problems(name_form("regex(., '(a)\\1')")),
                ElementsAre(HasSubstr("back-references are not supported")));
}

TEST(Regex, PatternsFromAnswersThatDoNotCompileNeverMatch) {
    auto form = load_feature_form(feature_form_json(
        {{{"type", "text"}, {"name", "p"}, {"label", en("P")}},
         {{"type", "text"}, {"name", "t"}, {"label", en("T")}, {"constraint", "regex(., ${p})"}}}));
    ASSERT_TRUE(form);
    EXPECT_TRUE(validate_answers(*form, {{"p", "^b+$"}, {"t", "bbb"}}).ok());
    EXPECT_FALSE(validate_answers(*form, {{"p", "a{0,40000}b"}, {"t", "b"}}).ok());
    EXPECT_FALSE(validate_answers(*form, {{"p", "("}, {"t", "b"}}).ok());
}

// Time linear in the text: a pathological pattern for backtracking engines on the longest
// text regex() looks at. (A timing is not asserted; the test would hang, not pass, on a
// backtracking engine.)
TEST(Regex, NestedStarsOnLongTextFinish) {
    auto form = load_feature_form(name_form("regex(., '^(a*)*b$')"));
    ASSERT_TRUE(form);
    EXPECT_FALSE(accepted(*form, std::string(regex_max_subject, 'a')));
    EXPECT_TRUE(accepted(*form, std::string(1000, 'a') + "b"));
}

}  // namespace
}  // namespace canvass::form
