// Changeset values: what other devices wrote becomes plaintext here, so it is read as hostile.
#include "store/values.hpp"

#include <gtest/gtest.h>

namespace canvass::store {
namespace {

merge::Changeset changeset_with(const crypto::SecretBytes& key,
                                const std::vector<std::optional<std::string>>& values) {
    merge::Changeset cs;
    cs.header.seq = 1;
    cs.header.project = "p";
    cs.header.form_id = "f";
    cs.header.form_version = "1";
    for (std::size_t i = 0; i < values.size(); ++i)
        cs.header.ops.push_back({"q" + std::to_string(i), merge::OpKind::set, {}});
    cs.ciphertext = encrypt_values(key, cs.header, values);
    return cs;
}

TEST(ValuesTest, RoundTripKeepsEachAnswer) {
    auto key = crypto::SecretBytes::random(32);
    auto cs = changeset_with(key, {"\"oui\"", "[\"a\",\"b\"]", "null"});
    auto values = decrypt_values(key, cs);
    ASSERT_TRUE(values) << values.error().message;
    EXPECT_EQ(*values,
              (std::vector<std::optional<std::string>>{"\"oui\"", "[\"a\",\"b\"]", "null"}));
}

TEST(ValuesTest, WrongKeyIsCorruptNotGarbage) {
    auto cs = changeset_with(crypto::SecretBytes::random(32), {"1"});
    auto values = decrypt_values(crypto::SecretBytes::random(32), cs);
    ASSERT_FALSE(values);
    EXPECT_EQ(values.error().code, errc::corrupt);
}

// fuzz finding: a hostile device's value nested 100,000 levels deep reached the coordinator's
// conflict listing and export, which walk JSON recursively.
TEST(ValuesTest, DeeplyNestedValueFromAnotherDeviceIsRefused) {
    auto key = crypto::SecretBytes::random(32);
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    auto values = decrypt_values(key, changeset_with(key, {deep}));
    ASSERT_FALSE(values);
    EXPECT_EQ(values.error().code, errc::corrupt);
    EXPECT_NE(values.error().message.find("nested deeper"), std::string::npos)
        << values.error().message;
}

}  // namespace
}  // namespace canvass::store
