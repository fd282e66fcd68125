// Enrollment tokens keep their secret no longer than needed, and an administrator can see and
// end them: a token rebuilt from a stolen server.db must not enroll anything.
#include <fstream>
#include <iterator>

#include "field_device.hpp"
#include "interview/device_sink.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;

struct TokensTest : DemoServerTest {
    // `token create --json` with its id, for the tests that look the token up.
    json created_token(const std::string& expires = "1h") {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", "collector",
                                 "--expires", expires, "--address", server->address(), "--json"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        return json::parse(t.out);
    }

    // The secret bytes the server's database still holds for this token.
    std::size_t stored_secret(const std::string& id) {
        std::size_t size = 99;
        sqlite3* db = nullptr;
        EXPECT_EQ(sqlite3_open((data + "/server.db").c_str(), &db), SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(
            db, ("SELECT length(secret) FROM tokens WHERE hex(id) = upper('" + id + "')").c_str(),
            -1, &st, nullptr);
        if (sqlite3_step(st) == SQLITE_ROW)
            size = static_cast<std::size_t>(sqlite3_column_int(st, 0));
        sqlite3_finalize(st);
        sqlite3_close(db);
        return size;
    }

    json list() {
        auto l = server_command(tmp, data, {"token", "list", "--json"});
        EXPECT_EQ(l.exit_code, 0) << l.err;
        return json::parse(l.out);
    }

    std::string status_of(const std::string& id) {
        for (const auto& t : list())
            if (t.at("id") == id) return t.at("status");
        return "missing";
    }
};

TEST_F(TokensTest, AUsedTokenKeepsNoSecretAndListsTheDeviceThatUsedIt) {
    auto t = created_token();
    std::string id = t.at("id");
    EXPECT_EQ(stored_secret(id), 32u);
    EXPECT_EQ(status_of(id), "open");
    Device device;
    ASSERT_TRUE(device.enroll(t.at("token")));
    EXPECT_EQ(stored_secret(id), 0u) << "the secret of a used token stays in server.db";
    EXPECT_EQ(status_of(id), "used");
    for (const auto& row : list()) {
        if (row.at("id") == id) {
            EXPECT_EQ(row.at("used_by"), crypto::to_hex(device.keys.id));
        }
    }
}

TEST_F(TokensTest, AnExpiredTokenLosesItsSecretWhenNextLookedUp) {
    auto t = created_token("1s");
    std::string id = t.at("id");
    std::this_thread::sleep_for(2100ms);
    Device device;
    auto refused = device.enroll(t.at("token"));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("expired"), std::string::npos)
        << refused.error().message;
    EXPECT_EQ(stored_secret(id), 0u);
    EXPECT_EQ(status_of(id), "expired");
}

TEST_F(TokensTest, ARevokedTokenEnrollsNothing) {
    auto t = created_token();
    std::string id = t.at("id");
    auto short_id = id.substr(0, 8);
    auto r = server_command(tmp, data, {"token", "revoke", short_id});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("revoked token"), std::string::npos) << r.out;
    EXPECT_EQ(stored_secret(id), 0u);
    EXPECT_EQ(status_of(id), "revoked");
    Device device;
    EXPECT_FALSE(device.enroll(t.at("token")));

    EXPECT_EQ(server_command(tmp, data, {"token", "revoke", "zz"}).exit_code, 1);
    auto unknown = server_command(tmp, data, {"token", "revoke", "0000000000"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("no token"), std::string::npos) << unknown.err;
    auto used = created_token();
    Device other;
    ASSERT_TRUE(other.enroll(used.at("token")));
    auto late = server_command(tmp, data, {"token", "revoke", used.at("id")});
    EXPECT_EQ(late.exit_code, 1);
    EXPECT_NE(late.err.find("revoke the device instead"), std::string::npos) << late.err;
}

// `token create --label` names the person using the device; the welcome carries it, the
// device keeps it sealed, and a form's `username` question records it.
TEST_F(TokensTest, TheTokensLabelIsTheUsernameOfTheDevicesInterviewsAndIsSealedOnTheDevice) {
    const std::string label = "Amina Ouedraogo (market team)";
    auto t = server_command(tmp, data,
                            {"token", "create", "--project", "demo", "--role", "collector",
                             "--label", label, "--address", server->address(), "--json"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto device = FieldDevice::create(tmp / "amina");
    ASSERT_TRUE(device.enroll(json::parse(t.out).at("token")));
    auto project = device.store.project();
    ASSERT_TRUE(project && *project);
    EXPECT_EQ((*project)->label, label);

    auto added = device.store.add_form(R"({
      "settings": {"form_id": "visit", "version": "1", "title": {"en": "Visit"}, "default_language": "en"},
      "survey": [{"type": "username", "name": "who"}, {"type": "deviceid", "name": "device"},
                 {"type": "text", "name": "stall", "label": {"en": "Stall"}}]})");
    ASSERT_TRUE(added) << added.error().message;
    auto opened = interview::open_interview(device.store, {"visit", "", "", {}});
    ASSERT_TRUE(opened) << opened.error().message;
    auto& session = *(*opened)->session;
    ASSERT_TRUE(session.answer("\"stall 12\""));
    ASSERT_TRUE(session.finalize());
    auto record = device.store.record(*(*opened)->record());
    ASSERT_TRUE(record);
    EXPECT_EQ(record->answers.value("who", ""), label);
    EXPECT_EQ(record->answers.value("device", ""),
              "canvass:" + crypto::to_hex(device.store.keys().id));

    // Reopened, the store still has it; on disk it is nowhere in the clear.
    const std::string home = device.home;
    { auto moved = std::move(device.store); }
    auto reopened = store::DeviceStore::open(home, store::Passphrase{"field passphrase"});
    ASSERT_TRUE(reopened) << reopened.error().message;
    EXPECT_EQ((*reopened->project())->label, label);
    for (const auto& entry : std::filesystem::directory_iterator(home)) {
        std::ifstream in(entry.path(), std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(bytes.find("Ouedraogo"), std::string::npos)
            << entry.path() << " holds the label in the clear";
    }
}

}  // namespace
}  // namespace canvass::server_test
