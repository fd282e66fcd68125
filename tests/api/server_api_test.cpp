// The server's C++ API (canvass/server.hpp) as an organization's own admin tool would use it:
// built with only core/include on the include path, serving in a thread of this test while
// a phone built on canvass/device.hpp enrolls and syncs with it over loopback TCP.
#include <gtest/gtest.h>

#include <canvass/coordinator.hpp>
#include <canvass/device.hpp>
#include <canvass/forms.hpp>
#include <canvass/server.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "example_form.hpp"
#include "temp_dir.hpp"

namespace {

using canvass::Server;
using nlohmann::json;
using namespace std::chrono_literals;

using canvass::testing::answers_line;
using canvass::testing::kForm;
using canvass::testing::source;

// serve() in a thread of its own, stopped through a ServerStop when the test ends.
class Serving {
  public:
    explicit Serving(Server& server, canvass::ServeOptions options = {}) {
        options.listen = "127.0.0.1:0";
        auto bound = listening_.get_future();
        thread_ = std::thread([&server, options, this] {
            done_ = server.serve(
                options, [&](const std::string& at) { listening_.set_value(at); }, &stop_);
            if (!done_) listening_.set_value("");
        });
        if (bound.wait_for(60s) == std::future_status::ready) address = bound.get();
    }
    ~Serving() { (void)stop(); }
    canvass::Result<void> stop() {
        stop_.request();
        if (thread_.joinable()) thread_.join();
        return done_;
    }
    std::string address;

  private:
    std::promise<std::string> listening_;
    canvass::ServerStop stop_;
    canvass::Result<void> done_;
    std::thread thread_;
};

TEST(ServerApi, AnAdminToolRunsAProjectAndServesAPhoneUntilItIsToldToStop) {
    canvass::testing::TempDir tmp;
    const canvass::ServerPaths paths{tmp / "server"};

    auto not_yet = Server::open(paths);
    ASSERT_FALSE(not_yet) << "a directory never initialized is not a server";
    EXPECT_NE(not_yet.error().message.find("init"), std::string::npos) << not_yet.error().message;

    auto bad_address = Server::init(paths, "no port here");
    ASSERT_FALSE(bad_address);
    EXPECT_FALSE(std::filesystem::exists(paths.dir / "server.key")) << "refused before anything";
    auto key = Server::init(paths);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(key->size(), 64u);
    auto again = Server::init(paths);
    ASSERT_FALSE(again) << "a second init must never replace the key devices pinned";
    EXPECT_EQ(again.error().code, canvass::errc::already_exists);

    auto server = Server::open(paths);
    ASSERT_TRUE(server) << server.error().message;

    // Who may read: a coordinator signs it; the server only keeps it.
    const std::string coordinator_key = tmp / "coordinator.key";
    ASSERT_TRUE(canvass::create_coordinator_key(coordinator_key, "key passphrase"));
    canvass::RecipientChange first;
    first.project = "demo";
    auto signed_first = canvass::sign_recipients(coordinator_key, "key passphrase", first);
    ASSERT_TRUE(signed_first) << signed_first.error().message;
    auto created = server->create_project("demo", signed_first->text);
    ASSERT_TRUE(created) << created.error().message;
    EXPECT_EQ(created->fingerprint, signed_first->fingerprint);
    EXPECT_EQ(created->serial, 1u);
    ASSERT_EQ(created->recipients.size(), 1u);
    EXPECT_FALSE(server->create_project("demo", signed_first->text)) << "the name is taken";
    EXPECT_FALSE(server->create_project("other", "canvass-recipients1-00"))
        << "a statement that does not parse";
    auto current = server->recipients("demo");
    ASSERT_TRUE(current) << current.error().message;
    EXPECT_EQ(current->text, signed_first->text);

    // Forms: checked and converted by forms.hpp, published once, immutable per version.
    auto checked = canvass::check_form_file(source("schemas/forms/" + kForm + ".json"));
    ASSERT_TRUE(checked.valid());
    auto published = server->publish_form("demo", checked.json_text);
    ASSERT_TRUE(published) << published.error().message;
    EXPECT_EQ(published->form_id, kForm);
    EXPECT_EQ(published->hash.size(), 64u);
    auto republished = server->publish_form("demo", checked.json_text);
    ASSERT_TRUE(republished) << "the same body again changes nothing";
    EXPECT_EQ(republished->hash, published->hash);
    auto changed = json::parse(checked.json_text);
    changed["settings"]["title"]["en"] = "Another title under the same version";
    auto clash = server->publish_form("demo", changed.dump());
    ASSERT_FALSE(clash);
    EXPECT_EQ(clash.error().code, canvass::errc::already_exists) << clash.error().message;
    auto invalid = server->publish_form("demo", R"({"survey": []})");
    ASSERT_FALSE(invalid);
    EXPECT_EQ(invalid.error().domain, canvass::Domain::form);
    std::string huge = checked.json_text;
    huge.insert(huge.size() - 1, ",\"pad\":\"" + std::string(5u << 20, 'x') + "\"");
    auto too_big = server->publish_form("demo", huge);
    ASSERT_FALSE(too_big);
    EXPECT_EQ(too_big.error().code, canvass::errc::limit_exceeded) << too_big.error().message;
    EXPECT_FALSE(server->publish_form("nowhere", checked.json_text)) << "no such project";

    // Serving, in this process; reports read beside it from a read-only opening.
    Serving serving(*server);
    ASSERT_FALSE(serving.address.empty()) << "serve() did not listen";
    auto reports = Server::open(paths, Server::Access::read_only);
    ASSERT_TRUE(reports) << reports.error().message;
    auto refused = reports->serve({}, [](const std::string&) {});
    ASSERT_FALSE(refused) << "a read-only opening must not serve";
    EXPECT_EQ(refused.error().code, canvass::errc::read_only);

    EXPECT_FALSE(server->create_token({.project = "demo", .role = "collector"}))
        << "no address given and none saved by init";
    EXPECT_FALSE(
        server->create_token({.project = "demo", .role = "janitor", .address = serving.address}));
    EXPECT_FALSE(server->create_token(
        {.project = "demo", .role = "collector", .address = serving.address, .label = "a\"b"}));
    auto token = server->create_token(
        {.project = "demo", .role = "collector", .address = serving.address, .label = "Amina"});
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(token->address, serving.address);
    EXPECT_EQ(token->token.status, "open");
    EXPECT_EQ(token->token.label, "Amina");
    auto info = canvass::inspect_token(token->text);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->project, "demo");

    auto phone = canvass::Device::create(tmp / "phone", "phone passphrase");
    ASSERT_TRUE(phone) << phone.error().message;
    auto enrolled = phone->enroll(token->text, created->fingerprint);
    ASSERT_TRUE(enrolled) << enrolled.error().message;
    ASSERT_EQ(enrolled->forms_installed.size(), 1u);
    auto record = phone->create_record(kForm, answers_line(0), true);
    ASSERT_TRUE(record) << record.error().message;
    auto synced = phone->sync();
    ASSERT_TRUE(synced) << synced.error().message;
    EXPECT_EQ(synced->changesets.acknowledged, 1u);

    auto stats = reports->stats("demo");
    ASSERT_TRUE(stats) << stats.error().message;
    ASSERT_EQ(stats->size(), 1u);
    EXPECT_EQ((*stats)[0].records, 1u);
    EXPECT_EQ((*stats)[0].devices, 1u);
    EXPECT_EQ((*stats)[0].changesets, 1u);
    EXPECT_EQ((*stats)[0].state_digest.size(), 64u);
    auto devices = reports->devices();
    ASSERT_TRUE(devices) << devices.error().message;
    ASSERT_EQ(devices->size(), 1u);
    const auto& device = (*devices)[0];
    EXPECT_EQ(device.label, "Amina");
    EXPECT_EQ(device.role, "collector");
    EXPECT_EQ(device.records, 1u);
    EXPECT_GT(device.last_seen_unix, 0u);
    EXPECT_FALSE(device.revoked);
    auto tokens = reports->tokens("demo");
    ASSERT_TRUE(tokens) << tokens.error().message;
    ASSERT_EQ(tokens->size(), 1u);
    EXPECT_EQ((*tokens)[0].status, "used");
    EXPECT_EQ((*tokens)[0].used_by, device.id);
    EXPECT_FALSE(server->revoke_token(token->token.id)) << "a used token cannot be revoked";
    auto forms = reports->forms("demo");
    ASSERT_TRUE(forms) << forms.error().message;
    ASSERT_EQ(forms->size(), 1u);
    EXPECT_EQ((*forms)[0].records, 1u);
    auto projects = reports->projects();
    ASSERT_TRUE(projects && projects->size() == 1u);
    EXPECT_EQ((*projects)[0].records, 1u);

    // An unused token revoked, then a revoked device refused at its next sync.
    auto spare =
        server->create_token({.project = "demo", .role = "organizer", .address = serving.address});
    ASSERT_TRUE(spare) << spare.error().message;
    auto ended = server->revoke_token(spare->token.id.substr(0, 8));
    ASSERT_TRUE(ended) << ended.error().message;
    EXPECT_EQ(ended->status, "revoked");
    EXPECT_FALSE(server->revoke_device("zz")) << "not a device id prefix";
    auto revoked = server->revoke_device(device.id.substr(0, 6));
    ASSERT_TRUE(revoked) << revoked.error().message;
    EXPECT_TRUE(revoked->revoked);
    ASSERT_TRUE(phone->create_record(kForm, answers_line(1), true));
    EXPECT_FALSE(phone->sync()) << "a revoked device's sync is refused";

    auto stopped = serving.stop();
    EXPECT_TRUE(stopped) << stopped.error().message;
    auto after = Server::open(paths, Server::Access::read_only);
    ASSERT_TRUE(after);
    auto last = after->stats();
    ASSERT_TRUE(last && last->size() == 1u);
    EXPECT_EQ((*last)[0].records, 1u) << "nothing of the revoked device's later work merged";
    EXPECT_EQ((*last)[0].revoked_devices, 1u);
}

// The server's own time, moved by the test while the server runs in another thread.
class TestClock final : public canvass::Clock {
  public:
    explicit TestClock(std::uint64_t ms) : ms_(ms) {}
    std::uint64_t now_ms() override { return ms_.load(); }
    int utc_offset_minutes(std::uint64_t) override { return 0; }
    void advance(std::uint64_t ms) { ms_ += ms; }

  private:
    std::atomic<std::uint64_t> ms_;
};

TEST(ServerApi, TokensExpireOnTheClockTheServerIsGiven) {
    canvass::testing::TempDir tmp;
    const canvass::ServerPaths paths{tmp / "server"};
    ASSERT_TRUE(Server::init(paths));
    TestClock clock(1'900'000'000'000);  // 2030
    auto server = Server::open(paths, Server::Access::read_write, &clock);
    ASSERT_TRUE(server) << server.error().message;
    const std::string coordinator_key = tmp / "coordinator.key";
    ASSERT_TRUE(canvass::create_coordinator_key(coordinator_key, "key passphrase"));
    canvass::RecipientChange first;
    first.project = "demo";
    auto statement = canvass::sign_recipients(coordinator_key, "key passphrase", first);
    ASSERT_TRUE(statement) << statement.error().message;
    auto created = server->create_project("demo", statement->text);
    ASSERT_TRUE(created) << created.error().message;

    Serving serving(*server);
    ASSERT_FALSE(serving.address.empty());
    auto token = server->create_token(
        {.project = "demo", .role = "collector", .valid_seconds = 60, .address = serving.address});
    ASSERT_TRUE(token) << token.error().message;
    EXPECT_EQ(token->token.expires_unix, 1'900'000'000u + 60u);
    clock.advance(120'000);
    auto tokens = server->tokens();
    ASSERT_TRUE(tokens && tokens->size() == 1u);
    EXPECT_EQ((*tokens)[0].status, "expired");
    auto phone = canvass::Device::create(tmp / "phone", "phone passphrase");
    ASSERT_TRUE(phone) << phone.error().message;
    auto late = phone->enroll(token->text, created->fingerprint);
    ASSERT_FALSE(late) << "the server's clock says the token has expired";
    EXPECT_NE(late.error().message.find("expired"), std::string::npos) << late.error().message;
}

TEST(ServerApi, AStopRequestedBeforeServingEndsItAsSoonAsItListens) {
    canvass::testing::TempDir tmp;
    const canvass::ServerPaths paths{tmp / "server"};
    ASSERT_TRUE(Server::init(paths));
    auto server = Server::open(paths);
    ASSERT_TRUE(server) << server.error().message;
    canvass::ServerStop stop;
    stop.request();
    stop.request();
    std::string address;
    auto done = server->serve(
        {.listen = "127.0.0.1:0"}, [&](const std::string& at) { address = at; }, &stop);
    EXPECT_TRUE(done) << done.error().message;
    EXPECT_FALSE(address.empty());
    auto taken = server->serve({.listen = "256.1.1.1:0"}, [](const std::string&) {});
    ASSERT_FALSE(taken) << "an address that is not one is refused";
}

TEST(ServerApi, MigrationRefusesWhatIsNotAPostgresqlUrl) {
    canvass::testing::TempDir tmp;
    ASSERT_TRUE(Server::init({tmp / "server"}));
    auto report = canvass::migrate_to_postgresql(tmp / "server", "mysql://somewhere/db");
    ASSERT_FALSE(report);
    EXPECT_NE(report.error().message.find("postgresql://"), std::string::npos);
}

}  // namespace
