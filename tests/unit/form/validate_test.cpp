// Answer validation: every rule, with its exact path and message.
#include "form/validate.hpp"

#include <gtest/gtest.h>

#include "form/loader.hpp"
#include "test_forms.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;
using testing::label;
using testing::vendors_form;

Form load(const json& f) {
    auto loaded = load_form(f.dump());
    if (!loaded) ADD_FAILURE() << describe(loaded.error().front());
    return std::move(loaded).value();
}

// 2024-03-01T12:00:00Z in UTC.
const Clock test_clock = fixed_clock({1709294400000, 0});

class ValidateTest : public ::testing::Test {
  protected:
    Form form = load(vendors_form());

    std::vector<Problem> check(const json& answers, Mode mode = Mode::draft,
                               const std::string& lang = "") {
        return validate_answers(form, answers, {lang, mode, test_clock}).violations;
    }
    std::vector<Problem> check_final(const json& answers, const std::string& lang = "") {
        return check(answers, Mode::final, lang);
    }
    // One answer beside a valid adult's minimum.
    static json with(const char* key, json value) {
        json a = {{"age", 30}, {"job", "vendor"}};
        a[key] = std::move(value);
        return a;
    }
    std::vector<Problem> one(const char* key, json value) {
        return check(with(key, std::move(value)));
    }

    void reload(const std::function<void(json&)>& change) {
        json f = vendors_form();
        change(f);
        form = load(f);
    }
};

using Problems = std::vector<Problem>;

TEST_F(ValidateTest, ACompleteInterviewIsValidAndGetsItsCalculations) {
    json answers = {
        {"age", 30},
        {"country", "ke"},
        {"city", "nairobi"},
        {"job", "vendor"},
        {"goods", {"fruit", "cloth"}},
        {"members",
         {{{"member_name", "Ann"}, {"member_age", 12}, {"jobs", {{{"wage", 2.5}}, {{"wage", 3}}}}},
          {{"_id", "0b6c3c52-5b8e-4f0e-9a51-7e1d8e0c2a11"}, {"member_name", "Bo"}}}},
        {"visit", "2024-02-29"},
        {"start", "09:30"},
        {"stamp", "2024-02-29T09:30:00.250+03:00"},
        {"place", {{"lat", -1.28}, {"lon", 36.82}, {"alt", 1700}, {"acc", 4.5}}},
        {"consent", "OK"}};
    auto v = validate_answers(form, answers, {"", Mode::final, test_clock});
    EXPECT_EQ(v.violations, Problems{});
    EXPECT_EQ(v.completed["adults"], 2);
    EXPECT_EQ(v.completed["members"][0]["member_pos"], 1);
    EXPECT_EQ(v.completed["members"][1]["member_pos"], 2);
    EXPECT_EQ(v.completed["members"][0]["jobs"][0]["job_tag"], "1.1");
    EXPECT_EQ(v.completed["members"][0]["jobs"][1]["job_tag"], "1.2");
    EXPECT_EQ(v.completed["members"][1]["_id"], "0b6c3c52-5b8e-4f0e-9a51-7e1d8e0c2a11");
    EXPECT_EQ(v.completed["age"], 30);
}

TEST_F(ValidateTest, UnknownAndMisplacedFields) {
    EXPECT_EQ(check({{"agee", 30}}), (Problems{{"agee", "unknown field"}}));
    EXPECT_EQ(check({{"work", {{"job", "x"}}}}),
              (Problems{{"work",
                         "work is a group: answer its questions by name, without nesting them"}}));
    EXPECT_EQ(check({{"member_name", "Ann"}}),
              (Problems{{"member_name", "belongs in the instances of repeat members"}}));
    EXPECT_EQ(check({{"members", {{{"age", 3}}}}}),
              (Problems{{"members[1].age", "belongs at the top level, not in repeat members"}}));
    EXPECT_EQ(check({{"members", {{{"member_name", "A"}, {"wage", 1}}}}}),
              (Problems{{"members[1].wage", "belongs in the instances of repeat jobs"}}));
    EXPECT_EQ(check({{"_id", "0b6c3c52-5b8e-4f0e-9a51-7e1d8e0c2a11"}}),
              (Problems{{"_id", "unknown field"}}));
}

TEST_F(ValidateTest, AnswersMustBeAnObject) {
    EXPECT_EQ(check(json::array({1})),
              (Problems{{"", "answers must be a JSON object keyed by field name, got [1]"}}));
}

TEST_F(ValidateTest, Integers) {
    EXPECT_EQ(one("age", "30"), (Problems{{"age", "expected a whole number, got \"30\""}}));
    EXPECT_EQ(one("age", 30.5), (Problems{{"age", "expected a whole number, got 30.5"}}));
    EXPECT_EQ(check({{"age", 1e30}}), (Problems{{"age", "integer out of range: 1e+30"}}));
    EXPECT_EQ(check(json::parse(R"({"members": [{"member_age": 9223372036854775808}]})")),
              (Problems{{"members[1].member_age", "integer out of range: 9223372036854775808"}}));
    EXPECT_EQ(check(json::parse(R"({"members": [{"member_age": -9223372036854775808}]})")),
              Problems{});
    auto v = validate_answers(form, json::parse(R"({"age": 30.0})"), {"", Mode::draft, test_clock});
    EXPECT_EQ(v.violations, Problems{});
    EXPECT_TRUE(v.completed["age"].is_number_integer());
}

TEST_F(ValidateTest, DecimalsTextAndAcknowledge) {
    EXPECT_EQ(check({{"members", {{{"jobs", {{{"wage", "3.5"}}}}}}}}),
              (Problems{{"members[1].jobs[1].wage", "expected a number, got \"3.5\""}}));
    EXPECT_EQ(one("job", 12), (Problems{{"job", "expected text (a JSON string), got 12"}}));
    EXPECT_EQ(one("consent", "yes"), (Problems{{"consent", "expected \"OK\", got \"yes\""}}));
    EXPECT_EQ(one("consent", "OK"), Problems{});
}

TEST_F(ValidateTest, DatesAndTimesFollowTheCalendar) {
    EXPECT_EQ(one("visit", "2024-02-29"), Problems{});
    EXPECT_EQ(one("visit", "2023-02-29"), (Problems{{"visit", "no such date: 2023-02-29"}}));
    EXPECT_EQ(one("visit", "2024-04-31"), (Problems{{"visit", "no such date: 2024-04-31"}}));
    EXPECT_EQ(one("visit", "12/03/2024"),
              (Problems{{"visit", "expected a date (YYYY-MM-DD), got \"12/03/2024\""}}));
    EXPECT_EQ(one("start", "09:30:59"), Problems{});
    EXPECT_EQ(one("start", "24:00"),
              (Problems{{"start", "expected a time (HH:MM or HH:MM:SS), got \"24:00\""}}));
    EXPECT_EQ(one("stamp", "2024-01-01T10:00"), Problems{});
    EXPECT_EQ(one("stamp", "2024-01-01T10:00:00Z"), Problems{});
    EXPECT_EQ(one("stamp", "2024-01-01T10:00:00.123-05:30"), Problems{});
    const char* datetime_error = "expected a date and time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM]), got ";
    EXPECT_EQ(one("stamp", "2024-01-01 10:00"),
              (Problems{{"stamp", datetime_error + std::string("\"2024-01-01 10:00\"")}}));
    EXPECT_EQ(one("stamp", "2024-01-01T10:00+25:00"),
              (Problems{{"stamp", datetime_error + std::string("\"2024-01-01T10:00+25:00\"")}}));
    EXPECT_EQ(one("stamp", "2023-02-29T10:00Z"),
              (Problems{{"stamp", datetime_error + std::string("\"2023-02-29T10:00Z\"")}}));
}

TEST_F(ValidateTest, Geopoints) {
    EXPECT_EQ(one("place", json({{"lat", 90}, {"lon", -180}})), Problems{});
    EXPECT_EQ(one("place", json({{"lat", 91}, {"lon", 0}})),
              (Problems{{"place", "lat must be between -90 and 90, got 91"}}));
    EXPECT_EQ(one("place", json({{"lat", 0}, {"lon", -180.5}})),
              (Problems{{"place", "lon must be between -180 and 180, got -180.5"}}));
    EXPECT_EQ(one("place", json({{"lat", 0}})),
              (Problems{{"place", "a geopoint needs lat and lon"}}));
    EXPECT_EQ(one("place", json({{"lat", "0"}, {"lon", 0}})),
              (Problems{{"place", "lat must be a number, got \"0\""}}));
    EXPECT_EQ(one("place", json({{"lat", 0}, {"lon", 0}, {"acc", -1}})),
              (Problems{{"place", "acc must not be negative, got -1"}}));
    EXPECT_EQ(one("place", json({{"lat", 0}, {"lon", 0}, {"x", 1}})),
              (Problems{{"place", "unknown geopoint key x (use lat, lon, alt, acc)"}}));
    EXPECT_EQ(one("place", "1 2"),
              (Problems{{"place", "expected a geopoint {\"lat\": …, \"lon\": …}, got \"1 2\""}}));
}

TEST_F(ValidateTest, SelectOne) {
    EXPECT_EQ(one("country", "ug"),
              (Problems{{"country", "\"ug\" is not a choice of list country"}}));
    EXPECT_EQ(one("country", 1),
              (Problems{{"country", "expected a choice name of list country, got 1"}}));
    json a = with("country", "ke");
    a["city"] = "dakar";
    EXPECT_EQ(check(a),
              (Problems{{"city",
                         "\"dakar\" is not offered here (choice_filter: country = ${country})"}}));
    a["city"] = "nairobi";
    EXPECT_EQ(check(a), Problems{});
}

TEST_F(ValidateTest, SelectMultiple) {
    EXPECT_EQ(one("goods", json({"fruit", "cloth"})), Problems{});
    EXPECT_EQ(
        one("goods", "fruit"),
        (Problems{{"goods", "expected an array of choice names of list goods, got \"fruit\""}}));
    EXPECT_EQ(one("goods", json({"fruit", "fruit"})),
              (Problems{{"goods", "\"fruit\" is chosen more than once"}}));
    EXPECT_EQ(one("goods", json({"fruit", "kiwi"})),
              (Problems{{"goods", "\"kiwi\" is not a choice of list goods"}}));
    EXPECT_EQ(one("goods", json({"fruit", 2})),
              (Problems{{"goods", "expected a choice name of list goods, got 2"}}));
}

TEST_F(ValidateTest, SelectMultipleChoiceFilter) {
    reload([](json& f) {
        f["choices"]["goods"][1]["season"] = "dry";
        f["choices"]["goods"][0]["season"] = "wet";
        f["survey"][3]["children"][1]["choice_filter"] = "season = 'wet' or ${age} > 60";
    });
    EXPECT_EQ(one("goods", json({"fruit"})), Problems{});
    EXPECT_EQ(
        one("goods", json({"fruit", "cloth"})),
        (Problems{
            {"goods",
             "\"cloth\" is not offered here (choice_filter: season = 'wet' or ${age} > 60)"}}));
    json old = with("goods", json({"cloth"}));
    old["age"] = 70;
    EXPECT_EQ(check(old), Problems{});
}

TEST_F(ValidateTest, RequiredOnlyInFinalModeWithMessagesInTheChosenLanguage) {
    EXPECT_EQ(check(json::object()), Problems{});
    EXPECT_EQ(check_final(json::object()), (Problems{{"age", "Age is needed"}}));
    EXPECT_EQ(check_final(json::object(), "fr"), (Problems{{"age", "L'âge est requis"}}));
    EXPECT_EQ(check_final(json::object(), "de"),
              (Problems{{"age", "Age is needed"}}));  // unknown: default language
    EXPECT_EQ(check_final({{"age", nullptr}}), (Problems{{"age", "Age is needed"}}));
    EXPECT_EQ(check_final({{"age", ""}}), (Problems{{"age", "Age is needed"}}));
    // required as an expression; no required_message: the generic English one
    EXPECT_EQ(check_final({{"age", 25}}), (Problems{{"job", "an answer is required"}}));
    EXPECT_EQ(check_final({{"age", 19}}), Problems{});
}

TEST_F(ValidateTest, ConstraintsWithMessagesInTheChosenLanguage) {
    EXPECT_EQ(check({{"age", 12}}), (Problems{{"age", "Between 14 and 110"}}));
    EXPECT_EQ(check({{"age", 120}}, Mode::draft, "fr"), (Problems{{"age", "Entre 14 et 110"}}));
    reload([](json& f) { f["survey"][4]["children"][3]["children"][0]["constraint"] = ". >= 0"; });
    EXPECT_EQ(check({{"members", {{{"jobs", {{{"wage", 1}}, {{"wage", -1}}}}}}}}),
              (Problems{{"members[1].jobs[2].wage", "refused by the constraint . >= 0"}}));
}

TEST_F(ValidateTest, AnswersToQuestionsThatAreNotRelevantAreRejected) {
    EXPECT_EQ(
        check({{"age", 16}, {"job", "x"}}),
        (Problems{{"job", "answered but group work is not relevant (relevant: ${age} >= 18)"}}));
    EXPECT_EQ(
        check({{"job", "x"}}),  // age unanswered: ${age} >= 18 is false
        (Problems{{"job", "answered but group work is not relevant (relevant: ${age} >= 18)"}}));
    EXPECT_EQ(check({{"age", 30}, {"job", "none"}, {"goods", {"fruit"}}}),
              (Problems{{"goods", "answered but not relevant (relevant: ${job} != 'none')"}}));
    // Not relevant means not required either.
    EXPECT_EQ(check_final({{"age", 16}}), Problems{});
}

TEST_F(ValidateTest, RelevanceOfRepeatsAndOfEachInstance) {
    reload([](json& f) {
        f["survey"][4]["relevant"] = "${age} >= 18";
        f["survey"][4]["children"].push_back({{"type", "text"},
                                              {"name", "member_job"},
                                              {"label", label("Job")},
                                              {"relevant", "${member_age} >= 18"}});
    });
    EXPECT_EQ(check({{"age", 15}, {"members", {{{"member_name", "A"}}}}}),
              (Problems{{"members", "answered but not relevant (relevant: ${age} >= 18)"}}));
    json a = {
        {"age", 40},
        {"members",
         {{{"member_age", 30}, {"member_job", "x"}}, {{"member_age", 10}, {"member_job", "y"}}}}};
    EXPECT_EQ(check(a), (Problems{{"members[2].member_job",
                                   "answered but not relevant (relevant: ${member_age} >= 18)"}}));
}

TEST_F(ValidateTest, ReadOnlyAndNotesAreNotAnswered) {
    EXPECT_EQ(one("bye", "hello"), (Problems{{"bye", "a note is not answered"}}));
    reload([](json& f) { f["survey"][6]["read_only"] = true; });
    EXPECT_EQ(one("visit", "2024-01-01"),
              (Problems{{"visit", "a read_only question is not answered"}}));
}

TEST_F(ValidateTest, GivenCalculatedValuesAreReplacedByTheCalculation) {
    reload([](json& f) {
        f["survey"].push_back(
            {{"type", "calculate"}, {"name", "stamp_now"}, {"calculation", "now()"}});
    });
    json a = {{"members", {{{"member_name", "A"}, {"member_pos", 7}}, {{"member_name", "B"}}}},
              {"adults", 3},
              {"stamp_now", "2020-01-01T00:00:00.000+00:00"}};
    auto v = validate_answers(form, a, {"", Mode::draft, test_clock});
    EXPECT_EQ(v.violations, Problems{});
    EXPECT_EQ(v.completed["adults"], 2);
    EXPECT_EQ(v.completed["members"][0]["member_pos"], 1);
    EXPECT_EQ(v.completed["stamp_now"], "2024-03-01T12:00:00.000+00:00");
    // A stored record re-validated later (an edit) passes although now() moved on.
    auto later =
        validate_answers(form, v.completed, {"", Mode::draft, fixed_clock({1709394400000, 0})});
    EXPECT_EQ(later.violations, Problems{});
}

TEST_F(ValidateTest, RepeatCount) {
    reload([](json& f) {
        f["survey"].insert(f["survey"].begin() + 4,
                           json{{"type", "integer"}, {"name", "n"}, {"label", label("How many?")}});
        f["survey"][5]["repeat_count"] = "${n}";
    });
    json a = {{"n", 2}, {"members", {json::object(), json::object(), json::object()}}};
    EXPECT_EQ(check(a),
              (Problems{{"members", "repeat_count (${n}) is 2 but there are 3 instances"}}));
    a["members"] =
        json::array({json::object()});  // {json::object()} alone is an object under clang
    EXPECT_EQ(check(a), Problems{});    // a draft may still be adding instances
    EXPECT_EQ(check(a, Mode::final),
              (Problems{{"age", "Age is needed"},
                        {"members", "repeat_count (${n}) is 2 but there are 1 instances"}}));
    a.erase("n");
    EXPECT_EQ(check(a),
              (Problems{{"members", "repeat_count (${n}) is 0 but there are 1 instances"}}));
}

TEST_F(ValidateTest, InstancesAndTheirIds) {
    EXPECT_EQ(check({{"members", 5}}),
              (Problems{{"members", "expected an array of instances, got 5"}}));
    EXPECT_EQ(check({{"members", {5}}}),
              (Problems{{"members[1]", "an instance must be an object, got 5"}}));
    EXPECT_EQ(check({{"members", {{{"_id", "x"}}}}}),
              (Problems{{"members[1]._id", "must be a UUID string, got \"x\""}}));
    const char* id = "0B6C3C52-5B8E-4F0E-9A51-7E1D8E0C2A11";
    EXPECT_EQ(check({{"members", {{{"_id", id}}, {{"_id", id}}}}}),
              (Problems{{"members[2]._id", "same _id as members[1]"}}));
}

TEST_F(ValidateTest, EveryViolationIsReportedInFormOrder) {
    json a = {{"agee", 1},
              {"age", 12},
              {"country", "ug"},
              {"members", {{{"member_age", "x"}}}},
              {"bye", "x"}};
    EXPECT_EQ(check_final(a),
              (Problems{{"agee", "unknown field"},
                        {"age", "Between 14 and 110"},
                        {"country", "\"ug\" is not a choice of list country"},
                        {"members[1].member_age", "expected a whole number, got \"x\""},
                        {"bye", "a note is not answered"}}));
}

TEST_F(ValidateTest, CompletedAnswersDropEmptyValuesAndNonRelevantCalculations) {
    reload([](json& f) {
        f["survey"][3]["children"].push_back({{"type", "calculate"},
                                              {"name", "work_calc"},
                                              {"calculation", "concat('job: ', ${job})"}});
    });
    auto v =
        validate_answers(form, {{"age", 30}, {"job", "vendor"}, {"visit", nullptr}, {"start", ""}},
                         {"", Mode::draft, test_clock});
    EXPECT_EQ(v.violations, Problems{});
    EXPECT_EQ(v.completed,
              json({{"age", 30}, {"job", "vendor"}, {"work_calc", "job: vendor"}, {"adults", 0}}));
    auto young = validate_answers(form, {{"age", 15}}, {"", Mode::draft, test_clock});
    EXPECT_EQ(young.completed, json({{"age", 15}, {"adults", 0}}));
}

TEST_F(ValidateTest, RelevanceThatDependsOnCalculationsSettles) {
    reload([](json& f) {
        auto& s = f["survey"];
        s.push_back(
            {{"type", "calculate"}, {"name", "flag"}, {"calculation", "if(${age} > 50, 1, 0)"}});
        s.push_back(
            {{"type", "group"},
             {"name", "senior"},
             {"label", label("Senior")},
             {"relevant", "${flag} = 1"},
             {"children",
              {{{"type", "calculate"}, {"name", "inner"}, {"calculation", "${flag} + 1"}}}}});
        s.push_back({{"type", "calculate"}, {"name", "outer"}, {"calculation", "${inner} * 2"}});
    });
    auto old = complete_answers(form, {{"age", 60}}, test_clock);
    EXPECT_EQ(old["inner"], 2);
    EXPECT_EQ(old["outer"], 4);
    auto young = complete_answers(form, {{"age", 20}}, test_clock);
    EXPECT_FALSE(young.contains("inner"));
    EXPECT_FALSE(young.contains("outer"));  // ${inner} is empty, so NaN, so no value
    EXPECT_EQ(young["flag"], 0);
}

TEST_F(ValidateTest, CalculationsUseTheInjectedClockAndSeeRepeatsAsLists) {
    reload([](json& f) {
        auto& s = f["survey"];
        s.push_back({{"type", "calculate"}, {"name", "day"}, {"calculation", "today()"}});
        s.push_back(
            {{"type", "calculate"}, {"name", "oldest"}, {"calculation", "max(${member_age})"}});
        s.push_back({{"type", "calculate"}, {"name", "wages"}, {"calculation", "sum(${wage})"}});
        s.push_back(
            {{"type", "calculate"}, {"name", "days_since"}, {"calculation", "today() - ${visit}"}});
    });
    json a = {{"visit", "2024-02-28"},
              {"members",
               {{{"member_age", 40}, {"jobs", {{{"wage", 1.5}}, {{"wage", 2}}}}},
                {{"member_age", 70}, {"jobs", {{{"wage", 10}}}}}}}};
    auto done = complete_answers(form, a, test_clock);
    EXPECT_EQ(done["day"], "2024-03-01");
    EXPECT_EQ(done["oldest"], 70);
    EXPECT_EQ(done["wages"], 13.5);
    EXPECT_EQ(done["days_since"], 2);
}

TEST_F(ValidateTest, SiblingReferencesInsideARepeatSeeTheSameInstance) {
    reload([](json& f) {
        f["survey"][4]["children"].push_back(
            {{"type", "calculate"},
             {"name", "label_line"},
             {"calculation",
              "concat(${member_name}, ' (', ${member_age}, ') of ', count(${members}))"}});
    });
    auto done = complete_answers(form,
                                 {{"members",
                                   {{{"member_name", "Ann"}, {"member_age", 12}},
                                    {{"member_name", "Bo"}, {"member_age", 9}}}}},
                                 test_clock);
    EXPECT_EQ(done["members"][0]["label_line"], "Ann (12) of 2");
    EXPECT_EQ(done["members"][1]["label_line"], "Bo (9) of 2");
}

}  // namespace
}  // namespace canvass::form
