// A field device for integration tests, as the CLI runs it: a real encrypted store, the
// store's replica and project sink, enrolling and syncing over TCP with a real server.
#pragma once

#include <sqlite3.h>

#include <set>

#include "household_form.hpp"
#include "server_harness.hpp"
#include "store/device_store.hpp"
#include "sync/device_replica.hpp"

namespace canvass::server_test {

// A device as the CLI runs it (the enrollment's pin from the token, the store's own pin after).
struct FieldDevice {
    std::string home;
    store::DeviceStore store;

    static FieldDevice create(const std::string& home) {
        store::StoreOptions o;
        o.pwhash = crypto::PwhashParams::minimum();
        auto s = store::DeviceStore::create(home, store::Passphrase{"field passphrase"}, o);
        EXPECT_TRUE(s) << s.error().message;
        auto f = s->add_form(canvass::testing::kHouseholdForm);
        EXPECT_TRUE(f) << f.error().message;
        return FieldDevice{home, std::move(s).value()};
    }

    Result<void> enroll(const std::string& token_text) {
        CANVASS_TRY(auto token, sync::decode_token(token_text));
        CANVASS_TRY(auto t, net::connect_tcp(token.address, Device::tcp_options()));
        sync::DeviceProjectSink sink(store, token.address, token.server_key, token.fingerprint);
        CANVASS_TRY_VOID(sync::enroll(*t, token, store.keys(), sink));
        return {};
    }

    Result<std::uint64_t> unsent() {
        CANVASS_TRY(auto s, store.status());
        return s.unsent;
    }

    Result<sync::SyncReport> sync() {
        CANVASS_TRY(auto config, store.project());
        CANVASS_TRY(auto t, net::connect_tcp(config->server_address, Device::tcp_options()));
        sync::DeviceReplica replica(store);
        sync::DeviceProjectSink sink(store, config->server_address, config->server_key);
        return sync::run_client_sync(*t, config->server_key, store.keys(), replica, sink);
    }

    // Saves one finalized interview and returns the epoch its changeset is encrypted under.
    store::EpochId interview(const std::string& name) {
        auto id =
            store.create_record("household", nlohmann::json{{"name", name}, {"age", 40}}, true);
        EXPECT_TRUE(id) << id.error().message;
        store::EpochId epoch{};
        auto walked = store.for_each_changeset([&](const merge::Changeset& c) -> Result<void> {
            if (c.header.record == *id) epoch = c.header.epoch;
            return {};
        });
        EXPECT_TRUE(walked);
        return epoch;
    }

    bool granted(const store::EpochId& epoch, const crypto::DhPublicKey& recipient) {
        auto g = store.grant_for(store.keys().id, epoch, recipient);
        EXPECT_TRUE(g);
        return g && g->has_value();
    }

    // Every key but its own recovery key (store/keyring.hpp) this device has sealed an epoch
    // key of its own to. Every epoch is sealed to the recovery key too; that is checked here.
    std::set<crypto::DhPublicKey> sealed_to() {
        std::set<crypto::DhPublicKey> out;
        auto grants = store.grants(store.keys().id);
        EXPECT_TRUE(grants);
        const auto recovery = store::epoch_recovery_key(store.keys()).public_key;
        std::set<store::EpochId> epochs, recoverable;
        for (const auto& g : *grants) {
            epochs.insert(g.epoch);
            if (g.recipient == recovery)
                recoverable.insert(g.epoch);
            else
                out.insert(g.recipient);
        }
        EXPECT_EQ(epochs, recoverable) << "an epoch not sealed to the device's recovery key";
        return out;
    }
};

// A running server on 127.0.0.1 with project "demo", whose one recipient is coordinator_key.
struct DemoServerTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();
    std::optional<RunningServer> server;

    void SetUp() override {
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        auto p = server_command(tmp, data,
                                {"project", "create", "demo", "--recipients",
                                 recipients_file(tmp, "demo", coordinator_key)});
        ASSERT_EQ(p.exit_code, 0) << p.err;
        server.emplace(tmp, data, std::vector<std::string>{"--handshake-timeout", "3000"});
        server->start();
    }

    std::string token(const std::string& role = "collector") {
        return mint_token(tmp, data, server->address(), role);
    }
    nlohmann::json stats() { return project_stats(tmp, data); }
};

// Runs SQL against a database from outside its owner, as a host (or a crash) could.
inline void tamper(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
}

}  // namespace canvass::server_test
