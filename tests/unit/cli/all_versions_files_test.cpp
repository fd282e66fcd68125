// export --all-versions over versions that carry attached files: a file only an older
// version used stays, so that old records' answers keep their choices.
#include <gtest/gtest.h>

#include "cities_form.hpp"
#include "export/all_versions.hpp"

namespace canvass::exporting {
namespace {

using nlohmann::json;

TEST(AllVersionsFiles, AFileOnlyAnOlderVersionCarriedIsKept) {
    json old = canvass::testing::cities_form_json();
    json newest = old;
    newest["settings"]["version"] = "2";
    newest["survey"] = json::array({newest["survey"][0]});  // only the country question
    newest.erase("external");
    json older_rows = old;
    older_rows["external"]["cities.csv"]["rows"].push_back({"utr", "Utrecht", "", "nl", "361924"});
    auto merged = all_versions_form({newest.dump(), older_rows.dump(), old.dump()});
    ASSERT_TRUE(merged) << merged.error().message;
    const form::ChoiceList* cities = merged->choices("cities.csv");
    ASSERT_NE(cities, nullptr);
    EXPECT_EQ(cities->choices.size(), 6u);
    EXPECT_NE(merged->find("city"), nullptr);
}

}  // namespace
}  // namespace canvass::exporting
