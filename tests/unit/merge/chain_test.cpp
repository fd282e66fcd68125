#include "merge/chain.hpp"

#include <gtest/gtest.h>

#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::Author;
using testing::uuid;

class Chain : public ::testing::Test {
  protected:
    void SetUp() override {
        for (int i = 0; i < 5; ++i)
            log.push_back(author.write(uuid(static_cast<std::uint8_t>(i % 2)),
                                       {Op{"f" + std::to_string(i), OpKind::set, {}}}));
    }
    SignedHead head_of(std::size_t n) {
        const auto& cs = log[n - 1];
        return sign_head(cs.header.device, cs.header.seq, changeset_hash(cs), key.secret_key);
    }
    std::span<const Changeset> part(std::size_t from, std::size_t to) {
        return std::span(log).subspan(from, to - from);
    }

    Author author{1};
    crypto::SigningKeyPair key = crypto::generate_signing_key();
    std::vector<Changeset> log;
};

TEST_F(Chain, AWholeChainVerifiesAgainstItsSignedHead) {
    auto r = verify_chain(author.id(), std::nullopt, log, head_of(5), key.public_key);
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->seq, 5u);
    EXPECT_EQ(r->hash, changeset_hash(log.back()));
}

TEST_F(Chain, ABatchContinuesFromTheKnownPoint) {
    auto first = verify_chain(author.id(), std::nullopt, part(0, 2), head_of(2), key.public_key);
    ASSERT_TRUE(first);
    auto rest = verify_chain(author.id(), *first, part(2, 5), head_of(5), key.public_key);
    ASSERT_TRUE(rest) << rest.error().describe();
    EXPECT_EQ(rest->seq, 5u);
    // An empty batch re-announcing the known head.
    EXPECT_TRUE(verify_chain(author.id(), *rest, {}, head_of(5), key.public_key));
}

TEST_F(Chain, AGapIsRefused) {
    auto first = verify_chain(author.id(), std::nullopt, part(0, 2), head_of(2), key.public_key);
    auto r = verify_chain(author.id(), *first, part(3, 5), head_of(5), key.public_key);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::protocol);
    EXPECT_NE(r.error().message.find("gap"), std::string::npos);
    EXPECT_FALSE(verify_chain(author.id(), std::nullopt, part(1, 5), head_of(5), key.public_key));
}

TEST_F(Chain, AForkIsRefused) {
    Author twin{1};  // same device, another history
    std::vector<Changeset> forked;
    forked.push_back(twin.write(uuid(7), {Op{"x", OpKind::set, {}}}));
    forked.push_back(log[1]);
    const SignedHead head = head_of(2);
    auto r = verify_chain(author.id(), std::nullopt, forked, head, key.public_key);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("fork"), std::string::npos);
    auto e = find_equivocation(forked[0], log[0]);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->seq, 1u);
    EXPECT_FALSE(find_equivocation(log[0], log[0]));
    EXPECT_FALSE(find_equivocation(log[0], log[1]));
}

TEST_F(Chain, AHeadThatNamesAnotherChangesetIsRefused) {
    EXPECT_FALSE(verify_chain(author.id(), std::nullopt, log, head_of(4), key.public_key));
}

TEST_F(Chain, ABadSignatureOrAnotherKeyIsRefused) {
    SignedHead head = head_of(5);
    head.signature[10] ^= 1;
    auto r = verify_chain(author.id(), std::nullopt, log, head, key.public_key);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::wrong_key);
    const auto other = crypto::generate_signing_key();
    EXPECT_FALSE(verify_chain(author.id(), std::nullopt, log, head_of(5), other.public_key));
}

TEST_F(Chain, AnotherDevicesChangesetIsRefused) {
    Author mallory{2};
    std::vector<Changeset> mixed(log.begin(), log.begin() + 1);
    mixed.push_back(mallory.write(uuid(1), {Op{"x", OpKind::set, {}}}));
    EXPECT_FALSE(verify_chain(author.id(), std::nullopt, mixed, head_of(2), key.public_key));
}

TEST_F(Chain, EveryByteFlipOfAChangesetOrItsHeadIsDetected) {
    const auto bytes = encode(log[0]);
    const SignedHead head = head_of(1);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        auto mutated = bytes;
        mutated[i] ^= 0x01;
        auto cs = decode(mutated);
        if (!cs) continue;
        const std::vector<Changeset> batch{*cs};
        EXPECT_FALSE(verify_chain(author.id(), std::nullopt, batch, head, key.public_key)) << i;
    }
    const std::vector<Changeset> batch{log[0]};
    for (std::size_t i = 0; i < head.signature.size() + head.hash.size() + 16 + 1; ++i) {
        SignedHead bad = head;
        if (i < 64)
            bad.signature[i] ^= 1;
        else if (i < 96)
            bad.hash[i - 64] ^= 1;
        else if (i < 112)
            bad.device[i - 96] ^= 1;
        else
            bad.seq ^= 2;
        EXPECT_FALSE(verify_chain(author.id(), std::nullopt, batch, bad, key.public_key)) << i;
        EXPECT_FALSE(verify_head(bad, key.public_key)) << i;
    }
}

TEST_F(Chain, HeadSigningBytesAreDomainSeparated) {
    const auto bytes = head_signing_bytes(author.id(), 258, Hash{});
    ASSERT_EQ(bytes.size(), 16u + 16 + 8 + 32);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 15), "canvass head v1");
    EXPECT_EQ(bytes[32], 2);  // seq little-endian
    EXPECT_EQ(bytes[33], 1);
}

TEST_F(Chain, EquivocatingHeadsAreEvidence) {
    const SignedHead a = head_of(3);
    SignedHead b = a;
    b.hash[0] ^= 1;
    EXPECT_TRUE(find_equivocation(a, b));
    EXPECT_FALSE(find_equivocation(a, a));
}

}  // namespace
}  // namespace canvass::merge
