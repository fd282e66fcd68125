#include "crypto/sha256.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "hex.hpp"

namespace canvass::crypto {
namespace {

using test::bytes;
using test::unhex;

TEST(Sha256, KnownDigestOfAbc) {  // FIPS 180-2 appendix B.1
    EXPECT_EQ(to_hex(sha256(bytes("abc"))),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

struct HmacCase {
    const char* name;
    std::vector<std::uint8_t> key;
    std::vector<std::uint8_t> data;
    const char* mac;
};

// RFC 4231 section 4: test cases 1, 2, 3, 4, 6 and 7 (5 is a truncated MAC).
TEST(HmacSha256, Rfc4231) {
    const std::string long_data =
        "This is a test using a larger than block-size key and a larger than block-size data. "
        "The key needs to be hashed before being used by the HMAC algorithm.";
    const std::string hash_key_first = "Test Using Larger Than Block-Size Key - Hash Key First";
    const std::vector<HmacCase> cases{
        {"1", std::vector<std::uint8_t>(20, 0x0b), unhex("4869205468657265"),
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
        {"2", unhex("4a656665"), unhex("7768617420646f2079612077616e7420666f72206e6f7468696e673f"),
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
        {"3", std::vector<std::uint8_t>(20, 0xaa), std::vector<std::uint8_t>(50, 0xdd),
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
        {"4", unhex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
         std::vector<std::uint8_t>(50, 0xcd),
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
        {"6", std::vector<std::uint8_t>(131, 0xaa),
         std::vector<std::uint8_t>(hash_key_first.begin(), hash_key_first.end()),
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
        {"7", std::vector<std::uint8_t>(131, 0xaa),
         std::vector<std::uint8_t>(long_data.begin(), long_data.end()),
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
    };
    for (const auto& c : cases)
        EXPECT_EQ(to_hex(hmac_sha256(c.key, c.data)), c.mac) << "test case " << c.name;
}

// Noise's HKDF with an all-zero chaining key is RFC 5869's HKDF-SHA256 with an empty salt
// (HMAC pads keys with zeros) and empty info, so test case 3 of RFC 5869 applies: its
// 42-byte OKM is the start of output1 || output2.
TEST(Hkdf, Rfc5869TestCase3) {
    const Sha256 zero_ck{};
    const auto ikm = std::vector<std::uint8_t>(22, 0x0b);
    const auto [o1, o2] = hkdf2(zero_ck, ikm);
    EXPECT_EQ(
        to_hex(o1) + to_hex(o2).substr(0, 20),
        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8");
}

TEST(Hkdf, ThreeOutputsExtendTwo) {
    Sha256 ck;
    ck.fill(0x42);
    const auto ikm = unhex("00112233");
    const auto two = hkdf2(ck, ikm);
    const auto three = hkdf3(ck, ikm);
    EXPECT_EQ(two[0], three[0]);
    EXPECT_EQ(two[1], three[1]);
    // output3 = HMAC(temp_key, output2 || 0x03), temp_key = HMAC(ck, ikm).
    const Sha256 temp_key = hmac_sha256(ck, ikm);
    std::vector<std::uint8_t> in(three[1].begin(), three[1].end());
    in.push_back(3);
    EXPECT_EQ(three[2], hmac_sha256(temp_key, in));
    // Empty input key material, as in Noise's Split().
    EXPECT_NE(hkdf2(ck, {})[0], two[0]);
}

}  // namespace
}  // namespace canvass::crypto
