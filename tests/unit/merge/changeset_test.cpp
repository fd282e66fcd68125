#include "merge/changeset.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::device;
using testing::uuid;

const std::string kMember = "members[" + format_uuid(uuid(1)) + "]";

// A changeset using every field: several ops and kinds, supersedes across devices.
Changeset sample(std::uint8_t format) {
    Changeset cs;
    auto& h = cs.header;
    h.format = format;
    h.device = device(1);
    h.seq = 7;
    h.prev.fill(0x55);
    h.hlc = make_hlc(1'700'000'000'000, 3);
    h.project = "vendors-2026";
    h.form_id = "street_vendors";
    h.form_version = "2026.11.1";
    h.record = uuid(9);
    h.ops = {
        Op{"age", OpKind::set, {OpId{device(1), 3, 0}, OpId{device(2), 300, 1}}},
        Op{kMember + "/name", OpKind::set, {}},
        Op{kMember, OpKind::keep, {OpId{device(3), 1, 0}}},
    };
    h.epoch.fill(0x0e);
    h.nonce.fill(0x24);
    cs.ciphertext.assign(100, 0xc1);
    return cs;
}

std::vector<std::uint8_t> replace_once(std::vector<std::uint8_t> bytes, std::string_view from,
                                       std::string_view to) {
    auto it = std::search(bytes.begin(), bytes.end(), from.begin(), from.end());
    EXPECT_NE(it, bytes.end()) << from;
    if (it == bytes.end()) return bytes;
    const auto pos = it - bytes.begin();
    bytes.erase(it, it + static_cast<std::ptrdiff_t>(from.size()));
    bytes.insert(bytes.begin() + pos, to.begin(), to.end());
    return bytes;
}

// Every format must hold each of these; the tests of one format's layout are apart.
class ChangesetEncoding : public ::testing::TestWithParam<std::uint8_t> {};
class ChangesetDecoding : public ::testing::TestWithParam<std::uint8_t> {};
class ChangesetValidation : public ::testing::TestWithParam<std::uint8_t> {};

std::string format_name(const ::testing::TestParamInfo<std::uint8_t>& info) {
    return "Format" + std::to_string(info.param);
}

TEST(ChangesetFormat, NewChangesetsAreWrittenInTheCompactFormat) {
    EXPECT_EQ(ChangesetHeader{}.format, kChangesetFormatCompact);
}

TEST_P(ChangesetEncoding, RoundTrips) {
    const Changeset cs = sample(GetParam());
    ASSERT_TRUE(validate(cs.header));
    const auto bytes = encode(cs);
    EXPECT_EQ(bytes[0], GetParam());
    auto back = decode(bytes);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, cs);
    EXPECT_EQ(encode(*back), bytes);
    EXPECT_EQ(changeset_hash(cs), crypto::blake2b_256(bytes));
}

TEST_P(ChangesetEncoding, HeaderBytesArePrefixOfTheWhole) {
    const Changeset cs = sample(GetParam());
    const auto header = encode_header(cs.header);
    const auto whole = encode(cs);
    ASSERT_LT(header.size(), whole.size());
    EXPECT_TRUE(std::equal(header.begin(), header.end(), whole.begin()));
}

TEST_P(ChangesetEncoding, OrderInMemoryDoesNotChangeTheBytes) {
    const Changeset cs = sample(GetParam());
    Changeset shuffled = cs;
    auto& sup = shuffled.header.ops[0].supersedes;
    std::reverse(sup.begin(), sup.end());
    sup.push_back(sup.front());  // a duplicate
    EXPECT_EQ(encode(shuffled), encode(cs));
    EXPECT_EQ(changeset_hash(shuffled), changeset_hash(cs));
    canonicalize(shuffled.header);
    EXPECT_EQ(shuffled, cs);
}

TEST_P(ChangesetEncoding, AnyFieldChangeChangesTheHash) {
    const Hash base = changeset_hash(sample(GetParam()));
    std::vector<Changeset> variants(9, sample(GetParam()));
    variants[0].header.seq = 8;
    variants[1].header.hlc += 1;
    variants[2].header.ops[0].path = "agee";
    variants[3].header.ops[0].supersedes.pop_back();
    variants[4].header.record[0] ^= 1;
    variants[5].header.epoch[0] ^= 1;
    variants[6].ciphertext.push_back(0);
    variants[7].header.form_version = "2026.11.2";
    variants[8].header.nonce[0] ^= 1;
    for (const auto& v : variants) EXPECT_NE(changeset_hash(v), base);
}

// Epoch keys travel as signed grants (store/grant.hpp), not in the changeset: the header
// ends with the epoch id and the nonce, nothing between them.
TEST_P(ChangesetEncoding, HeaderEndsWithEpochThenNonce) {
    const Changeset cs = sample(GetParam());
    const auto header = encode_header(cs.header);
    ASSERT_GE(header.size(), 40u);
    const auto tail = header.end() - 40;
    EXPECT_TRUE(std::equal(cs.header.epoch.begin(), cs.header.epoch.end(), tail));
    EXPECT_TRUE(std::equal(cs.header.nonce.begin(), cs.header.nonce.end(), tail + 16));
}

TEST_P(ChangesetDecoding, RejectsEveryTruncation) {
    const auto bytes = encode(sample(GetParam()));
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        auto r = decode(std::span(bytes.data(), n));
        ASSERT_FALSE(r) << "prefix of " << n << " bytes decoded";
        EXPECT_EQ(r.error().domain, Domain::protocol);
    }
}

TEST_P(ChangesetDecoding, RejectsTrailingBytesAndUnknownFormat) {
    auto bytes = encode(sample(GetParam()));
    bytes.push_back(0);
    EXPECT_FALSE(decode(bytes));
    bytes.pop_back();
    bytes[0] = 3;
    auto r = decode(bytes);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("format"), std::string::npos);
}

// Every single-byte change is either rejected or decodes to a changeset that re-encodes
// to exactly those bytes, hence a different hash: no two encodings of one changeset.
TEST_P(ChangesetDecoding, EverySingleByteFlipIsRejectedOrChangesTheHash) {
    const Changeset cs = sample(GetParam());
    const auto bytes = encode(cs);
    const Hash original = changeset_hash(cs);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        for (std::uint8_t mask : {0x01, 0x02, 0x10, 0x80, 0xff}) {
            auto mutated = bytes;
            mutated[i] ^= mask;
            auto r = decode(mutated);
            if (!r) continue;
            EXPECT_EQ(encode(*r), mutated) << "byte " << i;
            EXPECT_NE(changeset_hash(*r), original) << "byte " << i;
        }
    }
}

TEST_P(ChangesetDecoding, RejectsNonMinimalVarints) {
    const Changeset cs = sample(GetParam());
    const auto bytes = encode(cs);
    // seq 7 is the byte after format and device; write it as 0x87 0x00 instead.
    auto padded = bytes;
    ASSERT_EQ(padded[17], 7);
    padded[17] = 0x87;
    padded.insert(padded.begin() + 18, 0x00);
    auto r = decode(padded);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("non-minimal"), std::string::npos);
}

TEST(ChangesetFormat1Decoding, RejectsUnsortedSupersedes) {
    Changeset cs = sample(kChangesetFormatText);
    auto bytes = encode(cs);
    // Swap the two supersedes entries of op 0: each is device(16) seq index.
    std::vector<std::uint8_t> a(16, 1), b(16, 2);
    a.push_back(3), a.push_back(0);
    b.push_back(0xac), b.push_back(0x02), b.push_back(1);  // seq 300 as a varint
    auto ia = std::search(bytes.begin(), bytes.end(), a.begin(), a.end());
    ASSERT_NE(ia, bytes.end());
    std::vector<std::uint8_t> swapped(bytes.begin(), ia);
    swapped.insert(swapped.end(), b.begin(), b.end());
    swapped.insert(swapped.end(), a.begin(), a.end());
    swapped.insert(swapped.end(), ia + static_cast<std::ptrdiff_t>(a.size() + b.size()),
                   bytes.end());
    ASSERT_EQ(swapped.size(), bytes.size());
    auto r = decode(swapped);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("sorted"), std::string::npos);
}

TEST_P(ChangesetDecoding, RejectsInvalidUtf8AndBadPaths) {
    const auto bytes = encode(sample(GetParam()));
    EXPECT_FALSE(decode(replace_once(bytes, "vendors-2026",
                                     "vendors\xff"
                                     "2026")));
    EXPECT_FALSE(decode(replace_once(bytes, "vendors-2026",
                                     "vendors\xc0\xaf"
                                     "026")));  // overlong
    EXPECT_TRUE(decode(replace_once(bytes, "vendors-2026",
                                    "vendors\xc3\xa9"
                                    "026")));
    EXPECT_FALSE(decode(replace_once(bytes, "age", "1ge")));
    EXPECT_FALSE(decode(replace_once(bytes, "age", "a/e")));
    if (GetParam() == kChangesetFormatText) {
        EXPECT_FALSE(decode(replace_once(bytes, "/name", "/na]e")));
    } else {  // the name table holds "name" once, after its length
        EXPECT_FALSE(decode(replace_once(bytes, "\x04name", "\x04na]e")));
    }
}

TEST_P(ChangesetDecoding, RejectsAbsurdSizesWithoutAllocatingThem) {
    Changeset cs = sample(GetParam());
    cs.ciphertext.clear();
    auto bytes = encode(cs);
    ASSERT_EQ(bytes.back(), 0);  // empty ciphertext length
    bytes.pop_back();
    // A claimed ciphertext of 2^40 bytes with nothing behind it.
    for (std::uint8_t b : {0x80, 0x80, 0x80, 0x80, 0x80, 0x20}) bytes.push_back(b);
    auto r = decode(bytes);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("limit"), std::string::npos);
}

TEST_P(ChangesetDecoding, SurvivesRandomGarbage) {
    SeededRandom random(11);
    const auto good = encode(sample(GetParam()));
    for (int i = 0; i < 20000; ++i) {
        std::vector<std::uint8_t> bytes;
        if (random.chance(50)) {
            bytes.resize(random.below(200));
            random.fill(bytes);
            if (!bytes.empty()) bytes[0] = GetParam();
        } else {
            bytes = good;
            for (int k = 0, n = 1 + static_cast<int>(random.below(4)); k < n; ++k)
                bytes[random.below(bytes.size())] = static_cast<std::uint8_t>(random.next());
        }
        auto r = decode(bytes);
        if (r) {
            EXPECT_EQ(encode(*r), bytes);
        }
    }
}

TEST_P(ChangesetValidation, LimitsAndRulesHaveNames) {
    auto check = [](auto mutate) {
        Changeset cs = sample(GetParam());
        mutate(cs.header);
        EXPECT_FALSE(validate(cs.header));
        EXPECT_FALSE(decode(encode(cs)));  // the encoder writes it; the decoder refuses it
    };
    check([](ChangesetHeader& h) { h.seq = 0; });
    check([](ChangesetHeader& h) { h.seq = 1; });  // prev must then be zero
    check([](ChangesetHeader& h) { h.project.clear(); });
    check([](ChangesetHeader& h) { h.form_id = std::string(kMaxNameBytes + 1, 'f'); });
    check([](ChangesetHeader& h) { h.ops.clear(); });
    check([](ChangesetHeader& h) { h.ops[0].kind = OpKind::delete_record; });
    check([](ChangesetHeader& h) { h.ops[2].kind = OpKind::delete_record; });
    check([](ChangesetHeader& h) { h.ops[0].kind = OpKind::keep; });
    check([](ChangesetHeader& h) { h.ops[1].path = "age"; });  // two ops on one path
    check([](ChangesetHeader& h) { h.ops[0].supersedes.push_back(OpId{h.device, h.seq, 0}); });
    check([](ChangesetHeader& h) { h.ops[0].supersedes.push_back(OpId{device(4), 0, 0}); });
    check([](ChangesetHeader& h) {
        h.ops.resize(kMaxOps + 1, Op{"x", OpKind::set, {}});
        for (std::size_t i = 0; i < h.ops.size(); ++i) h.ops[i].path = "f" + std::to_string(i);
    });
}

TEST_P(ChangesetValidation, AcceptsTheLimitsThemselves) {
    Changeset cs = sample(GetParam());
    cs.header.ops.clear();
    for (std::size_t i = 0; i < kMaxOps; ++i)
        cs.header.ops.push_back(Op{"f" + std::to_string(i), OpKind::set, {}});
    cs.header.ops[0].path = std::string(kMaxPathBytes, 'p');
    cs.header.project = std::string(kMaxNameBytes, 'p');
    auto r = decode(encode(cs));
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->header.ops.size(), kMaxOps);
}

INSTANTIATE_TEST_SUITE_P(EveryFormat, ChangesetEncoding,
                         ::testing::Values(kChangesetFormatText, kChangesetFormatCompact),
                         format_name);
INSTANTIATE_TEST_SUITE_P(EveryFormat, ChangesetDecoding,
                         ::testing::Values(kChangesetFormatText, kChangesetFormatCompact),
                         format_name);
INSTANTIATE_TEST_SUITE_P(EveryFormat, ChangesetValidation,
                         ::testing::Values(kChangesetFormatText, kChangesetFormatCompact),
                         format_name);

}  // namespace
}  // namespace canvass::merge
