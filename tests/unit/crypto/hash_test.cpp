#include "crypto/hash.hpp"

#include <gtest/gtest.h>

namespace canvass::crypto {
namespace {

// RFC 7693 does not list BLAKE2b-256 of "abc"; this value is libsodium's and b2sum -l 256's.
TEST(Blake2b, KnownDigestOfAbc) {
    EXPECT_EQ(to_hex(blake2b_256("abc")),
              "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Blake2b, IncrementalEqualsOneShot) {
    Blake2b h;
    h.update("a");
    h.update("bc");
    EXPECT_EQ(h.finish(), blake2b_256("abc"));
}

TEST(Hex, RoundTripAndRejectsBadInput) {
    std::array<std::uint8_t, 2> out{};
    EXPECT_TRUE(from_hex("0aff", out));
    EXPECT_EQ(out[0], 0x0a);
    EXPECT_EQ(out[1], 0xff);
    EXPECT_FALSE(from_hex("0af", out));
    EXPECT_FALSE(from_hex("0afz", out));
    EXPECT_FALSE(from_hex("0aff00", out));
}

}  // namespace
}  // namespace canvass::crypto
