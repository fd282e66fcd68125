// The server must never become a reader: devices seal their epoch keys only to recipients a
// coordinator signed, pinned by the enrollment token (store/recipients.hpp). Each attack here
// writes into a real server's database, as its operator or an intruder could, and checks
// what a real device store then seals.
#include <set>

#include "field_device.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;

std::string hex_blob(std::span<const std::uint8_t> bytes) {
    return "x'" + crypto::to_hex(bytes) + "'";
}

struct RecipientsTest : DemoServerTest {
    crypto::DhKeyPair& coordinator = coordinator_key;
    crypto::DhKeyPair intruder = crypto::generate_dh_key();
    store::RecipientStatement genesis = store::first_statement("demo", coordinator_key);

    // The next statement after `prev`, signed by `by`.
    static store::RecipientStatement successor(const store::RecipientStatement& prev,
                                               std::vector<crypto::DhPublicKey> recipients,
                                               const crypto::DhKeyPair& by,
                                               bool share_past = false) {
        auto s = prev;
        s.serial = prev.serial + 1;
        s.prev = store::statement_digest(prev);
        s.recipients = std::move(recipients);
        s.share_past = share_past;
        store::sign_statement(s, store::coordinator_signing_key(by.secret_key));
        return s;
    }

    Output update(const store::RecipientStatement& s) {
        std::string path = tmp / ("next-" + std::to_string(s.serial) + ".txt");
        std::ofstream(path) << store::statement_text(s) << "\n";
        return server_command(tmp, data, {"project", "recipients", "demo", "--update", path});
    }
};

TEST_F(RecipientsTest, EnrollmentSealsOnlyToThePinnedCoordinatorAndWorkSavedBeforeEnrolling) {
    auto device = FieldDevice::create(tmp / "device");
    auto before = device.interview("saved offline, before enrolling");
    ASSERT_TRUE(device.enroll(token()));
    EXPECT_TRUE(device.granted(before, coordinator.public_key));
    auto after = device.interview("after enrolling");
    EXPECT_TRUE(device.granted(after, coordinator.public_key));
    EXPECT_EQ(device.sealed_to(), std::set<crypto::DhPublicKey>{coordinator.public_key});
    auto synced = device.sync();
    ASSERT_TRUE(synced) << synced.error().describe();
}

TEST_F(RecipientsTest, AKeyWrittenIntoTheServersDatabaseIsNeverSealedTo) {
    auto device = FieldDevice::create(tmp / "device");
    ASSERT_TRUE(device.enroll(token()));
    auto epoch = device.interview("Amina");
    ASSERT_TRUE(device.sync());

    // The old attack: a bare key in the recipients table. The server no longer reads it.
    tamper(data + "/server.db", "INSERT INTO recipients (project, key) SELECT id, " +
                                    hex_blob(intruder.public_key) +
                                    " FROM projects WHERE name = 'demo'");
    ASSERT_TRUE(device.sync());
    // A successor statement signed by the intruder's own key.
    auto forged = successor(genesis, {coordinator.public_key, intruder.public_key}, intruder);
    tamper(data + "/server.db",
           "INSERT INTO recipient_statements (project, serial, body) SELECT id, 2, " +
               hex_blob(store::encode_statement(forged)) + " FROM projects WHERE name = 'demo'");
    auto refused = device.sync();
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("cannot verify"), std::string::npos)
        << refused.error().message;
    EXPECT_NE(refused.error().message.find("nothing was sealed"), std::string::npos)
        << refused.error().message;
    // A whole new chain with the intruder's own first statement.
    tamper(data + "/server.db",
           "DELETE FROM recipient_statements; INSERT INTO recipient_statements "
           "(project, serial, body) SELECT id, 1, " +
               hex_blob(store::encode_statement(store::first_statement("demo", intruder))) +
               " FROM projects WHERE name = 'demo'");
    EXPECT_FALSE(device.sync());
    device.interview("saved while the server lies");
    EXPECT_FALSE(device.granted(epoch, intruder.public_key));
    EXPECT_EQ(device.sealed_to(), std::set<crypto::DhPublicKey>{coordinator.public_key});

    // Whoever mints tokens chooses the pin of the devices that enroll with them: a token
    // made from this database now pins the intruder's chain. The fingerprint the coordinator
    // handed out (`canvass enroll TOKEN --fingerprint`) catches it before anything is sent.
    auto minted = sync::decode_token(token());
    ASSERT_TRUE(minted);
    auto checked = sync::check_fingerprint(
        *minted, crypto::to_hex(store::statement_digest(genesis)).substr(0, 16));
    ASSERT_FALSE(checked);
    EXPECT_NE(checked.error().message.find("fingerprint"), std::string::npos)
        << checked.error().message;
}

TEST_F(RecipientsTest, ACoordinatorAddsAColleagueWhoReadsOnlyNewWorkUnlessHistoryIsShared) {
    auto device = FieldDevice::create(tmp / "device");
    ASSERT_TRUE(device.enroll(token()));
    auto old_epoch = device.interview("before the colleague joined");
    ASSERT_TRUE(device.sync());

    crypto::DhKeyPair colleague = crypto::generate_dh_key();
    auto s2 = successor(genesis, {coordinator.public_key, colleague.public_key}, coordinator);
    // Refused by the server itself when not signed by a trusted coordinator.
    auto bad = update(successor(genesis, {coordinator.public_key, intruder.public_key}, intruder));
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.err.find("not signed by a coordinator"), std::string::npos) << bad.err;
    auto ok = update(s2);
    ASSERT_EQ(ok.exit_code, 0) << ok.err;

    ASSERT_TRUE(device.sync());
    auto new_epoch = device.interview("after the colleague joined");
    EXPECT_NE(new_epoch, old_epoch) << "a change of recipients starts a new epoch key";
    EXPECT_TRUE(device.granted(new_epoch, colleague.public_key));
    EXPECT_TRUE(device.granted(new_epoch, coordinator.public_key));
    EXPECT_FALSE(device.granted(old_epoch, colleague.public_key)) << "past epochs were not shared";

    // A third coordinator added with --share-past also reads what came before.
    crypto::DhKeyPair archivist = crypto::generate_dh_key();
    auto s3 = successor(s2, {coordinator.public_key, colleague.public_key, archivist.public_key},
                        coordinator, true);
    ASSERT_EQ(update(s3).exit_code, 0);
    ASSERT_TRUE(device.sync());
    EXPECT_TRUE(device.granted(old_epoch, archivist.public_key));
    EXPECT_TRUE(device.granted(new_epoch, archivist.public_key));
    EXPECT_FALSE(device.granted(old_epoch, colleague.public_key));

    // Removing a coordinator: nothing new is sealed to it.
    auto s4 = successor(s3, {coordinator.public_key, archivist.public_key}, coordinator);
    ASSERT_EQ(update(s4).exit_code, 0);
    ASSERT_TRUE(device.sync());
    auto latest = device.interview("after the colleague left");
    EXPECT_FALSE(device.granted(latest, colleague.public_key));
    EXPECT_TRUE(device.granted(latest, archivist.public_key));

    // The server rolled back to an older statement (a restored backup, or on purpose): the
    // device keeps what it adopted and still seals nothing to the removed colleague.
    tamper(data + "/server.db", "DELETE FROM recipient_statements WHERE serial = 4");
    ASSERT_TRUE(device.sync());
    auto after_rollback = device.interview("after the rollback");
    EXPECT_FALSE(device.granted(after_rollback, colleague.public_key));
}

}  // namespace
}  // namespace canvass::server_test
