// canvass-server as an administrator and devices meet it: the commands, then a running
// server on 127.0.0.1 refusing what it must while serving everyone else.
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "crypto/box.hpp"
#include "server_harness.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

const std::string kServerForm =
    std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json";

struct ServerTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();
    std::string server_public;

    void SetUp() override {
        auto init = server_command(tmp, data, {"init"});
        ASSERT_EQ(init.exit_code, 0) << init.err;
        server_public = first_line(init.out);
        auto project = server_command(tmp, data,
                                      {"project", "create", "demo", "--recipients",
                                       recipients_file(tmp, "demo", coordinator_key)});
        ASSERT_EQ(project.exit_code, 0) << project.err;
        auto form =
            server_command(tmp, data, {"form", "publish", "--project", "demo", kServerForm});
        ASSERT_EQ(form.exit_code, 0) << form.err;
    }

    std::string token(const RunningServer& server, const std::string& role,
                      const std::string& expires = "1h") {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", role,
                                 "--expires", expires, "--address", server.address(), "--json"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        return json::parse(t.out).at("token").get<std::string>();
    }

    json stats() {
        auto s = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        return json::parse(s.out);
    }

    // Short deadlines so refusals show quickly; still generous for a loaded machine.
    std::vector<std::string> test_flags() {
        return {"--handshake-timeout", "1500",  "--idle-timeout",     "30000",
                "--read-timeout",      "10000", "--batch-changesets", "50"};
    }
};

TEST_F(ServerTest, InitProjectFormAndTokenCommands) {
    EXPECT_EQ(server_public.size(), 64u);
    struct stat st {};
    ASSERT_EQ(::stat((tmp / "data/server.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(::stat((tmp / "data/server.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 077, 0);

    auto again = server_command(tmp, data, {"init"});
    EXPECT_EQ(again.exit_code, 1);
    EXPECT_NE(again.err.find("already initialized"), std::string::npos) << again.err;

    auto bare_key = server_command(
        tmp, data,
        {"project", "create", "x", "--recipient", crypto::to_hex(coordinator_key.public_key)});
    EXPECT_EQ(bare_key.exit_code, 2);
    EXPECT_NE(bare_key.err.find("signed by a coordinator"), std::string::npos) << bare_key.err;
    std::ofstream(tmp / "bad.txt") << "canvass-recipients1-00\n";
    auto bad_statement =
        server_command(tmp, data, {"project", "create", "x", "--recipients", tmp / "bad.txt"});
    EXPECT_EQ(bad_statement.exit_code, 1);
    EXPECT_NE(bad_statement.err.find("bad.txt"), std::string::npos) << bad_statement.err;
    auto other_project = server_command(
        tmp, data,
        {"project", "create", "x", "--recipients", recipients_file(tmp, "demo", coordinator_key)});
    EXPECT_EQ(other_project.exit_code, 1);
    EXPECT_NE(other_project.err.find("not \"x\""), std::string::npos) << other_project.err;
    auto unsafe = server_command(
        tmp, data,
        {"project", "create", "a b", "--recipients", recipients_file(tmp, "a b", coordinator_key)});
    EXPECT_EQ(unsafe.exit_code, 1);
    EXPECT_NE(unsafe.err.find("letters, digits"), std::string::npos) << unsafe.err;
    auto taken = server_command(tmp, data,
                                {"project", "create", "demo", "--recipients",
                                 recipients_file(tmp, "demo", coordinator_key)});
    EXPECT_EQ(taken.exit_code, 1);

    std::ofstream(tmp / "bad.json") << R"({"survey": []})";
    auto bad_form =
        server_command(tmp, data, {"form", "publish", "--project", "demo", tmp / "bad.json"});
    EXPECT_EQ(bad_form.exit_code, 1);
    EXPECT_NE(bad_form.err.find("settings"), std::string::npos) << bad_form.err;
    auto same_form =
        server_command(tmp, data, {"form", "publish", "--project", "demo", kServerForm});
    EXPECT_EQ(same_form.exit_code, 0) << same_form.err;

    auto no_address =
        server_command(tmp, data, {"token", "create", "--project", "demo", "--role", "collector"});
    EXPECT_EQ(no_address.exit_code, 1);
    EXPECT_NE(no_address.err.find("--address"), std::string::npos) << no_address.err;
    auto t = server_command(tmp, data,
                            {"token", "create", "--project", "demo", "--role", "organizer",
                             "--address", "127.0.0.1:9", "--expires", "7d", "--json"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    auto decoded = sync::decode_token(json::parse(t.out).at("token").get<std::string>());
    ASSERT_TRUE(decoded) << decoded.error().describe();
    EXPECT_EQ(decoded->project, "demo");
    EXPECT_EQ(decoded->role, sync::Role::organizer);
    EXPECT_EQ(crypto::to_hex(decoded->server_key), server_public);
    EXPECT_EQ(decoded->fingerprint,
              store::statement_digest(store::first_statement("demo", coordinator_key)));

    auto usage = server_command(tmp, data, {"token", "create", "--project", "demo"});
    EXPECT_EQ(usage.exit_code, 2);
    auto bad_duration =
        server_command(tmp, data,
                       {"token", "create", "--project", "demo", "--role", "collector", "--address",
                        "127.0.0.1:9", "--expires", "soon"});
    EXPECT_EQ(bad_duration.exit_code, 1);
}

TEST_F(ServerTest, DevicesEnrollPushAndPullAndTheDigestsAgree) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    Device collector, coordinator;
    auto enrolled = collector.enroll(token(server, "collector"));
    ASSERT_TRUE(enrolled) << enrolled.error().describe();
    EXPECT_EQ(enrolled->welcome.project, "demo");
    EXPECT_EQ(enrolled->welcome.recipients.at(0).recipients.at(0), coordinator_key.public_key);
    EXPECT_EQ(collector.forms.size(), 1u);
    ASSERT_TRUE(coordinator.enroll(token(server, "coordinator")));

    collector.author(120, "demo");
    auto pushed = collector.sync();
    ASSERT_TRUE(pushed) << pushed.error().describe();
    EXPECT_EQ(pushed->stats.acknowledged, 120u);
    auto pulled = coordinator.sync();
    ASSERT_TRUE(pulled) << pulled.error().describe();
    EXPECT_EQ(pulled->stats.stored, 120u);

    auto s = stats();
    EXPECT_EQ(s["devices"], 2);
    EXPECT_EQ(s["changesets"], 120);
    EXPECT_EQ(s["records"], 120);
    EXPECT_EQ(s["state_digest"], crypto::to_hex(coordinator.replica.state_digest()));
    auto devices = server_command(tmp, data, {"devices", "--json"});
    ASSERT_EQ(devices.exit_code, 0);
    EXPECT_EQ(json::parse(devices.out).size(), 2u);
    EXPECT_EQ(server.stop(), 0);
    EXPECT_NE(server.log().find("outcome=stopped"), std::string::npos);
}

TEST_F(ServerTest, GarbageAndOversizedFramesAreDroppedAndOthersServed) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token(server, "collector")));
    {
        RawSocket garbage(server.port());
        ASSERT_TRUE(garbage.connected());
        std::vector<std::uint8_t> bytes{0x00, 0x30};
        bytes.resize(2 + 0x30, 0x5a);
        garbage.send(bytes);
        EXPECT_TRUE(garbage.closed_by_server(20s));
    }
    {
        RawSocket oversized(server.port());
        oversized.send({0xff, 0xff, 1, 2, 3});
        EXPECT_TRUE(oversized.closed_by_server(20s));
    }
    collector.author(10, "demo");
    auto r = collector.sync();
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(stats()["changesets"], 10);
    auto log = server.log();
    EXPECT_NE(log.find("reason=handshake"), std::string::npos) << log;
    EXPECT_NE(log.find("reason=limit"), std::string::npos) << log;
}

TEST_F(ServerTest, AStalledHandshakeNeitherBlocksOthersNorLastsForever) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token(server, "collector")));
    RawSocket stalled(server.port());
    ASSERT_TRUE(stalled.connected());
    stalled.send({0x00, 0x30, 1, 2, 3});  // the start of a frame, never finished
    collector.author(200, "demo");
    auto r = collector.sync();
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_TRUE(stalled.closed_by_server(60s));
    EXPECT_NE(server.log().find("outcome=timeout"), std::string::npos) << server.log();
}

TEST_F(ServerTest, ReusedAndExpiredTokensAreRefused) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    auto once = token(server, "collector");
    Device first, second, late;
    ASSERT_TRUE(first.enroll(once));
    auto reused = second.enroll(once);
    ASSERT_FALSE(reused);
    EXPECT_NE(reused.error().message.find("already used"), std::string::npos)
        << reused.error().message;

    auto short_lived = token(server, "collector", "1s");
    std::this_thread::sleep_for(2500ms);
    auto expired = late.enroll(short_lived);
    ASSERT_FALSE(expired);
    EXPECT_NE(expired.error().message.find("expired"), std::string::npos)
        << expired.error().message;
    EXPECT_EQ(stats()["devices"], 1);
}

TEST_F(ServerTest, AServerWithAnotherKeyIsRefusedByTheClient) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    std::string other_data = tmp / "impostor";
    ASSERT_EQ(server_command(tmp, other_data, {"init"}).exit_code, 0);
    RunningServer impostor(tmp, other_data, test_flags());
    impostor.start();

    Device device;
    ASSERT_TRUE(device.enroll(token(server, "collector")));
    device.author(3, "demo");
    device.address = impostor.address();  // the network now leads elsewhere
    auto r = device.sync();
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("server key"), std::string::npos) << r.error().message;

    // A token whose address was tampered with fails the same way, before enrolling anything.
    auto t = sync::decode_token(token(server, "collector")).value();
    t.address = impostor.address();
    Device other;
    auto enrolled = other.enroll(sync::encode_token(t));
    ASSERT_FALSE(enrolled);
    EXPECT_NE(enrolled.error().message.find("server key"), std::string::npos)
        << enrolled.error().message;
}

// Hands out a device's changesets with one byte changed, as a hostile or broken relay would.
class TamperingReplica final : public sync::Replica {
  public:
    TamperingReplica(sync::Replica& inner, std::size_t byte) : inner_(inner), byte_(byte) {}
    Result<merge::VersionVector> chains() override { return inner_.chains(); }
    Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& d) override {
        return inner_.chain_point(d);
    }
    Result<std::optional<merge::Hash>> chain_hash(const merge::DeviceId& d,
                                                  std::uint64_t seq) override {
        return inner_.chain_hash(d, seq);
    }
    Result<std::vector<sync::Bytes>> changesets(const merge::DeviceId& d, std::uint64_t first,
                                                std::uint64_t last) override {
        CANVASS_TRY(auto out, inner_.changesets(d, first, last));
        auto& victim = out.back();
        victim[byte_ % victim.size()] ^= 0x01;
        return out;
    }
    Result<std::optional<sync::KeyedHead>> cover_head(const merge::DeviceId& d, std::uint64_t first,
                                                      std::uint64_t last) override {
        return inner_.cover_head(d, first, last);
    }
    Result<std::vector<sync::Bytes>> grants(const merge::DeviceId& d) override {
        return inner_.grants(d);
    }
    Result<std::optional<merge::DeviceId>> record_creator(const merge::RecordId& r) override {
        return inner_.record_creator(r);
    }
    Result<void> store(const sync::VerifiedBatch& b) override { return inner_.store(b); }
    Result<void> acknowledged(const merge::DeviceId& d, std::uint64_t seq) override {
        return inner_.acknowledged(d, seq);
    }

  private:
    sync::Replica& inner_;
    std::size_t byte_;
};

TEST_F(ServerTest, ATamperedChangesetIsRefusedAndNothingOfItsBatchIsStored) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    Device device;
    ASSERT_TRUE(device.enroll(token(server, "collector")));
    device.author(3, "demo");
    ASSERT_TRUE(device.sync());
    device.author(4, "demo");
    // A byte of the header, of an op, of the ciphertext: each breaks the chain or its signed head.
    for (std::size_t byte : {1u, 30u, 90u, 150u}) {
        TamperingReplica tampered(device.replica, byte);
        auto r = device.sync_from(tampered);
        ASSERT_FALSE(r) << "byte " << byte;
        EXPECT_EQ(r.error().domain, Domain::protocol) << r.error().describe();
        EXPECT_NE(r.error().message.find("refused (bad_batch): changesets of device " +
                                         crypto::to_hex(device.keys.id)),
                  std::string::npos)
            << r.error().message;
        EXPECT_EQ(stats()["changesets"], 3) << "byte " << byte;
    }
    // The server went on serving, and the untouched chain goes through.
    auto honest = device.sync();
    ASSERT_TRUE(honest) << honest.error().describe();
    EXPECT_EQ(stats()["changesets"], 7);
}

TEST_F(ServerTest, RevokedAndUnknownDevicesAreRefused) {
    RunningServer server(tmp, data, test_flags());
    server.start();
    Device device;
    ASSERT_TRUE(device.enroll(token(server, "collector")));
    device.author(2, "demo");
    ASSERT_TRUE(device.sync());
    auto revoke = server_command(tmp, data, {"revoke", crypto::to_hex(device.keys.id)});
    ASSERT_EQ(revoke.exit_code, 0) << revoke.err;
    device.author(2, "demo");
    auto r = device.sync();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::auth);
    EXPECT_NE(r.error().message.find("revoked"), std::string::npos) << r.error().message;

    Device stranger;
    stranger.server_key = device.server_key;
    stranger.address = server.address();
    stranger.author(1, "demo");
    auto s = stranger.sync();
    ASSERT_FALSE(s);
    EXPECT_NE(s.error().message.find("not enrolled"), std::string::npos) << s.error().message;
    EXPECT_EQ(stats()["changesets"], 2);
}

}  // namespace
}  // namespace canvass::server_test
