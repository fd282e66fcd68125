#include "crypto/sign.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

using test::bytes;
using test::unhex;

// RFC 8032 section 7.1, TEST 1 (empty message).
TEST(Ed25519, Rfc8032Test1) {
    const auto kp = signing_key_from_seed(
        SecretBytes(unhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")));
    EXPECT_EQ(to_hex(kp.public_key),
              "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    const auto sig = sign({}, kp.secret_key);
    EXPECT_EQ(to_hex(sig),
              "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61"
              "e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(verify(sig, {}, kp.public_key));
}

TEST(Ed25519, SignVerifyAndRejectChanges) {
    const auto kp = generate_signing_key();
    const auto msg = bytes("head: device 7, seq 12");
    const auto sig = sign(msg, kp.secret_key);
    EXPECT_TRUE(verify(sig, msg, kp.public_key));
    EXPECT_FALSE(verify(sig, bytes("head: device 7, seq 13"), kp.public_key));
    EXPECT_FALSE(verify(sig, msg, generate_signing_key().public_key));
    for (std::size_t i = 0; i < sig.size(); ++i) {
        auto bad = sig;
        bad[i] ^= 0x01;
        EXPECT_FALSE(verify(bad, msg, kp.public_key)) << "flip at " << i;
    }
    EXPECT_FALSE(verify(sig, msg, SigningPublicKey{}));  // invalid key: false, no exception
}

TEST(Ed25519, KeyPairFromStoredSecret) {
    auto kp = generate_signing_key();
    const auto copy = kp.secret_key.clone();
    const auto restored = signing_key_from_secret(std::move(kp.secret_key));
    EXPECT_EQ(restored.public_key, kp.public_key);
    EXPECT_TRUE(constant_time_equal(restored.secret_key, copy));

    auto damaged = copy.clone();
    damaged.data()[40] ^= 1;  // the public half no longer matches the seed
    EXPECT_THROW((void)signing_key_from_secret(std::move(damaged)), std::invalid_argument);
    EXPECT_THROW((void)signing_key_from_secret(SecretBytes(32)), std::invalid_argument);
    EXPECT_THROW((void)sign({}, SecretBytes(32)), std::invalid_argument);
}

}  // namespace
}  // namespace canvass::crypto
