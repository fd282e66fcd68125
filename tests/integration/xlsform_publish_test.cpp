// canvass-server form publish takes an XLSForm spreadsheet: devices receive its JSON twin,
// the same form as the JSON file, with the CSV files it names beside it; a broken spreadsheet
// publishes nothing.
#include <gmock/gmock.h>

#include <nlohmann/json.hpp>

#include "cities_form.hpp"
#include "field_device.hpp"
#include "form/loader.hpp"
#include "canvass/interview.hpp"
#include "xlsform/export.hpp"
#include "recording_sink.hpp"

namespace canvass::server_test {
namespace {

using canvass::testing::RecordingSink;

using json = nlohmann::json;

const std::string kForms = std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/";

struct PublishTest : DemoServerTest {
    // Publishes `file` to the project demo (its output must start with `said`), then enrolls a
    // new device at `home` and syncs it, so that it holds what was published.
    FieldDevice device_after_publishing(const std::string& file, const std::string& said,
                                        const std::string& home) {
        auto published = server_command(tmp, data, {"form", "publish", "--project", "demo", file});
        EXPECT_EQ(published.exit_code, 0) << published.err;
        EXPECT_EQ(published.out.rfind(said, 0), 0u) << published.out;
        auto device = FieldDevice::create(home);
        EXPECT_TRUE(device.enroll(token())) << "enroll";
        auto synced = device.sync();
        EXPECT_TRUE(synced) << (synced ? "" : synced.error().message);
        return device;
    }
};

TEST_F(PublishTest, PublishTakesAnXlsxAndDevicesReceiveTheForm) {
    auto device = device_after_publishing(kForms + "street_vendors.xlsx",
                                          "published form street_vendors version 2026.11.1 to demo",
                                          tmp / "device");

    auto listed = json::parse(server_command(tmp, data, {"form", "list", "--json"}).out);
    bool found = false;
    for (const auto& f : listed)
        found = found ||
                (f.value("form", "") == "street_vendors" && f.value("version", "") == "2026.11.1");
    EXPECT_TRUE(found) << listed.dump();

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

TEST_F(PublishTest, AFormWithACsvFileReachesDevicesAndOffersItsChoices) {
    // The spreadsheet and cities.csv beside it, as form export writes them.
    ASSERT_TRUE(xlsform::export_xlsform(canvass::testing::cities_form_json(), tmp / "cities.xlsx"));
    auto device = device_after_publishing(tmp / "cities.xlsx", "published form f version 1 to demo",
                                          tmp / "device");
    auto text = device.store.form_text("f", "1");
    ASSERT_TRUE(text && *text) << "the device has no form f 1";
    auto form = form::load_form(**text);
    ASSERT_TRUE(form);
    RecordingSink sink;
    auto s = interview::FormSession::open(form.value(), sink, {});
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->answer("\"ca\""));
    ASSERT_TRUE(s->next());
    std::vector<std::string> offered;
    for (const auto& c : s->current().choices) offered.push_back(c.name + "=" + c.label);
    EXPECT_THAT(offered, ::testing::ElementsAre("tor=Toronto", "mtl=Montreal"));
}

TEST_F(DemoServerTest, PublishRefusesAFormWhoseCsvFileIsMissing) {
    ASSERT_TRUE(xlsform::export_xlsform(canvass::testing::cities_form_json(), tmp / "cities.xlsx"));
    std::filesystem::remove(tmp / "cities.csv");
    auto r =
        server_command(tmp, data, {"form", "publish", "--project", "demo", tmp / "cities.xlsx"});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find(
                  "survey row 3, column type: the file cities.csv is not attached to the form: put "
                  "cities.csv beside the form's spreadsheet"),
              std::string::npos)
        << r.err;
    auto listed = json::parse(server_command(tmp, data, {"form", "list", "--json"}).out);
    EXPECT_TRUE(listed.empty()) << listed.dump();
}

TEST_F(DemoServerTest, PublishRefusesAFormTooLargeToReachDevices) {
    json twin = canvass::testing::cities_form_json();
    auto& rows = twin["external"]["cities.csv"]["rows"];
    for (int i = 0; i < 20000; ++i)  // some 4.5 MB: every row a line of some 220 bytes
        rows.push_back({"c" + std::to_string(i), std::string(200, 'x'), "", "nl", "1"});
    std::string file = tmp / "large.json";
    std::ofstream(file) << twin.dump();
    auto r = server_command(tmp, data, {"form", "publish", "--project", "demo", file});
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("more than the 4 MiB a form sent to devices may be"), std::string::npos)
        << r.err;
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
