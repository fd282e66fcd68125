// The functions of the ODK XForms specification ("XPath Functions") beyond the first set:
// their examples and definitions, with the values the specification gives.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "feature_form.hpp"
#include "form/expression.hpp"
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
using ::testing::MatchesRegex;

class SpecScope : public Scope {
  public:
    std::map<std::string, Value, std::less<>> fields;
    Value dot;
    // 2024-02-29T23:30:00Z seen from UTC+01:00.
    Instant at{1709249400000, 60};
    mutable std::uint64_t next = 0x0123456789abcdefull;
    bool has_random = true;
    std::string lang;

    std::string language() const override { return lang; }
    Value field(std::string_view name) const override {
        auto it = fields.find(name);
        return it == fields.end() ? Value{} : it->second;
    }
    Value current() const override { return dot; }
    Instant now() const override { return at; }
    std::optional<std::uint64_t> random_bits() const override {
        if (!has_random) return std::nullopt;
        next = next * 6364136223846793005ull + 1442695040888963407ull;  // a fixed stream
        return next;
    }
};

class SpecFunctions : public ::testing::Test {
  protected:
    SpecScope scope;
    Value eval(const std::string& text) {
        auto e = Expression::parse(text);
        EXPECT_TRUE(e.has_value()) << text << ": " << (e ? "" : e.error().message);
        return e ? evaluate(*e, scope) : Value{};
    }
    double num(const std::string& t) { return eval(t).as_number(); }
    std::string str(const std::string& t) { return eval(t).as_string(); }
    bool yes(const std::string& t) { return eval(t).as_boolean(); }
};

TEST_F(SpecFunctions, StringFunctions) {
    EXPECT_EQ(str("string(12.50)"), "12.5");
    EXPECT_EQ(str("join(', ', 'a', 'b', 'c')"), "a, b, c");
    scope.fields["names"] = Value::list({"Ana", "Ben"});
    EXPECT_EQ(str("join(' & ', ${names})"), "Ana & Ben");
    // substr(): 0-based start, end exclusive, in characters.
    EXPECT_EQ(str("substr('abcdef', 2)"), "cdef");
    EXPECT_EQ(str("substr('abcdef', 1, 3)"), "bc");
    EXPECT_EQ(str("substr('Ñúñez', 1, 3)"), "úñ");
    EXPECT_EQ(str("substr('abc', 1, 10)"), "bc");
    // XPath 1.0's own examples.
    EXPECT_EQ(str("substring-before('1999/04/01', '/')"), "1999");
    EXPECT_EQ(str("substring-after('1999/04/01', '/')"), "04/01");
    EXPECT_EQ(str("substring-after('1999/04/01', '19')"), "99/04/01");
    EXPECT_EQ(str("translate('bar', 'abc', 'ABC')"), "BAr");
    EXPECT_EQ(str("translate('--aaa--', 'abc-', 'ABC')"), "AAA");
    EXPECT_EQ(str("translate('façade', 'ç', 'c')"), "facade");
    EXPECT_EQ(str("normalize-space('  a \t b\n c  ')"), "a b c");
    EXPECT_TRUE(yes("contains('canvass', 'anv')"));
    EXPECT_FALSE(yes("contains('canvass', 'x')"));
    EXPECT_TRUE(yes("starts-with('canvass', 'can')"));
    EXPECT_TRUE(yes("ends-with('canvass', 'ss')"));
    EXPECT_FALSE(yes("ends-with('canvass', 'can')"));
    EXPECT_EQ(str("base64-decode('SGVsbG8sIFfDtnJsZCE=')"), "Hello, Wörld!");
    EXPECT_EQ(str("base64-decode('not base64!')"), "");
}

TEST_F(SpecFunctions, BooleanFunctions) {
    EXPECT_TRUE(yes("boolean('false')"));  // the specification's note: a non-empty string
    EXPECT_FALSE(yes("boolean('')"));
    EXPECT_TRUE(yes("boolean-from-string('true')"));
    EXPECT_TRUE(yes("boolean-from-string('1')"));
    EXPECT_FALSE(yes("boolean-from-string('yes')"));
    // checklist(min, max, v*): how many are true; -1 means no bound.
    EXPECT_TRUE(yes("checklist(2, 3, 1, 0, 'yes', '')"));
    EXPECT_FALSE(yes("checklist(3, -1, 1, 0, 'yes', '')"));
    EXPECT_TRUE(yes("checklist(-1, 2, 1, 0, 'yes', '')"));
    // weighted-checklist(min, max, v1, w1, …): the weights of the true ones summed.
    EXPECT_TRUE(yes("weighted-checklist(5, -1, 1, 2, 0, 10, 'yes', 3)"));
    EXPECT_FALSE(yes("weighted-checklist(6, -1, 1, 2, 0, 10, 'yes', 3)"));
    scope.dot = Value::string("kept");
    EXPECT_EQ(str("once('new')"), "kept");
    scope.dot = Value{};
    EXPECT_EQ(str("once('new')"), "new");
}

TEST_F(SpecFunctions, NumberFunctions) {
    EXPECT_EQ(num("pow(2, 10)"), 1024);
    EXPECT_DOUBLE_EQ(num("sqrt(16)"), 4);
    EXPECT_TRUE(std::isnan(num("sqrt(-1)")));
    EXPECT_DOUBLE_EQ(num("exp(0)"), 1);
    EXPECT_DOUBLE_EQ(num("exp10(3)"), 1000);
    EXPECT_DOUBLE_EQ(num("log(exp(2))"), 2);
    EXPECT_DOUBLE_EQ(num("log10(1000)"), 3);
    EXPECT_TRUE(std::isnan(num("log(-1)")));
    EXPECT_EQ(num("abs(-3.5)"), 3.5);
    EXPECT_DOUBLE_EQ(num("pi()"), M_PI);
    EXPECT_NEAR(num("sin(pi() div 2)"), 1, 1e-15);
    EXPECT_NEAR(num("cos(pi())"), -1, 1e-15);
    EXPECT_NEAR(num("tan(pi() div 4)"), 1, 1e-15);
    EXPECT_NEAR(num("asin(1)"), M_PI / 2, 1e-15);
    EXPECT_NEAR(num("acos(1)"), 0, 1e-15);
    EXPECT_NEAR(num("atan(1)"), M_PI / 4, 1e-15);
    EXPECT_NEAR(num("atan2(1, 1)"), M_PI / 4, 1e-15);
    EXPECT_NEAR(num("atan2(1, -1)"), 3 * M_PI / 4, 1e-15);
    EXPECT_TRUE(std::isnan(num("pow('x', 2)")));
}

TEST_F(SpecFunctions, RandomAndUuidComeFromTheInjectedSource) {
    double r = num("random()");
    EXPECT_GE(r, 0);
    EXPECT_LT(r, 1);
    EXPECT_NE(num("random()"), r);  // the next draw
    EXPECT_THAT(
        str("uuid()"),
        MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
    EXPECT_THAT(str("uuid(12)"), MatchesRegex("[0-9A-Za-z]{12}"));
    SpecScope other;  // the same stream gives the same values: nothing comes from the OS
    EXPECT_EQ(evaluate(*Expression::parse("random()"), other).as_number(), r);
    scope.has_random = false;
    EXPECT_TRUE(std::isnan(num("random()")));
    EXPECT_EQ(str("uuid()"), "");
}

TEST_F(SpecFunctions, SelectFunctions) {
    scope.fields["fruits"] = Value::string("apple banana cherry");
    // selected-at(): 0-based; "" for a missing item, negative indices included.
    EXPECT_EQ(str("selected-at(${fruits}, 0)"), "apple");
    EXPECT_EQ(str("selected-at(${fruits}, 2)"), "cherry");
    EXPECT_EQ(str("selected-at(${fruits}, 3)"), "");
    EXPECT_EQ(str("selected-at(${fruits}, -1)"), "");
    scope.fields["ages"] = Value::list({"3", "", "7"});
    EXPECT_EQ(num("count-non-empty(${ages})"), 2);
}

TEST_F(SpecFunctions, DateFunctions) {
    EXPECT_EQ(str("date('2024-01-05')"), "2024-01-05");
    EXPECT_EQ(str("date(0)"), "1970-01-01");
    EXPECT_EQ(str("date(19723)"), "2024-01-01");
    EXPECT_EQ(str("date(today() + 7)"), "2024-03-08");
    EXPECT_EQ(str("date('2024-01-05T23:10:00.000-05:00')"), "2024-01-05");  // as written
    // format-date(): the specification's identifiers.
    EXPECT_EQ(str("format-date('2024-03-07', '%Y/%y/%m/%n/%b/%d/%e/%a')"),
              "2024/24/03/3/Mar/07/7/Thu");
    EXPECT_EQ(str("format-date(today(), '%e %b %Y')"), "1 Mar 2024");
    EXPECT_EQ(str("format-date('not a date', '%Y')"), "");
    // Month and day names in the interview's language, as CLDR abbreviates them.
    scope.lang = "fr";
    EXPECT_EQ(str("format-date('2024-02-07', '%a %e %b %Y')"), "mer. 7 févr. 2024");
    scope.lang = "es";
    EXPECT_EQ(str("format-date('2024-08-10', '%a %e %b')"), "sáb. 10 ago.");
    scope.lang = "pt-BR";
    EXPECT_EQ(str("format-date-time('2024-09-02T10:30:00Z', '%a %e %b %H:%M')"),
              "seg. 2 set. 10:30");
    scope.lang = "sw";  // a language without names here: English
    EXPECT_EQ(str("format-date('2024-03-07', '%b %a')"), "Mar Thu");
    scope.lang.clear();
    // format-date-time(): the time as written with its offset, or now() in local time.
    EXPECT_EQ(str("format-date-time('2024-01-05T07:03:09.250+03:00', '%H:%M:%S.%3 %h')"),
              "07:03:09.250 7");
    EXPECT_EQ(str("format-date-time(now(), '%Y-%m-%d %H:%M')"), "2024-03-01 00:30");
    // decimal-date-time(): days since 1970-01-01T00:00Z.
    EXPECT_DOUBLE_EQ(num("decimal-date-time('1970-01-02T12:00:00Z')"), 1.5);
    EXPECT_DOUBLE_EQ(num("decimal-date-time('1970-01-02T12:00:00.000+02:00')"), 1.5 - 2.0 / 24);
    // decimal-time(): the specification's examples, noon 0.5 and 6pm 0.75.
    EXPECT_DOUBLE_EQ(num("decimal-time('12:00')"), 0.5);
    EXPECT_DOUBLE_EQ(num("decimal-time('18:00:00')"), 0.75);
    // 12:00 at UTC+02:00 is 11:00 at the clock's UTC+01:00.
    EXPECT_DOUBLE_EQ(num("decimal-time('12:00:00.000+02:00')"), 11.0 / 24);
    EXPECT_TRUE(std::isnan(num("decimal-time('noon')")));
    // date-time(): a number of days since 1970-01-01T00:00Z is that moment, written at the
    // clock's offset as JavaRosa writes a dateTime; a date is its local midnight; a datetime
    // stays as written.
    EXPECT_EQ(str("date-time(0)"), "1970-01-01T01:00:00.000+01:00");
    EXPECT_EQ(str("date-time(1.5)"), "1970-01-02T13:00:00.000+01:00");
    EXPECT_EQ(str("date-time('2024-01-05')"), "2024-01-05T00:00:00.000+01:00");
    EXPECT_EQ(str("date-time('2024-01-05T07:03:09.250+03:00')"), "2024-01-05T07:03:09.250+03:00");
    EXPECT_EQ(str("date-time(decimal-date-time('2024-01-05T07:00:00Z'))"),
              "2024-01-05T08:00:00.000+01:00");
    EXPECT_EQ(str("date-time('soon')"), "");
}

TEST_F(SpecFunctions, DistanceAndArea) {
    // One degree of longitude on the equator: 2 pi R / 360 with JavaRosa's R = 6378100 m.
    EXPECT_NEAR(num("distance('0 0 0 0; 0 1 0 0')"), 2 * M_PI * 6378100 / 360, 1e-6);
    scope.fields["points"] = Value::list({"0 0", "0 1", "1 1"});
    EXPECT_NEAR(num("distance(${points})"), 2 * (2 * M_PI * 6378100 / 360), 1);
    // A square of 0.001 degree at the equator: about 111.3 m a side.
    double side = 2 * M_PI * 6378100 / 360 * 0.001;
    EXPECT_NEAR(num("area('0 0; 0 0.001; 0.001 0.001; 0.001 0; 0 0')"), side * side,
                side * side * 1e-3);
    EXPECT_TRUE(std::isnan(num("area('0 0; 0 1')")));
    EXPECT_TRUE(std::isnan(num("distance('nowhere')")));
}

// Functions that need the form: indexed-repeat(), jr:choice-name(), once() in a calculate.
json members_form() {
    json survey = {
        {{"type", "repeat"},
         {"name", "member"},
         {"label", en("Member")},
         {"children",
          {{{"type", "text"}, {"name", "member_name"}, {"label", en("Name")}},
           {{"type", "repeat"},
            {"name", "visit"},
            {"label", en("Visit")},
            {"children", {{{"type", "date"}, {"name", "visit_date"}, {"label", en("Date")}}}}}}}},
        {{"type", "calculate"},
         {"name", "second_name"},
         {"calculation", "indexed-repeat(${member_name}, ${member}, 2)"}},
        {{"type", "calculate"},
         {"name", "first_second_visit"},
         {"calculation", "indexed-repeat(${visit_date}, ${member}, 1, ${visit}, 2)"}},
        {{"type", "calculate"},
         {"name", "no_such"},
         {"calculation", "indexed-repeat(${member_name}, ${member}, 9)"}},
        {{"type", "select_one fruit"}, {"name", "fruit"}, {"label", en("Fruit")}},
        {{"type", "calculate"},
         {"name", "fruit_label"},
         {"calculation", "jr:choice-name(${fruit}, '${fruit}')"}},
    };
    json choices = {{"fruit",
                     {{{"name", "mango"}, {"label", en("Ripe mango")}},
                      {{"name", "guava"}, {"label", en("Guava")}}}}};
    return feature_form_json(survey, choices);
}

TEST(SpecFunctionsInForms, IndexedRepeatAndChoiceName) {
    auto form = load_feature_form(members_form());
    ASSERT_TRUE(form);
    json answers = {{"member",
                     {{{"member_name", "Ana"},
                       {"visit", {{{"visit_date", "2024-01-01"}}, {{"visit_date", "2024-02-01"}}}}},
                      {{"member_name", "Ben"}}}},
                    {"fruit", "mango"}};
    auto v = validate_answers(*form, answers);
    ASSERT_TRUE(v.ok()) << v.violations[0].message;
    EXPECT_EQ(v.completed["second_name"], "Ben");
    EXPECT_EQ(v.completed["first_second_visit"], "2024-02-01");
    EXPECT_FALSE(v.completed.contains("no_such"));
    EXPECT_EQ(v.completed["fruit_label"], "Ripe mango");
}

TEST(SpecFunctionsInForms, MisusesAreLoadTimeErrorsNamingTheRow) {
    json survey = {
        {{"type", "repeat"},
         {"name", "r"},
         {"label", en("R")},
         {"children", {{{"type", "text"}, {"name", "t"}, {"label", en("T")}}}}},
        {{"type", "text"}, {"name", "outside"}, {"label", en("O")}},
        {{"type", "calculate"},
         {"name", "a"},
         {"calculation", "indexed-repeat(${outside}, ${r}, 1)"}},
        {{"type", "calculate"},
         {"name", "b"},
         {"calculation", "indexed-repeat(${t}, ${outside}, 1)"}},
        {{"type", "calculate"},
         {"name", "c"},
         {"calculation", "jr:choice-name(${outside}, ${outside})"}},
        {{"type", "calculate"},
         {"name", "d"},
         {"calculation", "jr:choice-name(${outside}, '${outside}')"}},
        {{"type", "text"}, {"name", "e"}, {"label", en("E")}, {"relevant", "once(true())"}},
    };
    EXPECT_THAT(
        feature_form_problems(feature_form_json(survey)),
        ElementsAre(
            "survey[2].calculation: ${outside} is not inside repeat ${r}",
            "survey[3].calculation: indexed-repeat() argument 2 must be a repeat ${name}",
            HasSubstr(
                "survey[4].calculation: jr:choice-name() names its select question in quotes"),
            "survey[5].calculation: jr:choice-name() needs a select question, and ${outside} is a "
            "text",
            HasSubstr("survey[6].relevant: once() is only allowed in a calculation")));
}

TEST(SpecFunctionsInForms, OnceKeepsTheFirstValueAcrossValidations) {
    json survey = {
        {{"type", "text"}, {"name", "q"}, {"label", en("Q")}},
        {{"type", "calculate"}, {"name", "code"}, {"calculation", "once(concat('v', ${q}))"}}};
    auto form = load_feature_form(feature_form_json(survey));
    ASSERT_TRUE(form);
    auto first = validate_answers(*form, {{"q", "1"}});
    EXPECT_EQ(first.completed["code"], "v1");
    json later = first.completed;
    later["q"] = "2";  // the answer changes; the once() value stays
    EXPECT_EQ(validate_answers(*form, later).completed["code"], "v1");
}

}  // namespace
}  // namespace canvass::form
