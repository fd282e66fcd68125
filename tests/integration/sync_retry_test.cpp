// `canvass sync --until-done` on a link that comes and goes: it waits and tries again while
// the server is out of reach, delivers everything once it is back, gives up when told to,
// and never retries what waiting does not change.
#include <stdlib.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>

#include "../unit/cli/run_captured.hpp"
#include "server_harness.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

const std::string kPassphrase = "retry test";

struct SyncRetryTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    std::string home = tmp / "device";
    std::unique_ptr<RunningServer> server;
    std::string address;
    pid_t restarted = -1;

    void SetUp() override {
        setenv("CANVASS_PASSPHRASE", kPassphrase.c_str(), 1);
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        auto key = crypto::generate_dh_key();
        ASSERT_EQ(server_command(tmp, data,
                                 {"project", "create", "demo", "--recipients",
                                  recipients_file(tmp, "demo", key)})
                      .exit_code,
                  0);
        std::string form = tmp / "visit.json";
        std::ofstream(form) << R"({
          "settings": {"form_id": "visit", "version": "1", "title": {"en": "Visit"}, "default_language": "en"},
          "survey": [{"type": "text", "name": "stall", "label": {"en": "Stall"}}]})";
        ASSERT_EQ(
            server_command(tmp, data, {"form", "publish", "--project", "demo", form}).exit_code, 0);
        server = std::make_unique<RunningServer>(tmp, data);
        server->start();
        address = server->address();
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", "collector",
                                 "--address", address, "--json"});
        ASSERT_EQ(t.exit_code, 0) << t.err;
        ASSERT_EQ(canvass({"init"}).code, 0);
        auto enrolled = canvass({"enroll", json::parse(t.out).at("token").get<std::string>()});
        ASSERT_EQ(enrolled.code, 0) << enrolled.err;
        for (const char* stall : {"12", "13"}) {
            std::string answers = tmp / "answers.json";
            std::ofstream(answers) << json{{"stall", stall}}.dump();
            ASSERT_EQ(canvass({"fill", "visit", "--answers", answers, "--finalize"}).code, 0);
        }
    }
    void TearDown() override {
        if (restarted > 0) {
            kill(restarted, SIGKILL);
            wait_exit(restarted);
        }
        unsetenv("CANVASS_PASSPHRASE");
    }

    cli::Outcome canvass(std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", home});
        return cli::run_captured(args);
    }

    // The server again, at the address the device knows, as after a power cut.
    void restart_server() {
        std::string out = tmp / "restarted.out";
        restarted = spawn_server(data, {"run", "--listen", address}, out, tmp / "restarted.log");
        ASSERT_GT(restarted, 0);
        auto until = std::chrono::steady_clock::now() + 60s;
        while (slurp(out).find("listening on") == std::string::npos) {
            ASSERT_LT(std::chrono::steady_clock::now(), until) << slurp(tmp / "restarted.log");
            std::this_thread::sleep_for(20ms);
        }
    }

    std::uint64_t unsent() {
        return json::parse(canvass({"status", "--json"}).out).at("unsent_records");
    }
};

TEST_F(SyncRetryTest, UntilDoneWaitsForTheServerToComeBackAndDeliversEverything) {
    ASSERT_EQ(server->stop(), 0);
    EXPECT_EQ(unsent(), 2u);
    auto running = std::async(std::launch::async, [&] {
        return canvass({"sync", "--until-done", "--give-up-after", "5m"});
    });
    std::this_thread::sleep_for(5s);  // two or three tries in the dark
    restart_server();
    ASSERT_EQ(running.wait_for(120s), std::future_status::ready);
    auto synced = running.get();
    EXPECT_EQ(synced.code, 0) << synced.err;
    EXPECT_NE(synced.err.find("0 of 2 interviews delivered, trying again in"), std::string::npos)
        << synced.err;
    EXPECT_NE(synced.out.find("done: 2 of 2 interviews delivered"), std::string::npos)
        << synced.out;
    EXPECT_EQ(unsent(), 0u);
    auto stats = project_stats(tmp, data);
    EXPECT_EQ(stats["changesets"], 2);
}

TEST_F(SyncRetryTest, UntilDoneGivesUpWhenToldAndKeepsEverything) {
    ASSERT_EQ(server->stop(), 0);
    const auto start = std::chrono::steady_clock::now();
    auto synced = canvass({"sync", "--until-done", "--give-up-after", "4s"});
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(synced.code, 1);
    EXPECT_NE(synced.err.find("gave up after 4s: "), std::string::npos) << synced.err;
    EXPECT_NE(synced.err.find("0 of 2 interviews delivered"), std::string::npos) << synced.err;
    EXPECT_NE(synced.err.find("trying again in"), std::string::npos)
        << "it never retried: " << synced.err;
    EXPECT_LT(took, 10s);
    EXPECT_EQ(unsent(), 2u);

    // A plain sync still fails at once, as before.
    auto once = canvass({"sync"});
    EXPECT_EQ(once.code, 1);
    EXPECT_EQ(once.err.find("trying again"), std::string::npos) << once.err;
    EXPECT_NE(once.err.find("run 'canvass sync' again to resume"), std::string::npos) << once.err;

    EXPECT_EQ(canvass({"sync", "--until-done", "--give-up-after", "soon"}).code, 1);
}

TEST_F(SyncRetryTest, ARevokedDeviceIsNotRetried) {
    auto device = json::parse(canvass({"status", "--json"}).out).at("device").get<std::string>();
    ASSERT_EQ(server_command(tmp, data, {"revoke", device}).exit_code, 0);
    const auto start = std::chrono::steady_clock::now();
    auto synced = canvass({"sync", "--until-done", "--give-up-after", "5m"});
    EXPECT_EQ(synced.code, 1);
    EXPECT_EQ(synced.err.find("trying again"), std::string::npos) << synced.err;
    EXPECT_NE(synced.err.find("revoked"), std::string::npos) << synced.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

}  // namespace
}  // namespace canvass::server_test
