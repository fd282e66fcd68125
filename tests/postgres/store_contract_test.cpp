// One contract for every store: the Replica tests run against the memory, SQLite and
// PostgreSQL replicas, the ServerStore tests against the SQLite and PostgreSQL stores.
// PostgreSQL runs for real (postgres_fixture.hpp); its cases are skipped, saying why, only
// where it is not installed.
#include <gtest/gtest.h>

#include "crypto/attachment_crypto.hpp"
#include "server/media_vault.hpp"
#include "server/pg_store.hpp"
#include "postgres_fixture.hpp"
#include "server/server_store.hpp"
#include "store/recipients.hpp"
#include "sync/memory_replica.hpp"
#include "temp_dir.hpp"
#include "test_chain.hpp"

namespace canvass::pg_test {
namespace {

enum class Kind { memory, sqlite, postgres };

std::string kind_name(const ::testing::TestParamInfo<Kind>& info) {
    return info.param == Kind::memory   ? "Memory"
           : info.param == Kind::sqlite ? "Sqlite"
                                        : "Postgres";
}

// A store of one kind with project "demo", and devices enrolled in it.
struct StoreUnderTest {
    Kind kind;
    testing::TempDir tmp;
    std::string url;
    std::unique_ptr<server::ServerStore> store;
    sync::MemoryReplica memory;
    crypto::DhKeyPair coordinator = crypto::generate_dh_key();

    explicit StoreUnderTest(Kind k) : kind(k) {}

    // False (with a failure recorded) if it cannot be opened.
    bool open() {
        if (kind == Kind::memory) return true;
        if (kind == Kind::sqlite) {
            auto s = server::open_sqlite_store(tmp / "server.db", true);
            EXPECT_TRUE(s) << s.error().describe();
            if (!s) return false;
            store = std::move(*s);
        } else {
            url = PostgresServer::get().create_database();
            auto s = server::open_postgres_store(url);
            EXPECT_TRUE(s) << s.error().describe();
            if (!s) return false;
            store = std::move(*s);
        }
        auto created = store->create_project("demo", store::first_statement("demo", coordinator),
                                             1'790'000'000);
        EXPECT_TRUE(created) << created.error().describe();
        return created.has_value();
    }

    sync::Replica& replica() {
        if (kind == Kind::memory) return memory;
        return *store->replica("demo").value();
    }

    // Enrolls `keys` as a collector of "demo" through a token, as a session does.
    void enroll(const store::DeviceKeys& keys) {
        if (!store) return;
        sync::TokenRecord token{crypto::random_array<16>(),
                                crypto::SecretBytes::random(32),
                                "demo",
                                sync::Role::collector,
                                1'790'000'000 + 3600,
                                false,
                                ""};
        ASSERT_TRUE(store->create_token(token, 1'790'000'000));
        sync::DeviceRecord d;
        d.id = keys.id;
        d.project = "demo";
        d.role = sync::Role::collector;
        d.signing_key = keys.signing.public_key;
        d.transport_key = keys.transport.public_key;
        d.enrolled_unix = 1'790'000'000;
        auto enrolled = store->enroll_device(token.id, d);
        ASSERT_TRUE(enrolled) << enrolled.error().describe();
    }
};

class ReplicaContract : public ::testing::TestWithParam<Kind> {
  protected:
    void SetUp() override {
        if (GetParam() == Kind::postgres) CANVASS_REQUIRE_POSTGRES();
        s.emplace(GetParam());
        ASSERT_TRUE(s->open());
        s->enroll(keys);
    }
    sync::Replica& replica() { return s->replica(); }

    std::optional<StoreUnderTest> s;
    store::DeviceKeys keys = store::generate_device_keys();
    TestChain chain{keys};
};

TEST_P(ReplicaContract, AStoredRunIsTheChainItsQueriesAnswer) {
    chain.extend(5);
    ASSERT_TRUE(replica().store(chain.batch(1, 5)));
    auto point = replica().chain_point(keys.id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 5u);
    EXPECT_EQ((*point)->hash, chain.changesets[4].hash);
    auto all = replica().chains();
    ASSERT_TRUE(all);
    ASSERT_TRUE(all->get(keys.id));
    EXPECT_EQ(all->get(keys.id)->seq, 5u);
    auto h3 = replica().chain_hash(keys.id, 3);
    ASSERT_TRUE(h3 && *h3);
    EXPECT_EQ(**h3, chain.changesets[2].hash);
    auto h6 = replica().chain_hash(keys.id, 6);
    ASSERT_TRUE(h6);
    EXPECT_FALSE(*h6);
    auto bodies = replica().changesets(keys.id, 2, 4);
    ASSERT_TRUE(bodies) << bodies.error().describe();
    ASSERT_EQ(bodies->size(), 3u);
    EXPECT_EQ(bodies->at(0), chain.changesets[1].encoded);
    auto head = replica().cover_head(keys.id, 1, 5);
    ASSERT_TRUE(head && *head);
    EXPECT_EQ((*head)->head.seq, 5u);
    EXPECT_EQ((*head)->key, keys.signing.public_key);
    auto creator = replica().record_creator(chain.changesets[0].changeset.header.record);
    ASSERT_TRUE(creator && *creator);
    EXPECT_EQ(**creator, keys.id);
}

TEST_P(ReplicaContract, StoringTheSameRunAgainChangesNothing) {
    chain.extend(4);
    ASSERT_TRUE(replica().store(chain.batch(1, 4)));
    ASSERT_TRUE(replica().store(chain.batch(1, 4)));
    auto point = replica().chain_point(keys.id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 4u);
    auto bodies = replica().changesets(keys.id, 1, 4);
    ASSERT_TRUE(bodies) << bodies.error().describe();
    EXPECT_EQ(bodies->size(), 4u);
}

TEST_P(ReplicaContract, AnOverlappingRunAppendsOnlyWhatIsNew) {
    chain.extend(8);
    ASSERT_TRUE(replica().store(chain.batch(1, 5)));
    ASSERT_TRUE(replica().store(chain.batch(3, 8)));
    auto point = replica().chain_point(keys.id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 8u);
    auto bodies = replica().changesets(keys.id, 1, 8);
    ASSERT_TRUE(bodies) << bodies.error().describe();
    for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(bodies->at(i), chain.changesets[i].encoded);
}

TEST_P(ReplicaContract, ARunWithAGapIsRefusedAndStoresNothing) {
    chain.extend(6);
    ASSERT_TRUE(replica().store(chain.batch(1, 2)));
    EXPECT_FALSE(replica().store(chain.batch(4, 6)));
    auto point = replica().chain_point(keys.id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 2u);
}

TEST_P(ReplicaContract, TheCoverHeadIsTheGreatestWithinTheRange) {
    chain.extend(6);
    ASSERT_TRUE(replica().store(chain.batch(1, 2)));
    ASSERT_TRUE(replica().store(chain.batch(3, 4)));
    ASSERT_TRUE(replica().store(chain.batch(5, 6)));
    auto within = replica().cover_head(keys.id, 1, 5);
    ASSERT_TRUE(within && *within);
    EXPECT_EQ((*within)->head.seq, 4u);
    auto above = replica().cover_head(keys.id, 5, 5);
    ASSERT_TRUE(above && *above);
    EXPECT_EQ((*above)->head.seq, 6u);
}

INSTANTIATE_TEST_SUITE_P(EveryReplica, ReplicaContract,
                         ::testing::Values(Kind::memory, Kind::sqlite, Kind::postgres), kind_name);

class ServerStoreContract : public ReplicaContract {};

TEST_P(ServerStoreContract, ProjectsFormsAndSettingsBehaveAlike) {
    auto& store = *s->store;
    auto again = store.create_project("demo", store::first_statement("demo", s->coordinator), 1);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, errc::already_exists);
    auto names = store.project_names();
    ASSERT_TRUE(names);
    EXPECT_EQ(*names, std::vector<std::string>{"demo"});
    auto ref = store.publish_form("demo", "street_vendors", "1", "{\"a\":1}", 5);
    ASSERT_TRUE(ref) << ref.error().describe();
    EXPECT_TRUE(store.publish_form("demo", "street_vendors", "1", "{\"a\":1}", 6));
    auto other = store.publish_form("demo", "street_vendors", "1", "{\"a\":2}", 7);
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::already_exists);
    auto body = store.form_body("demo", "street_vendors", "1");
    ASSERT_TRUE(body && *body);
    EXPECT_EQ(**body, "{\"a\":1}");
    auto info = store.project("demo");
    ASSERT_TRUE(info);
    ASSERT_EQ(info->forms.size(), 1u);
    EXPECT_EQ(info->forms[0].hash, ref->hash);
    ASSERT_EQ(info->recipients.size(), 1u);
    ASSERT_TRUE(store.set_setting("address", "a:1"));
    ASSERT_TRUE(store.set_setting("address", "b:2"));
    auto address = store.setting("address");
    ASSERT_TRUE(address && *address);
    EXPECT_EQ(**address, "b:2");
    auto projects = store.projects();
    ASSERT_TRUE(projects);
    ASSERT_EQ(projects->size(), 1u);
    EXPECT_EQ(projects->at(0).devices, 1u);
    EXPECT_EQ(projects->at(0).form_versions, 1u);
}

TEST_P(ServerStoreContract, ATokenEnrollsOneDeviceOnce) {
    auto& store = *s->store;
    sync::TokenRecord token{crypto::random_array<16>(),
                            crypto::SecretBytes::random(32),
                            "demo",
                            sync::Role::organizer,
                            1'790'000'000 + 3600,
                            false,
                            "Amina"};
    ASSERT_TRUE(store.create_token(token, 1'790'000'000));
    auto read = store.token(token.id);
    ASSERT_TRUE(read && *read);
    EXPECT_EQ((*read)->role, sync::Role::organizer);
    EXPECT_FALSE((*read)->used);
    auto other = store::generate_device_keys();
    sync::DeviceRecord d{other.id,
                         "demo",
                         sync::Role::organizer,
                         other.signing.public_key,
                         other.transport.public_key,
                         1'790'000'000,
                         false,
                         "",
                         0};
    ASSERT_TRUE(store.enroll_device(token.id, d));
    auto twice = store.enroll_device(token.id, d);
    ASSERT_FALSE(twice);
    EXPECT_EQ(twice.error().code, errc::already_exists);
    auto found = store.device_by_transport_key(other.transport.public_key);
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->label, "Amina");
    auto revoked = store.revoke(crypto::to_hex(other.id).substr(0, 8), 1'790'000'100);
    ASSERT_TRUE(revoked) << revoked.error().describe();
    auto after = store.device(other.id);
    ASSERT_TRUE(after && *after);
    EXPECT_TRUE((*after)->revoked);
    auto tokens = store.tokens("demo", 1'790'000'000);
    ASSERT_TRUE(tokens);
    EXPECT_EQ(tokens->size(), 2u);
}

TEST_P(ServerStoreContract, TheDigestIsTheCoordinatorsBeforeAndAfterStatesAreStored) {
    auto& store = *s->store;
    auto second = store::generate_device_keys();
    s->enroll(second);
    TestChain other{second};
    chain.extend(7);
    other.extend(4);
    sync::MemoryReplica coordinator;
    for (auto* c : {&chain, &other}) {
        auto batch = c->batch(1, c->size());
        ASSERT_TRUE(replica().store(batch));
        ASSERT_TRUE(coordinator.store(batch));
    }
    auto before = store.stats("demo", 1'790'000'000);
    ASSERT_TRUE(before) << before.error().describe();
    EXPECT_EQ(before->changesets, 11u);
    EXPECT_EQ(before->records, 11u);
    EXPECT_EQ(before->state_digest, coordinator.state_digest());
    for (;;) {
        auto done = store.catch_up_record_states(3);
        ASSERT_TRUE(done) << done.error().describe();
        if (*done == 0) break;
    }
    auto after = store.stats("demo", 1'790'000'000);
    ASSERT_TRUE(after);
    EXPECT_EQ(after->state_digest, coordinator.state_digest());
    auto census = store.census("demo");
    ASSERT_TRUE(census);
    EXPECT_EQ(census->records, 11u);
    EXPECT_EQ(census->by_device.at(keys.id), 7u);
    auto check = store.integrity_check();
    ASSERT_TRUE(check);
    EXPECT_EQ(*check, "ok");
}

TEST_P(ServerStoreContract, EvidenceIsKeptAndItsDeviceFlagged) {
    auto& store = *s->store;
    chain.extend(5);
    ASSERT_TRUE(replica().store(chain.batch(1, 5)));
    auto fork = chain.prefix(2);
    fork.extend(2);  // seq 3 and 4, other than the chain's
    ASSERT_TRUE(replica().store(fork.evidence(3, 4, chain.changesets[2].hash)));
    auto stats = store.stats("demo", 1'790'000'000);
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->changesets, 5u);
    EXPECT_EQ(stats->equivocations, 2u);
    EXPECT_EQ(stats->equivocating_devices, 1u);
}

TEST_P(ServerStoreContract, WorkOfADeviceNotEnrolledIsHeldApartUntilItEnrolls) {
    auto& store = *s->store;
    auto stranger = store::generate_device_keys();
    TestChain theirs{stranger};
    theirs.extend(3);
    ASSERT_TRUE(replica().store(theirs.batch(1, 3)));
    auto held = store.stats("demo", 1'790'000'000);
    ASSERT_TRUE(held);
    EXPECT_EQ(held->held_changesets, 3u);
    EXPECT_EQ(held->changesets, 0u);
    auto point = replica().chain_point(stranger.id);
    ASSERT_TRUE(point && *point);
    EXPECT_EQ((*point)->seq, 3u);
    s->enroll(stranger);
    auto admitted = store.stats("demo", 1'790'000'000);
    ASSERT_TRUE(admitted);
    EXPECT_EQ(admitted->held_changesets, 0u);
    EXPECT_EQ(admitted->changesets, 3u);
}

TEST_P(ServerStoreContract, AttachmentChunksAreKeptWhole) {
    auto& store = *s->store;
    auto database_media = store.database_media();
    ASSERT_TRUE(database_media) << database_media.error().describe();
    EXPECT_EQ(*database_media != nullptr, GetParam() == Kind::postgres);
    server::FileMediaVault files(s->tmp.path() / "media");
    server::ServerMediaVault& vault = *database_media ? **database_media : files;
    // Two chunks, as the protocol makes them: a whole one and 14 bytes (each sealed: 16 more).
    const std::uint64_t size = crypto::attachment_chunk_bytes + 14;
    sync::MediaItem item{crypto::random_array<32>(), size, 2, keys.id, crypto::random_array<32>(),
                         crypto::random_array<64>()};
    ASSERT_TRUE(vault.open("demo", item));
    ASSERT_TRUE(vault.open("demo", item));  // again: no change
    std::vector<std::uint8_t> chunk0(crypto::attachment_chunk_bytes + 16, 7), chunk1(30, 9);
    ASSERT_TRUE(vault.put("demo", item.media_id(), 0, chunk0));
    auto partial = vault.find("demo", item.media_id());
    ASSERT_TRUE(partial && *partial);
    EXPECT_EQ((*partial)->chunks_held, 1u);
    EXPECT_EQ((*partial)->item, item);
    EXPECT_TRUE(vault.complete("demo")->empty());
    ASSERT_TRUE(vault.put("demo", item.media_id(), 1, chunk1));
    auto whole = vault.complete("demo");
    ASSERT_TRUE(whole);
    ASSERT_EQ(whole->size(), 1u);
    EXPECT_EQ(whole->at(0), item);
    auto got = vault.get("demo", item.media_id(), 1);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, chunk1);
    EXPECT_EQ(vault.device_bytes("demo", keys.id).value_or(0), size);
    auto census = vault.census("demo");
    ASSERT_TRUE(census);
    EXPECT_EQ(census->attachments, 1u);
    EXPECT_EQ(census->chunks, 2u);
    EXPECT_EQ(census->bytes, chunk0.size() + chunk1.size());
    ASSERT_TRUE(vault.discard("demo", item.media_id()));
    auto gone = vault.find("demo", item.media_id());
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);
}

// Issue 13: a carrier's item under another device's id is another item, in every vault.
TEST_P(ServerStoreContract, AttachmentsOfTwoAuthorsUnderOneIdAreTwoItems) {
    auto& store = *s->store;
    auto database_media = store.database_media();
    ASSERT_TRUE(database_media) << database_media.error().describe();
    server::FileMediaVault files(s->tmp.path() / "media");
    server::ServerMediaVault& vault = *database_media ? **database_media : files;
    const auto carrier = store::generate_device_keys();
    const sync::MediaItem claim{
        crypto::random_array<32>(), 10, 1, carrier.id, crypto::random_array<32>(),
        crypto::random_array<64>()};
    const sync::MediaItem real{
        claim.id, 20, 1, keys.id, crypto::random_array<32>(), crypto::random_array<64>()};
    const std::vector<std::uint8_t> junk(26, 1), photo(36, 2);
    ASSERT_TRUE(vault.open("demo", claim));
    ASSERT_TRUE(vault.put("demo", claim.media_id(), 0, junk));
    auto before = vault.find("demo", real.media_id());
    ASSERT_TRUE(before);
    EXPECT_FALSE(*before) << "the carrier's item is not the author's";
    ASSERT_TRUE(vault.open("demo", real));
    ASSERT_TRUE(vault.put("demo", real.media_id(), 0, photo));
    EXPECT_EQ(*vault.get("demo", real.media_id(), 0), photo);
    EXPECT_EQ(*vault.get("demo", claim.media_id(), 0), junk);
    auto whole = vault.complete("demo");
    ASSERT_TRUE(whole);
    EXPECT_EQ(whole->size(), 2u);
    EXPECT_EQ(vault.device_bytes("demo", keys.id).value_or(0), real.size);
    EXPECT_EQ(vault.device_bytes("demo", carrier.id).value_or(0), claim.size);
    EXPECT_EQ(vault.census("demo")->attachments, 2u);
    // Discarding one leaves the other whole.
    ASSERT_TRUE(vault.discard("demo", claim.media_id()));
    auto left = vault.find("demo", real.media_id());
    ASSERT_TRUE(left && *left);
    EXPECT_EQ((*left)->chunks_held, 1u);
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(EveryServerStore, ServerStoreContract,
                         ::testing::Values(Kind::sqlite, Kind::postgres), kind_name);

}  // namespace
}  // namespace canvass::pg_test
