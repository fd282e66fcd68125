#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <stdexcept>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

using test::bytes;
using test::unhex;

SecretBytes key_of(std::string_view hex) {
    return SecretBytes(unhex(hex));
}

// RFC 8439 section 2.8.2.
TEST(ChaCha20Poly1305, Rfc8439Section282) {
    const auto key = key_of("808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f");
    const auto nonce = test::unhex_array<12>("070000004041424344454647");
    const auto ad = unhex("50515253c0c1c2c3c4c5c6c7");
    const auto plaintext = bytes(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.");
    const std::string expected =
        "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69"
        "da92728b1a71de0a9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad67594"
        "5585808b4831d7bc3ff4def08e4b7a9de576d26586cec64b6116"
        "1ae10b594f09e26a7e902ecbd0600691";  // tag
    const auto ct = chacha_encrypt(key, nonce, plaintext, ad);
    EXPECT_EQ(to_hex(ct), expected);
    auto pt = chacha_decrypt(key, nonce, ct, ad);
    ASSERT_TRUE(pt) << pt.error().describe();
    EXPECT_TRUE(std::equal(pt->begin(), pt->end(), plaintext.begin(), plaintext.end()));
}

TEST(ChaCha20Poly1305, CounterNonceIsNoiseShaped) {
    EXPECT_EQ(to_hex(counter_nonce(0)), "000000000000000000000000");
    EXPECT_EQ(to_hex(counter_nonce(1)), "000000000100000000000000");
    EXPECT_EQ(to_hex(counter_nonce(0x0102030405060708)), "000000000807060504030201");
    const auto key = SecretBytes::random(32);
    const auto msg = bytes("hello");
    EXPECT_EQ(chacha_encrypt(key, 7, msg, {}), chacha_encrypt(key, counter_nonce(7), msg, {}));
    EXPECT_NE(chacha_encrypt(key, 7, msg, {}), chacha_encrypt(key, 8, msg, {}));
    EXPECT_FALSE(chacha_decrypt(key, 8, chacha_encrypt(key, 7, msg, {}), {}));
}

TEST(XChaCha20Poly1305, RoundTripWithAssociatedData) {
    const auto key = SecretBytes::random(32);
    const auto nonce = random_xnonce();
    const auto ad = bytes("device 1 seq 2");
    const auto ct = xchacha_encrypt(key, nonce, bytes("answers"), ad);
    EXPECT_EQ(ct.size(), 7 + aead_tag_bytes);
    auto pt = xchacha_decrypt(key, nonce, ct, ad);
    ASSERT_TRUE(pt);
    EXPECT_EQ(std::string(pt->begin(), pt->end()), "answers");
}

TEST(XChaCha20Poly1305, EmptyPlaintextAndEmptyAd) {
    const auto key = SecretBytes::random(32);
    const auto nonce = random_xnonce();
    const auto ct = xchacha_encrypt(key, nonce, {}, {});
    EXPECT_EQ(ct.size(), aead_tag_bytes);
    auto pt = xchacha_decrypt(key, nonce, ct, {});
    ASSERT_TRUE(pt);
    EXPECT_TRUE(pt->empty());
}

TEST(XChaCha20Poly1305, EveryTamperIsDetected) {
    const auto key = SecretBytes::random(32);
    const auto nonce = random_xnonce();
    const auto ad = bytes("header");
    const auto ct = xchacha_encrypt(key, nonce, bytes("secret answer"), ad);
    for (std::size_t i = 0; i < ct.size(); ++i) {
        auto bad = ct;
        bad[i] ^= 0x01;
        auto r = xchacha_decrypt(key, nonce, bad, ad);
        ASSERT_FALSE(r) << "flip at " << i;
        EXPECT_EQ(r.error().domain, Domain::crypto);
        EXPECT_EQ(r.error().code, errc::corrupt);
        EXPECT_EQ(r.error().message, "authentication failed");
    }
    auto other_nonce = nonce;
    other_nonce[0] ^= 1;
    EXPECT_FALSE(xchacha_decrypt(key, other_nonce, ct, ad));
    EXPECT_FALSE(xchacha_decrypt(key, nonce, ct, bytes("headeR")));
    EXPECT_FALSE(xchacha_decrypt(SecretBytes::random(32), nonce, ct, ad));
    for (std::size_t n = 0; n < ct.size(); ++n)
        EXPECT_FALSE(xchacha_decrypt(key, nonce, std::span(ct).first(n), ad)) << n;
}

TEST(Aead, WrongKeySizeIsAProgrammingError) {
    const SecretBytes short_key(16);
    EXPECT_THROW((void)xchacha_encrypt(short_key, random_xnonce(), {}, {}), std::invalid_argument);
    EXPECT_THROW((void)chacha_decrypt(short_key, 0, {}, {}), std::invalid_argument);
}

}  // namespace
}  // namespace canvass::crypto
