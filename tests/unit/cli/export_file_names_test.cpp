// Export files are named after the form_id, which may hold ':' (the Community Health
// Toolkit's contact:person:create): Windows forbids ':' in file names, so it becomes '-'.
#include <gtest/gtest.h>

#include "export/writers.hpp"
#include "feature_form.hpp"

namespace canvass::exporting {
namespace {

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::load_feature_form;

TEST(ExportFileNames, AColonInTheFormIdBecomesAHyphen) {
    nlohmann::json survey = {{{"type", "text"}, {"name", "a"}, {"label", en("A?")}}};
    auto cht =
        load_feature_form(feature_form_json(survey, {}, {{"form_id", "contact:person:create"}}));
    ASSERT_TRUE(cht);
    EXPECT_EQ(file_stem(*cht), "contact-person-create");
    auto plain = load_feature_form(feature_form_json(survey, {}, {{"form_id", "market_survey"}}));
    ASSERT_TRUE(plain);
    EXPECT_EQ(file_stem(*plain), "market_survey");
}

}  // namespace
}  // namespace canvass::exporting
