#include "store/recipients.hpp"

#include <gtest/gtest.h>

#include "crypto/random.hpp"

namespace canvass::store {
namespace {

struct Coordinator {
    crypto::DhKeyPair recipient = crypto::generate_dh_key();
    crypto::SigningKeyPair signing = coordinator_signing_key(recipient.secret_key);
};

RecipientStatement genesis(const Coordinator& c, std::string project = "vendors") {
    RecipientStatement s;
    s.project = std::move(project);
    s.recipients = {c.recipient.public_key};
    s.signers = {c.signing.public_key};
    sign_statement(s, c.signing);
    return s;
}

RecipientStatement next(const RecipientStatement& prev, std::vector<crypto::DhPublicKey> recipients,
                        const crypto::SigningKeyPair& by) {
    RecipientStatement s = prev;
    s.serial = prev.serial + 1;
    s.prev = statement_digest(prev);
    s.recipients = std::move(recipients);
    sign_statement(s, by);
    return s;
}

TEST(RecipientStatement, EncodesAndDecodesToTheSameStatement) {
    Coordinator c;
    auto s = genesis(c);
    s.share_past = true;
    sign_statement(s, c.signing);
    auto decoded = decode_statement(encode_statement(s));
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(*decoded, s);
    auto text = parse_statement_text("  " + statement_text(s) + "\n");
    ASSERT_TRUE(text) << text.error().message;
    EXPECT_EQ(*text, s);
}

TEST(RecipientStatement, TheCoordinatorSigningKeyIsDerivedFromTheRecipientSecret) {
    Coordinator c;
    EXPECT_EQ(coordinator_signing_key(c.recipient.secret_key).public_key, c.signing.public_key);
    Coordinator other;
    EXPECT_NE(other.signing.public_key, c.signing.public_key);
}

TEST(RecipientStatement, AGenesisVerifiesOnlyAgainstItsOwnFingerprint) {
    Coordinator c;
    auto s = genesis(c);
    std::vector chain{s};
    EXPECT_TRUE(verify_chain(chain, statement_digest(s), "vendors"));
    auto wrong = verify_chain(chain, crypto::Hash{}, "vendors");
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("pinned"), std::string::npos) << wrong.error().message;
    EXPECT_FALSE(verify_chain(chain, statement_digest(s), "other"));
    EXPECT_FALSE(verify_chain({}, statement_digest(s), "vendors"));
}

TEST(RecipientStatement, ARecipientAddedWithoutATrustedSignatureIsRefused) {
    Coordinator c;
    auto s1 = genesis(c);
    Coordinator intruder;
    // The intruder signs a successor adding its own key: not a signer of statement 1.
    auto forged =
        next(s1, {c.recipient.public_key, intruder.recipient.public_key}, intruder.signing);
    std::vector chain{s1, forged};
    auto r = verify_chain(chain, statement_digest(s1), "vendors");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::auth);
    EXPECT_NE(r.error().message.find("not signed by a coordinator"), std::string::npos)
        << r.error().message;
    // Altering a signed statement breaks its signature.
    auto altered = next(s1, {c.recipient.public_key}, c.signing);
    altered.recipients.push_back(intruder.recipient.public_key);
    std::vector chain2{s1, altered};
    EXPECT_FALSE(verify_chain(chain2, statement_digest(s1), "vendors"));
    // A genesis replaced by the intruder's own does not match the pin.
    auto fake = genesis(intruder);
    std::vector chain3{fake};
    EXPECT_FALSE(verify_chain(chain3, statement_digest(s1), "vendors"));
}

TEST(RecipientStatement, ATrustedCoordinatorAddsAColleagueWhoMaySignTheNextChange) {
    Coordinator c, colleague, third;
    auto s1 = genesis(c);
    auto s2 = next(s1, {c.recipient.public_key, colleague.recipient.public_key}, c.signing);
    s2.signers.push_back(colleague.signing.public_key);
    sign_statement(s2, c.signing);
    auto s3 =
        next(s2, {colleague.recipient.public_key, third.recipient.public_key}, colleague.signing);
    std::vector chain{s1, s2, s3};
    auto last = verify_chain(chain, statement_digest(s1), "vendors");
    ASSERT_TRUE(last) << last.error().message;
    EXPECT_EQ(last->recipients, s3.recipients);
    // Out of order or with a gap: refused.
    std::vector gap{s1, s3};
    EXPECT_FALSE(verify_chain(gap, statement_digest(s1), "vendors"));
}

TEST(RecipientStatement, DecodingRefusesDamagedBytes) {
    Coordinator c;
    auto bytes = encode_statement(genesis(c));
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        std::vector<std::uint8_t> shorter(bytes.begin(),
                                          bytes.begin() + static_cast<std::ptrdiff_t>(cut));
        EXPECT_FALSE(decode_statement(shorter)) << "cut at " << cut;
    }
    auto longer = bytes;
    longer.push_back(0);
    EXPECT_FALSE(decode_statement(longer));
    auto unknown = bytes;
    unknown[0] = 2;
    auto r = decode_statement(unknown);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unsupported);
    // A duplicate recipient key is refused.
    auto s = genesis(c);
    s.recipients.push_back(s.recipients.front());
    sign_statement(s, c.signing);
    EXPECT_FALSE(decode_statement(encode_statement(s)));
    EXPECT_FALSE(parse_statement_text("canvass-recipients1-zz"));
    EXPECT_FALSE(parse_statement_text("hello"));
}

}  // namespace
}  // namespace canvass::store
