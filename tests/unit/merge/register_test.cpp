// Multi-value registers: one answer, conflicts, resolution, order independence.
#include <gtest/gtest.h>

#include <algorithm>

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

RecordState replay(const RecordId& id, const std::vector<Changeset>& changesets) {
    RecordState s(id);
    for (const auto& cs : changesets) EXPECT_TRUE(s.apply(cs.header));
    return s;
}

class Register : public ::testing::Test {
  protected:
    RecordId record = uuid(1);
    Author alice{1}, bob{2}, coordinator{3};
    RecordState a{record}, b{record}, c{record};
};

TEST_F(Register, OneSetIsTheAnswer) {
    alice.save(a, {set_op(a, "age")}, Values{"34"});
    const auto v = make_view(a);
    ASSERT_EQ(v.fields.size(), 1u);
    EXPECT_FALSE(v.fields[0].conflict());
    EXPECT_EQ(v.fields[0].winner().value, "34");
    EXPECT_EQ(v.fields[0].winner().op.device, alice.id());
    EXPECT_EQ(v.edits, 1u);
}

TEST_F(Register, ALaterEditSupersedesWhatItsAuthorSaw) {
    alice.save(a, {set_op(a, "age")}, Values{"34"});
    alice.clock().advance(10);
    const auto second = alice.save(a, {set_op(a, "age")}, Values{"35"});
    EXPECT_EQ(second.header.ops[0].supersedes.size(), 1u);
    const auto v = make_view(a);
    ASSERT_EQ(v.fields[0].candidates.size(), 1u);
    EXPECT_EQ(v.fields[0].winner().value, "35");
}

TEST_F(Register, ConcurrentEditsAreAConflictWithEveryCandidate) {
    const auto base = alice.save(a, {set_op(a, "age")}, Values{"34"});
    ASSERT_TRUE(b.apply(base.header, Values{"34"}));
    alice.clock().advance(5);
    bob.clock().advance(50);  // bob's edit has the later clock
    const auto ea = alice.save(a, {set_op(a, "age")}, Values{"35"});
    const auto eb = bob.save(b, {set_op(b, "age")}, Values{"36"});
    ASSERT_TRUE(a.apply(eb.header, Values{"36"}));
    ASSERT_TRUE(b.apply(ea.header, Values{"35"}));
    const auto va = make_view(a);
    EXPECT_EQ(va, make_view(b));
    const auto* f = field(va, "age");
    ASSERT_TRUE(f && f->conflict());
    ASSERT_EQ(f->candidates.size(), 2u);
    EXPECT_EQ(f->winner().value, "36");  // greatest hlc
    EXPECT_EQ(f->candidates[1].value, "35");
    EXPECT_TRUE(va.has_conflicts());
    EXPECT_EQ(record_digest(a), record_digest(b));
}

TEST_F(Register, EqualClocksAreBrokenByDeviceId) {
    Author low{1, 5000}, high{2, 5000};
    RecordState s(record);
    const auto x = low.write(record, {Op{"age", OpKind::set, {}}});
    const auto y = high.write(record, {Op{"age", OpKind::set, {}}});
    ASSERT_EQ(x.header.hlc, y.header.hlc);
    ASSERT_TRUE(s.apply(y.header, Values{"high"}));
    ASSERT_TRUE(s.apply(x.header, Values{"low"}));
    EXPECT_EQ(field(make_view(s), "age")->winner().value, "high");
}

TEST_F(Register, ACoordinatorResolvesByWritingOverEveryCandidate) {
    const auto ea = alice.save(a, {set_op(a, "age")}, Values{"35"});
    const auto eb = bob.save(b, {set_op(b, "age")}, Values{"36"});
    ASSERT_TRUE(c.apply(ea.header, Values{"35"}));
    ASSERT_TRUE(c.apply(eb.header, Values{"36"}));
    ASSERT_TRUE(field(make_view(c), "age")->conflict());
    const auto fix = coordinator.save(c, {set_op(c, "age")}, Values{"35"});
    EXPECT_EQ(fix.header.ops[0].supersedes.size(), 2u);
    ASSERT_TRUE(a.apply(fix.header, Values{"35"}));
    ASSERT_TRUE(a.apply(eb.header, Values{"36"}));  // bob's arrives after the fix
    for (auto* s : {&a, &c}) {
        const auto view = make_view(*s);
        const auto* f = field(view, "age");
        ASSERT_FALSE(f->conflict());
        EXPECT_EQ(f->winner().op.device, coordinator.id());
    }
    EXPECT_EQ(record_digest(a), record_digest(c));
}

TEST_F(Register, ASupersedingOpArrivingFirstStillWins) {
    const auto first = alice.save(a, {set_op(a, "age")}, Values{"1"});
    const auto second = alice.save(a, {set_op(a, "age")}, Values{"2"});
    ASSERT_TRUE(b.apply(second.header, Values{"2"}));
    ASSERT_TRUE(b.apply(first.header, Values{"1"}));
    EXPECT_EQ(make_view(a), make_view(b));
    EXPECT_EQ(a, b);
    EXPECT_EQ(a.serialize(), b.serialize());
}

TEST_F(Register, EveryOrderGivesTheSameState) {
    std::vector<Changeset> log;
    log.push_back(alice.save(a, {set_op(a, "age"), set_op(a, "name")}));
    log.push_back(bob.save(b, {set_op(b, "age")}));
    ASSERT_TRUE(a.apply(log[1].header));
    log.push_back(alice.save(a, {set_op(a, "age")}));
    log.push_back(bob.save(b, {set_op(b, "name")}));
    std::vector<std::size_t> order{0, 1, 2, 3};
    const RecordState reference = replay(record, log);
    do {
        std::vector<Changeset> permuted;
        for (auto i : order) permuted.push_back(log[i]);
        const RecordState s = replay(record, permuted);
        EXPECT_EQ(s, reference);
        EXPECT_EQ(record_digest(s), record_digest(reference));
    } while (std::next_permutation(order.begin(), order.end()));
}

TEST_F(Register, DuplicatesChangeNothingButMayBringValues) {
    const auto cs = alice.save(a, {set_op(a, "age"), set_op(a, "name")}, Values{"34", "\"Ama\""});
    ASSERT_EQ(b.apply(cs.header).value(), Applied::merged);  // a relay that cannot decrypt
    const Hash before = record_digest(b);
    EXPECT_EQ(field(make_view(b), "age")->winner().value, std::nullopt);
    ASSERT_EQ(b.apply(cs.header).value(), Applied::duplicate);
    ASSERT_EQ(b.apply(cs.header, Values{"34", "\"Ama\""}).value(), Applied::duplicate);
    EXPECT_EQ(record_digest(b), before);
    EXPECT_EQ(make_view(b), make_view(a));
    EXPECT_EQ(b.edits(), 1u);
}

TEST_F(Register, EquivocationIsRefusedAndChangesNothing) {
    const auto cs = alice.save(a, {set_op(a, "age")}, Values{"34"});
    auto forged = cs.header;
    forged.ops[0].path = "name";
    const auto before = a;
    auto r = a.apply(forged);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::protocol);
    EXPECT_NE(r.error().message.find("equivocation"), std::string::npos);
    EXPECT_EQ(a, before);
}

TEST_F(Register, RefusesAnotherRecordsChangesetAndMismatchedValues) {
    const auto cs = alice.write(uuid(2), {Op{"age", OpKind::set, {}}});
    EXPECT_FALSE(a.apply(cs.header));
    const auto mine = alice.write(record, {Op{"age", OpKind::set, {}}});
    EXPECT_FALSE(a.apply(mine.header, Values{"1", "2"}));
    EXPECT_EQ(a.edits(), 0u);
}

TEST_F(Register, ASupersedesEntryForAnotherPathRemovesNothing) {
    const auto age = alice.save(a, {set_op(a, "age")}, Values{"34"});
    // A buggy or hostile author lists the age op from an op on another path.
    bob.save(a, {Op{"name", OpKind::set, {OpId{alice.id(), 1, 0}}}}, Values{"\"x\""});
    EXPECT_EQ(field(make_view(a), "age")->winner().value, "34");
    (void)age;
}

TEST_F(Register, MetadataFollowsTheLatestChangeset) {
    alice.clock().advance(100);
    const auto x = alice.save(a, {set_op(a, "age")});
    const auto y = bob.save(a, {set_op(a, "name")});
    const auto& m = a.meta();
    EXPECT_EQ(m.form_version, x.header.form_version);  // alice's clock is later
    EXPECT_EQ(m.created, y.header.hlc);
    EXPECT_EQ(m.updated, x.header.hlc);
    EXPECT_EQ(a.devices(), (std::vector<DeviceId>{alice.id(), bob.id()}));
    EXPECT_EQ(a.edits(), 2u);
}

}  // namespace
}  // namespace canvass::merge
