// The desk's submissions table on records built in memory: one total order whatever a
// column mixes (numbers, text, empty cells), filters on a select_multiple's words, search
// ignoring case, and pages clamped to the table.
#include <gtest/gtest.h>

#include "desk/submissions.hpp"
#include "export_test_support.hpp"
#include "form/loader.hpp"

namespace canvass::cli::desk {
namespace {

using export_test::source_file;
using nlohmann::json;

FormRecords table_of(const std::vector<json>& answers) {
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
    return index_records(form, std::move(dataset));
}

std::vector<std::string> column(const FormRecords& t, const TablePage& page,
                                const std::string& name) {
    std::size_t c = 0;
    while (t.columns[c].name != name) ++c;
    std::vector<std::string> out;
    for (auto i : page.rows) out.push_back(t.cells[i][c]);
    return out;
}

TEST(DeskTableTest, AColumnMixingNumbersAndTextSortsInOneOrder) {
    std::vector<json> answers;
    for (const char* v : {"1a", "10", "", "nan", "2", "abc", "-3"})
        answers.push_back(*v ? json{{"goods_other", v}} : json::object());
    auto t = table_of(answers);
    TableQuery q;
    q.sort = "goods_other";
    q.descending = false;
    auto page = query_table(t, q);
    EXPECT_EQ(column(t, page, "goods_other"),
              (std::vector<std::string>{"-3", "2", "10", "1a", "abc", "nan", ""}));
    q.descending = true;
    page = query_table(t, q);
    EXPECT_EQ(column(t, page, "goods_other").front(), "");
}

TEST(DeskTableTest, FiltersMatchAWordOfASelectMultipleAndSearchIgnoresCase) {
    auto t = table_of({json{{"goods", {"fish_meat", "household"}}, {"market", "Makola"}},
                       json{{"goods", {"household_goods"}}, {"market", "kejetia"}},
                       json{{"goods", {"phone_items"}}, {"market", "makola"}}});
    TableQuery q;
    q.field = "goods";
    q.value = "household";
    EXPECT_EQ(query_table(t, q).matched, 1u);
    q.field.clear();
    q.search = "MAKOLA";
    EXPECT_EQ(query_table(t, q).matched, 2u);
    q.search = "no such text";
    auto none = query_table(t, q);
    EXPECT_EQ(none.matched, 0u);
    EXPECT_EQ(none.pages, 1u);
    EXPECT_TRUE(none.rows.empty());
}

TEST(DeskTableTest, APageBeyondTheLastShowsTheLast) {
    std::vector<json> answers(7, json{{"age", 30}});
    auto t = table_of(answers);
    TableQuery q;
    q.per_page = 3;
    q.page = 99;
    auto page = query_table(t, q);
    EXPECT_EQ(page.pages, 3u);
    EXPECT_EQ(page.rows.size(), 1u);
    EXPECT_EQ(count_by_day(t).size(), 1u);
    EXPECT_EQ(count_by_device(t).begin()->second, 7u);
}

}  // namespace
}  // namespace canvass::cli::desk
