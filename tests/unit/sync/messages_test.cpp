// CBOR messages: every type round-trips; anything malformed or oversized is refused clearly.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sync/cbor.hpp"
#include "sync/messages.hpp"

namespace canvass::sync {
namespace {

using json = nlohmann::json;

template <class T>
T round_trip(const T& m) {
    auto decoded = decode_message(encode_message(Message{m}));
    EXPECT_TRUE(decoded) << decoded.error().describe();
    EXPECT_TRUE(std::holds_alternative<T>(*decoded));
    return std::get<T>(*decoded);
}

Result<Message> decode_json(const json& j, const MessageLimits& limits = {}) {
    return decode_message(json::to_cbor(j), limits);
}

merge::DeviceId device(std::uint8_t b) {
    merge::DeviceId d{};
    d.fill(b);
    return d;
}

TEST(Messages, EveryTypeRoundTrips) {
    EXPECT_EQ(round_trip(Hello{"canvass/0.1"}).agent, "canvass/0.1");

    Welcome w;
    w.project = "p";
    w.role = Role::coordinator;
    w.device = device(7);
    w.server_time_ms = 123456;
    w.recipients = {store::first_statement("p", crypto::generate_dh_key())};
    w.forms = {FormRef{"f", "1", crypto::Hash{3}}};
    w.limits = SyncLimits{10, 2000, 3};
    auto w2 = round_trip(w);
    EXPECT_EQ(w2.project, "p");
    EXPECT_EQ(w2.role, Role::coordinator);
    EXPECT_EQ(w2.device, w.device);
    EXPECT_EQ(w2.server_time_ms, 123456u);
    EXPECT_EQ(w2.recipients, w.recipients);
    EXPECT_EQ(w2.forms, w.forms);
    EXPECT_EQ(w2.limits, w.limits);
    EXPECT_EQ(w2.label, "");  // no label: none sent, as from an older server
    w.label = "Amina (market team)";
    EXPECT_EQ(round_trip(w).label, "Amina (market team)");

    Summary s{{ChainTip{device(1), 5, crypto::Hash{9}}, ChainTip{device(2), 1, crypto::Hash{8}}}};
    EXPECT_EQ(round_trip(s).chains, s.chains);

    ChainRun run{device(1),
                 crypto::SigningPublicKey{4},
                 {Bytes{1, 2}, Bytes{3}},
                 {2, crypto::Hash{5}, crypto::Signature{6}},
                 {Bytes{7}}};
    auto c = round_trip(Changesets{42, {run}});
    EXPECT_EQ(c.batch, 42u);
    ASSERT_EQ(c.runs.size(), 1u);
    EXPECT_EQ(c.runs[0].changesets, run.changesets);
    EXPECT_EQ(c.runs[0].head.signature, run.head.signature);
    EXPECT_EQ(c.runs[0].grants, run.grants);

    auto a = round_trip(Ack{3, {DurableTip{device(1), 9}}, {}});
    EXPECT_EQ(a.batch, 3u);
    EXPECT_EQ(a.durable.at(0).seq, 9u);
    EXPECT_TRUE(a.refused.empty());
    auto refused =
        round_trip(Ack{4, {}, {RefusedTip{device(2), 7, ErrorCode::forbidden, "may not"}}});
    ASSERT_EQ(refused.refused.size(), 1u);
    EXPECT_EQ(refused.refused[0].device, device(2));
    EXPECT_EQ(refused.refused[0].seq, 7u);
    EXPECT_EQ(refused.refused[0].code, ErrorCode::forbidden);
    EXPECT_EQ(refused.refused[0].message, "may not");

    EXPECT_FALSE(round_trip(FormMessage{"f", "2", std::nullopt}).body);
    EXPECT_EQ(*round_trip(FormMessage{"f", "2", "{}"}).body, "{}");

    auto e = round_trip(ErrorMessage{ErrorCode::revoked, "gone"});
    EXPECT_EQ(e.code, ErrorCode::revoked);
    EXPECT_EQ(e.message, "gone");

    round_trip(Bye{});
}

TEST(Messages, UnknownTypesAndFieldsAreRefused) {
    auto r = decode_json({{"t", "teleport"}});
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("teleport"), std::string::npos);
    auto extra = decode_json({{"t", "bye"}, {"x", 1}});
    ASSERT_FALSE(extra);
    EXPECT_EQ(extra.error().message, "bye.x: unknown field");
}

TEST(Messages, ErrorsNameTheField) {
    json j = json::parse(R"({"t":"summary","chains":[{"seq":1}]})");
    j["chains"][0]["device"] = json::binary({1, 2, 3});
    j["chains"][0]["hash"] = json::binary(std::vector<std::uint8_t>(32));
    auto r = decode_json(j);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "summary.chains[0].device: expected 16 bytes");
    auto missing = decode_json({{"t", "ack"}, {"durable", json::array()}});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message, "ack.batch: missing");
    auto negative = decode_json({{"t", "ack"}, {"batch", -1}, {"durable", json::array()}});
    ASSERT_FALSE(negative);
    EXPECT_EQ(negative.error().message, "ack.batch: expected an unsigned integer");
}

TEST(Messages, InvalidUtf8IsRefused) {
    auto r = decode_json({{"t", "hello"}, {"agent", std::string("\xc3\x28")}});
    ASSERT_FALSE(r);
}

TEST(Messages, GarbageTruncationAndTrailingBytesAreRefused) {
    EXPECT_FALSE(decode_message(Bytes{0xff, 0x00, 0x13}));
    auto bytes = encode_message(Message{Hello{"x"}});
    EXPECT_FALSE(decode_message(std::span(bytes).first(bytes.size() - 1)));
    bytes.push_back(0);
    EXPECT_FALSE(decode_message(bytes));
    EXPECT_FALSE(decode_message(Bytes{}));
}

TEST(Messages, DeepNestingIsRefusedWithoutRecursingIntoIt) {
    Bytes deep(100000, 0x81);  // an array holding an array holding ...
    deep.push_back(0x00);
    auto r = parse_cbor(deep);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::limit_exceeded);
}

TEST(Messages, HugeAnnouncedLengthsAreRefusedBeforeAllocation) {
    Bytes huge{0x9b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};  // array of 2^63-1 items
    auto r = parse_cbor(huge);
    ASSERT_FALSE(r);
    Bytes long_string{0x7b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 'a'};
    EXPECT_FALSE(parse_cbor(long_string));
}

TEST(Messages, BatchCapsAreEnforced) {
    MessageLimits limits;
    limits.max_batch_changesets = 2;
    ChainRun run{device(1), {}, {Bytes{1}, Bytes{2}, Bytes{3}}, {}, {}};
    auto r = decode_message(encode_message(Message{Changesets{1, {run}}}), limits);
    ASSERT_FALSE(r);
    limits.max_batch_changesets = 10;
    limits.max_batch_bytes = 2;
    auto r2 = decode_message(encode_message(Message{Changesets{1, {run}}}), limits);
    ASSERT_FALSE(r2);
    EXPECT_EQ(r2.error().code, errc::limit_exceeded);
    limits.max_message_bytes = 8;
    EXPECT_FALSE(decode_message(encode_message(Message{Hello{"0123456789"}}), limits));
}

TEST(Messages, RandomBytesNeverCrashTheDecoder) {
    std::uint64_t x = 88172645463325252ull;  // xorshift: deterministic
    for (int i = 0; i < 20000; ++i) {
        Bytes b(1 + i % 64);
        for (auto& v : b) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v = static_cast<std::uint8_t>(x);
        }
        (void)decode_message(b);
    }
}

TEST(Messages, ARunWithoutChangesetsIsRefused) {
    ChainRun run{device(1), {}, {}, {}, {}};
    EXPECT_FALSE(decode_message(encode_message(Message{Changesets{1, {run}}})));
}

}  // namespace
}  // namespace canvass::sync
