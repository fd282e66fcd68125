// One listing of conflicts, with its filters: open only or resolved too, per form, per record.
#include "coordinator/conflicts.hpp"

#include "coordinator/records.hpp"
#include "coordinator/source.hpp"
#include "coordinator_test_support.hpp"

namespace canvass::coordinator::test {
namespace {

// The collector and the coordinator change `age` of record 0 at the same time.
void clash(Project& p) {
    ASSERT_TRUE(p.collector.edit(p.ids[0], json{{"age", 35}}));
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "age", json(36)));
    ship(p.collector, p.coordinator);
}

std::set<std::string> values_of(const Conflict& c) {
    std::set<std::string> out;
    for (const auto& cand : c.candidates) out.insert(cand.value.value_or("?"));
    return out;
}

TEST(CoordinatorConflicts, ConcurrentEditsOfOneFieldAreOneOpenConflictWithBothCandidates) {
    Project p;
    clash(p);
    DeviceStoreSource source(p.coordinator);
    auto listing = list_conflicts(source, p.key, ConflictFilter{});
    ASSERT_TRUE(listing) << listing.error().message;
    ASSERT_EQ(listing->records.size(), 1u);
    const auto& r = listing->records[0];
    EXPECT_EQ(r.record, p.ids[0]);
    EXPECT_EQ(r.form_id, kForm);
    ASSERT_EQ(r.conflicts.size(), 1u);
    const auto& c = r.conflicts[0];
    EXPECT_EQ(c.path, "age");
    EXPECT_FALSE(c.delete_conflict);
    EXPECT_FALSE(c.resolved);
    EXPECT_EQ(values_of(c), (std::set<std::string>{"35", "36"}));
    ASSERT_EQ(c.candidates.size(), 2u);
    EXPECT_TRUE(c.candidates[0].shown);
    EXPECT_FALSE(c.candidates[1].shown);
    EXPECT_NE(c.candidates[0].device, c.candidates[1].device);
}

TEST(CoordinatorConflicts, FiltersByFormAndByRecord) {
    Project p;
    clash(p);
    DeviceStoreSource source(p.coordinator);
    ConflictFilter filter;
    filter.form_id = kForm;
    EXPECT_EQ(list_conflicts(source, p.key, filter)->records.size(), 1u);
    filter.form_id = "street_vendors";
    auto other_form = list_conflicts(source, p.key, filter);
    ASSERT_TRUE(other_form) << other_form.error().message;
    EXPECT_TRUE(other_form->records.empty());
    filter.form_id.clear();
    filter.record = p.ids[1];
    auto calm = list_conflicts(source, p.key, filter);
    ASSERT_TRUE(calm) << calm.error().message;
    EXPECT_TRUE(calm->records.empty()) << "record 1 has no conflict";
    filter.record = p.ids[0];
    auto clashing = list_conflicts(source, p.key, filter);
    ASSERT_TRUE(clashing);
    ASSERT_EQ(clashing->records.size(), 1u);
    EXPECT_EQ(clashing->records[0].record, p.ids[0]);

    // The same filters over records already loaded.
    auto data = load_dataset(source, p.key, "");
    ASSERT_TRUE(data);
    ConflictFilter by_record;
    by_record.record = p.ids[2];
    EXPECT_TRUE(list_conflicts(data->records, by_record).empty());
    by_record.record = p.ids[0];
    EXPECT_EQ(list_conflicts(data->records, by_record).size(), 1u);
}

TEST(CoordinatorConflicts, AResolvedConflictLeavesTheOpenListingAndStaysInTheResolvedOne) {
    Project p;
    clash(p);
    ASSERT_TRUE(p.coordinator.resolve(p.ids[0], "age", json(40)));
    DeviceStoreSource source(p.coordinator);
    auto open = list_conflicts(source, p.key, ConflictFilter{});
    ASSERT_TRUE(open) << open.error().message;
    EXPECT_TRUE(open->records.empty());

    ConflictFilter filter;
    filter.scope = ConflictScope::resolved_too;
    auto all = list_conflicts(source, p.key, filter);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->records.size(), 1u);
    ASSERT_EQ(all->records[0].conflicts.size(), 1u);
    const auto& c = all->records[0].conflicts[0];
    EXPECT_TRUE(c.resolved);
    EXPECT_EQ(c.path, "age");
    EXPECT_EQ(values_of(c), (std::set<std::string>{"35", "36"}));
    ASSERT_TRUE(c.resolution);
    EXPECT_EQ(c.resolution->value, "40");
    EXPECT_EQ(c.resolution->device, p.coordinator.keys().id);
    // A record filter that excludes it also excludes its resolved conflict.
    filter.record = p.ids[1];
    EXPECT_TRUE(list_conflicts(source, p.key, filter)->records.empty());
}

TEST(CoordinatorConflicts, AnEditConcurrentWithADeleteIsADeleteConflictWithItsCandidates) {
    Project p;
    ASSERT_TRUE(p.collector.edit(p.ids[1], json{{"age", 61}}));
    ASSERT_TRUE(p.coordinator.delete_record(p.ids[1]));
    ship(p.collector, p.coordinator);
    DeviceStoreSource source(p.coordinator);
    auto r = load_record(source, p.key, p.ids[1]);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_FALSE(r->view.deleted()) << "an edit concurrent with a delete keeps the record";
    ASSERT_FALSE(r->conflicts.empty());
    const auto& c = r->conflicts[0];
    EXPECT_TRUE(c.delete_conflict);
    EXPECT_EQ(c.path, "");
    bool deleted = false, edited = false;
    for (const auto& cand : c.candidates) {
        deleted = deleted || cand.kind == CandidateKind::deleted;
        if (cand.kind == CandidateKind::edited && cand.edited_path == "age")
            edited = cand.value == "61";
    }
    EXPECT_TRUE(deleted);
    EXPECT_TRUE(edited);
    // Without the state (the store's own view) the conflict is listed, its candidates not.
    auto bare = conflicts_of(r->view, nullptr);
    ASSERT_EQ(bare.size(), r->conflicts.size());
    EXPECT_TRUE(bare[0].candidates.empty());
}

TEST(CoordinatorConflicts, ACleanlyDeletedRecordIsNeverListed) {
    Project p;
    ASSERT_TRUE(p.coordinator.delete_record(p.ids[2]));
    DeviceStoreSource source(p.coordinator);
    ConflictFilter filter;
    filter.scope = ConflictScope::resolved_too;
    auto all = list_conflicts(source, p.key, filter);
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_TRUE(all->records.empty());
}

}  // namespace
}  // namespace canvass::coordinator::test
