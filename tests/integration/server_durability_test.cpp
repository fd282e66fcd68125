// An acknowledged changeset survives kill -9 of the server at any point of a push.
#include <nlohmann/json.hpp>

#include "crypto/box.hpp"
#include "server_harness.hpp"
#include "server/server_store.hpp"

namespace canvass::server_test {
namespace {

TEST(ServerDurability, SigkillDuringAPushLosesNothingAcknowledged) {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
    auto recipients = recipients_file(tmp, "demo", crypto::generate_dh_key());
    ASSERT_EQ(server_command(tmp, data, {"project", "create", "demo", "--recipients", recipients})
                  .exit_code,
              0);
    std::vector<std::string> flags{"--batch-changesets", "40", "--window", "3"};
    RunningServer server(tmp, data, flags);
    server.start();
    auto t = server_command(tmp, data,
                            {"token", "create", "--project", "demo", "--role", "collector",
                             "--address", server.address(), "--json"});
    Device device;
    ASSERT_TRUE(device.enroll(nlohmann::json::parse(t.out).at("token").get<std::string>()));
    const int total = 2000;
    device.author(total, "demo");

    bool killed = false;
    auto first = device.sync([&](const sync::ExchangeStats& s) {
        if (!killed && s.acknowledged >= 600) {
            ::kill(server.pid(), SIGKILL);
            killed = true;
        }
    });
    ASSERT_TRUE(killed);
    ASSERT_FALSE(first);
    server.kill_now();  // reap it
    auto acknowledged = device.replica.all_chains().at(device.keys.id).acknowledged;
    EXPECT_GE(acknowledged, 600u);

    {
        auto store = server::open_sqlite_store(tmp / "data/server.db", false);
        ASSERT_TRUE(store) << store.error().describe();
        auto check = (*store)->integrity_check();
        ASSERT_TRUE(check);
        EXPECT_EQ(*check, "ok");
        auto replica = (*store)->replica("demo");
        ASSERT_TRUE(replica);
        auto point = (*replica)->chain_point(device.keys.id);
        ASSERT_TRUE(point && *point);
        EXPECT_GE((*point)->seq, acknowledged);
    }

    server.start();
    device.address = server.address();
    auto second = device.sync();
    ASSERT_TRUE(second) << second.error().describe();
    // Only what was in flight when the server died is sent again.
    EXPECT_LE(second->stats.sent, total - acknowledged);
    auto stats = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
    EXPECT_EQ(nlohmann::json::parse(stats.out)["changesets"], total);
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace canvass::server_test
