// The coordinator view rebuilds and decrypts records from a coordinator's device store and
// from a server's replica, and refuses a key that is not the project's with a clear error.
#include "coordinator/records.hpp"

#include "coordinator/source.hpp"
#include "coordinator_test_support.hpp"
#include "merge/ids.hpp"
#include "store/answers.hpp"
#include "sync/memory_replica.hpp"

namespace canvass::coordinator::test {
namespace {

// The answers as given, minus what the rebuilt record adds (calculations, instance ids).
void expect_same_answers(const json& given, const json& rebuilt) {
    for (const auto& [name, value] : given.items()) {
        if (value.is_array()) continue;  // repeats carry their "_id"s
        ASSERT_TRUE(rebuilt.contains(name)) << name;
        EXPECT_EQ(rebuilt[name], value) << name;
    }
}

TEST(CoordinatorRecords, TheProjectKeyDecryptsEveryRecordOfAnotherDevice) {
    Project p;
    DeviceStoreSource source(p.coordinator);
    auto data = load_dataset(source, p.key, kForm);
    ASSERT_TRUE(data) << data.error().message;
    ASSERT_EQ(data->records.size(), 3u);
    EXPECT_EQ(data->report.changesets, 3u);
    EXPECT_EQ(data->report.decrypted, 3u);
    EXPECT_TRUE(data->report.no_grant.empty());
    for (const auto& r : data->records) {
        auto i = static_cast<std::size_t>(std::find(p.ids.begin(), p.ids.end(), r.view.id) -
                                          p.ids.begin());
        ASSERT_LT(i, p.ids.size());
        EXPECT_EQ(r.readability(), Readability::full);
        EXPECT_EQ(r.creator, p.collector.keys().id);
        EXPECT_FALSE(r.state) << "a dataset drops the merge state unless asked";
        expect_same_answers(p.answers[i], r.answers);
    }
    // Its own store cannot read them: only the key does.
    auto sealed = p.coordinator.record(p.ids[0]);
    ASSERT_TRUE(sealed);
    EXPECT_FALSE(sealed->readable);
}

TEST(CoordinatorRecords, AKeyThatIsNotTheProjectsIsRefusedByName) {
    Project p;
    DeviceStoreSource source(p.coordinator);
    auto other = crypto::generate_dh_key();
    auto data = load_dataset(source, other, kForm);
    ASSERT_FALSE(data);
    EXPECT_EQ(data.error().domain, Domain::crypto);
    EXPECT_EQ(data.error().code, errc::wrong_key);
    const auto& m = data.error().message;
    EXPECT_NE(m.find("cannot decrypt any of the 3 changesets"), std::string::npos) << m;
    EXPECT_NE(m.find(crypto::to_hex(p.key.public_key).substr(0, 16)), std::string::npos)
        << "names the project's recipient key: " << m;
    EXPECT_NE(m.find("Is this the right --key file?"), std::string::npos) << m;
    auto one = load_record(source, other, p.ids[0]);
    ASSERT_FALSE(one);
    EXPECT_EQ(one.error().code, errc::wrong_key);
}

TEST(CoordinatorRecords, ARecordNotHeldIsNotFound) {
    Project p;
    DeviceStoreSource source(p.coordinator);
    merge::RecordId unknown{};
    unknown[0] = 0x42;
    auto one = load_record(source, p.key, unknown);
    ASSERT_FALSE(one);
    EXPECT_EQ(one.error().code, errc::not_found);
    EXPECT_NE(one.error().message.find(merge::format_uuid(unknown)), std::string::npos);
}

TEST(CoordinatorRecords, EditsOfTwoDevicesRebuildIntoOneRecord) {
    Project p;
    // The collector corrects one answer, the coordinator another; each ships to the other.
    ASSERT_TRUE(p.collector.edit(p.ids[0], json{{"age", 35}}));
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "marital_status", json("widowed")));
    ship(p.collector, p.coordinator);
    DeviceStoreSource source(p.coordinator);
    auto r = load_record(source, p.key, p.ids[0]);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->changesets, 3u);
    EXPECT_EQ(r->answers["age"], 35);
    EXPECT_EQ(r->answers["marital_status"], "widowed");
    EXPECT_EQ(r->answers["can_read"], p.answers[0]["can_read"]);
    ASSERT_TRUE(r->state) << "load_record keeps the state an edit needs";
    EXPECT_EQ(r->view.devices.size(), 2u);
    EXPECT_TRUE(r->conflicts.empty());
    // The same state as the coordinator's store merged without values.
    auto sealed = p.coordinator.record(p.ids[0]);
    ASSERT_TRUE(sealed && sealed->view);
    EXPECT_EQ(sealed->view->edits, r->view.edits);
    EXPECT_EQ(sealed->view->fields.size(), r->view.fields.size());
}

TEST(CoordinatorRecords, AServersReplicaIsReadLikeADeviceStore) {
    Project p;
    ASSERT_TRUE(p.coordinator.resolve(p.ids[1], "age", json(52)));
    // What the server holds after both devices synced: both chains, with their grants.
    sync::MemoryReplica server;
    sync::VerifiedBatch batch;
    for (auto* s : {&p.collector, &p.coordinator}) {
        const auto& id = s->keys().id;
        std::uint64_t last = s->status()->own_changesets;
        auto head = **s->head_at(id, 1, last);
        sync::VerifiedRun run{id, head.second, {}, head.first, *s->grants(id)};
        auto encoded = s->changesets(id, 1, last);
        ASSERT_TRUE(encoded) << encoded.error().message;
        for (auto& bytes : *encoded) {
            auto cs = merge::decode(bytes);
            ASSERT_TRUE(cs);
            run.changesets.push_back({bytes, *cs, merge::changeset_hash(*cs), false});
        }
        batch.runs.push_back(std::move(run));
    }
    ASSERT_TRUE(server.store(batch));
    ReplicaSource source(server, {p.key.public_key});
    auto count = source.changeset_count();
    ASSERT_TRUE(count && *count);
    EXPECT_EQ(**count, 4u);
    auto data = load_dataset(source, p.key, kForm);
    ASSERT_TRUE(data) << data.error().message;
    ASSERT_EQ(data->records.size(), 3u);
    EXPECT_EQ(data->report.decrypted, 4u);
    auto r = load_record(source, p.key, p.ids[1]);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->answers["age"], 52);
    auto wrong = load_dataset(source, crypto::generate_dh_key(), kForm);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, errc::wrong_key);
}

TEST(CoordinatorRecords, ChangesetsOfAnEpochNotGrantedToTheKeyAreCountedNotDropped) {
    Project p;
    // A second collector sealing to another key only: its record is held but unreadable.
    auto elsewhere = crypto::generate_dh_key();
    auto other = make_store(p.dir / "other", {form_text(kForm)}, elsewhere.public_key, "collector");
    auto made = other.import_records(kForm, {p.answers[0]}, true);
    ASSERT_TRUE(made);
    ship(other, p.coordinator);
    DeviceStoreSource source(p.coordinator);
    auto data = load_dataset(source, p.key, kForm);
    ASSERT_TRUE(data) << data.error().message;
    EXPECT_EQ(data->records.size(), 4u);
    EXPECT_EQ(data->report.unreadable(), 1u);
    EXPECT_EQ(data->report.no_grant.at(other.keys().id), 1u);
    std::size_t unreadable = 0;
    for (const auto& r : data->records) unreadable += r.readability() == Readability::none;
    EXPECT_EQ(unreadable, 1u);
}

}  // namespace
}  // namespace canvass::coordinator::test
