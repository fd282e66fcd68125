// Format 2 of the changeset encoding (schemas/protocol/changeset.md, "Format 2") beside
// format 1: what each writes, that format 1 bytes keep their hash, and every form of the
// tables the decoder refuses.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "merge/changeset.hpp"
#include "merge/codec.hpp"
#include "merge/hlc.hpp"
#include "merge_test_support.hpp"

namespace canvass::merge {
namespace {

using testing::device;

std::vector<std::uint8_t> from_hex(std::string_view hex) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        out.push_back(
            static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

const std::string kHouseholdMember = "hh_members[0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f0]";
const std::string kJob = "member_jobs[00000000-0000-4000-8000-000000000001]";

// The changeset of the fixed vectors below: nested repeats, a keep, supersedes of the
// author and of another device.
Changeset vector_changeset(std::uint8_t format) {
    Changeset cs;
    auto& h = cs.header;
    h.format = format;
    h.device.fill(0x11);
    h.seq = 2;
    h.prev.fill(0x22);
    h.hlc = make_hlc(1'700'000'000'000, 1);
    h.project = "p";
    h.form_id = "home_based_workers";
    h.form_version = "1";
    h.record.fill(0x33);
    h.ops = {
        Op{"age", OpKind::set, {OpId{h.device, 1, 0}, OpId{DeviceId{}, 5, 2}}},
        Op{kHouseholdMember + "/" + kJob + "/job_type", OpKind::set, {}},
        Op{kHouseholdMember, OpKind::keep, {}},
    };
    h.epoch.fill(0x44);
    h.nonce.fill(0x55);
    cs.ciphertext = {0xde, 0xad, 0xbe, 0xef};
    canonicalize(h);
    return cs;
}

// Written by the format 1 encoder before format 2 existed: these bytes are stored in
// devices and servers, and must keep decoding to the same changeset and hash.
constexpr std::string_view kFormat1Hex =
    "0111111111111111111111111111111111022222222222222222222222222222222222222222222222222222"
    "222222222222818080c0d6fcf3c501017012686f6d655f62617365645f776f726b6572730131333333333333"
    "3333333333333333333303010361676502000000000000000000000000000000000502111111111111111111"
    "111111111111110100016b68685f6d656d626572735b30663165326433632d346235612d343937382d383639"
    "352d6134623363326431653066305d2f6d656d6265725f6a6f62735b30303030303030302d303030302d3430"
    "30302d383030302d3030303030303030303030315d2f6a6f625f7479706500043068685f6d656d626572735b"
    "30663165326433632d346235612d343937382d383639352d6134623363326431653066305d00444444444444"
    "4444444444444444444455555555555555555555555555555555555555555555555504deadbeef";
constexpr std::string_view kFormat1Hash =
    "969f65e8853c68378506a6d2562a4eb3057312b12d65113c1ea862afc153a7fc";

TEST(ChangesetFormat1, StoredBytesDecodeReencodeAndKeepTheirHash) {
    const auto bytes = from_hex(kFormat1Hex);
    auto cs = decode(bytes);
    ASSERT_TRUE(cs) << cs.error().describe();
    EXPECT_EQ(cs->header.format, kChangesetFormatText);
    EXPECT_EQ(*cs, vector_changeset(kChangesetFormatText));
    EXPECT_EQ(encode(*cs), bytes);
    EXPECT_EQ(to_hex(changeset_hash(*cs)), kFormat1Hash);
    EXPECT_TRUE(validate(cs->header));
}

TEST(ChangesetFormat2, HoldsTheSameChangesetInFewerBytes) {
    const Changeset text = vector_changeset(kChangesetFormatText);
    const Changeset compact = vector_changeset(kChangesetFormatCompact);
    const auto bytes = encode(compact);
    auto back = decode(bytes);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, compact);
    EXPECT_EQ(encode(*back), bytes);
    EXPECT_TRUE(validate(back->header));
    // Only the format differs in memory; the bytes, hence the hash, differ too.
    Changeset same = *back;
    same.header.format = kChangesetFormatText;
    EXPECT_EQ(same, text);
    EXPECT_NE(changeset_hash(compact), changeset_hash(text));
    EXPECT_LT(bytes.size() + 80, encode(text).size());  // two instance paths
}

// The layout pinned byte by byte (schemas/protocol/changeset.md has the same example).
TEST(ChangesetFormat2, WritesTheDocumentedLayout) {
    const auto bytes = encode(vector_changeset(kChangesetFormatCompact));
    const std::string hex = to_hex(bytes);
    const std::string common = "02" + std::string(32, '1') + "02" + std::string(64, '2') +
                               "818080c0d6fcf3c501" +
                               "0170"
                               "12686f6d655f62617365645f776f726b657273"
                               "0131" +
                               std::string(32, '3');
    ASSERT_EQ(hex.substr(0, common.size()), common);
    const std::string ops =
        "04"                                // names
        "03616765"                          //   age
        "0a68685f6d656d62657273"            //   hh_members
        "0b6d656d6265725f6a6f6273"          //   member_jobs
        "086a6f625f74797065"                //   job_type
        "02"                                // instances
        "0f1e2d3c4b5a49788695a4b3c2d1e0f0"  //   0
        "00000000000040008000000000000001"  //   1
        "01"
        "00000000000000000000000000000000"  // devices other than the author
        "03"                                // ops
        "01"
        "00"
        "00"
        "02"
        "01"
        "05"
        "02"
        "00"
        "01"
        "00"  // set age: (devices[0], 5, 2), (author, 1, 0)
        "01"
        "02"
        "0100"
        "0201"
        "03"
        "00"  // set hh_members[0]/member_jobs[1]/job_type
        "04"
        "01"
        "0100"
        "00";  // keep hh_members[0]
    EXPECT_EQ(hex.substr(common.size()),
              ops + std::string(32, '4') + std::string(48, '5') + "04deadbeef");
}

// Builds format 2 bytes around a hand-written op section, so each refusal below is of
// exactly one thing. The author is device(1).
std::vector<std::uint8_t> with_ops(const std::function<void(Writer&)>& ops) {
    Writer w;
    w.byte(kChangesetFormatCompact);
    w.fixed(device(1));
    w.varint(7);
    w.fixed(Hash{});
    w.varint(make_hlc(1'700'000'000'000, 0));
    w.string("p");
    w.string("f");
    w.string("1");
    w.fixed(RecordId{});
    ops(w);
    w.fixed(std::array<std::uint8_t, 16>{});
    w.fixed(std::array<std::uint8_t, 24>{});
    w.bytes(std::vector<std::uint8_t>{1, 2, 3});
    return w.take();
}

InstanceId instance(std::uint8_t n) {
    InstanceId id{};
    id.fill(n);
    return id;
}

// names [a, r], instances [i1], devices [d2]; ops: set a; set r[i1]/a superseding
// (d2, 3, 1).
void good_ops(Writer& w) {
    w.varint(2), w.string("a"), w.string("r");
    w.varint(1), w.fixed(instance(1));
    w.varint(1), w.fixed(device(2));
    w.varint(2);
    w.byte(1), w.varint(0), w.varint(0), w.varint(0);
    w.byte(1), w.varint(1), w.varint(1), w.varint(0), w.varint(0);
    w.varint(1), w.varint(1), w.varint(3), w.varint(1);
}

std::string refusal(const std::function<void(Writer&)>& ops) {
    auto r = decode(with_ops(ops));
    if (r) return "decoded";
    EXPECT_EQ(r.error().domain, Domain::protocol);
    return r.error().message;
}

bool mentions(const std::string& message, std::string_view part) {
    return message.find(part) != std::string::npos;
}

TEST(ChangesetFormat2, TheHandWrittenBaseDecodes) {
    auto r = decode(with_ops(good_ops));
    ASSERT_TRUE(r) << r.error().describe();
    ASSERT_EQ(r->header.ops.size(), 2u);
    EXPECT_EQ(r->header.ops[1].path, "r[" + format_uuid(instance(1)) + "]/a");
    EXPECT_EQ(r->header.ops[1].supersedes, (std::vector<OpId>{OpId{device(2), 3, 1}}));
    EXPECT_EQ(encode(*r), with_ops(good_ops));
}

TEST(ChangesetFormat2, RefusesUnusedAndRepeatedTableEntries) {
    auto unused_name = refusal([](Writer& w) {
        w.varint(3), w.string("a"), w.string("r"), w.string("z");
        w.varint(1), w.fixed(instance(1));
        w.varint(1), w.fixed(device(2));
        w.varint(2);
        w.byte(1), w.varint(0), w.varint(0), w.varint(0);
        w.byte(1), w.varint(1), w.varint(1), w.varint(0), w.varint(0);
        w.varint(1), w.varint(1), w.varint(3), w.varint(1);
    });
    EXPECT_TRUE(mentions(unused_name, "never referenced")) << unused_name;
    auto repeated_name = refusal([](Writer& w) {
        w.varint(2), w.string("a"), w.string("a");
        w.varint(0), w.varint(0), w.varint(1);
        w.byte(1), w.varint(0), w.varint(0), w.varint(0);
    });
    EXPECT_TRUE(mentions(repeated_name, "repeated")) << repeated_name;
    auto unused_instance = refusal([](Writer& w) {
        w.varint(1), w.string("a");
        w.varint(1), w.fixed(instance(1));
        w.varint(0), w.varint(1);
        w.byte(1), w.varint(0), w.varint(0), w.varint(0);
    });
    EXPECT_TRUE(mentions(unused_instance, "instance table are never referenced"))
        << unused_instance;
    auto repeated_instance = refusal([](Writer& w) {
        w.varint(2), w.string("a"), w.string("r");
        w.varint(2), w.fixed(instance(1)), w.fixed(instance(1));
        w.varint(0), w.varint(2);
        w.byte(4), w.varint(1), w.varint(1), w.varint(0), w.varint(0);
        w.byte(4), w.varint(1), w.varint(1), w.varint(1), w.varint(0);
    });
    EXPECT_TRUE(mentions(repeated_instance, "instance table: an entry is repeated"))
        << repeated_instance;
    auto unused_device = refusal([](Writer& w) {
        w.varint(1), w.string("a");
        w.varint(0), w.varint(1), w.fixed(device(2));
        w.varint(1);
        w.byte(1), w.varint(0), w.varint(0), w.varint(0);
    });
    EXPECT_TRUE(mentions(unused_device, "device table are never referenced")) << unused_device;
    auto author_in_table = refusal([](Writer& w) {
        w.varint(1), w.string("a");
        w.varint(0), w.varint(1), w.fixed(device(1));
        w.varint(1);
        w.byte(1), w.varint(0), w.varint(0), w.varint(1), w.varint(1), w.varint(3), w.varint(0);
    });
    EXPECT_TRUE(mentions(author_in_table, "own device")) << author_in_table;
}

TEST(ChangesetFormat2, RefusesReferencesOutOfRangeOrOutOfFirstUseOrder) {
    auto beyond = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(0);
        w.varint(1), w.byte(1), w.varint(0), w.varint(1), w.varint(0);
    });
    EXPECT_TRUE(mentions(beyond, "beyond the name table")) << beyond;
    auto ahead = refusal([](Writer& w) {  // names [a, b] with b used first
        w.varint(2), w.string("a"), w.string("b"), w.varint(0), w.varint(0);
        w.varint(2);
        w.byte(1), w.varint(0), w.varint(1), w.varint(0);
        w.byte(1), w.varint(0), w.varint(0), w.varint(0);
    });
    EXPECT_TRUE(mentions(ahead, "first use")) << ahead;
    auto no_instances = refusal([](Writer& w) {
        w.varint(1), w.string("r"), w.varint(0), w.varint(0);
        w.varint(1), w.byte(4), w.varint(1), w.varint(0), w.varint(0), w.varint(0);
    });
    EXPECT_TRUE(mentions(no_instances, "beyond the instance table of 0")) << no_instances;
    auto no_devices = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(0);
        w.varint(1), w.byte(1), w.varint(0), w.varint(0), w.varint(1), w.varint(1), w.varint(3),
            w.varint(0);
    });
    EXPECT_TRUE(mentions(no_devices, "beyond the device table of 0")) << no_devices;
    auto huge_ref = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(0);
        w.varint(1), w.byte(1), w.varint(0), w.varint(UINT64_MAX), w.varint(0);
    });
    EXPECT_TRUE(mentions(huge_ref, "beyond the name table")) << huge_ref;
}

TEST(ChangesetFormat2, RefusesHugeCountsBeforeAllocatingThem) {
    for (std::uint64_t n : {std::uint64_t{1} << 40, std::uint64_t{1000}, UINT64_MAX}) {
        auto names = refusal([n](Writer& w) { w.varint(n), w.string("a"); });
        EXPECT_TRUE(mentions(names, "name count")) << names;
        auto instances =
            refusal([n](Writer& w) { w.varint(0), w.varint(n), w.fixed(instance(1)); });
        EXPECT_TRUE(mentions(instances, "instance count")) << instances;
        auto devices = refusal([n](Writer& w) { w.varint(0), w.varint(0), w.varint(n); });
        EXPECT_TRUE(mentions(devices, "device count")) << devices;
        auto ops = refusal([n](Writer& w) { w.varint(0), w.varint(0), w.varint(0), w.varint(n); });
        EXPECT_TRUE(mentions(ops, "op count") || mentions(ops, "op kind")) << ops;
        auto depth = refusal([n](Writer& w) {
            w.varint(1), w.string("a"), w.varint(0), w.varint(0), w.varint(1), w.byte(1),
                w.varint(n);
        });
        EXPECT_TRUE(mentions(depth, "path depth")) << depth;
        auto supersedes = refusal([n](Writer& w) {
            w.varint(1), w.string("a"), w.varint(0), w.varint(0), w.varint(1), w.byte(1),
                w.varint(0), w.varint(0), w.varint(n * 1000);
        });
        EXPECT_TRUE(mentions(supersedes, "supersedes")) << supersedes;
    }
}

TEST(ChangesetFormat2, RefusesNamesOutsideThePathGrammar) {
    for (std::string bad :
         {"", "1a", "a/b", "a[b]", "r[00000000-0000-4000-8000-000000000001]", "a b"}) {
        auto m = refusal([&bad](Writer& w) {
            w.varint(1), w.string(bad), w.varint(0), w.varint(0);
            w.varint(1), w.byte(1), w.varint(0), w.varint(0), w.varint(0);
        });
        EXPECT_TRUE(mentions(m, "not a field or repeat name")) << bad << ": " << m;
    }
}

TEST(ChangesetFormat2, RefusesPathsAboveTheLimit) {
    // 26 instances of a 36-byte name: each segment is 75 bytes, 1024 are passed at the 14th.
    auto m = refusal([](Writer& w) {
        w.varint(1), w.string(std::string(36, 'r'));
        w.varint(1), w.fixed(instance(1)), w.varint(0);
        w.varint(1), w.byte(4), w.varint(26);
        for (int i = 0; i < 26; ++i) w.varint(0), w.varint(0);
        w.varint(0);
    });
    EXPECT_TRUE(mentions(m, "longer than 1024")) << m;
}

TEST(ChangesetFormat2, RefusesSupersedesOutOfOrderOrOverflowing) {
    auto base = [](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0);
        w.varint(2), w.fixed(device(3)), w.fixed(device(2));
        w.varint(1), w.byte(1), w.varint(0), w.varint(0);
    };
    // device(3) before device(2): not sorted by device.
    auto unsorted = refusal([&](Writer& w) {
        base(w);
        w.varint(2), w.varint(1), w.varint(1), w.varint(0), w.varint(2), w.varint(1), w.varint(0);
    });
    EXPECT_TRUE(mentions(unsorted, "not sorted by device")) << unsorted;
    // One device in two runs: (d2, 1, 0), (d3, 1, 0), (d2, 2, 0).
    auto split_run = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0);
        w.varint(2), w.fixed(device(2)), w.fixed(device(3));
        w.varint(1), w.byte(1), w.varint(0), w.varint(0);
        w.varint(3), w.varint(1), w.varint(1), w.varint(0), w.varint(2), w.varint(1), w.varint(0),
            w.varint(1), w.varint(2), w.varint(0);
    });
    EXPECT_TRUE(mentions(split_run, "not sorted by device")) << split_run;
    auto seq_overflow = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(1), w.fixed(device(2));
        w.varint(1), w.byte(1), w.varint(0), w.varint(0);
        w.varint(2), w.varint(1), w.varint(UINT64_MAX - 1), w.varint(0), w.varint(1), w.varint(2),
            w.varint(0);
    });
    EXPECT_TRUE(mentions(seq_overflow, "overflows")) << seq_overflow;
    auto index_step = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(1), w.fixed(device(2));
        w.varint(1), w.byte(1), w.varint(0), w.varint(0);
        w.varint(2), w.varint(1), w.varint(1), w.varint(kMaxOps - 2), w.varint(1), w.varint(0),
            w.varint(1);  // index kMaxOps - 2 + 1 + 1
    });
    EXPECT_TRUE(mentions(index_step, "supersedes index")) << index_step;
    auto index_at_limit = refusal([](Writer& w) {
        w.varint(1), w.string("a"), w.varint(0), w.varint(1), w.fixed(device(2));
        w.varint(1), w.byte(1), w.varint(0), w.varint(0);
        w.varint(2), w.varint(1), w.varint(1), w.varint(kMaxOps - 1), w.varint(1), w.varint(0),
            w.varint(0);
    });
    EXPECT_TRUE(mentions(index_at_limit, "above the op limit")) << index_at_limit;
}

TEST(ChangesetFormat2, SameDeviceEntriesAreDifferences) {
    Changeset cs = vector_changeset(kChangesetFormatCompact);
    auto& sup = cs.header.ops[0].supersedes;
    sup = {OpId{device(9), 4, 0}, OpId{device(9), 4, 7}, OpId{device(9), 300, 1},
           OpId{device(0x10), 1, 0}, OpId{cs.header.device, 1, 3}};
    canonicalize(cs.header);
    const auto bytes = encode(cs);
    auto back = decode(bytes);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(*back, cs);
    EXPECT_EQ(encode(*back), bytes);
    // 2 devices of 16 bytes in the table; 5 entries of 3 or 4 bytes.
    Changeset none = cs;
    none.header.ops[0].supersedes.clear();
    EXPECT_LE(encode(cs).size(), encode(none).size() + 2 * 16 + 5 * 4);
}

TEST(ChangesetFormat2, ChainsMayMixFormats) {
    testing::Author author(5);
    const RecordId record = testing::uuid(3);
    Changeset first = author.write(record, {Op{"age", OpKind::set, {}}});
    ASSERT_EQ(first.header.format, kChangesetFormatCompact);
    // A format 1 changeset from before, then a format 2 one linking to its hash.
    Changeset old = first;
    old.header.format = kChangesetFormatText;
    Changeset next = old;
    next.header.format = kChangesetFormatCompact;
    next.header.seq = 2;
    next.header.prev = changeset_hash(old);
    auto a = decode(encode(old));
    auto b = decode(encode(next));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(b->header.prev, changeset_hash(*a));
}

}  // namespace
}  // namespace canvass::merge
