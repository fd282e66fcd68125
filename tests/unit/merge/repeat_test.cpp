// Repeat instances: identified by UUID, ordered by their first op on every replica.
#include <gtest/gtest.h>

#include "merge/digest.hpp"
#include "merge/record_view.hpp"
#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::uuid;
using testing::Values;

TEST(Repeat, ConcurrentAddsBothSurviveInTheSameOrderEverywhere) {
    const RecordId record = uuid(1);
    Author alice{1}, bob{2};
    RecordState a(record), b(record);
    const auto base = alice.save(a, {set_op(a, "name")}, Values{"\"Ama\""});
    ASSERT_TRUE(b.apply(base.header, Values{"\"Ama\""}));
    bob.clock().advance(1000);
    const std::string ma = instance_path("", "members", uuid(10));
    const std::string mb = instance_path("", "members", uuid(11));
    const auto add_b = bob.save(b, {set_op(b, mb + "/name")}, Values{"\"Kofi\""});
    const auto add_a = alice.save(a, {set_op(a, ma + "/name")}, Values{"\"Esi\""});
    ASSERT_TRUE(a.apply(add_b.header, Values{"\"Kofi\""}));
    ASSERT_TRUE(b.apply(add_a.header, Values{"\"Esi\""}));
    const auto va = make_view(a);
    EXPECT_EQ(va, make_view(b));
    ASSERT_EQ(va.repeats.size(), 1u);
    EXPECT_EQ(va.repeats[0].path, "members");
    ASSERT_EQ(va.repeats[0].instances.size(), 2u);
    EXPECT_EQ(va.repeats[0].instances[0].path, ma);  // alice's clock is earlier
    EXPECT_EQ(va.repeats[0].instances[1].path, mb);
    EXPECT_EQ(va.repeats[0].instances[1].id, uuid(11));
    EXPECT_FALSE(va.has_conflicts());
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST(Repeat, OrderIsStableWhenAnInstanceIsEditedLater) {
    const RecordId record = uuid(1);
    Author alice{1};
    RecordState s(record);
    const std::string m1 = instance_path("", "members", uuid(10));
    const std::string m2 = instance_path("", "members", uuid(11));
    alice.save(s, {set_op(s, m2 + "/name"), set_op(s, m1 + "/name")});
    alice.clock().advance(60'000);
    alice.save(s, {set_op(s, m2 + "/name")});
    const auto v = make_view(s);
    // Both were added in one changeset: op index orders them, m2 first.
    EXPECT_EQ(v.repeats[0].instances[0].path, m2);
    EXPECT_EQ(v.repeats[0].instances[1].path, m1);
}

TEST(Repeat, NestedRepeatsAreGroupedByTheirParentInstance) {
    const RecordId record = uuid(1);
    Author alice{1};
    RecordState s(record);
    const std::string m = instance_path("", "members", uuid(10));
    const std::string j1 = instance_path(m, "jobs", uuid(20));
    const std::string j2 = instance_path(m, "jobs", uuid(21));
    alice.save(s, {set_op(s, j1 + "/title")});
    alice.save(s, {set_op(s, j2 + "/title")});
    const auto v = make_view(s);
    ASSERT_EQ(v.repeats.size(), 2u);
    EXPECT_EQ(v.repeats[0].path, "members");
    EXPECT_EQ(v.repeats[1].path, m + "/jobs");
    ASSERT_EQ(v.repeats[1].instances.size(), 2u);
    EXPECT_EQ(v.repeats[1].instances[0].id, uuid(20));
    EXPECT_EQ(v.repeats[1].instances[1].id, uuid(21));
    EXPECT_EQ(s.live_ops_inside(m).size(), 2u);
    EXPECT_EQ(s.live_ops_inside(j1).size(), 1u);
}

}  // namespace
}  // namespace canvass::merge
