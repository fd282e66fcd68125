// Who may change a record, in the device store: ids bound to this device when minted, the
// rule checked before any changeset is appended, and drafts of older stores given bound ids.
#include <gtest/gtest.h>

#include "household_form.hpp"
#include "merge/authority.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace canvass::store {
namespace {

using canvass::testing::TempDir;
using nlohmann::json;

// The chain of `from` as `to` would receive it from a bundle.
void carry(DeviceStore& from, DeviceStore& to) {
    const auto& id = from.keys().id;
    auto last = from.status()->own_changesets;
    auto head = **from.head_at(id, 1, last);
    std::vector<DeviceStore::IncomingRun> runs{
        {id, head.second, *from.changesets(id, 1, last), head.first, *from.grants(id)}};
    ASSERT_TRUE(to.ingest(runs));
}

std::vector<merge::Changeset> own_chain(DeviceStore& s) {
    std::vector<merge::Changeset> out;
    EXPECT_TRUE(s.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
        if (cs.header.device == s.keys().id) out.push_back(cs);
        return {};
    }));
    return out;
}

TEST(RecordAuthorityStore, RecordsFinalizedAtOnceOrAsDraftsAreCreatedUnderIdsBoundToThisDevice) {
    TempDir dir;
    auto s = canvass::testing::make_test_store(dir / "home");
    auto finalized = s.create_record("household", json{{"name", "A"}}, true);
    auto draft = s.create_record("household", json{{"name", "B"}}, false);
    ASSERT_TRUE(finalized && draft);
    ASSERT_TRUE(s.finalize(*draft));
    auto chain = own_chain(s);
    ASSERT_EQ(chain.size(), 2u);
    EXPECT_EQ(chain[0].header.record, *finalized);
    EXPECT_EQ(chain[1].header.record, *draft);
    for (const auto& cs : chain) EXPECT_TRUE(merge::creates_record(cs.header));
    EXPECT_EQ(*s.record_creator(*draft), s.keys().id);
    ASSERT_TRUE(s.edit(*draft, json{{"age", 30}}));
    EXPECT_FALSE(merge::creates_record(own_chain(s).back().header));  // an edit proves nothing more
    EXPECT_TRUE(s.may_change(*draft));
}

TEST(RecordAuthorityStore, AnotherDevicesRecordIsRefusedAndNothingIsAppended) {
    TempDir dir;
    auto alice = canvass::testing::make_test_store(dir / "alice", "collector");
    auto id = alice.create_record("household", json{{"name", "A"}}, true);
    ASSERT_TRUE(id);
    auto bob = canvass::testing::make_test_store(dir / "bob", "collector");
    carry(alice, bob);
    EXPECT_EQ(*bob.record_creator(*id), alice.keys().id);

    auto may = bob.may_change(*id);
    ASSERT_FALSE(may);
    EXPECT_EQ(may.error().domain, Domain::auth);
    EXPECT_NE(may.error().message.find("its creator's device (" +
                                       crypto::to_hex(alice.keys().id).substr(0, 8) + ")"),
              std::string::npos)
        << may.error().message;
    // The store's own saves check the same, whatever the caller forgot.
    auto resolved = bob.resolve(*id, "age", json(40));
    ASSERT_FALSE(resolved);
    EXPECT_EQ(resolved.error().code, errc::permission_denied) << resolved.error().describe();
    EXPECT_NE(resolved.error().message.find("may not change record " + merge::format_uuid(*id)),
              std::string::npos);
    EXPECT_FALSE(bob.delete_record(*id));
    EXPECT_EQ(bob.status()->own_changesets, 0u);
    EXPECT_FALSE(bob.record(*id)->summary.deleted);
    // After the refusals the chain goes on as if nothing happened.
    ASSERT_TRUE(bob.create_record("household", json{{"name", "B"}}, true));
    EXPECT_EQ(own_chain(bob).front().header.seq, 1u);
}

TEST(RecordAuthorityStore, ACoordinatorsDeviceMayChangeAnyRecord) {
    TempDir dir;
    auto alice = canvass::testing::make_test_store(dir / "alice", "collector");
    auto id = alice.create_record("household", json{{"name", "A"}}, true);
    auto coordinator = canvass::testing::make_test_store(dir / "coordinator", "coordinator");
    carry(alice, coordinator);
    EXPECT_TRUE(coordinator.may_change(*id));
    ASSERT_TRUE(coordinator.resolve(*id, "age", json(40)));
    ASSERT_TRUE(coordinator.delete_record(*id));
    EXPECT_EQ(coordinator.status()->own_changesets, 2u);
}

TEST(RecordAuthorityStore, ADraftOfAnOlderStoreGetsABoundIdWhenTheStoreOpens) {
    TempDir dir;
    std::string home = dir / "home";
    merge::RecordId old_id{};
    {
        auto s = canvass::testing::make_test_store(home);
        auto draft = s.create_record("household", json{{"name", "Old"}}, false);
        ASSERT_TRUE(draft);
        old_id = *draft;
    }
    {  // as a store written before ids were bound holds it: no creation nonce kept
        auto db = Database::open(home + "/device.db", false);
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->exec("DELETE FROM record_nonces"));
    }
    auto s = std::move(DeviceStore::open(home, Passphrase{"correct horse"},
                                         canvass::testing::fast_store_options()))
                 .value();
    auto list = s.records();
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    const auto new_id = list->front().id;
    EXPECT_NE(new_id, old_id);
    EXPECT_EQ(s.record(new_id)->answers["name"], "Old");
    ASSERT_TRUE(s.finalize(new_id));
    EXPECT_TRUE(merge::creates_record(own_chain(s).front().header));
}

}  // namespace
}  // namespace canvass::store
