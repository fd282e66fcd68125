#include "merge/ids.hpp"

#include <gtest/gtest.h>

#include <set>
#include <unordered_set>

namespace canvass::merge {
namespace {

TEST(Uuid, FormatsCanonicalLowercaseText) {
    Uuid id{};
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(0xa0 + i);
    EXPECT_EQ(format_uuid(id), "a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf");
}

TEST(Uuid, ParseRoundTripsAndRejectsEveryOtherSpelling) {
    SeededRandom random(7);
    for (int i = 0; i < 100; ++i) {
        const Uuid id = new_uuid(random);
        EXPECT_EQ(parse_uuid(format_uuid(id)), id);
    }
    const std::string good = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0";
    ASSERT_TRUE(parse_uuid(good));
    EXPECT_FALSE(parse_uuid("0F1E2D3C-4B5A-4978-8695-A4B3C2D1E0F0"));  // uppercase
    EXPECT_FALSE(parse_uuid("{" + good + "}"));
    EXPECT_FALSE(parse_uuid(good.substr(1)));
    EXPECT_FALSE(parse_uuid(good + "0"));
    EXPECT_FALSE(parse_uuid("0f1e2d3c4b5a49788695a4b3c2d1e0f0"));  // no dashes
    EXPECT_FALSE(parse_uuid("0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0g0"));
    EXPECT_FALSE(parse_uuid("0f1e2d3c-4b5a-4978-8695a-4b3c2d1e0f0"));  // dash misplaced
    EXPECT_FALSE(parse_uuid(""));
}

TEST(Uuid, NewUuidSetsVersionAndVariantBits) {
    SeededRandom random(1);
    for (int i = 0; i < 100; ++i) {
        const Uuid id = new_uuid(random);
        EXPECT_EQ(id[6] >> 4, 4);
        EXPECT_EQ(id[8] >> 6, 2);
        EXPECT_EQ(format_uuid(id)[14], '4');
    }
}

TEST(SeededRandom, SameSeedSameStreamDifferentSeedDifferentStream) {
    SeededRandom a(42), b(42), c(43);
    for (int i = 0; i < 10; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        EXPECT_NE(x, c.next());
    }
}

TEST(SeededRandom, BelowStaysInRangeAndCoversIt) {
    SeededRandom random(3);
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        const auto x = random.below(7);
        ASSERT_LT(x, 7u);
        seen.insert(x);
    }
    EXPECT_EQ(seen.size(), 7u);
}

TEST(SeededRandom, FillHandlesLengthsThatAreNotWordMultiples) {
    SeededRandom a(5), b(5);
    std::array<std::uint8_t, 13> x{}, y{};
    a.fill(x);
    b.fill(y);
    EXPECT_EQ(x, y);
    EXPECT_NE(x, decltype(x){});
}

TEST(OpId, OrdersByDeviceThenSeqThenIndex) {
    DeviceId d1{}, d2{};
    d2[0] = 1;
    EXPECT_LT((OpId{d1, 9, 9}), (OpId{d2, 1, 0}));
    EXPECT_LT((OpId{d1, 1, 9}), (OpId{d1, 2, 0}));
    EXPECT_LT((OpId{d1, 1, 0}), (OpId{d1, 1, 1}));
    EXPECT_EQ((OpId{d1, 1, 1}), (OpId{d1, 1, 1}));
}

TEST(OpId, HashSeparatesNearbyIds) {
    std::unordered_set<OpId, OpIdHash> ids;
    DeviceId d{};
    for (std::uint64_t seq = 1; seq <= 50; ++seq)
        for (std::uint32_t index = 0; index < 20; ++index) ids.insert(OpId{d, seq, index});
    EXPECT_EQ(ids.size(), 1000u);
    EXPECT_TRUE(ids.count(OpId{d, 7, 3}));
    EXPECT_FALSE(ids.count(OpId{d, 51, 0}));
}

}  // namespace
}  // namespace canvass::merge
