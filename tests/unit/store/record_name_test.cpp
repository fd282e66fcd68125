// A form's instance_name names its records where the store lists them (canvass records,
// show, and the C ABI's record list all read RecordSummary::name).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "feature_form.hpp"
#include "store/device_store.hpp"
#include "store/record_json.hpp"
#include "temp_dir.hpp"

namespace canvass::store {
namespace {

using canvass::testing::en;
using canvass::testing::feature_form_json;
using canvass::testing::TempDir;
using nlohmann::json;

TEST(RecordName, InstanceNameNamesRecordsInListingsAndTheirJson) {
    TempDir dir;
    StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    auto store =
        DeviceStore::create((dir.path() / "home").string(), Passphrase{"correct horse"}, o);
    ASSERT_TRUE(store) << store.error().message;
    json named =
        feature_form_json({{{"type", "text"}, {"name", "village"}, {"label", en("Village")}},
                           {{"type", "integer"}, {"name", "hh"}, {"label", en("Household")}}},
                          json::object(), {{"instance_name", "concat(${village}, ' #', ${hh})"}});
    ASSERT_TRUE(store->add_form(named.dump()));
    auto final_id = store->create_record("f", {{"village", "Kisumu"}, {"hh", 12}}, true);
    auto draft_id = store->create_record("f", {{"village", "Siaya"}}, false);
    ASSERT_TRUE(final_id && draft_id);
    auto list = store->records();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 2u);
    for (const auto& s : *list) {
        EXPECT_EQ(s.name, s.id == *final_id ? "Kisumu #12" : "Siaya #");
        EXPECT_EQ(summary_json(s)["name"], s.name);
    }
    auto snap = store->record(*final_id);
    ASSERT_TRUE(snap);
    EXPECT_EQ(snap->summary.name, "Kisumu #12");
}

}  // namespace
}  // namespace canvass::store
