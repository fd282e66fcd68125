// `canvass-server migrate --from DIR --to postgresql://…`: an embedded server's state, copied
// into PostgreSQL, serves on with the same state digest, and the devices carry on as if
// nothing had changed.
#include "postgres_fixture.hpp"
#include "server_harness.hpp"

namespace canvass::server_test {
namespace {

TEST(Migrate, AnEmbeddedServersStateServesOnFromPostgresWithTheSameDigest) {
    CANVASS_REQUIRE_POSTGRES();
    testing::TempDir tmp;
    std::string data = tmp / "data";
    ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
    auto created = server_command(tmp, data,
                                  {"project", "create", "demo", "--recipients",
                                   recipients_file(tmp, "demo", crypto::generate_dh_key())});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::optional<RunningServer> server;
    server.emplace(tmp, data);
    server->start();
    Device alice, bob, coordinator;
    ASSERT_TRUE(alice.enroll(mint_token(tmp, data, server->address())));
    ASSERT_TRUE(bob.enroll(mint_token(tmp, data, server->address())));
    ASSERT_TRUE(coordinator.enroll(mint_token(tmp, data, server->address(), "coordinator")));
    EXPECT_FALSE(mint_token(tmp, data, server->address()).empty());  // still open when migrated
    alice.author(120, "demo");
    bob.author(80, "demo");
    ASSERT_TRUE(alice.sync());
    ASSERT_TRUE(bob.sync());
    ASSERT_EQ(server->stop(), 0);
    auto before = project_stats(tmp, data);

    auto url = pg_test::PostgresServer::get().create_database();
    auto migrated = server_command(tmp, data, {"migrate", "--from", data, "--to", url, "--json"});
    ASSERT_EQ(migrated.exit_code, 0) << migrated.err;
    auto report = nlohmann::json::parse(migrated.out);
    EXPECT_EQ(report["rows"]["changesets"], 200);
    EXPECT_EQ(report["rows"]["devices"], 3);
    ASSERT_EQ(report["projects"].size(), 1u);
    EXPECT_EQ(report["projects"][0]["equal"], true);
    EXPECT_EQ(report["projects"][0]["state_digest"], before["state_digest"]);
    // A database that holds projects is not migrated into again.
    auto twice = server_command(tmp, data, {"migrate", "--from", data, "--to", url});
    EXPECT_EQ(twice.exit_code, 1);
    EXPECT_NE(twice.err.find("already holds projects"), std::string::npos) << twice.err;

    // Serving from PostgreSQL now: same key, same devices, same open token, same digest.
    std::ofstream(std::filesystem::path(data) / "database") << url << "\n";
    auto after = project_stats(tmp, data);
    EXPECT_EQ(after["state_digest"], before["state_digest"]);
    EXPECT_EQ(after["changesets"], 200);
    EXPECT_EQ(after["devices"], 3);
    EXPECT_EQ(after["open_tokens"], 1);
    EXPECT_EQ(after["open_tokens"], before["open_tokens"]);
    server.emplace(tmp, data);
    server->start();
    alice.address = bob.address = coordinator.address = server->address();
    auto again = alice.sync();
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->stats.sent, 0u);  // the server knew its chain already
    alice.author(5, "demo");
    ASSERT_TRUE(alice.sync());
    auto pulled = coordinator.sync();
    ASSERT_TRUE(pulled) << pulled.error().describe();
    EXPECT_EQ(coordinator.replica.changeset_count(), 205u);
    auto last = project_stats(tmp, data);
    EXPECT_EQ(last["state_digest"], crypto::to_hex(coordinator.replica.state_digest()));
    EXPECT_EQ(server->stop(), 0);
}

}  // namespace
}  // namespace canvass::server_test
