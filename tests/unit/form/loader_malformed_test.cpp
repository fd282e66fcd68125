// Malformed forms: each must be refused with exactly the listed problems (path, message).
#include <gtest/gtest.h>

#include <functional>

#include "form/loader.hpp"
#include "test_forms.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;
using testing::label;
using testing::vendors_form;

struct Case {
    const char* name;
    std::function<void(json&)> mutate;  // applied to vendors_form()
    std::vector<Problem> expected;
};

json& row(json& f, int i) {
    return f["survey"][i];
}
json& child(json& f, int i, int c) {
    return f["survey"][i]["children"][c];
}

const Case cases[] = {
    {"not_an_object",
     [](json& f) { f = json::array({1}); },
     {{"", "a form must be a JSON object"}}},
    {"unknown_top_key",
     [](json& f) { f["surveys"] = json::array(); },
     {{"surveys", "unknown key (a form has settings, survey, choices and external)"}}},
    {"settings_missing",
     [](json& f) { f.erase("settings"); },
     {{"settings", "missing"}}},  // languages unknown: labels are not checked against them
    {"settings_not_object",
     [](json& f) { f["settings"] = "vendors"; },
     {{"settings", "must be an object"}}},
    {"form_id_missing",
     [](json& f) { f["settings"].erase("form_id"); },
     {{"settings.form_id", "missing"}}},
    {"form_id_bad",
     [](json& f) { f["settings"]["form_id"] = "1vendors"; },
     {{"settings.form_id", "must be letters, digits, _ and :, starting with a letter"}}},
    {"version_number",
     [](json& f) { f["settings"]["version"] = 3; },
     {{"settings.version", "must be a string"}}},
    {"version_empty",
     [](json& f) { f["settings"]["version"] = ""; },
     {{"settings.version", "must not be empty"}}},
    {"default_language_undeclared",
     [](json& f) { f["settings"]["default_language"] = "es"; },
     {{"settings.default_language", "es is not one of settings.languages"}}},
    {"default_language_missing",
     [](json& f) { f["settings"].erase("default_language"); },
     {{"settings.default_language", "missing"}}},
    {"languages_duplicate",
     [](json& f) {
         f["settings"]["languages"] = {"en", "fr", "en"};
     },
     {{"settings.languages[2]", "duplicate language en"}}},
    {"language_not_a_code",
     [](json& f) {
         f["settings"]["languages"] = {"en", "fr", "Spanish"};
     },
     {{"settings.languages[2]", "must be a language code like en, fr or pt-BR"}}},
    {"default_language_not_a_code",
     [](json& f) {
         f["settings"].erase("languages");
         f["settings"]["default_language"] = "English";
     },
     {{"settings.default_language", "must be a language code like en, fr or pt-BR"}}},
    {"languages_not_array",
     [](json& f) { f["settings"]["languages"] = "en fr"; },
     {{"settings.languages", "must be an array of language codes"}}},
    {"title_missing_language",
     [](json& f) { f["settings"]["title"].erase("fr"); },
     {{"settings.title", "missing language fr"}}},
    {"unknown_setting",
     [](json& f) { f["settings"]["titel"] = "x"; },
     {{"settings.titel", "unknown setting"}}},
    {"survey_missing", [](json& f) { f.erase("survey"); }, {{"survey", "missing"}}},
    {"survey_empty",
     [](json& f) { f["survey"] = json::array(); },
     {{"survey", "must have at least one row"}}},
    {"survey_not_array",
     [](json& f) { f["survey"] = json::object(); },
     {{"survey", "must be an array of rows"}}},
    {"row_not_object",
     [](json& f) { row(f, 11) = 5; },
     {{"survey[11]", "a row must be an object"}}},
    {"type_missing", [](json& f) { row(f, 11).erase("type"); }, {{"survey[11].type", "missing"}}},
    {"type_unknown",
     [](json& f) { row(f, 0)["type"] = "integr"; },
     {{"survey[0].type", "unknown type integr"}}},
    {"type_not_string",
     [](json& f) { row(f, 0)["type"] = 1; },
     {{"survey[0].type", "must be a string"}}},
    {"type_extra_word",
     [](json& f) { row(f, 6)["type"] = "date today"; },
     {{"survey[6].type", "unknown type date today"}}},
    {"select_without_list",
     [](json& f) { row(f, 1)["type"] = "select_one"; },
     {{"survey[1].type", "select_one needs one choice list: select_one LIST [or_other]"}}},
    {"select_unknown_list",
     [](json& f) { row(f, 1)["type"] = "select_one countries"; },
     {{"survey[1].type", "unknown choice list countries"}}},
    {"name_missing", [](json& f) { row(f, 6).erase("name"); }, {{"survey[6].name", "missing"}}},
    {"name_bad",
     [](json& f) { row(f, 6)["name"] = "visit date"; },
     {{"survey[6].name",
       "invalid name visit date: use letters, digits, _, . and -, starting with a letter or _"}}},
    {"name_reserved",
     [](json& f) { row(f, 6)["name"] = "_id"; },
     {{"survey[6].name", "the name _id is reserved for repeat instance ids"}}},
    // A repeat's question may share a top-level question's name, but not be referred to then.
    {"name_shared_with_repeat_referenced",
     [](json& f) { child(f, 4, 0)["name"] = "age"; },
     {{"survey[3].relevant",
       "${age} is ambiguous: questions at different levels (the top level, repeats) are "
       "named age; rename one to refer to it"},
      {"survey[3].children[0].required",
       "${age} is ambiguous: questions at different levels (the top level, "
       "repeats) are named age; rename one to refer to it"}}},
    {"label_missing", [](json& f) { row(f, 6).erase("label"); }, {{"survey[6].label", "missing"}}},
    {"label_missing_language",
     [](json& f) { row(f, 0)["label"].erase("fr"); },
     {{"survey[0].label", "missing language fr"}}},
    {"label_unknown_language",
     [](json& f) { row(f, 0)["label"]["de"] = "Alter"; },
     {{"survey[0].label.de", "language de is not in settings.languages"}}},
    {"label_string",
     [](json& f) { row(f, 0)["label"] = "Age"; },
     {{"survey[0].label", "must be an object keyed by language, like {\"en\": \"…\"}"}}},
    {"label_value_not_string",
     [](json& f) { row(f, 0)["label"]["fr"] = 3; },
     {{"survey[0].label.fr", "must be a string"}}},
    {"hint_missing_language",
     [](json& f) {
         row(f, 0)["hint"] = {{"en", "years"}};
     },
     {{"survey[0].hint", "missing language fr"}}},
    {"constraint_message_missing_language",
     [](json& f) { row(f, 0)["constraint_message"].erase("en"); },
     {{"survey[0].constraint_message", "missing language en"}}},
    {"required_message_missing_language",
     [](json& f) { row(f, 0)["required_message"].erase("fr"); },
     {{"survey[0].required_message", "missing language fr"}}},
    {"choice_label_missing_language",
     [](json& f) { f["choices"]["country"][1]["label"].erase("fr"); },
     {{"choices.country[1].label", "missing language fr"}}},
    {"choice_name_missing",
     [](json& f) { f["choices"]["goods"][0].erase("name"); },
     {{"choices.goods[0].name", "missing"}}},
    {"choice_name_duplicate",
     [](json& f) { f["choices"]["goods"][1]["name"] = "fruit"; },
     {{"choices.goods[1].name",
       "duplicate choice fruit in list goods (settings.allow_choice_duplicates: yes allows it)"}}},
    // A select_multiple answer is space-separated: its list cannot have a name with a space.
    {"choice_name_with_space_in_select_multiple",
     [](json& f) { f["choices"]["goods"][1]["name"] = "dried fruit"; },
     {{"survey[3].children[1].type",
       "select_multiple cannot use list goods: its choice 'dried fruit' has a space, and a "
       "select_multiple "
       "answer is its choice names separated by spaces (rename the choice, or use select_one)"}}},
    {"choice_name_with_outer_space",
     [](json& f) { f["choices"]["city"][1]["name"] = "dakar "; },
     {{"choices.city[1].name",
       "must be non-empty, without tabs or line breaks, and not start or end with a space"}}},
    {"choice_column_not_string",
     [](json& f) { f["choices"]["city"][0]["country"] = 1; },
     {{"choices.city[0].country", "must be a string"}}},
    {"choice_column_bad_name",
     [](json& f) { f["choices"]["city"][0]["in country"] = "ke"; },
     {{"choices.city[0][\"in country\"]", "invalid column name in country"}}},
    {"choice_list_empty",
     [](json& f) { f["choices"]["goods"] = json::array(); },
     {{"choices.goods", "a choice list needs at least one choice"}}},
    {"choices_not_object",
     [](json& f) { f["choices"] = json::array(); },
     {{"choices", "must be an object mapping list names to arrays of choices"},
      {"survey[1].type", "unknown choice list country"},
      {"survey[2].type", "unknown choice list city"},
      {"survey[3].children[1].type", "unknown choice list goods"}}},
    {"children_on_question",
     [](json& f) {
         row(f, 6)["children"] =
             json::array({{{"type", "text"}, {"name", "x"}, {"label", label("X")}}});
     },
     {{"survey[6].children", "children are only allowed on group and repeat rows"}}},
    {"group_without_children",
     [](json& f) { row(f, 3)["children"] = json::array(); },
     {{"survey[3].children", "a group must have at least one row"}}},
    {"repeat_without_children",
     [](json& f) { child(f, 4, 3).erase("children"); },
     {{"survey[4].children[3].children", "a repeat must have at least one row"}}},
    {"calculate_without_calculation",
     [](json& f) { row(f, 5).erase("calculation"); },
     {{"survey[5].calculation",
       "missing: a calculate row needs a calculation (or a default that is an expression)"}}},
    {"calculation_on_note",
     [](json& f) { row(f, 11)["calculation"] = "today()"; },
     {{"survey[11].calculation", "calculation is only allowed on calculate rows and questions"}}},
    {"trigger_on_group",
     [](json& f) { row(f, 3)["trigger"] = "${age}"; },
     {{"survey[3].trigger", "trigger is only allowed on calculate rows and questions"}}},
    {"trigger_unknown_field",
     [](json& f) { row(f, 6)["trigger"] = "${agee}"; },
     {{"survey[6].trigger", "unknown field ${agee}"}}},
    {"trigger_not_a_reference",
     [](json& f) { row(f, 6)["trigger"] = "age"; },
     {{"survey[6].trigger", "must be field references like ${age} (or ${a}, ${b}), got age"}}},
    {"dynamic_default_unknown_field",
     [](json& f) { row(f, 6)["default"] = "${agee}"; },
     {{"survey[6].default", "unknown field ${agee}"}}},
    {"choice_filter_on_text",
     [](json& f) { child(f, 3, 0)["choice_filter"] = "1"; },
     {{"survey[3].children[0].choice_filter",
       "choice_filter is only allowed on select_one, select_multiple and rank rows"}}},
    {"repeat_count_on_group",
     [](json& f) { row(f, 3)["repeat_count"] = "2"; },
     {{"survey[3].repeat_count", "repeat_count is only allowed on repeat rows"}}},
    {"required_on_note",
     [](json& f) { row(f, 11)["required"] = true; },
     {{"survey[11].required", "required is not allowed on a note row"}}},
    {"constraint_on_group",
     [](json& f) { row(f, 3)["constraint"] = "1"; },
     {{"survey[3].constraint", "constraint is not allowed on a group row"}}},
    {"unknown_column_typo",
     [](json& f) { row(f, 6)["relevent"] = "${age} > 1"; },
     {{"survey[6].relevent", "unknown column"}}},
    {"relevant_not_string",
     [](json& f) { row(f, 6)["relevant"] = true; },
     {{"survey[6].relevant", "must be an expression (a string)"}}},
    {"required_wrong_type",
     [](json& f) { row(f, 6)["required"] = 1; },
     {{"survey[6].required", "must be true, false or an expression"}}},
    {"read_only_wrong_type",
     [](json& f) { row(f, 6)["read_only"] = "yes"; },
     {{"survey[6].read_only", "must be true or false"}}},
    {"appearance_wrong_type",
     [](json& f) { row(f, 6)["appearance"] = json::array(); },
     {{"survey[6].appearance", "must be a string"}}},
    {"default_wrong_type",
     [](json& f) { row(f, 0)["default"] = "ten"; },
     {{"survey[0].default", "expected a whole number, got \"ten\""}}},
    {"default_not_a_choice",
     [](json& f) { row(f, 1)["default"] = "ug"; },
     {{"survey[1].default", "\"ug\" is not a choice of list country"}}},
    {"default_impossible_date",
     [](json& f) { row(f, 6)["default"] = "2023-02-29"; },
     {{"survey[6].default", "no such date: 2023-02-29"}}},
    {"unknown_field",
     [](json& f) { row(f, 3)["relevant"] = "${agee} >= 18"; },
     {{"survey[3].relevant", "unknown field ${agee}"}}},
    {"unknown_field_nested",
     [](json& f) { child(f, 3, 1)["relevant"] = "${jobb} != 'none'"; },
     {{"survey[3].children[1].relevant", "unknown field ${jobb}"}}},
    {"unknown_field_reported_once",
     [](json& f) { row(f, 6)["relevant"] = "${x} > 1 or ${x} < 0"; },
     {{"survey[6].relevant", "unknown field ${x}"}}},
    {"group_has_no_value",
     [](json& f) { row(f, 6)["relevant"] = "${work} = ''"; },
     {{"survey[6].relevant", "${work} is a group, which has no value"}}},
    {"syntax_error_column",
     [](json& f) { row(f, 0)["constraint"] = ". >= 14 and . <= "; },
     {{"survey[0].constraint", "syntax error at column 18: unexpected end of expression"}}},
    {"syntax_error_unbalanced",
     [](json& f) { row(f, 3)["relevant"] = "(${age} >= 18"; },
     {{"survey[3].relevant",
       "syntax error at column 14: expected ')' but found end of expression"}}},
    {"unknown_function",
     [](json& f) { row(f, 6)["relevant"] = "lenght(${age}) > 1"; },
     {{"survey[6].relevant", "unknown function lenght()"}}},
    {"wrong_arity",
     [](json& f) { row(f, 6)["relevant"] = "round(${age}, 1, 2) > 1"; },
     {{"survey[6].relevant", "round() takes 1 or 2 arguments, got 3"}}},
    {"wrong_arity_no_args",
     [](json& f) { row(f, 6)["relevant"] = "not()"; },
     {{"survey[6].relevant", "not() takes 1 argument, got 0"}}},
    {"current_outside_constraint",
     [](json& f) { row(f, 3)["relevant"] = ". >= 18"; },
     {{"survey[3].relevant", "'.' (the current answer) is only allowed in constraint"}}},
    {"position_outside_repeat",
     [](json& f) { row(f, 5)["calculation"] = "position(..)"; },
     {{"survey[5].calculation", "position(..) is only allowed inside a repeat"}}},
    {"position_of_repeat_itself",
     [](json& f) { child(f, 4, 3)["relevant"] = "position(..) > 0"; },
     {}},  // a nested repeat's relevant sits in its parent's instance: allowed
    {"position_bad_argument",
     [](json& f) { child(f, 4, 2)["calculation"] = "position(${members})"; },
     {{"survey[4].children[2].calculation",
       "position() takes '..' as its argument: position(..)"}}},
    {"parent_outside_position",
     [](json& f) { child(f, 4, 2)["calculation"] = ".. + 1"; },
     {{"survey[4].children[2].calculation", "'..' is only allowed in position(..)"}}},
    {"bare_name_outside_filter",
     [](json& f) { row(f, 6)["relevant"] = "age > 18"; },
     {{"survey[6].relevant", "unknown name age (a field is written ${age})"}}},
    {"filter_unknown_column",
     [](json& f) { row(f, 2)["choice_filter"] = "countri = ${country}"; },
     {{"survey[2].choice_filter", "choice list city has no column countri"}}},
    {"invalid_regex",
     [](json& f) { row(f, 6)["relevant"] = "regex(${job}, '[a-')"; },
     {{"survey[6].relevant", "invalid regular expression '[a-': missing ]: [a-"}}},
    {"regex_huge_brace_count",
     [](json& f) { row(f, 6)["relevant"] = "regex(${job}, 'a{99999999999999999999}')"; },
     {{"survey[6].relevant",
       "invalid regular expression 'a{99999999999999999999}': repeat count 99999999999999999999 is "
       "more than 1000"}}},
    {"calculation_cycle",
     [](json& f) {
         f["survey"].push_back({{"type", "calculate"}, {"name", "a"}, {"calculation", "${b} + 1"}});
         f["survey"].push_back({{"type", "calculate"}, {"name", "b"}, {"calculation", "${c} * 2"}});
         f["survey"].push_back(
             {{"type", "calculate"}, {"name", "c"}, {"calculation", "${a} - ${adults}"}});
     },
     {{"survey[12].calculation", "calculation cycle: a -> b -> c -> a"}}},
    {"calculation_self_reference",
     [](json& f) { row(f, 5)["calculation"] = "${adults} + 1"; },
     {{"survey[5].calculation", "calculation cycle: adults -> adults"}}},
    {"relevance_loops_are_not_cycles",
     [](json& f) {
         row(f, 3)["relevant"] = "${adults} > 0";
         row(f, 5)["relevant"] = "${job} != ''";
     },
     {}},
    {"several_problems_all_reported",
     [](json& f) {
         row(f, 0)["type"] = "number";
         row(f, 6)["relevant"] = "${nope}";
         f["settings"]["version"] = 2;
     },
     {{"settings.version", "must be a string"},
      {"survey[0].type", "unknown type number"},
      {"survey[6].relevant", "unknown field ${nope}"}}},
};

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, ReportsExactlyTheExpectedProblems) {
    const Case& c = GetParam();
    json f = vendors_form();
    c.mutate(f);
    auto loaded = load_form(f.dump());
    if (c.expected.empty()) {
        EXPECT_TRUE(loaded.has_value()) << describe(loaded.error().front());
        return;
    }
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(Forms, Malformed, ::testing::ValuesIn(cases),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(MalformedText, InvalidJsonGivesLineAndColumn) {
    auto loaded = load_form("{\n  \"settings\": tru,\n  \"survey\": []\n}");
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(),
              (std::vector<Problem>{{"", "invalid JSON at line 2, column 18: invalid literal"}}));
}

TEST(MalformedText, TruncatedJson) {
    auto loaded = load_form(R"({"settings": {"form_id": "x")");
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(), (std::vector<Problem>{{"",
                                                     "invalid JSON at line 1, column 29: "
                                                     "unexpected end of input; expected '}'"}}));
}

TEST(MalformedText, InvalidUtf8) {
    auto loaded = load_form("{\"settings\": \"\xff\"}");
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(), (std::vector<Problem>{{"",
                                                     "invalid JSON at line 1, column 15: "
                                                     "invalid string: ill-formed UTF-8 byte"}}));
}

TEST(MalformedText, DeepNestingIsRefusedBeforeParsing) {
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto loaded = load_form(deep);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(
        loaded.error(),
        (std::vector<Problem>{{"", "JSON nested deeper than 64 levels at line 1, column 65"}}));
}

TEST(MalformedText, HugeTextIsRefused) {
    std::string huge = "\"" + std::string(9u << 20, 'a') + "\"";
    auto loaded = load_form(huge);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(), (std::vector<Problem>{{"", "JSON text larger than 8 MiB"}}));
}

TEST(MalformedText, HugeNumbersAreNotACrash) {
    json f = vendors_form();
    f["survey"][0]["default"] = 1e300;
    std::string text = f.dump();
    auto loaded = load_form(text);
    ASSERT_FALSE(loaded.has_value());
    EXPECT_EQ(loaded.error(),
              (std::vector<Problem>{{"survey[0].default", "integer out of range: 1e+300"}}));
    auto overflow = load_form(R"({"settings": 1e999})");
    ASSERT_FALSE(overflow.has_value());
    EXPECT_EQ(overflow.error().front().message,
              "invalid JSON at line 1, column 18: number overflow parsing '1e999'");
}

TEST(MalformedText, EveryPrefixOfAValidFormFailsCleanly) {
    std::string text = vendors_form().dump(1);
    for (std::size_t n = 0; n < text.size(); n += 7) {
        auto loaded = load_form(std::string_view(text).substr(0, n));
        EXPECT_FALSE(loaded.has_value());
    }
}

}  // namespace
}  // namespace canvass::form
