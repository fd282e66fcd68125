#include "merge/version_vector.hpp"

#include <gtest/gtest.h>

#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::device;

ChainPoint point(std::uint64_t seq, std::uint8_t h) {
    ChainPoint p{seq, {}};
    p.hash.fill(h);
    return p;
}

TEST(VersionVector, AdvancesOnlyForward) {
    VersionVector v;
    EXPECT_FALSE(v.get(device(1)));
    EXPECT_TRUE(v.advance(device(1), point(3, 3)));
    EXPECT_FALSE(v.advance(device(1), point(2, 2)));
    EXPECT_FALSE(v.advance(device(1), point(3, 9)));
    EXPECT_FALSE(v.advance(device(2), point(0, 0)));
    EXPECT_EQ(v.get(device(1)), point(3, 3));
    EXPECT_TRUE(v.advance(device(1), point(5, 5)));
    EXPECT_EQ(v.get(device(1))->seq, 5u);
}

TEST(VersionVector, MissingListsWhatOneSideLacks) {
    VersionVector phone, server;
    phone.advance(device(1), point(10, 1));
    phone.advance(device(3), point(2, 3));
    server.advance(device(1), point(4, 1));
    server.advance(device(2), point(7, 2));
    server.advance(device(3), point(2, 3));
    EXPECT_EQ(missing(server, phone), (std::vector<SeqRange>{{device(1), 5, 10}}));
    EXPECT_EQ(missing(phone, server), (std::vector<SeqRange>{{device(2), 1, 7}}));
    EXPECT_TRUE(missing(phone, phone).empty());
}

TEST(VersionVector, ForkedFindsEqualSeqsWithDifferentHashes) {
    VersionVector x, y;
    x.advance(device(1), point(4, 1));
    y.advance(device(1), point(4, 2));
    x.advance(device(2), point(4, 1));
    y.advance(device(2), point(5, 2));
    EXPECT_EQ(forked(x, y), (std::vector<DeviceId>{device(1)}));
}

}  // namespace
}  // namespace canvass::merge
