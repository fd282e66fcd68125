#include "crypto/secret.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>

#include "crypto/random.hpp"

namespace canvass::crypto {
namespace {

TEST(SecretBytes, HoldsACopyOfItsInput) {
    const std::array<std::uint8_t, 3> in{1, 2, 3};
    SecretBytes s(in);
    ASSERT_EQ(s.size(), 3u);
    EXPECT_TRUE(std::equal(in.begin(), in.end(), s.data()));
    EXPECT_NE(s.data(), in.data());
}

TEST(SecretBytes, SizedConstructorIsZeroFilled) {
    SecretBytes s(32);
    ASSERT_EQ(s.size(), 32u);
    EXPECT_TRUE(std::all_of(s.span().begin(), s.span().end(), [](auto b) { return b == 0; }));
}

// Moving hands over the one buffer: no second copy of the secret exists, and the source
// no longer refers to it.
TEST(SecretBytes, MoveTransfersTheBufferAndEmptiesTheSource) {
    SecretBytes a = SecretBytes::random(32);
    const std::uint8_t* buffer = a.data();
    const std::vector<std::uint8_t> before(a.span().begin(), a.span().end());

    SecretBytes b(std::move(a));
    EXPECT_EQ(b.data(), buffer);
    EXPECT_TRUE(std::equal(before.begin(), before.end(), b.data()));
    EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): the contract under test
    EXPECT_EQ(a.data(), nullptr);
    EXPECT_TRUE(a.span().empty());

    SecretBytes c(8);
    c = std::move(b);
    EXPECT_EQ(c.data(), buffer);
    EXPECT_EQ(b.size(), 0u);  // NOLINT(bugprone-use-after-move)
    EXPECT_EQ(b.data(), nullptr);
}

TEST(SecretBytes, CloneIsAnIndependentEqualCopy) {
    SecretBytes a = SecretBytes::random(16);
    SecretBytes b = a.clone();
    EXPECT_NE(a.data(), b.data());
    EXPECT_TRUE(constant_time_equal(a, b));
    b.data()[0] ^= 1;
    EXPECT_FALSE(constant_time_equal(a, b));
}

TEST(Wipe, ZeroesTheBytes) {
    std::array<std::uint8_t, 5> a{1, 2, 3, 4, 5};
    wipe(a);
    EXPECT_EQ(a, (std::array<std::uint8_t, 5>{}));
    wipe(std::span<std::uint8_t>{});  // empty is fine
}

TEST(ConstantTimeEqual, ComparesContentsAndLengths) {
    const std::array<std::uint8_t, 3> x{1, 2, 3}, y{1, 2, 3}, z{1, 2, 4};
    const std::array<std::uint8_t, 2> shorter{1, 2};
    EXPECT_TRUE(constant_time_equal(x, y));
    EXPECT_FALSE(constant_time_equal(x, z));
    EXPECT_FALSE(constant_time_equal(x, shorter));
    EXPECT_TRUE(constant_time_equal(std::span<const std::uint8_t>{}, {}));
    EXPECT_TRUE(constant_time_equal(SecretBytes{}, SecretBytes{}));
}

TEST(Random, ProducesDistinctValues) {
    EXPECT_NE(random_array<32>(), random_array<32>());
    SecretBytes a = SecretBytes::random(32), b = SecretBytes::random(32);
    EXPECT_FALSE(constant_time_equal(a, b));
    for (int i = 0; i < 100; ++i) EXPECT_LT(random_uniform(7), 7u);
    EXPECT_EQ(random_uniform(0), 0u);
}

}  // namespace
}  // namespace canvass::crypto
