// A server whose database reaches its quota (`run --max-db-size`, SQLite's max_page_count:
// a write beyond it fails exactly as on a full disk) tells devices its disk is full, keeps
// serving what needs no room (summaries, `stats`), loses nothing a device holds, and takes
// the work once there is room again.
#include <filesystem>

#include "field_device.hpp"

namespace canvass::server_test {
namespace {

namespace fs = std::filesystem;

struct DiskFullTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();

    void SetUp() override {
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        auto p = server_command(tmp, data,
                                {"project", "create", "demo", "--recipients",
                                 recipients_file(tmp, "demo", coordinator_key)});
        ASSERT_EQ(p.exit_code, 0) << p.err;
    }
    nlohmann::json stats() { return project_stats(tmp, data); }
};

TEST_F(DiskFullTest, AServerAtItsQuotaSaysItsDiskIsFullKeepsServingAndTakesTheWorkOnceThereIsRoom) {
    // Room for the devices and a little more, not for two megabytes of interviews.
    const auto quota = fs::file_size(fs::path(data) / "server.db") + (1u << 20);
    auto server = std::make_unique<RunningServer>(
        tmp, data, std::vector<std::string>{"--max-db-size", std::to_string(quota)});
    server->start();
    Device early, heavy;
    ASSERT_TRUE(early.enroll(mint_token(tmp, data, server->address(), "collector")));
    ASSERT_TRUE(heavy.enroll(mint_token(tmp, data, server->address(), "collector")));
    early.author(1, "demo");
    ASSERT_TRUE(early.sync());

    heavy.author(6, "demo", std::string(400'000, 'x'));
    auto full = heavy.sync();
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().domain, Domain::net) << full.error().describe();
    EXPECT_NE(full.error().message.find("the server's disk is full"), std::string::npos)
        << full.error().message;
    EXPECT_EQ(full.error().message.find("internal"), std::string::npos) << full.error().message;

    // Still serving: a device with nothing new syncs, and the administrator reads `stats`.
    auto noop = early.sync();
    ASSERT_TRUE(noop) << noop.error().describe();
    const auto stored_while_full = stats().at("changesets").get<long>();
    EXPECT_LT(stored_while_full, 7);
    auto again = heavy.sync();
    ASSERT_FALSE(again) << "still no room";
    EXPECT_NE(again.error().message.find("the server's disk is full"), std::string::npos);

    // Room returns (the quota raised): the work the device kept arrives whole.
    server->stop();
    server = std::make_unique<RunningServer>(tmp, data,
                                             std::vector<std::string>{"--max-db-size", "64M"});
    server->start();
    heavy.address = server->address();
    auto synced = heavy.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(stats().at("changesets"), 7);
    EXPECT_EQ(stats().at("equivocations"), 0);
}

TEST_F(DiskFullTest, AQuotaThatIsNotASizeIsRefusedNamingTheFlag) {
    auto r = server_command(tmp, data, {"run", "--listen", "127.0.0.1:0", "--max-db-size", "lots"});
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE((r.out + r.err).find("--max-db-size lots: give a size"), std::string::npos)
        << r.out << r.err;
}

}  // namespace
}  // namespace canvass::server_test
