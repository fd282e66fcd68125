// The coordinator key file: made once, opened with its passphrase, refused clearly otherwise.
#include "coordinator/key_file.hpp"

#include <sys/stat.h>

#include "coordinator_test_support.hpp"

namespace canvass::coordinator::test {
namespace {

TEST(CoordinatorKeyFile, OpensWithItsPassphraseAndGivesThePublicKeyItStates) {
    testing::TempDir dir;
    auto path = dir / "coordinator.key";
    auto pk = create_key_file(path, kPassphrase, crypto::PwhashParams::minimum());
    ASSERT_TRUE(pk) << pk.error().message;
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(*read_public_key(path), *pk);
    auto pair = open_key_file(path, kPassphrase);
    ASSERT_TRUE(pair) << pair.error().message;
    EXPECT_EQ(pair->public_key, *pk);
    EXPECT_EQ(pair->secret_key.size(), 32u);
    EXPECT_EQ(slurp(path).find(kPassphrase), std::string::npos);
}

TEST(CoordinatorKeyFile, AWrongPassphraseOrAMissingFileIsAClearError) {
    testing::TempDir dir;
    auto path = dir / "coordinator.key";
    ASSERT_TRUE(create_key_file(path, kPassphrase, crypto::PwhashParams::minimum()));
    auto wrong = open_key_file(path, "not the passphrase");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, errc::wrong_key);
    EXPECT_NE(wrong.error().message.find("wrong passphrase for coordinator key " + path),
              std::string::npos)
        << wrong.error().message;
    auto missing = open_key_file(dir / "absent.key", kPassphrase);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::io);
    EXPECT_NE(missing.error().message.find("cannot read coordinator key"), std::string::npos);
    auto again = create_key_file(path, kPassphrase, crypto::PwhashParams::minimum());
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().code, errc::already_exists);
}

}  // namespace
}  // namespace canvass::coordinator::test
