#include "merge/digest.hpp"

#include <gtest/gtest.h>

#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::uuid;
using testing::Values;

TEST(RecordDigest, IgnoresValuesSoTheServerAndACoordinatorAgree) {
    Author alice{1};
    RecordState coordinator(uuid(1)), server(uuid(1));
    const auto cs = alice.save(coordinator, {set_op(coordinator, "age")}, Values{"34"});
    ASSERT_TRUE(server.apply(cs.header));
    EXPECT_EQ(record_digest(server), record_digest(coordinator));
}

TEST(RecordDigest, ChangesWithTheLiveOps) {
    Author alice{1};
    RecordState s(uuid(1));
    alice.save(s, {set_op(s, "age")});
    const Hash one = record_digest(s);
    alice.save(s, {set_op(s, "age")});
    const Hash two = record_digest(s);
    EXPECT_NE(one, two);
    alice.save(s, {delete_record_op(s)});
    EXPECT_NE(record_digest(s), two);
}

TEST(RecordDigest, DependsOnTheRecordId) {
    Author alice{1}, again{1};
    RecordState x(uuid(1)), y(uuid(2));
    alice.save(x, {set_op(x, "age")});
    again.save(y, {set_op(y, "age")});
    EXPECT_NE(record_digest(x), record_digest(y));
}

TEST(StoreDigest, IsOrderIndependentAndIncremental) {
    Hash d1{}, d2{}, d3{};
    d1.fill(1), d2.fill(2), d3.fill(3);
    StoreDigest forward, backward, updated;
    forward.add(uuid(1), d1);
    forward.add(uuid(2), d2);
    backward.add(uuid(2), d2);
    backward.add(uuid(1), d1);
    EXPECT_EQ(forward, backward);
    EXPECT_NE(forward.value(), Hash{});
    updated.add(uuid(1), d3);
    updated.add(uuid(2), d2);
    updated.replace(uuid(1), d3, d1);
    EXPECT_EQ(updated, forward);
    forward.remove(uuid(1), d1);
    forward.remove(uuid(2), d2);
    EXPECT_EQ(forward.value(), Hash{});
}

TEST(StoreDigest, BindsDigestsToTheirRecords) {
    Hash d1{}, d2{};
    d1.fill(1), d2.fill(2);
    StoreDigest x, y;
    x.add(uuid(1), d1);
    x.add(uuid(2), d2);
    y.add(uuid(1), d2);
    y.add(uuid(2), d1);
    EXPECT_NE(x, y);
}

}  // namespace
}  // namespace canvass::merge
