// The coordinator's table of records (canvass/record_table.hpp, the desk's submissions page)
// on records built in memory: one total order whatever a column mixes (numbers, text, empty
// cells), filters on a select_multiple's words, search ignoring case, pages clamped to the
// table, and the first geopoint's place.
#include <gtest/gtest.h>

#include "device/record_table_build.hpp"
#include "export_test_support.hpp"
#include "form/loader.hpp"

namespace canvass {
namespace {

using cli::export_test::source_file;
using nlohmann::json;

RecordTable table_of(const std::vector<json>& answers) {
    auto loaded = form::load_form(source_file("schemas/forms/street_vendors.json"));
    EXPECT_TRUE(loaded.has_value());
    auto form = std::make_shared<const form::Form>(std::move(loaded).value());
    coordinator::Dataset dataset;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        merge::RecordId id{};
        id[0] = static_cast<std::uint8_t>(i + 1);
        auto& r = dataset.records.emplace_back(id);
        r.state.reset();
        r.view.id = id;
        r.view.meta.created = (i + 1) << 16;
        r.answers = answers[i];
    }
    return RecordTableAccess::build(form, std::move(dataset));
}

std::vector<std::string> column(const RecordTable& t, const TablePage& page,
                                const std::string& name) {
    std::size_t c = 0;
    while (t.columns()[c].name != name) ++c;
    std::vector<std::string> out;
    for (auto i : page.rows) out.push_back(t.rows()[i].cells[c]);
    return out;
}

TEST(RecordTableTest, AColumnMixingNumbersAndTextSortsInOneOrder) {
    std::vector<json> answers;
    for (const char* v : {"1a", "10", "", "nan", "2", "abc", "-3"})
        answers.push_back(*v ? json{{"goods_other", v}} : json::object());
    auto t = table_of(answers);
    TableQuery q;
    q.sort = "goods_other";
    q.descending = false;
    auto page = t.query(q);
    EXPECT_EQ(column(t, page, "goods_other"),
              (std::vector<std::string>{"-3", "2", "10", "1a", "abc", "nan", ""}));
    q.descending = true;
    page = t.query(q);
    EXPECT_EQ(column(t, page, "goods_other").front(), "");
}

TEST(RecordTableTest, FiltersMatchAWordOfASelectMultipleAndSearchIgnoresCase) {
    auto t = table_of({json{{"goods", {"fish_meat", "household"}}, {"market", "Makola"}},
                       json{{"goods", {"household_goods"}}, {"market", "kejetia"}},
                       json{{"goods", {"phone_items"}}, {"market", "makola"}}});
    TableQuery q;
    q.field = "goods";
    q.value = "household";
    EXPECT_EQ(t.query(q).matched, 1u);
    q.field.clear();
    q.search = "MAKOLA";
    EXPECT_EQ(t.query(q).matched, 2u);
    q.search = "no such text";
    auto none = t.query(q);
    EXPECT_EQ(none.matched, 0u);
    EXPECT_EQ(none.pages, 1u);
    EXPECT_TRUE(none.rows.empty());
}

TEST(RecordTableTest, APageBeyondTheLastShowsTheLast) {
    std::vector<json> answers(7, json{{"age", 30}});
    auto t = table_of(answers);
    TableQuery q;
    q.per_page = 3;
    q.page = 99;
    auto page = t.query(q);
    EXPECT_EQ(page.pages, 3u);
    EXPECT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(t.count_by_day().size(), 1u);
    EXPECT_EQ(t.count_by_device().begin()->second, 7u);
}

TEST(RecordTableTest, ChoicesShowTheirLabelsAndTheFirstGeopointIsTheRecordsPlace) {
    auto t = table_of(
        {json{{"goods", {"fish_meat", "household"}}, {"location", {{"lat", 5.55}, {"lon", -0.2}}}},
         json{{"location", {{"lat", 95.0}, {"lon", 0.0}}}}, json::object()});
    ASSERT_EQ(t.rows().size(), 3u);
    ASSERT_TRUE(t.rows()[0].point);
    EXPECT_DOUBLE_EQ(t.rows()[0].point->latitude, 5.55);
    EXPECT_DOUBLE_EQ(t.rows()[0].point->longitude, -0.2);
    EXPECT_FALSE(t.rows()[1].point) << "a latitude past the pole is no place";
    EXPECT_FALSE(t.rows()[2].point);
    const auto& form = t.form();
    EXPECT_EQ(form.choice_label("country", "pe", "fr"), "Pérou");
    EXPECT_EQ(form.choice_label("country", "pe", "xx"), "Peru") << "the default language's";
    EXPECT_EQ(form.choice_label("country", "zz", "fr"), "zz");
    EXPECT_EQ(form.cell_text("country", "pe", "es"), "Perú");
    EXPECT_EQ(form.answer_text("country", "\"mx\"", "fr"), "Mexique");
    auto goods = form.cell_text("goods", "fish_meat household", "en");
    EXPECT_NE(goods.find(", "), std::string::npos) << goods;
    EXPECT_EQ(form.answer_text("goods", R"(["fish_meat","household"])", "en"), goods);
    EXPECT_EQ(form.answer_text("age", "35.0", "en"), "35");
    EXPECT_EQ(form.answer_text("age", "null", "en"), "");
    EXPECT_EQ(form.answer_text("age", "not json", "en"), "");
    EXPECT_EQ(form.label("gender", "fr"), "Genre de la personne");
    EXPECT_EQ(form.language("fr"), "fr");
    EXPECT_EQ(form.language("xx"), form.default_language());
    const auto* loss = form.find("incidents/0f8fad5b-d9cb-469f-a165-70867728950e/incident_loss");
    ASSERT_TRUE(loss);
    EXPECT_EQ(loss->name, "incident_loss");
    EXPECT_FALSE(loss->main_table) << "asked in a repeat";
    EXPECT_TRUE(form.find("age")->main_table);
    EXPECT_FALSE(form.find("intro")->main_table) << "a note holds no value";
    for (const auto& c : t.columns()) EXPECT_TRUE(c.main_table) << c.name;
}

}  // namespace
}  // namespace canvass
