// A record's history: who changed which field when, in order, with deletes, resolutions and
// coordinators' edits.
#include "coordinator/history.hpp"

#include "coordinator/records.hpp"
#include "coordinator/source.hpp"
#include "coordinator_test_support.hpp"

namespace canvass::coordinator::test {
namespace {

const FieldChange* change_at(const HistoryEntry& e, const std::string& path) {
    for (const auto& c : e.changes)
        if (c.path == path) return &c;
    return nullptr;
}

TEST(CoordinatorHistory, ListsEveryChangeInOrderWithItsAuthor) {
    Project p;
    ASSERT_TRUE(p.collector.edit(p.ids[0], json{{"age", 35}}));
    ship(p.collector, p.coordinator);
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "marital_status", json("widowed")));
    const auto collector = p.collector.keys().id;
    const auto coordinator = p.coordinator.keys().id;
    DeviceStoreSource source(p.coordinator);
    auto h = record_history(source, p.key, p.ids[0], {{collector, "Ana's phone"}});
    ASSERT_TRUE(h) << h.error().message;
    EXPECT_EQ(h->record, p.ids[0]);
    EXPECT_EQ(h->form_id, kForm);
    EXPECT_EQ(h->creator, collector);
    EXPECT_EQ(h->unreadable, 0u);
    ASSERT_EQ(h->entries.size(), 3u);

    const auto& created = h->entries[0];
    EXPECT_TRUE(created.creates);
    EXPECT_TRUE(created.by_creator);
    EXPECT_EQ(created.device, collector);
    EXPECT_EQ(created.label, "Ana's phone");
    EXPECT_EQ(created.seq, 1u);
    ASSERT_NE(change_at(created, "age"), nullptr);
    EXPECT_EQ(change_at(created, "age")->value, p.answers[0]["age"].dump());

    const auto& edit = h->entries[1];
    EXPECT_FALSE(edit.creates);
    EXPECT_TRUE(edit.by_creator);
    EXPECT_EQ(edit.device, collector);
    ASSERT_EQ(edit.changes.size(), 1u);
    EXPECT_EQ(edit.changes[0].path, "age");
    EXPECT_EQ(edit.changes[0].value, "35");
    ASSERT_EQ(edit.changes[0].replaced.size(), 1u);
    EXPECT_EQ(edit.changes[0].replaced[0].value, p.answers[0]["age"].dump());
    EXPECT_EQ(edit.changes[0].replaced[0].op.device, collector);
    EXPECT_FALSE(edit.changes[0].resolves());

    const auto& by_coordinator = h->entries[2];
    EXPECT_FALSE(by_coordinator.by_creator)
        << "a change by another device than the creator is a coordinator's";
    EXPECT_EQ(by_coordinator.device, coordinator);
    EXPECT_EQ(by_coordinator.label, "") << "no label given for it";
    ASSERT_NE(change_at(by_coordinator, "marital_status"), nullptr);
    EXPECT_EQ(change_at(by_coordinator, "marital_status")->value, "\"widowed\"");

    for (std::size_t i = 1; i < h->entries.size(); ++i)
        EXPECT_LE(h->entries[i - 1].hlc, h->entries[i].hlc) << "oldest first";
}

TEST(CoordinatorHistory, ResolutionsAndDeletesAreChangesToo) {
    Project p;
    ASSERT_TRUE(p.collector.edit(p.ids[0], json{{"age", 35}}));
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "age", json(36)));
    ship(p.collector, p.coordinator);
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "age", json(40)));
    ASSERT_TRUE(p.coordinator.delete_record(p.ids[0]));
    DeviceStoreSource source(p.coordinator);
    auto h = record_history(source, p.key, p.ids[0]);
    ASSERT_TRUE(h) << h.error().message;
    ASSERT_EQ(h->entries.size(), 5u);
    const auto& resolution = h->entries[3];
    EXPECT_TRUE(resolution.resolves());
    ASSERT_EQ(resolution.changes.size(), 1u);
    const auto& settled = resolution.changes[0];
    EXPECT_EQ(settled.path, "age");
    EXPECT_EQ(settled.value, "40");
    ASSERT_EQ(settled.replaced.size(), 2u);
    std::set<std::string> replaced{settled.replaced[0].value.value_or(""),
                                   settled.replaced[1].value.value_or("")};
    EXPECT_EQ(replaced, (std::set<std::string>{"35", "36"}));
    EXPECT_GE(settled.replaced[0].hlc, settled.replaced[1].hlc) << "newest first";

    const auto& deleted = h->entries[4];
    EXPECT_FALSE(deleted.by_creator);
    ASSERT_EQ(deleted.changes.size(), 1u);
    EXPECT_EQ(deleted.changes[0].kind, ChangeKind::delete_record);
    EXPECT_EQ(deleted.changes[0].path, "");
    EXPECT_FALSE(deleted.changes[0].value);
}

TEST(CoordinatorHistory, AWrongKeyIsRefusedNotShownEmpty) {
    Project p;
    DeviceStoreSource source(p.coordinator);
    auto h = record_history(source, crypto::generate_dh_key(), p.ids[0]);
    ASSERT_FALSE(h);
    EXPECT_EQ(h.error().code, errc::wrong_key);
}

}  // namespace
}  // namespace canvass::coordinator::test
