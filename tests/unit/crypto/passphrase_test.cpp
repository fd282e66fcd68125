#include "crypto/passphrase.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

// Tests wrap with the weakest parameters so that hundreds of unwraps stay fast; one test
// uses the default to show it works.
constexpr PwhashParams fast = PwhashParams::minimum();

void put_u64(std::vector<std::uint8_t>& blob, std::size_t at, std::uint64_t v) {
    for (int i = 0; i < 8; ++i)
        blob[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}

TEST(Passphrase, RoundTripWithDefaultParameters) {
    const auto store_key = SecretBytes::random(32);
    const auto blob = wrap_with_passphrase(store_key, "correct horse battery staple");
    EXPECT_EQ(blob.size(), 62u + 32u + 16u);
    EXPECT_EQ(std::string(blob.begin(), blob.begin() + 4), "CVPW");
    auto back = unwrap_with_passphrase(blob, "correct horse battery staple");
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_TRUE(constant_time_equal(*back, store_key));
}

TEST(Passphrase, EmptySecretAndEmptyPassphrase) {
    const auto blob = wrap_with_passphrase(SecretBytes{}, "", fast);
    auto back = unwrap_with_passphrase(blob, "");
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_TRUE(back->empty());
}

TEST(Passphrase, SaltAndNonceAreFreshEachTime) {
    const auto secret = SecretBytes::random(32);
    EXPECT_NE(wrap_with_passphrase(secret, "pw", fast), wrap_with_passphrase(secret, "pw", fast));
}

TEST(Passphrase, WrongPassphraseIsAClearError) {
    const auto blob = wrap_with_passphrase(SecretBytes::random(32), "right", fast);
    auto r = unwrap_with_passphrase(blob, "wrong");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::crypto);
    EXPECT_EQ(r.error().code, errc::wrong_key);
    EXPECT_EQ(r.error().message, "wrong passphrase");
    EXPECT_FALSE(unwrap_with_passphrase(blob, "Right"));
    EXPECT_FALSE(unwrap_with_passphrase(blob, ""));
}

// Every single changed byte, anywhere in the blob, is rejected: the header is the AEAD's
// associated data, so parameters, salt and nonce are as protected as the ciphertext.
TEST(Passphrase, FlippingAnyByteIsRejected) {
    const auto blob = wrap_with_passphrase(SecretBytes::random(32), "pw", fast);
    for (std::size_t i = 0; i < blob.size(); ++i) {
        for (std::uint8_t mask : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
            auto bad = blob;
            bad[i] ^= mask;
            auto r = unwrap_with_passphrase(bad, "pw");
            ASSERT_FALSE(r) << "byte " << i << " mask " << int(mask);
            EXPECT_EQ(r.error().domain, Domain::crypto);
        }
    }
}

TEST(Passphrase, TruncationIsCorrupt) {
    const auto blob = wrap_with_passphrase(SecretBytes::random(32), "pw", fast);
    for (std::size_t n = 0; n < blob.size(); ++n) {
        auto r = unwrap_with_passphrase(std::span(blob).first(n), "pw");
        ASSERT_FALSE(r) << n;
        // Cut inside the ciphertext, the blob still parses: only the tag check catches it.
        if (n < 62 + 16) {
            EXPECT_EQ(r.error().code, errc::corrupt) << n;
        }
    }
    auto longer = blob;
    longer.push_back(0);
    EXPECT_FALSE(unwrap_with_passphrase(longer, "pw"));
}

TEST(Passphrase, AbsurdParametersAreRefusedBeforeHashing) {
    const auto blob = wrap_with_passphrase(SecretBytes::random(32), "pw", fast);
    const std::vector<std::pair<std::uint64_t, std::uint64_t>> absurd{
        {0, 8192},                             // no pass at all
        {1, 0},                                // no memory
        {1, 8191},                             // below Argon2id's minimum
        {11, 8192},                            // over our pass cap
        {1, (std::uint64_t{1} << 30) + 1024},  // over 1 GiB
        {~std::uint64_t{0}, ~std::uint64_t{0}},
    };
    for (const auto& [ops, mem] : absurd) {
        auto bad = blob;
        put_u64(bad, 6, ops);
        put_u64(bad, 14, mem);
        auto r = unwrap_with_passphrase(bad, "pw");
        ASSERT_FALSE(r) << ops << " " << mem;
        EXPECT_EQ(r.error().code, errc::corrupt) << ops << " " << mem;
        EXPECT_NE(r.error().message.find("out-of-range"), std::string::npos);
    }
}

TEST(Passphrase, UnknownFormatsAreNamed) {
    auto blob = wrap_with_passphrase(SecretBytes::random(8), "pw", fast);
    auto bad_magic = blob;
    bad_magic[0] = 'X';
    EXPECT_EQ(unwrap_with_passphrase(bad_magic, "pw").error().code, errc::corrupt);
    auto v2 = blob;
    v2[4] = 2;
    EXPECT_EQ(unwrap_with_passphrase(v2, "pw").error().code, errc::unsupported);
    auto alg = blob;
    alg[5] = 9;
    EXPECT_EQ(unwrap_with_passphrase(alg, "pw").error().code, errc::unsupported);
    // A key blob is not a passphrase blob.
    const auto key_blob = wrap_with_key(SecretBytes::random(8), SecretBytes::random(32));
    EXPECT_EQ(unwrap_with_passphrase(key_blob, "pw").error().code, errc::corrupt);
}

TEST(Passphrase, WrappingRefusesParametersItCouldNotUnwrap) {
    const auto s = SecretBytes::random(32);
    EXPECT_THROW((void)wrap_with_passphrase(s, "pw", {0, 8192}), std::invalid_argument);
    EXPECT_THROW((void)wrap_with_passphrase(s, "pw", {1, pwhash_max_memlimit + 1}),
                 std::invalid_argument);
    EXPECT_THROW((void)wrap_with_passphrase(s, "pw", {pwhash_max_opslimit + 1, 8192}),
                 std::invalid_argument);
}

TEST(KeyWrap, RoundTripAndWrongKey) {
    const auto key = SecretBytes::random(32);
    const auto secret = SecretBytes::random(64);
    const auto blob = wrap_with_key(secret, key);
    EXPECT_EQ(blob.size(), 30u + 64u + 16u);
    EXPECT_EQ(std::string(blob.begin(), blob.begin() + 4), "CVKW");
    auto back = unwrap_with_key(blob, key);
    ASSERT_TRUE(back);
    EXPECT_TRUE(constant_time_equal(*back, secret));

    auto wrong = unwrap_with_key(blob, SecretBytes::random(32));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().domain, Domain::crypto);
    EXPECT_EQ(wrong.error().code, errc::wrong_key);
    EXPECT_THROW((void)wrap_with_key(secret, SecretBytes(31)), std::invalid_argument);
}

TEST(KeyWrap, FlippingAnyByteOrTruncatingIsRejected) {
    const auto key = SecretBytes::random(32);
    const auto blob = wrap_with_key(SecretBytes::random(32), key);
    for (std::size_t i = 0; i < blob.size(); ++i) {
        auto bad = blob;
        bad[i] ^= 0x01;
        EXPECT_FALSE(unwrap_with_key(bad, key)) << "byte " << i;
    }
    for (std::size_t n = 0; n < blob.size(); ++n)
        EXPECT_FALSE(unwrap_with_key(std::span(blob).first(n), key)) << n;
    const auto pw_blob = wrap_with_passphrase(SecretBytes::random(8), "pw", fast);
    EXPECT_EQ(unwrap_with_key(pw_blob, key).error().code, errc::corrupt);
}

}  // namespace
}  // namespace canvass::crypto
