#include "merge/authority.hpp"

#include <gtest/gtest.h>

#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::device;

ChangesetNonce nonce(std::uint8_t b) {
    ChangesetNonce n{};
    n.fill(b);
    return n;
}

// A changeset by `author` on `record`, with `n` as its nonce.
ChangesetHeader change(const DeviceId& author, const RecordId& record, const ChangesetNonce& n = {},
                       std::uint64_t seq = 7) {
    ChangesetHeader h;
    h.device = author;
    h.seq = seq;
    h.record = record;
    h.nonce = n;
    return h;
}

TEST(RecordAuthority, AnIdIsBoundToItsCreatorAndTheNonceOfItsCreation) {
    const auto id = record_id_for(device(1), nonce(2));
    EXPECT_EQ(record_id_for(device(1), nonce(2)), id);  // deterministic
    EXPECT_NE(record_id_for(device(3), nonce(2)), id);  // another creator
    EXPECT_NE(record_id_for(device(1), nonce(4)), id);  // another creation
    EXPECT_EQ(id[6] >> 4, 4);                           // shaped as a UUIDv4
    EXPECT_EQ(id[8] >> 6, 2);
}

TEST(RecordAuthority, OnlyTheCreatorsChangesetWithThatNonceIsACreation) {
    const auto id = record_id_for(device(1), nonce(2));
    EXPECT_TRUE(creates_record(change(device(1), id, nonce(2))));
    EXPECT_FALSE(creates_record(change(device(1), id, nonce(5))));
    // Another device copying the nonce does not create the record: the id names its creator.
    EXPECT_FALSE(creates_record(change(device(3), id, nonce(2))));
}

TEST(RecordAuthority, TheCreatorAndCoordinatorsMayChangeARecordAndNobodyElse) {
    const auto id = record_id_for(device(1), nonce(2));
    EXPECT_EQ(may_change(change(device(1), id, nonce(2)), {}).value(), ChangeRight::creates);
    EXPECT_EQ(may_change(change(device(1), id, nonce(9)), {device(1), false}).value(),
              ChangeRight::creator);
    EXPECT_EQ(may_change(change(device(3), id, nonce(9)), {device(1), true}).value(),
              ChangeRight::coordinator);

    auto refused = may_change(change(device(3), id, nonce(9), 12), {device(1), false});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().domain, Domain::auth);
    EXPECT_EQ(refused.error().code, errc::permission_denied);
    const auto& m = refused.error().message;
    EXPECT_NE(m.find("device " + crypto::to_hex(device(3))), std::string::npos) << m;
    EXPECT_NE(m.find("record " + format_uuid(id)), std::string::npos) << m;
    EXPECT_NE(m.find("seq 12"), std::string::npos) << m;
    EXPECT_NE(m.find("its creator (device 01010101)"), std::string::npos) << m;
}

TEST(RecordAuthority, AChangeOfARecordWhoseCreationIsUnknownIsNotTakenAsACreation) {
    // The front-running case: an edit that arrives before the creation it claims to follow.
    const auto id = record_id_for(device(1), nonce(2));
    auto refused = may_change(change(device(3), id, nonce(9)), {});
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("its creation is not held here"), std::string::npos)
        << refused.error().message;
    // Even by the real creator: a non-creating changeset needs its creation first.
    EXPECT_FALSE(may_change(change(device(1), id, nonce(9)), {}));
    // A coordinator may change it all the same.
    EXPECT_TRUE(may_change(change(device(3), id, nonce(9)), {std::nullopt, true}));
}

TEST(RecordAuthority, ALegacyRecordBelongsToTheCreatorTheReplicaRecorded) {
    const RecordId legacy{0x11, 0x22, 0x33};  // a random id, bound to nobody
    EXPECT_EQ(may_change(change(device(1), legacy), {device(1), false}).value(),
              ChangeRight::creator);
    EXPECT_FALSE(may_change(change(device(3), legacy), {device(1), false}));
}

}  // namespace
}  // namespace canvass::merge
