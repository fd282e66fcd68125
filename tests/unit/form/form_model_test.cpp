// What the loader builds: the model other parts (store, exporter, interviewer) read.
#include <gtest/gtest.h>

#include "form/loader.hpp"
#include "test_forms.hpp"

namespace canvass::form {
namespace {

class FormModelTest : public ::testing::Test {
  protected:
    void SetUp() override {
        auto loaded = load_form(testing::vendors_form().dump());
        ASSERT_TRUE(loaded.has_value()) << describe(loaded.error().front());
        form = std::move(loaded).value();
    }
    std::optional<Form> form;
    const Row& row(const char* name) { return *form->find(name); }
};

TEST_F(FormModelTest, Settings) {
    const auto& s = form->settings();
    EXPECT_EQ(s.form_id, "vendors");
    EXPECT_EQ(s.version, "1");
    EXPECT_EQ(s.default_language, "en");
    EXPECT_EQ(s.languages, (std::vector<std::string>{"en", "fr"}));
    EXPECT_EQ(s.title.at("fr"), "Vendeurs");
}

TEST_F(FormModelTest, RowsAreInDocumentOrderWithTheirTree) {
    std::vector<std::string> names;
    for (const auto& r : form->rows()) names.push_back(r.name);
    EXPECT_EQ(names, (std::vector<std::string>{"age",        "country",    "city",    "work",
                                               "job",        "goods",      "members", "member_name",
                                               "member_age", "member_pos", "jobs",    "wage",
                                               "job_tag",    "adults",     "visit",   "start",
                                               "stamp",      "place",      "consent", "bye"}));
    for (std::size_t i = 0; i < form->rows().size(); ++i) EXPECT_EQ(form->rows()[i].id, i);
    EXPECT_EQ(form->top_rows().size(), 12u);
    EXPECT_EQ(row("job").parent, row("work").id);
    EXPECT_EQ(row("work").children, (std::vector<RowId>{row("job").id, row("goods").id}));
    EXPECT_EQ(row("wage").source_path, "survey[4].children[3].children[0]");
    EXPECT_EQ(form->find("nope"), nullptr);
}

TEST_F(FormModelTest, RepeatAncestry) {
    EXPECT_TRUE(row("age").repeats.empty());
    EXPECT_TRUE(row("job").repeats.empty());  // groups are not repeats
    EXPECT_TRUE(row("members").repeats.empty());
    EXPECT_EQ(row("member_age").repeats, (std::vector<RowId>{row("members").id}));
    EXPECT_EQ(row("wage").repeats, (std::vector<RowId>{row("members").id, row("jobs").id}));
    EXPECT_EQ(form->rows_answered_at(row("members").id),
              (std::vector<RowId>{row("member_name").id, row("member_age").id, row("member_pos").id,
                                  row("jobs").id}));
    EXPECT_EQ(form->rows_answered_at(row("jobs").id),
              (std::vector<RowId>{row("wage").id, row("job_tag").id}));
}

TEST_F(FormModelTest, TypesListsLabelsAndExpressions) {
    EXPECT_EQ(row("city").type, RowType::select_one);
    EXPECT_EQ(row("city").list_name, "city");
    EXPECT_EQ(row("goods").type, RowType::select_multiple);
    EXPECT_EQ(type_name(row("goods").type), "select_multiple");
    EXPECT_EQ(row("age").label.at("fr"), "Âge");
    EXPECT_EQ(text_in(row("age").constraint_message, "fr", "en"), "Entre 14 et 110");
    EXPECT_EQ(text_in(row("age").constraint_message, "es", "en"), "Between 14 and 110");
    ASSERT_TRUE(row("age").required.has_value());
    EXPECT_EQ(row("age").required->source(), "true()");
    EXPECT_FALSE(row("country").required.has_value());
    EXPECT_EQ(row("job").required->source(), "${age} > 20");
    EXPECT_EQ(row("work").relevant->field_references(), (std::vector<std::string>{"age"}));
    EXPECT_EQ(form->question_count(), 13u);
}

TEST_F(FormModelTest, ChoicesKeepExtraColumns) {
    const ChoiceList* cities = form->choices("city");
    ASSERT_NE(cities, nullptr);
    ASSERT_EQ(cities->choices.size(), 2u);
    EXPECT_EQ(cities->choices[1].name, "dakar");
    EXPECT_EQ(cities->choices[1].columns.at("country"), "sn");
    EXPECT_EQ(cities->find("nairobi")->label.at("en"), "Nairobi");
    EXPECT_EQ(cities->find("kampala"), nullptr);
    EXPECT_EQ(form->choices("nope"), nullptr);
}

TEST_F(FormModelTest, CalculationsAreOrderedAfterWhatTheyUse) {
    auto json = testing::vendors_form();
    json["survey"].push_back(
        {{"type", "calculate"}, {"name", "z"}, {"calculation", "${y} + ${adults}"}});
    json["survey"].push_back(
        {{"type", "calculate"}, {"name", "y"}, {"calculation", "${adults} * 2"}});
    auto loaded = load_form(json.dump());
    ASSERT_TRUE(loaded.has_value());
    std::vector<std::string> order;
    for (RowId id : loaded->calculation_order()) order.push_back(loaded->row(id).name);
    auto pos = [&](const char* n) {
        return std::find(order.begin(), order.end(), n) - order.begin();
    };
    EXPECT_EQ(order.size(), 5u);
    EXPECT_LT(pos("adults"), pos("y"));
    EXPECT_LT(pos("y"), pos("z"));
    EXPECT_LT(pos("member_pos"), pos("job_tag"));
}

TEST_F(FormModelTest, DefaultsAreKeptAsAnswers) {
    auto json = testing::vendors_form();
    json["survey"][1]["default"] = "ke";
    json["survey"][3]["children"][1]["default"] = {"fruit"};
    auto loaded = load_form(json.dump());
    ASSERT_TRUE(loaded.has_value()) << describe(loaded.error().front());
    EXPECT_EQ(loaded->find("country")->default_value, "ke");
    EXPECT_EQ(loaded->find("goods")->default_value, nlohmann::json({"fruit"}));
    EXPECT_TRUE(loaded->find("age")->default_value.is_null());
}

TEST(FormErrors, ProblemsConvertToOneError) {
    auto loaded = load_form("[]");
    ASSERT_FALSE(loaded.has_value());
    Error e = loaded.to_error();
    EXPECT_EQ(e.domain, Domain::form);
    EXPECT_EQ(e.message, "a form must be a JSON object");
    auto many = load_form(R"({"settings": 1, "survey": 2})");
    EXPECT_EQ(many.to_error().message, "settings: must be an object (and 1 more problem)");
}

}  // namespace
}  // namespace canvass::form
