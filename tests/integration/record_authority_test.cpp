// Who may change a record, against a real canvass-server: a tampered client that signs an
// edit or a delete of another collector's record, pushing it itself or through an organizer,
// is refused by name, nothing of its batch is stored (an organizer's batch loses only that
// chain, which the organizer then stops sending), it is flagged, the server goes on serving,
// and the coordinator's merge holds only honest work.
#include <nlohmann/json.hpp>

#include "crypto/box.hpp"
#include "field_device.hpp"
#include "server_harness.hpp"
#include "store/record_json.hpp"
#include "sync/bundle.hpp"
#include "sync/exchange.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

const std::string kForm = std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json";

// Signs a change of `record` into `device`'s chain, whoever created the record: what a client
// built with the sync library can do when nothing stops it.
void sign_change(Device& device, const merge::RecordId& record, merge::OpKind kind) {
    merge::Changeset cs;
    auto& h = cs.header;
    h.device = device.keys.id;
    h.seq = ++device.seq;
    h.prev = device.last;
    h.hlc = merge::make_hlc(1'790'000'000'000 + device.seq, 0);
    h.project = "demo";
    h.form_id = "street_vendors";
    h.form_version = "2026.11.1";
    h.record = record;
    h.nonce = crypto::random_array<24>();
    h.ops.push_back(merge::Op{kind == merge::OpKind::delete_record ? "" : "age", kind, {}});
    auto noise = crypto::random_array<64>();
    cs.ciphertext.assign(noise.begin(), noise.end());
    device.last = merge::changeset_hash(cs);
    device.replica.append_own(cs, device.keys.signing);
}

merge::RecordId record_of(Device& device, std::uint64_t seq) {
    auto bytes = device.replica.changesets(device.keys.id, seq, seq).value();
    return merge::decode(bytes.front()).value().header.record;
}

// Copies `device`'s chain from `from` into `to`, as a bundle or a device-to-device relay
// carries it to an organizer.
void carry(sync::MemoryReplica& from, sync::MemoryReplica& to, const merge::DeviceId& device) {
    sync::Exchange::Options sender, receiver;
    sender.verify.project = receiver.verify.project = "demo";
    receiver.initiator = false;
    sync::Exchange a(from, sync::device_policy(sync::Role::collector, device), sender);
    sync::Exchange b(to, sync::server_policy(sync::Role::collector, device), receiver);
    std::vector<sync::Message> to_b = a.start(), to_a;
    while (!(a.finished() && b.finished())) {
        ASSERT_FALSE(a.failed() || b.failed());
        ASSERT_FALSE(to_a.empty() && to_b.empty()) << "stalled";
        for (auto& m : std::exchange(to_b, {}))
            for (auto& r : b.receive(m)) to_a.push_back(std::move(r));
        for (auto& m : std::exchange(to_a, {}))
            for (auto& r : a.receive(m)) to_b.push_back(std::move(r));
    }
}

struct RecordAuthorityTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();
    std::optional<RunningServer> server;
    Device alice, mallory, coordinator;
    merge::RecordId alices_record{};

    void SetUp() override {
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        auto project = server_command(tmp, data,
                                      {"project", "create", "demo", "--recipients",
                                       recipients_file(tmp, "demo", coordinator_key)});
        ASSERT_EQ(project.exit_code, 0) << project.err;
        ASSERT_EQ(
            server_command(tmp, data, {"form", "publish", "--project", "demo", kForm}).exit_code,
            0);
        server.emplace(tmp, data,
                       std::vector<std::string>{"--handshake-timeout", "1500", "--idle-timeout",
                                                "30000", "--read-timeout", "10000"});
        server->start();
        ASSERT_TRUE(alice.enroll(token("collector")));
        ASSERT_TRUE(mallory.enroll(token("collector")));
        ASSERT_TRUE(coordinator.enroll(token("coordinator")));
        alice.author(3, "demo");
        alices_record = record_of(alice, 2);
        auto pushed = alice.sync();
        ASSERT_TRUE(pushed) << pushed.error().describe();
    }

    std::string token(const std::string& role) {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", role,
                                 "--expires", "1h", "--address", server->address(), "--json"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        return json::parse(t.out).at("token").get<std::string>();
    }
    json stats() {
        auto s = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        return json::parse(s.out);
    }
    json device_entry(const Device& d) {
        auto out = server_command(tmp, data, {"devices", "--json"});
        EXPECT_EQ(out.exit_code, 0) << out.err;
        for (const auto& e : json::parse(out.out))
            if (e.at("device") == crypto::to_hex(d.keys.id)) return e;
        return json();
    }
    void expect_refused_by_name(const Result<sync::SyncReport>& r, std::uint64_t seq) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().domain, Domain::auth) << r.error().describe();
        const auto& m = r.error().message;
        EXPECT_NE(m.find("refused (forbidden)"), std::string::npos) << m;
        EXPECT_NE(m.find("device " + crypto::to_hex(mallory.keys.id)), std::string::npos) << m;
        EXPECT_NE(m.find("record " + merge::format_uuid(alices_record)), std::string::npos) << m;
        EXPECT_NE(m.find("seq " + std::to_string(seq)), std::string::npos) << m;
        EXPECT_NE(m.find("device " + crypto::to_hex(alice.keys.id)), std::string::npos)
            << m;  // its creator
    }
    // The coordinator pulls everything: it holds no changeset of mallory's, and its merge is
    // the server's, which is the merge of the honest chains alone.
    void expect_coordinator_unaffected(std::size_t honest_changesets) {
        auto pulled = coordinator.sync();
        ASSERT_TRUE(pulled) << pulled.error().describe();
        EXPECT_FALSE(coordinator.replica.all_chains().contains(mallory.keys.id));
        EXPECT_EQ(coordinator.replica.changeset_count(), honest_changesets);
        EXPECT_EQ(stats()["state_digest"], crypto::to_hex(coordinator.replica.state_digest()));
    }
};

TEST_F(RecordAuthorityTest, ATamperedClientsEditOfAnotherCollectorsRecordIsRefusedAndFlagged) {
    mallory.author(1, "demo");                                // seq 1: an honest interview
    sign_change(mallory, alices_record, merge::OpKind::set);  // seq 2: the forged edit
    expect_refused_by_name(mallory.sync(), 2);

    auto s = stats();
    EXPECT_EQ(s["changesets"], 3);  // alice's only: not even mallory's honest seq 1
    EXPECT_EQ(s["refused_changes"], 1);
    EXPECT_EQ(s["refusing_devices"], 1);
    auto flagged = device_entry(mallory);
    ASSERT_TRUE(flagged.at("refused_changes").is_object()) << flagged.dump();
    EXPECT_EQ(flagged["refused_changes"]["changesets"], 1);
    EXPECT_TRUE(device_entry(alice).at("refused_changes").is_null());
    auto listing = server_command(tmp, data, {"devices"});
    EXPECT_NE(listing.out.find(crypto::to_hex(mallory.keys.id) + "  -  demo  collector"),
              std::string::npos);
    EXPECT_NE(listing.out.find("FLAGGED"), std::string::npos) << listing.out;

    // A retry is refused the same way, and counted once.
    expect_refused_by_name(mallory.sync(), 2);
    EXPECT_EQ(stats()["refused_changes"], 1);

    // The server goes on serving: alice's next interviews and her own edit go through.
    alice.author(1, "demo");
    sign_change(alice, alices_record, merge::OpKind::set);
    auto more = alice.sync();
    ASSERT_TRUE(more) << more.error().describe();
    EXPECT_EQ(stats()["changesets"], 5);
    expect_coordinator_unaffected(5);
}

TEST_F(RecordAuthorityTest, ATamperedClientsDeleteOfAnotherCollectorsRecordIsRefused) {
    sign_change(mallory, alices_record, merge::OpKind::delete_record);
    expect_refused_by_name(mallory.sync(), 1);
    EXPECT_EQ(stats()["changesets"], 3);
    expect_coordinator_unaffected(3);
}

TEST_F(RecordAuthorityTest,
       AnOrganizerRelayingAForgedChainHasThatChainRefusedAloneAndDeliversTheRest) {
    Device organizer, bob;
    ASSERT_TRUE(organizer.enroll(token("organizer")));
    ASSERT_TRUE(bob.enroll(token("collector")));
    bob.author(2, "demo");                                              // honest work carried too
    sign_change(mallory, alices_record, merge::OpKind::delete_record);  // seq 1, forged
    carry(bob.replica, organizer.replica, bob.keys.id);
    carry(mallory.replica, organizer.replica, mallory.keys.id);
    ASSERT_EQ(organizer.replica.changeset_count(), 3u);

    auto relayed = organizer.sync();
    ASSERT_TRUE(relayed) << relayed.error().describe();
    ASSERT_EQ(relayed->refused.size(), 1u);
    EXPECT_EQ(relayed->refused[0].device, mallory.keys.id);
    EXPECT_EQ(relayed->refused[0].seq, 1u);
    EXPECT_EQ(stats()["changesets"], 5);  // alice's 3 and bob's 2: mallory's run alone refused
    EXPECT_EQ(stats()["refusing_devices"], 1);
    EXPECT_TRUE(device_entry(mallory).at("refused_changes").is_object());
    EXPECT_TRUE(device_entry(organizer).at("refused_changes").is_null());  // a relay is not flagged
    EXPECT_NE(server->log().find("outcome=flagged author=" + crypto::to_hex(mallory.keys.id)),
              std::string::npos);
    EXPECT_NE(server->log().find("outcome=refused_run chain=" + crypto::to_hex(mallory.keys.id) +
                                 " seq=1"),
              std::string::npos)
        << server->log();
    expect_coordinator_unaffected(5);

    // The relay remembers the refusal: the next sync sends nothing of that chain and succeeds.
    auto again = organizer.sync();
    ASSERT_TRUE(again) << again.error().describe();
    EXPECT_EQ(again->stats.sent, 0u);
    EXPECT_TRUE(again->refused.empty());
    EXPECT_EQ(stats()["refused_changes"], 1);
}

TEST_F(RecordAuthorityTest, AnOrganizersStoreRemembersARefusedChainAndItsStatusSaysSo) {
    // The forged chain reaches a real organizer store in a bundle: a device cannot tell who
    // may change a record (it does not know the roles), so it carries it.
    auto relay = FieldDevice::create(tmp / "relay");
    ASSERT_TRUE(relay.enroll(token("organizer")));
    sign_change(mallory, alices_record, merge::OpKind::set);
    const std::string path = tmp / "mallory.bundle";
    ASSERT_TRUE(sync::write_bundle(mallory.replica, nullptr, path));
    sync::DeviceReplica replica(relay.store);
    auto read = sync::read_bundle(replica, nullptr, path, "demo", 1'790'000'000'000);
    ASSERT_TRUE(read) << read.error().describe();

    auto pushed = relay.sync();
    ASSERT_TRUE(pushed) << pushed.error().describe();
    ASSERT_EQ(pushed->refused.size(), 1u);
    auto status = relay.store.status();
    ASSERT_TRUE(status);
    ASSERT_EQ(status->refused.size(), 1u);
    EXPECT_EQ(status->refused[0].device, mallory.keys.id);
    EXPECT_EQ(status->refused[0].seq, 1u);
    EXPECT_EQ(status->refused[0].changesets, 1u);
    EXPECT_NE(status->refused[0].why.find("may not change record"), std::string::npos)
        << status->refused[0].why;
    EXPECT_EQ(status->carried_unsent, 0u) << "a refused chain is not counted as still to deliver";
    auto json = store::status_json(*status);
    EXPECT_EQ(json.at("refused_chains").size(), 1u);
    EXPECT_EQ(json.at("refused_chains")[0].at("from_seq"), 1);

    // Its own interviews still go through, and the refused chain is never sent again.
    relay.interview("Amina");
    auto next = relay.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    EXPECT_TRUE(next->refused.empty());
    EXPECT_EQ(stats()["refused_changes"], 1);
}

TEST_F(RecordAuthorityTest, ACoordinatorMayCorrectAnyRecord) {
    sign_change(coordinator, alices_record, merge::OpKind::set);
    auto r = coordinator.sync();
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(stats()["changesets"], 4);
    EXPECT_EQ(stats()["refused_changes"], 0);
}

}  // namespace
}  // namespace canvass::server_test
