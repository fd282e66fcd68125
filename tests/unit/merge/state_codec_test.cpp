// Persisting a record's state: round trip and strict decoding.
#include <gtest/gtest.h>

#include "merge/digest.hpp"
#include "merge/record_view.hpp"
#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::uuid;
using testing::Values;

// A state with every part filled: conflicts, deletes with covers, pending supersedes,
// instances, values present and absent.
RecordState busy_state() {
    const RecordId record = uuid(1);
    Author alice{1}, bob{2};
    RecordState s(record), other(record);
    const std::string m = instance_path("", "members", uuid(2));
    alice.save(s, {set_op(s, "age"), set_op(s, m + "/age")}, Values{"34", std::nullopt});
    const auto eb = bob.save(other, {set_op(other, "age")}, Values{"40"});
    const auto later = bob.save(other, {set_op(other, "age")}, Values{"41"});
    EXPECT_TRUE(s.apply(later.header));  // eb not here yet: a pending supersedes
    alice.save(s, {delete_instance_op(s, m)});
    (void)eb;
    return s;
}

TEST(StateCodec, RoundTripsExactly) {
    const RecordState s = busy_state();
    const auto bytes = s.serialize();
    auto back = RecordState::deserialize(bytes);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, s);
    EXPECT_EQ(back->serialize(), bytes);
    EXPECT_EQ(record_digest(*back), record_digest(s));
    EXPECT_EQ(make_view(*back), make_view(s));
}

TEST(StateCodec, AnEmptyStateRoundTrips) {
    const RecordState s(uuid(3));
    auto back = RecordState::deserialize(s.serialize());
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, s);
}

TEST(StateCodec, ALoadedStateKeepsMerging) {
    RecordState s = busy_state();
    auto loaded = RecordState::deserialize(s.serialize()).value();
    Author carol{3};
    const auto cs = carol.write(s.id(), {set_op(s, "name")});
    ASSERT_TRUE(s.apply(cs.header));
    ASSERT_TRUE(loaded.apply(cs.header));
    EXPECT_EQ(loaded, s);
}

TEST(StateCodec, RejectsEveryTruncationAndTrailingBytes) {
    const auto bytes = busy_state().serialize();
    for (std::size_t n = 0; n < bytes.size(); ++n)
        ASSERT_FALSE(RecordState::deserialize(std::span(bytes.data(), n))) << n;
    auto longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(RecordState::deserialize(longer));
}

TEST(StateCodec, SurvivesEverySingleByteFlip) {
    const auto bytes = busy_state().serialize();
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
            auto mutated = bytes;
            mutated[i] ^= mask;
            auto r = RecordState::deserialize(mutated);
            if (r) {
                EXPECT_EQ(r->serialize(), mutated) << i;  // one state, one encoding
            }
        }
    }
}

}  // namespace
}  // namespace canvass::merge
