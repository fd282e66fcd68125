#include "crypto/kdf.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

TEST(DeriveSubkey, DeterministicAndSeparatedByIdAndContext) {
    const auto master = SecretBytes::random(32);
    const auto a = derive_subkey(master, 1, "chngset1");
    EXPECT_EQ(a.size(), 32u);
    EXPECT_TRUE(constant_time_equal(a, derive_subkey(master, 1, "chngset1")));
    EXPECT_FALSE(constant_time_equal(a, derive_subkey(master, 2, "chngset1")));
    EXPECT_FALSE(constant_time_equal(a, derive_subkey(master, 1, "chngset2")));
    EXPECT_FALSE(constant_time_equal(a, derive_subkey(SecretBytes::random(32), 1, "chngset1")));
}

// Fixed values, so a change of construction (which would make old data unreadable) fails
// here. libsodium 1.0.18 computes BLAKE2b-256 keyed with the master key, salt = id as 8
// little-endian bytes then 8 zeros, personalization = context then 8 zeros (checked against
// Python's hashlib.blake2b).
TEST(DeriveSubkey, StableOutput) {
    const SecretBytes master(
        test::unhex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    EXPECT_EQ(to_hex(derive_subkey(master, 0, "canvass!").span()),
              "8e1f0ab0b09e3d1ff8b65695de55f5e8cba957922c00f724a6b418912f995e58");
    EXPECT_EQ(to_hex(derive_subkey(master, 1, "canvass!").span()),
              "55cbfc99632acaa8057e03fb4ce40776f67becc4a83162ce3fcb28f0da6dcacc");
}

TEST(DeriveSubkey, ContextMustBeEightCharacters) {
    const auto master = SecretBytes::random(32);
    EXPECT_THROW((void)derive_subkey(master, 0, "short"), std::invalid_argument);
    EXPECT_THROW((void)derive_subkey(master, 0, "too long!"), std::invalid_argument);
    EXPECT_THROW((void)derive_subkey(SecretBytes(16), 0, "canvass!"), std::invalid_argument);
}

}  // namespace
}  // namespace canvass::crypto
