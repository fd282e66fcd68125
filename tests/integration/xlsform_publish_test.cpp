// canvass-server form publish takes an XLSForm spreadsheet: devices receive its JSON twin,
// the same form as the JSON file; a broken spreadsheet publishes nothing.
#include <nlohmann/json.hpp>

#include "field_device.hpp"
#include "form/loader.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

const std::string kForms = std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/";

TEST_F(DemoServerTest, PublishTakesAnXlsxAndDevicesReceiveTheForm) {
    auto published = server_command(
        tmp, data, {"form", "publish", "--project", "demo", kForms + "street_vendors.xlsx"});
    ASSERT_EQ(published.exit_code, 0) << published.err;
    EXPECT_EQ(published.out.rfind("published form street_vendors version 2026.11.1 to demo", 0), 0u)
        << published.out;

    auto listed = json::parse(server_command(tmp, data, {"form", "list", "--json"}).out);
    bool found = false;
    for (const auto& f : listed)
        found = found ||
                (f.value("form", "") == "street_vendors" && f.value("version", "") == "2026.11.1");
    EXPECT_TRUE(found) << listed.dump();

    auto device = FieldDevice::create(tmp / "device");
    ASSERT_TRUE(device.enroll(token())) << "enroll";
    auto synced = device.sync();
    ASSERT_TRUE(synced) << synced.error().message;
    auto forms = device.store.forms();
    ASSERT_TRUE(forms) << forms.error().message;
    auto json_form = form::load_form(slurp(kForms + "street_vendors.json"));
    ASSERT_TRUE(json_form);
    bool received = false;
    for (const auto& f : *forms) {
        if (f.form_id != "street_vendors") continue;
        received = true;
        EXPECT_EQ(f.version, "2026.11.1");
        EXPECT_EQ(f.questions, json_form->question_count());
    }
    EXPECT_TRUE(received);
}

TEST_F(DemoServerTest, PublishRefusesABrokenSpreadsheetByCell) {
    std::string bad = tmp / "bad.xlsx";
    { std::ofstream(bad, std::ios::binary) << "PK\x03\x04 truncated"; }
    auto r = server_command(tmp, data, {"form", "publish", "--project", "demo", bad});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(bad + ": not an .xlsx workbook: the zip archive is damaged or truncated"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("is not a valid form; nothing was published"), std::string::npos) << r.err;
    std::string misnamed = tmp / "form.txt";
    std::ofstream(misnamed) << "not a form";
    r = server_command(tmp, data, {"form", "publish", "--project", "demo", misnamed});
    EXPECT_EQ(r.exit_code, 1);
    auto listed = json::parse(server_command(tmp, data, {"form", "list", "--json"}).out);
    EXPECT_TRUE(listed.empty()) << listed.dump();
}

}  // namespace
}  // namespace canvass::server_test
