// A device's view of what was delivered stays true when its store is restored from an older
// copy: it learns its own chain back from the server and continues after it; and a store that
// saved new work meanwhile (or a clone) is stopped before it sends a conflicting chain.
#include <filesystem>

#include "field_device.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct RestoreTest : DemoServerTest {
    // The store in `home` opened again, as a person restoring a backup would.
    static FieldDevice reopen(const std::string& home) {
        store::StoreOptions o;
        o.pwhash = crypto::PwhashParams::minimum();
        auto s = store::DeviceStore::open(home, store::Passphrase{"field passphrase"}, o);
        EXPECT_TRUE(s) << s.error().message;
        return FieldDevice{home, std::move(s).value()};
    }

    // A copy of the store's files (database and its WAL) as they are now.
    std::string backup(const std::string& home, const std::string& name) {
        std::string copy = tmp / name;
        fs::create_directories(copy);
        for (const auto& e : fs::directory_iterator(home)) fs::copy(e.path(), copy + "/" + e.path().filename().string());
        return copy;
    }
};

TEST_F(RestoreTest, ARestoredStoreLearnsItsOwnChainBackAndContinuesAfterIt) {
    std::string copy;
    {
        auto device = FieldDevice::create(tmp / "phone");
        ASSERT_TRUE(device.enroll(token()));
        device.interview("Amina");
        device.interview("Bongani");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        device.interview("Chidi");
        device.interview("Dembe");
        ASSERT_TRUE(device.sync());
    }  // the phone is lost; its backup is restored on another
    auto restored = reopen(copy);
    auto synced = restored.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
    EXPECT_EQ(synced->stats.sent, 0u);
    EXPECT_EQ(synced->stats.stored, 2u) << "the two changesets saved after the backup came back";
    EXPECT_EQ(*restored.unsent(), 0u);
    auto records = restored.store.records();
    ASSERT_TRUE(records);
    EXPECT_EQ(records->size(), 4u);

    // New work continues the chain: the server takes it and sees no fork.
    restored.interview("Eshe");
    auto next = restored.sync();
    ASSERT_TRUE(next) << next.error().describe();
    EXPECT_EQ(next->stats.sent, 1u);
    EXPECT_EQ(next->stats.acknowledged, 1u);
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 5);
    EXPECT_EQ(s.at("equivocations"), 0);
}

TEST_F(RestoreTest, AStoreThatSavedNewWorkAfterARestoreIsStoppedBeforeItForksItsChain) {
    std::string copy;
    {
        auto device = FieldDevice::create(tmp / "phone");
        ASSERT_TRUE(device.enroll(token()));
        device.interview("Amina");
        ASSERT_TRUE(device.sync());
        copy = backup(device.home, "backup");
        device.interview("Bongani");
        device.interview("Chidi");
        ASSERT_TRUE(device.sync());
    }
    // Restored, and as many interviews saved before the first sync as were lost (seqs 2 and 3
    // again, differing): the summaries show the fork, and nothing is sent.
    {
        auto restored = reopen(backup(copy, "restore1"));
        restored.interview("Dembe");
        restored.interview("Eshe");
        auto refused = restored.sync();
        ASSERT_FALSE(refused);
        EXPECT_NE(refused.error().message.find("restored from an older copy"), std::string::npos)
            << refused.error().message;
    }
    // Fewer than were lost: the server sends the rest first, the fork shows on arrival, and
    // is refused the same way.
    {
        auto restored = reopen(backup(copy, "restore2"));
        restored.interview("Fola");
        auto refused = restored.sync();
        ASSERT_FALSE(refused);
        EXPECT_NE(refused.error().message.find("restored from an older copy"), std::string::npos)
            << refused.error().message;
    }
    auto s = stats();
    EXPECT_EQ(s.at("changesets"), 3);
    EXPECT_EQ(s.at("equivocations"), 0) << "nothing conflicting was sent";
}

}  // namespace
}  // namespace canvass::server_test
