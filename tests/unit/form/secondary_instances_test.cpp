// Secondary instances (ODK XForms specification, "Secondary instances"): the form's choice
// lists and its attached CSV files read by instance('id')/root/item[predicate]/column,
// current(), pulldata(), paths into the form's own fields, and select_one_from_file.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cities_form.hpp"
#include "form/expression.hpp"
#include "form/validate.hpp"

namespace canvass::form {
namespace {

using canvass::testing::cities_form_json;
using canvass::testing::feature_form_problems;
using canvass::testing::feature_form_violations;
using canvass::testing::load_feature_form;
using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// A scope holding one instance, the spec's cities, and the fields it is given.
class InstanceScope : public Scope {
  public:
    DataInstance cities{{"name", "country"}, {{"ams", "nl"}, {"rtm", "nl"}, {"tor", "ca"}}};
    std::map<std::string, std::string, std::less<>> fields;

    Value field(std::string_view name) const override {
        auto it = fields.find(name);
        return it == fields.end() ? Value{} : Value::string(it->second);
    }
    Instant now() const override { return {}; }
    const DataInstance* secondary_instance(std::string_view id) const override {
        return id == "cities" ? &cities : nullptr;
    }
};

Value eval(const std::string& text, const Scope& scope) {
    auto e = Expression::parse(text);
    EXPECT_TRUE(e) << text << ": " << (e ? "" : e.error().message);
    return e ? evaluate(*e, scope) : Value{};
}

TEST(SecondaryInstances, PredicatesSelectItemsAndTheLastStepTheirColumn) {
    InstanceScope scope;
    scope.fields["country"] = "nl";
    EXPECT_THAT(eval("instance('cities')/root/item[country = ${country}]/name", scope).items(),
                ElementsAre("ams", "rtm"));
    EXPECT_EQ(eval("instance('cities')/root/item[name = 'tor']/country", scope).as_string(), "ca");
    // A number as predicate is a position (XPath 1.0): the second item.
    EXPECT_EQ(eval("instance('cities')/root/item[2]/name", scope).as_string(), "rtm");
    EXPECT_EQ(eval("count(instance('cities')/root/item)", scope).as_number(), 3);
    EXPECT_EQ(eval("count(instance('cities')/root/item[country = 'nl'][2])", scope).as_number(), 1);
    // '..' climbs back from a column to its item.
    EXPECT_EQ(eval("instance('cities')/root/item/name[. = 'tor']/../country", scope).as_string(),
              "ca");
    EXPECT_EQ(
        eval("instance('cities')/root/item[country = 'ca']/name/../country", scope).as_string(),
        "ca");
    // No match, an unknown instance: an empty node-set, whose string is "".
    EXPECT_EQ(eval("instance('cities')/root/item[name = 'paris']/country", scope).as_string(), "");
    EXPECT_EQ(eval("count(instance('towns')/root/item)", scope).as_number(), 0);
}

TEST(SecondaryInstances, PathsIntoTheFormReadTheFieldTheyName) {
    InstanceScope scope;
    scope.fields["age"] = "30";
    EXPECT_EQ(eval("/data/age + 1", scope).as_number(), 31);
    EXPECT_EQ(eval("../age", scope).as_string(), "30");
    EXPECT_EQ(eval("current()/../age", scope).as_string(), "30");
    auto e = Expression::parse("/data/household/age > ../age and current()/../size");
    ASSERT_TRUE(e);
    EXPECT_THAT(e->field_references(), ElementsAre("age", "size"));
}

TEST(SecondaryInstances, PulldataReadsTheFirstRowWithTheKey) {
    InstanceScope scope;
    EXPECT_EQ(eval("pulldata('cities', 'country', 'name', 'tor')", scope).as_string(), "ca");
    EXPECT_EQ(eval("pulldata('cities', 'country', 'name', 'paris')", scope).as_string(), "");
    EXPECT_EQ(eval("pulldata('cities', 'nope', 'name', 'tor')", scope).as_string(), "");
}

TEST(SecondaryInstances, PathSyntaxErrorsNameTheColumn) {
    auto descendant = Expression::parse("instance('c')//item");
    ASSERT_FALSE(descendant);
    EXPECT_THAT(descendant.error().message,
                HasSubstr("column 15: '//' (any descendant) is not supported"));
    auto open = Expression::parse("instance('c')/root/item[name = 'a'/name");
    ASSERT_FALSE(open);
    EXPECT_THAT(open.error().message, HasSubstr("expected ']'"));
    EXPECT_FALSE(Expression::parse("/"));
}

TEST(SelectFromFile, ChoicesComeFromTheFileWithLabelsPerLanguage) {
    auto form = load_feature_form(cities_form_json());
    ASSERT_TRUE(form);
    const ChoiceList* list = form->choices("cities.csv");
    ASSERT_NE(list, nullptr);
    EXPECT_EQ(list->file, "cities.csv");
    ASSERT_EQ(list->choices.size(), 5u);
    EXPECT_EQ(list->choices[4].label.at("fr"), "Montréal");
    EXPECT_EQ(list->choices[0].label.at("fr"), "Amsterdam");  // label::fr empty: label
    EXPECT_EQ(list->choices[3].columns.at("country"), "ca");
    ASSERT_NE(form->instance("cities"), nullptr);
    ASSERT_NE(form->instance("country"), nullptr);
    EXPECT_THAT(form->instance("country")->columns, ElementsAre("name", "label"));
}

TEST(SelectFromFile, LookupsAndCurrentComputeAsTheSpecSays) {
    auto form = load_feature_form(cities_form_json());
    ASSERT_TRUE(form);
    json answers = {{"country", "ca"},
                    {"city", "tor"},
                    {"trips", {{{"trip_country", "nl"}, {"trip_city", "dhg"}}}}};
    auto v = validate_answers(*form, answers);
    ASSERT_TRUE(v.ok()) << describe(v.violations.front());
    EXPECT_EQ(v.completed["country_label"], "Canada");
    EXPECT_EQ(v.completed["population"], "2794356");
    EXPECT_EQ(v.completed["big_cities"], 2);
    EXPECT_EQ(v.completed["country_again"], "ca");
    EXPECT_EQ(v.completed["trips"][0]["trip_label"], "The Hague");
}

TEST(SelectFromFile, AnAnswerNotInTheFileOrFilteredOutIsRefused) {
    auto form = load_feature_form(cities_form_json());
    ASSERT_TRUE(form);
    EXPECT_THAT(feature_form_violations(*form, {{"country", "ca"}, {"city", "paris"}}),
                ElementsAre(HasSubstr("city: ")));
    EXPECT_THAT(feature_form_violations(*form, {{"country", "ca"}, {"city", "ams"}}),
                ElementsAre(HasSubstr("city: ")));
    EXPECT_THAT(feature_form_violations(
                    *form, {{"trips", {{{"trip_country", "nl"}, {"trip_city", "tor"}}}}}),
                ElementsAre(HasSubstr("trips[1].trip_city: ")));
}

TEST(SelectFromFile, AMissingFileOrNameColumnIsAProblemAtTheType) {
    json missing = cities_form_json();
    missing.erase("external");
    EXPECT_THAT(feature_form_problems(missing),
                ::testing::Contains(
                    HasSubstr("survey[1].type: the file cities.csv is not attached to the form: "
                              "put cities.csv beside the form's spreadsheet")));
    json nameless = cities_form_json();
    nameless["external"]["cities.csv"]["columns"][0] = "code";
    EXPECT_THAT(feature_form_problems(nameless),
                ::testing::Contains(HasSubstr("survey[1].type: cities.csv has no column name")));
}

// pyxform's parameters value= and label=: other columns of the file give the choices' names
// and labels, so a file made for something else (a registry of stalls by code) serves as is.
TEST(SelectFromFile, ValueAndLabelParametersNameTheColumnsOfNamesAndLabels) {
    json doc = cities_form_json();
    doc["survey"].push_back({{"type", "select_one_from_file cities.csv"},
                             {"name", "city_by_count"},
                             {"label", {{"en", "City"}, {"fr", "Ville"}}},
                             {"parameters", "value=population, label=name"}});
    auto form = load_feature_form(doc);
    ASSERT_TRUE(form) << ::testing::PrintToString(feature_form_problems(doc));
    const Row* row = form->find("city_by_count");
    ASSERT_NE(row, nullptr);
    const ChoiceList* list = form->choices(row->list_name);
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->choices.size(), 5u);
    EXPECT_EQ(list->choices[3].name, "2794356");
    EXPECT_EQ(list->choices[3].label.at("en"), "tor");
    EXPECT_EQ(list->choices[3].columns.at("country"), "ca")
        << "the other columns stay for choice_filter";
    // The same file read the usual way by another question is its own list.
    EXPECT_EQ(form->choices("cities.csv")->choices[3].name, "tor");
    EXPECT_TRUE(feature_form_violations(*form, {{"city_by_count", "2794356"}}).empty());
    EXPECT_THAT(feature_form_violations(*form, {{"city_by_count", "tor"}}),
                ElementsAre(HasSubstr("city_by_count")));
}

TEST(SelectFromFile, ParametersNamingNoColumnOrOnTheFormsOwnListAreProblems) {
    json doc = cities_form_json();
    doc["survey"][1]["parameters"] = "value=code";
    EXPECT_THAT(feature_form_problems(doc),
                ::testing::Contains(
                    HasSubstr("survey[1].type: cities.csv has no column code (the parameter "
                              "value=code names the column of the choices' names); its columns "
                              "are name, label, label::fr, country, population")));
    doc["survey"][1]["parameters"] = "label=title";
    EXPECT_THAT(feature_form_problems(doc),
                ::testing::Contains(HasSubstr("cities.csv has no column title")));
    doc["survey"][1]["parameters"] = "randomize=true";
    EXPECT_THAT(
        feature_form_problems(doc),
        ::testing::Contains(HasSubstr("survey[1].parameters: unknown parameter randomize")));
    json own = cities_form_json();
    own["survey"][0]["parameters"] = "value=name";
    EXPECT_THAT(feature_form_problems(own),
                ::testing::Contains(
                    HasSubstr("survey[0].parameters: parameters value= and label= are for selects "
                              "from a file")));
}

TEST(SelectFromFile, UnknownInstancesAndColumnsAreProblemsAtTheirExpression) {
    json doc = cities_form_json();
    doc["survey"][2]["calculation"] = "instance('towns')/root/item[name = ${country}]/label";
    doc["survey"][3]["calculation"] = "pulldata('cities', 'people', 'name', ${city})";
    doc["survey"][4]["calculation"] = "instance('cities')/root/item[size > 1]/label";
    doc["survey"][5]["calculation"] = "/data/nowhere/country";
    EXPECT_THAT(
        feature_form_problems(doc),
        ElementsAre(
            "survey[2].calculation: unknown instance 'towns': the form has no choice list "
            "towns and no file towns.csv attached (put towns.csv beside the form's "
            "spreadsheet)",
            HasSubstr("survey[3].calculation: pulldata(): 'cities' has no column people"),
            HasSubstr("survey[4].calculation: unknown name size in a predicate"),
            HasSubstr("survey[5].calculation: the path to ${country} goes through nowhere")));
}

}  // namespace
}  // namespace canvass::form
