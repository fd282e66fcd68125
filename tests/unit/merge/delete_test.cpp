// Record and instance deletes: a delete never makes a value disappear on its own.
#include <gtest/gtest.h>

#include "merge/digest.hpp"
#include "merge/record_view.hpp"
#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::uuid;
using testing::Values;

const FieldView* field(const RecordView& v, std::string_view path) {
    for (const auto& f : v.fields)
        if (f.path == path) return &f;
    return nullptr;
}

class Delete : public ::testing::Test {
  protected:
    void SetUp() override {
        base = alice.save(a, {set_op(a, "age"), set_op(a, "name"), set_op(a, member + "/age")},
                          Values{"34", "\"Ama\"", "12"});
        ASSERT_TRUE(b.apply(base.header, Values{"34", "\"Ama\"", "12"}));
    }
    void exchange(const Changeset& from_a, const Changeset& from_b) {
        ASSERT_TRUE(a.apply(from_b.header));
        ASSERT_TRUE(b.apply(from_a.header));
    }

    RecordId record = uuid(1);
    std::string member = instance_path("", "members", uuid(2));
    Author alice{1}, bob{2}, coordinator{3};
    RecordState a{record}, b{record};
    Changeset base;
};

TEST_F(Delete, ADeleteThatSawEverythingDeletesTheRecordKeepingItsValues) {
    const auto del = alice.save(a, {delete_record_op(a)});
    EXPECT_EQ(del.header.ops[0].supersedes.size(), 3u);
    ASSERT_TRUE(b.apply(del.header));
    for (auto* s : {&a, &b}) {
        const auto v = make_view(*s);
        EXPECT_TRUE(v.deleted());
        EXPECT_FALSE(v.status.conflict);
        EXPECT_FALSE(v.has_conflicts());
        ASSERT_EQ(v.fields.size(), 3u);  // still held, shown as deleted
        for (const auto& f : v.fields) EXPECT_TRUE(f.deleted);
    }
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST_F(Delete, AnEditConcurrentWithADeleteKeepsTheRecordWithAllItsValuesAndFlagsIt) {
    const auto del = alice.save(a, {delete_record_op(a)});
    const auto edit = bob.save(b, {set_op(b, "income")}, Values{"1200"});
    exchange(del, edit);
    for (auto* s : {&a, &b}) {
        const auto v = make_view(*s);
        EXPECT_FALSE(v.deleted());
        EXPECT_TRUE(v.status.conflict);
        EXPECT_TRUE(v.has_conflicts());
        EXPECT_EQ(v.fields.size(), 4u);
        for (const auto& f : v.fields) EXPECT_FALSE(f.deleted) << f.path;
    }
    EXPECT_EQ(field(make_view(b), "age")->winner().value, "34");
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST_F(Delete, AnEditInsideAnInstanceAlsoKeepsTheRecord) {
    const auto del = alice.save(a, {delete_record_op(a)});
    const auto edit = bob.save(b, {set_op(b, member + "/age")}, Values{"13"});
    exchange(del, edit);
    EXPECT_FALSE(make_view(a).deleted());
    EXPECT_TRUE(make_view(a).status.conflict);
}

TEST_F(Delete, AKeepUndoesTheDelete) {
    alice.save(a, {delete_record_op(a)});
    ASSERT_TRUE(make_view(a).deleted());
    const auto keep = alice.save(a, {keep_op(a, "")});
    EXPECT_EQ(keep.header.ops[0].supersedes.size(), 1u);
    const auto v = make_view(a);
    EXPECT_FALSE(v.deleted());
    EXPECT_FALSE(v.status.conflict);
    EXPECT_EQ(field(v, "name")->winner().value, "\"Ama\"");
}

TEST_F(Delete, ADeleteConcurrentWithAKeepIsFlagged) {
    const auto del = alice.save(a, {delete_record_op(a)});
    ASSERT_TRUE(b.apply(del.header));
    const auto keep = bob.save(b, {keep_op(b, "")});
    const auto del2 = alice.save(a, {delete_record_op(a)});  // deletes again, not seeing the keep
    exchange(del2, keep);
    for (auto* s : {&a, &b}) {
        const auto v = make_view(*s);
        EXPECT_FALSE(v.deleted());
        EXPECT_TRUE(v.status.conflict);
    }
}

TEST_F(Delete, ACoordinatorSettlesByDeletingEverything) {
    const auto del = alice.save(a, {delete_record_op(a)});
    const auto edit = bob.save(b, {set_op(b, "income")}, Values{"1200"});
    exchange(del, edit);
    ASSERT_TRUE(make_view(a).status.conflict);
    const auto settle = coordinator.save(a, {delete_record_op(a)});
    ASSERT_TRUE(b.apply(settle.header));
    EXPECT_TRUE(make_view(a).deleted());
    EXPECT_FALSE(make_view(a).status.conflict);
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST_F(Delete, ACoordinatorSettlesByKeeping) {
    const auto del = alice.save(a, {delete_record_op(a)});
    const auto edit = bob.save(b, {set_op(b, "income")}, Values{"1200"});
    exchange(del, edit);
    coordinator.save(a, {keep_op(a, "")});
    const auto v = make_view(a);
    EXPECT_FALSE(v.deleted());
    EXPECT_FALSE(v.status.conflict);
    EXPECT_EQ(v.fields.size(), 4u);
}

TEST_F(Delete, TwoConcurrentDeletesThatSawEverythingDelete) {
    const auto d1 = alice.save(a, {delete_record_op(a)});
    const auto d2 = bob.save(b, {delete_record_op(b)});
    exchange(d1, d2);
    EXPECT_TRUE(make_view(a).deleted());
    EXPECT_FALSE(make_view(a).status.conflict);
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST_F(Delete, ADeleteArrivingBeforeTheEditsItCoversStillDeletes) {
    const auto del = alice.save(a, {delete_record_op(a)});
    RecordState relay(record);
    ASSERT_TRUE(relay.apply(del.header));
    EXPECT_TRUE(make_view(relay).deleted());  // a record holding only its delete
    ASSERT_TRUE(relay.apply(base.header));
    EXPECT_TRUE(make_view(relay).deleted());
    EXPECT_EQ(record_digest(relay), record_digest(a));
}

TEST_F(Delete, AnInstanceDeleteHidesOnlyThatInstance) {
    const std::string other = instance_path("", "members", uuid(3));
    alice.save(a, {set_op(a, other + "/age")}, Values{"40"});
    const auto del = alice.save(a, {delete_instance_op(a, member)});
    EXPECT_EQ(del.header.ops[0].supersedes.size(), 1u);
    const auto v = make_view(a);
    EXPECT_FALSE(v.deleted());
    EXPECT_TRUE(field(v, member + "/age")->deleted);
    EXPECT_FALSE(field(v, other + "/age")->deleted);
    ASSERT_EQ(v.repeats.size(), 1u);
    ASSERT_EQ(v.repeats[0].instances.size(), 2u);
    EXPECT_TRUE(v.repeats[0].instances[0].deleted);
    EXPECT_FALSE(v.repeats[0].instances[1].deleted);
    EXPECT_FALSE(v.has_conflicts());
}

TEST_F(Delete, AnEditInsideAnInstanceConcurrentWithItsDeleteKeepsIt) {
    const auto del = alice.save(a, {delete_instance_op(a, member)});
    const auto edit = bob.save(b, {set_op(b, member + "/name")}, Values{"\"Kofi\""});
    exchange(del, edit);
    for (auto* s : {&a, &b}) {
        const auto v = make_view(*s);
        const auto& inst = v.repeats.at(0).instances.at(0);
        EXPECT_FALSE(inst.deleted);
        EXPECT_TRUE(inst.status.conflict);
        EXPECT_TRUE(v.has_conflicts());
        EXPECT_EQ(field(v, member + "/age")->winner().value, "12");
    }
}

TEST_F(Delete, KeepingADeletedRecordLeavesItsDeletedInstancesDeleted) {
    alice.save(a, {delete_instance_op(a, member)});
    alice.save(a, {delete_record_op(a)});
    alice.save(a, {keep_op(a, "")});
    const auto v = make_view(a);
    EXPECT_FALSE(v.deleted());
    EXPECT_TRUE(v.repeats.at(0).instances.at(0).deleted);
    EXPECT_TRUE(field(v, member + "/age")->deleted);
    EXPECT_FALSE(field(v, "age")->deleted);
}

TEST_F(Delete, NestedInstancesInsideADeletedInstanceAreDeleted) {
    const std::string job = instance_path(member, "jobs", uuid(4));
    alice.save(a, {set_op(a, job + "/title")}, Values{"\"vendor\""});
    alice.save(a, {delete_instance_op(a, member)});
    const auto v = make_view(a);
    EXPECT_TRUE(field(v, job + "/title")->deleted);
    for (const auto& r : v.repeats)
        for (const auto& i : r.instances) EXPECT_TRUE(i.deleted) << i.path;
}

}  // namespace
}  // namespace canvass::merge
