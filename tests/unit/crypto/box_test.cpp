#include "crypto/box.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

using test::bytes;
using test::unhex;
using test::unhex_array;

// RFC 7748 section 6.1.
TEST(X25519, Rfc7748Section61) {
    auto alice = dh_key_from_secret(
        SecretBytes(unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a")));
    auto bob = dh_key_from_secret(
        SecretBytes(unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb")));
    EXPECT_EQ(to_hex(alice.public_key),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob.public_key),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto ab = dh(alice.secret_key, bob.public_key);
    auto ba = dh(bob.secret_key, alice.public_key);
    ASSERT_TRUE(ab);
    ASSERT_TRUE(ba);
    EXPECT_EQ(to_hex(*ab), "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    EXPECT_EQ(*ab, *ba);
}

TEST(X25519, LowOrderPublicKeysAreRefused) {
    const auto me = generate_dh_key();
    const DhPublicKey zero{};
    auto one = zero;
    one[0] = 1;
    // A point of order 8 (from the list of small-order points in libsodium and RFC 7748).
    const auto order8 =
        unhex_array<32>("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
    for (const auto& pk : {zero, one, order8}) {
        auto r = dh(me.secret_key, pk);
        ASSERT_FALSE(r) << to_hex(pk);
        EXPECT_EQ(r.error().domain, Domain::crypto);
    }
    EXPECT_THROW((void)seal(bytes("x"), zero), std::invalid_argument);
}

TEST(X25519, GeneratedKeysAgree) {
    const auto a = generate_dh_key(), b = generate_dh_key();
    EXPECT_NE(a.public_key, b.public_key);
    EXPECT_EQ(*dh(a.secret_key, b.public_key), *dh(b.secret_key, a.public_key));
    EXPECT_THROW((void)dh_key_from_secret(SecretBytes(31)), std::invalid_argument);
}

TEST(SealedBox, RoundTripToTheRecipientOnly) {
    const auto recipient = generate_dh_key();
    const auto epoch_key = SecretBytes::random(32);
    const auto sealed = seal(epoch_key.span(), recipient.public_key);
    EXPECT_EQ(sealed.size(), 32 + sealed_overhead);
    EXPECT_NE(sealed, seal(epoch_key.span(), recipient.public_key));  // fresh ephemeral each time
    auto opened = open_sealed(sealed, recipient);
    ASSERT_TRUE(opened) << opened.error().describe();
    EXPECT_TRUE(constant_time_equal(*opened, epoch_key));

    auto other = open_sealed(sealed, generate_dh_key());
    ASSERT_FALSE(other);
    EXPECT_EQ(other.error().code, errc::corrupt);
}

TEST(SealedBox, TamperedOrTruncatedIsRejected) {
    const auto recipient = generate_dh_key();
    const auto sealed = seal(bytes("epoch key bytes"), recipient.public_key);
    for (std::size_t i = 0; i < sealed.size(); ++i) {
        auto bad = sealed;
        bad[i] ^= 0x80;
        EXPECT_FALSE(open_sealed(bad, recipient)) << "flip at " << i;
    }
    for (std::size_t n = 0; n < sealed.size(); ++n)
        EXPECT_FALSE(open_sealed(std::span(sealed).first(n), recipient)) << n;
}

TEST(SealedBox, EmptyPlaintext) {
    const auto recipient = generate_dh_key();
    auto opened = open_sealed(seal({}, recipient.public_key), recipient);
    ASSERT_TRUE(opened);
    EXPECT_TRUE(opened->empty());
}

}  // namespace
}  // namespace canvass::crypto
