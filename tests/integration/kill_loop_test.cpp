// kill -9 of the server at random points of pushes, cycle after cycle: every acknowledged
// changeset is on disk, the database is intact, and the device resumes where it was.
// CANVASS_KILL_CYCLES sets the number of cycles (20 here; scripts/deep-check.sh runs 200).
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>

#include "crypto/box.hpp"
#include "server_harness.hpp"
#include "server/server_store.hpp"

namespace canvass::server_test {
namespace {

int cycles() {
    const char* text = std::getenv("CANVASS_KILL_CYCLES");
    return text ? std::max(1, std::atoi(text)) : 20;
}

TEST(ServerKillLoop, EveryCycleKeepsWhatWasAcknowledged) {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
    auto recipients = recipients_file(tmp, "demo", crypto::generate_dh_key());
    ASSERT_EQ(server_command(tmp, data, {"project", "create", "demo", "--recipients", recipients})
                  .exit_code,
              0);
    RunningServer server(tmp, data, {"--batch-changesets", "8", "--window", "2"});
    server.start();
    auto t = server_command(tmp, data,
                            {"token", "create", "--project", "demo", "--role", "collector",
                             "--address", server.address(), "--json"});
    Device device;
    ASSERT_TRUE(device.enroll(nlohmann::json::parse(t.out).at("token").get<std::string>()));

    std::mt19937 random(20261201);
    const int n = cycles();
    const int per_cycle = 120;
    int authored = 0;
    for (int cycle = 0; cycle < n; ++cycle) {
        SCOPED_TRACE("cycle " + std::to_string(cycle));
        device.author(per_cycle, "demo");
        authored += per_cycle;
        const auto before = device.replica.all_chains().at(device.keys.id).acknowledged;
        // Somewhere inside this cycle's push: after at least one more acknowledgement.
        const auto kill_at = before + 1 + random() % (per_cycle - 10);
        bool killed = false;
        auto pushed = device.sync([&](const sync::ExchangeStats& s) {
            if (!killed && before + s.acknowledged >= kill_at) {
                ::kill(server.pid(), SIGKILL);
                killed = true;
            }
        });
        ASSERT_TRUE(killed);
        EXPECT_FALSE(pushed);
        server.kill_now();
        const auto acknowledged = device.replica.all_chains().at(device.keys.id).acknowledged;
        EXPECT_GE(acknowledged, before);
        {
            auto store = server::open_sqlite_store(tmp / "data/server.db", false);
            ASSERT_TRUE(store) << store.error().describe();
            auto check = (*store)->integrity_check();
            ASSERT_TRUE(check);
            ASSERT_EQ(*check, "ok");
            auto replica = (*store)->replica("demo");
            ASSERT_TRUE(replica);
            auto point = (*replica)->chain_point(device.keys.id);
            ASSERT_TRUE(point && *point);
            ASSERT_GE((*point)->seq, acknowledged) << "an acknowledged changeset was lost";
        }
        server.start();
        device.address = server.address();
    }
    auto last = device.sync();
    ASSERT_TRUE(last) << last.error().describe();
    EXPECT_EQ(device.replica.all_chains().at(device.keys.id).acknowledged,
              static_cast<std::uint64_t>(authored));
    auto stats = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
    EXPECT_EQ(nlohmann::json::parse(stats.out)["changesets"], authored);
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace canvass::server_test
