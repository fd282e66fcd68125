#include "sync/noise.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "crypto/hash.hpp"

namespace canvass::sync {
namespace {

using crypto::DhKeyPair;
using crypto::SecretBytes;
using Bytes = std::vector<std::uint8_t>;

Bytes unhex(const std::string& hex) {
    Bytes out(hex.size() / 2);
    if (!crypto::from_hex(hex, out)) throw std::invalid_argument("bad hex: " + hex);
    return out;
}

std::string hex(std::span<const std::uint8_t> b) {
    return crypto::to_hex(b);
}

DhKeyPair key_from_hex(const std::string& h) {
    return crypto::dh_key_from_secret(SecretBytes(unhex(h)));
}

Bytes text(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

// ---- the cacophony vectors ----

nlohmann::json load_vectors() {
    const std::string path = std::string(CANVASS_SOURCE_DIR) +
                             "/tests/data/noise/noise-cacophony-25519-chachapoly-sha256.json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    return nlohmann::json::parse(in)["vectors"];
}

std::optional<NoisePattern> pattern_of(const std::string& protocol_name) {
    if (protocol_name == "Noise_XK_25519_ChaChaPoly_SHA256") return NoisePattern::xk;
    if (protocol_name == "Noise_XKpsk3_25519_ChaChaPoly_SHA256") return NoisePattern::xk_psk3;
    return std::nullopt;  // other patterns in the file are not ours
}

enum class PskTiming { at_start, after_message_1 };

// Runs one vector: the initiator writes and the responder reads every handshake message,
// then transport messages alternate (even index: initiator sends). Every ciphertext must
// be the vector's byte for byte, and every payload must come back out.
void run_vector(const nlohmann::json& v, NoisePattern pattern, PskTiming timing) {
    const Bytes init_prologue = unhex(v["init_prologue"]);
    const Bytes resp_prologue = unhex(v["resp_prologue"]);
    DhKeyPair resp_static = key_from_hex(v["resp_static"]);
    const auto remote = unhex(v["init_remote_static"]);
    ASSERT_EQ(hex(remote), hex(resp_static.public_key)) << "vector is self-inconsistent";
    crypto::DhPublicKey pinned;
    std::copy(remote.begin(), remote.end(), pinned.begin());
    const crypto::DhPublicKey init_static_pub = key_from_hex(v["init_static"]).public_key;

    std::optional<SecretBytes> init_psk, resp_psk;
    if (pattern == NoisePattern::xk_psk3) {
        ASSERT_EQ(v["init_psks"].size(), 1u);
        init_psk = SecretBytes(unhex(v["init_psks"][0]));
        resp_psk = SecretBytes(unhex(v["resp_psks"][0]));
    }

    auto init =
        NoiseHandshake::initiator(pattern, init_prologue, key_from_hex(v["init_static"]), pinned,
                                  std::move(init_psk), key_from_hex(v["init_ephemeral"]));
    auto resp = NoiseHandshake::responder(pattern, resp_prologue, std::move(resp_static),
                                          key_from_hex(v["resp_ephemeral"]));
    ASSERT_TRUE(init) << init.error().describe();
    ASSERT_TRUE(resp) << resp.error().describe();
    if (resp_psk && timing == PskTiming::at_start) {
        ASSERT_TRUE(resp->set_psk(std::move(*resp_psk)));
    }

    const auto& messages = v["messages"];
    ASSERT_GE(messages.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) {
        SCOPED_TRACE("handshake message " + std::to_string(i + 1));
        auto& writer = i % 2 == 0 ? *init : *resp;
        auto& reader = i % 2 == 0 ? *resp : *init;
        const Bytes payload = unhex(messages[i]["payload"]);
        auto written = writer.write_message(payload);
        ASSERT_TRUE(written) << written.error().describe();
        EXPECT_EQ(hex(*written), messages[i]["ciphertext"].get<std::string>());
        auto read = reader.read_message(*written);
        ASSERT_TRUE(read) << read.error().describe();
        EXPECT_EQ(*read, payload);
        if (i == 0 && resp_psk && timing == PskTiming::after_message_1) {
            ASSERT_TRUE(resp->set_psk(std::move(*resp_psk)));
        }
    }
    ASSERT_TRUE(init->finished());
    ASSERT_TRUE(resp->finished());
    EXPECT_EQ(hex(init->handshake_hash()), v["handshake_hash"].get<std::string>());
    EXPECT_EQ(hex(resp->handshake_hash()), v["handshake_hash"].get<std::string>());
    ASSERT_TRUE(resp->remote_static());
    EXPECT_EQ(*resp->remote_static(), init_static_pub);

    auto init_session = init->split();
    auto resp_session = resp->split();
    ASSERT_TRUE(init_session);
    ASSERT_TRUE(resp_session);
    EXPECT_EQ(init_session->handshake_hash(), resp_session->handshake_hash());
    for (std::size_t i = 3; i < messages.size(); ++i) {
        SCOPED_TRACE("transport message " + std::to_string(i + 1));
        auto& sender = i % 2 == 0 ? *init_session : *resp_session;
        auto& receiver = i % 2 == 0 ? *resp_session : *init_session;
        const Bytes payload = unhex(messages[i]["payload"]);
        auto ct = sender.encrypt(payload);
        ASSERT_TRUE(ct) << ct.error().describe();
        EXPECT_EQ(hex(*ct), messages[i]["ciphertext"].get<std::string>());
        auto pt = receiver.decrypt(*ct);
        ASSERT_TRUE(pt) << pt.error().describe();
        EXPECT_EQ(*pt, payload);
    }
}

TEST(NoiseVectors, EveryXkAndXkPsk3VectorByteForByte) {
    const auto vectors = load_vectors();
    int xk = 0, xk_psk3 = 0;
    for (const auto& v : vectors) {
        const auto pattern = pattern_of(v["protocol_name"]);
        if (!pattern) continue;
        SCOPED_TRACE(v["protocol_name"].get<std::string>());
        (*pattern == NoisePattern::xk ? xk : xk_psk3)++;
        run_vector(v, *pattern, PskTiming::at_start);
        if (*pattern == NoisePattern::xk_psk3) {
            SCOPED_TRACE("PSK set by the responder after reading message 1");
            run_vector(v, *pattern, PskTiming::after_message_1);
        }
    }
    EXPECT_GE(xk, 1);
    EXPECT_GE(xk_psk3, 1);
}

TEST(NoiseVectors, ProtocolNames) {
    EXPECT_STREQ(noise_protocol_name(NoisePattern::xk), "Noise_XK_25519_ChaChaPoly_SHA256");
    EXPECT_STREQ(noise_protocol_name(NoisePattern::xk_psk3),
                 "Noise_XKpsk3_25519_ChaChaPoly_SHA256");
}

// ---- fresh handshakes, and everything that must be refused ----

const Bytes prologue = text("canvass sync v1");

// Fixed keys (ephemerals included), so that a handshake can be replayed identically up to
// the message a test alters.
struct Parties {
    NoisePattern pattern;
    SecretBytes device_static = SecretBytes::random(32);
    SecretBytes server_static = SecretBytes::random(32);
    SecretBytes device_ephemeral = SecretBytes::random(32);
    SecretBytes server_ephemeral = SecretBytes::random(32);
    SecretBytes psk = SecretBytes::random(32);

    explicit Parties(NoisePattern p) : pattern(p) {}
    bool has_psk() const { return pattern == NoisePattern::xk_psk3; }
    crypto::DhPublicKey server_public() const {
        return crypto::dh_key_from_secret(server_static.clone()).public_key;
    }

    NoiseHandshake initiator(std::optional<crypto::DhPublicKey> pinned = {},
                             const SecretBytes* other_psk = nullptr) const {
        std::optional<SecretBytes> k;
        if (has_psk()) k = (other_psk ? *other_psk : psk).clone();
        auto hs = NoiseHandshake::initiator(pattern, prologue,
                                            crypto::dh_key_from_secret(device_static.clone()),
                                            pinned ? *pinned : server_public(), std::move(k),
                                            crypto::dh_key_from_secret(device_ephemeral.clone()));
        if (!hs) throw std::runtime_error(hs.error().describe());
        return std::move(hs).value();
    }
    NoiseHandshake responder(bool with_psk = true) const {
        auto hs = NoiseHandshake::responder(pattern, prologue,
                                            crypto::dh_key_from_secret(server_static.clone()),
                                            crypto::dh_key_from_secret(server_ephemeral.clone()));
        if (!hs) throw std::runtime_error(hs.error().describe());
        if (has_psk() && with_psk && !hs->set_psk(psk.clone()))
            throw std::runtime_error("set_psk failed");
        return std::move(hs).value();
    }
};

const Bytes payloads[3] = {text("token 42"), text(""), text("device hello")};

// Runs messages [0, n) honestly; returns the messages sent.
std::vector<Bytes> advance(NoiseHandshake& init, NoiseHandshake& resp, int n) {
    std::vector<Bytes> sent;
    for (int i = 0; i < n; ++i) {
        auto& writer = i % 2 == 0 ? init : resp;
        auto& reader = i % 2 == 0 ? resp : init;
        auto m = writer.write_message(payloads[i]);
        if (!m) throw std::runtime_error(m.error().describe());
        auto p = reader.read_message(*m);
        if (!p) throw std::runtime_error(p.error().describe());
        sent.push_back(std::move(m).value());
    }
    return sent;
}

void expect_protocol_error(const Error& e, int code) {
    EXPECT_EQ(e.domain, Domain::protocol) << e.describe();
    EXPECT_EQ(e.code, code) << e.describe();
    EXPECT_FALSE(e.message.empty());
}

class NoiseBothPatterns : public ::testing::TestWithParam<NoisePattern> {};
INSTANTIATE_TEST_SUITE_P(Patterns, NoiseBothPatterns,
                         ::testing::Values(NoisePattern::xk, NoisePattern::xk_psk3),
                         [](const auto& info) {
                             return info.param == NoisePattern::xk ? "XK" : "XKpsk3";
                         });

TEST_P(NoiseBothPatterns, HandshakeAndTransportWithFreshKeys) {
    const NoisePattern p = GetParam();
    const auto device = crypto::generate_dh_key();
    const auto server = crypto::generate_dh_key();
    const auto psk = SecretBytes::random(32);
    std::optional<SecretBytes> init_psk;
    if (p == NoisePattern::xk_psk3) init_psk = psk.clone();
    auto init = NoiseHandshake::initiator(p, prologue,
                                          crypto::dh_key_from_secret(device.secret_key.clone()),
                                          server.public_key, std::move(init_psk));
    auto resp = NoiseHandshake::responder(p, prologue,
                                          crypto::dh_key_from_secret(server.secret_key.clone()));
    ASSERT_TRUE(init && resp);
    EXPECT_TRUE(init->is_initiator());
    EXPECT_FALSE(resp->is_initiator());
    EXPECT_FALSE(resp->remote_static());
    EXPECT_EQ(*init->remote_static(), server.public_key);

    auto m1 = init->write_message(text("token 42"));
    ASSERT_TRUE(m1);
    EXPECT_EQ(*resp->read_message(*m1), text("token 42"));
    if (p == NoisePattern::xk_psk3) {
        ASSERT_TRUE(resp->set_psk(psk.clone()));
    }
    auto m2 = resp->write_message({});
    ASSERT_TRUE(m2);
    EXPECT_TRUE(init->read_message(*m2)->empty());
    EXPECT_FALSE(init->finished());
    auto m3 = init->write_message(text("hello"));
    ASSERT_TRUE(m3);
    EXPECT_EQ(m3->size(), 48u + 5u + 16u);
    EXPECT_EQ(*resp->read_message(*m3), text("hello"));
    ASSERT_TRUE(init->finished() && resp->finished());
    EXPECT_EQ(*resp->remote_static(), device.public_key);
    EXPECT_EQ(init->handshake_hash(), resp->handshake_hash());

    auto a = init->split();
    auto b = resp->split();
    ASSERT_TRUE(a && b);
    for (int i = 0; i < 5; ++i) {
        auto ct = a->encrypt(text("changeset batch"));
        ASSERT_TRUE(ct);
        EXPECT_EQ(*b->decrypt(*ct), text("changeset batch"));
        auto back = b->encrypt(text("ack"));
        ASSERT_TRUE(back);
        EXPECT_EQ(*a->decrypt(*back), text("ack"));
    }
    expect_protocol_error(init->split().error(), errc::invalid_argument);  // only once
}

// Every byte of every handshake message, flipped: the receiver refuses that message, and
// the handshake is dead afterwards (the honest message is refused too).
TEST_P(NoiseBothPatterns, EveryTamperedByteIsRejected) {
    const Parties parties(GetParam());
    for (int target = 0; target < 3; ++target) {
        auto honest_init = parties.initiator();
        auto honest_resp = parties.responder();
        const Bytes honest = advance(honest_init, honest_resp, target + 1).back();
        for (std::size_t at = 0; at < honest.size(); ++at) {
            SCOPED_TRACE("message " + std::to_string(target + 1) + " byte " + std::to_string(at));
            auto init = parties.initiator();
            auto resp = parties.responder();
            advance(init, resp, target);
            auto& writer = target % 2 == 0 ? init : resp;
            auto& reader = target % 2 == 0 ? resp : init;
            auto m = writer.write_message(payloads[target]);
            ASSERT_TRUE(m);
            ASSERT_EQ(*m, honest);  // the replay is faithful
            (*m)[at] ^= 0x01;
            auto r = reader.read_message(*m);
            ASSERT_FALSE(r);
            expect_protocol_error(r.error(), errc::corrupt);
            EXPECT_FALSE(reader.read_message(honest));
            EXPECT_FALSE(reader.finished());
        }
    }
}

TEST_P(NoiseBothPatterns, EveryTruncationIsRejected) {
    const Parties parties(GetParam());
    for (int target = 0; target < 3; ++target) {
        auto honest_init = parties.initiator();
        auto honest_resp = parties.responder();
        const Bytes honest = advance(honest_init, honest_resp, target + 1).back();
        for (std::size_t n = 0; n < honest.size(); ++n) {
            SCOPED_TRACE("message " + std::to_string(target + 1) + " cut at " + std::to_string(n));
            auto init = parties.initiator();
            auto resp = parties.responder();
            advance(init, resp, target);
            auto& reader = target % 2 == 0 ? resp : init;
            auto r = reader.read_message(std::span(honest).first(n));
            ASSERT_FALSE(r);
            expect_protocol_error(r.error(), errc::corrupt);
        }
        // One byte too many is an altered payload.
        auto init = parties.initiator();
        auto resp = parties.responder();
        advance(init, resp, target);
        Bytes longer = honest;
        longer.push_back(0);
        EXPECT_FALSE((target % 2 == 0 ? resp : init).read_message(longer));
    }
}

// A device that pinned another server's key: the real server cannot read message 1.
TEST_P(NoiseBothPatterns, WrongResponderStaticKeyIsRejected) {
    const Parties parties(GetParam());
    auto init = parties.initiator(crypto::generate_dh_key().public_key);
    auto resp = parties.responder();
    auto m1 = init.write_message(payloads[0]);
    ASSERT_TRUE(m1);
    auto r = resp.read_message(*m1);
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::corrupt);
    EXPECT_NE(r.error().message.find("message 1"), std::string::npos);

    // And a stand-in server (another static key) facing a device that pinned the real one.
    const Parties stand_in(GetParam());
    auto device = parties.initiator();
    auto impostor = stand_in.responder();
    EXPECT_FALSE(impostor.read_message(*device.write_message(payloads[0])));
}

TEST(NoiseHandshake, WrongPskIsRejectedInMessage3) {
    const Parties parties(NoisePattern::xk_psk3);
    const auto wrong = SecretBytes::random(32);
    auto init = parties.initiator({}, &wrong);
    auto resp = parties.responder();
    advance(init, resp, 2);
    auto m3 = init.write_message(payloads[2]);
    ASSERT_TRUE(m3);
    auto r = resp.read_message(*m3);
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::corrupt);
    EXPECT_NE(r.error().message.find("PSK"), std::string::npos);
    EXPECT_FALSE(resp.finished());
    EXPECT_FALSE(resp.split());
}

TEST(NoiseHandshake, ResponderWithoutPskCannotFinish) {
    const Parties parties(NoisePattern::xk_psk3);
    auto init = parties.initiator();
    auto resp = parties.responder(/*with_psk=*/false);
    advance(init, resp, 2);
    auto r = resp.read_message(*init.write_message(payloads[2]));
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::invalid_argument);
}

TEST(NoiseHandshake, PskRules) {
    const Parties xk(NoisePattern::xk);
    auto resp = xk.responder();
    expect_protocol_error(resp.set_psk(SecretBytes::random(32)).error(), errc::invalid_argument);
    auto bad = NoiseHandshake::initiator(NoisePattern::xk, prologue, crypto::generate_dh_key(),
                                         xk.server_public(), SecretBytes::random(32));
    ASSERT_FALSE(bad);
    expect_protocol_error(bad.error(), errc::invalid_argument);

    const Parties psk3(NoisePattern::xk_psk3);
    auto r3 = psk3.responder(false);
    expect_protocol_error(r3.set_psk(SecretBytes::random(16)).error(), errc::invalid_argument);
    auto short_psk =
        NoiseHandshake::initiator(NoisePattern::xk_psk3, prologue, crypto::generate_dh_key(),
                                  psk3.server_public(), SecretBytes::random(31));
    EXPECT_FALSE(short_psk);
    // After message 3 the PSK is spent: it cannot be replaced.
    auto init = psk3.initiator();
    auto resp3 = psk3.responder();
    advance(init, resp3, 3);
    EXPECT_FALSE(resp3.set_psk(SecretBytes::random(32)));
}

TEST_P(NoiseBothPatterns, OversizedMessagesAreRejected) {
    const Parties parties(GetParam());
    // Message 1 is 32 + payload + 16 bytes: the largest payload fits exactly.
    {
        auto init = parties.initiator();
        auto m = init.write_message(Bytes(noise_max_message - 48));
        ASSERT_TRUE(m);
        EXPECT_EQ(m->size(), noise_max_message);
        auto resp = parties.responder();
        EXPECT_TRUE(resp.read_message(*m));
    }
    {
        auto init = parties.initiator();
        auto m = init.write_message(Bytes(noise_max_message - 47));
        ASSERT_FALSE(m);
        expect_protocol_error(m.error(), errc::limit_exceeded);
    }
    {
        auto resp = parties.responder();
        auto r = resp.read_message(Bytes(noise_max_message + 1));
        ASSERT_FALSE(r);
        expect_protocol_error(r.error(), errc::limit_exceeded);
    }
    {  // message 3 carries the encrypted static key: 48 + payload + 16
        auto init = parties.initiator();
        auto resp = parties.responder();
        advance(init, resp, 2);
        auto m = init.write_message(Bytes(noise_max_message - 63));
        ASSERT_FALSE(m);
        expect_protocol_error(m.error(), errc::limit_exceeded);
    }
}

TEST_P(NoiseBothPatterns, OutOfTurnAndAfterTheEnd) {
    const Parties parties(GetParam());
    {
        auto init = parties.initiator();
        expect_protocol_error(init.read_message(Bytes(64)).error(), errc::invalid_argument);
    }
    {
        auto resp = parties.responder();
        expect_protocol_error(resp.write_message({}).error(), errc::invalid_argument);
        EXPECT_FALSE(resp.split());
    }
    auto init = parties.initiator();
    auto resp = parties.responder();
    advance(init, resp, 3);
    expect_protocol_error(init.write_message({}).error(), errc::invalid_argument);
    expect_protocol_error(resp.read_message(Bytes(64)).error(), errc::invalid_argument);
}

// An ephemeral key of small order would make a DH output known to an attacker.
TEST_P(NoiseBothPatterns, LowOrderEphemeralIsRejected) {
    const Parties parties(GetParam());
    auto resp = parties.responder();
    Bytes m1(32 + 16, 0);  // e = 0 (a low-order point), then an arbitrary "payload"
    auto r = resp.read_message(m1);
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::corrupt);
}

TEST(NoiseHandshake, InconsistentKeyPairsAreRefused) {
    auto kp = crypto::generate_dh_key();
    kp.public_key[0] ^= 1;
    auto r = NoiseHandshake::responder(NoisePattern::xk, prologue, std::move(kp));
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::invalid_argument);
}

// Prologues must match: a peer speaking another protocol version cannot complete message 1.
TEST(NoiseHandshake, PrologueMismatchIsRejected) {
    const auto server = crypto::generate_dh_key();
    auto init = NoiseHandshake::initiator(NoisePattern::xk, text("canvass sync v2"),
                                          crypto::generate_dh_key(), server.public_key, {});
    auto resp = NoiseHandshake::responder(NoisePattern::xk, prologue,
                                          crypto::dh_key_from_secret(server.secret_key.clone()));
    ASSERT_TRUE(init && resp);
    EXPECT_FALSE(resp->read_message(*init->write_message({})));
}

// ---- transport ----

std::pair<NoiseSession, NoiseSession> sessions(NoisePattern p) {
    const Parties parties(p);
    auto init = parties.initiator();
    auto resp = parties.responder();
    advance(init, resp, 3);
    return {std::move(init.split()).value(), std::move(resp.split()).value()};
}

TEST_P(NoiseBothPatterns, TransportRejectsTamperReplayReorderAndTruncation) {
    auto [device, server] = sessions(GetParam());
    const auto c1 = *device.encrypt(text("batch 1"));
    const auto c2 = *device.encrypt(text("batch 2"));
    for (std::size_t at = 0; at < c1.size(); ++at) {
        auto bad = c1;
        bad[at] ^= 0x80;
        auto r = server.decrypt(bad);
        ASSERT_FALSE(r) << at;
        expect_protocol_error(r.error(), errc::corrupt);
    }
    for (std::size_t n = 0; n < c1.size(); ++n)
        EXPECT_FALSE(server.decrypt(std::span(c1).first(n)));
    EXPECT_FALSE(server.decrypt(c2));                 // reordered
    EXPECT_EQ(*server.decrypt(c1), text("batch 1"));  // failures did not advance the counter
    EXPECT_FALSE(server.decrypt(c1));                 // replayed
    EXPECT_EQ(*server.decrypt(c2), text("batch 2"));
    // The directions use different keys: a message cannot be reflected back.
    const auto reply = *server.encrypt(text("ack"));
    EXPECT_FALSE(server.decrypt(reply));
    EXPECT_EQ(*device.decrypt(reply), text("ack"));
}

TEST_P(NoiseBothPatterns, TransportSizeLimits) {
    auto [device, server] = sessions(GetParam());
    auto largest = device.encrypt(Bytes(noise_max_plaintext, 7));
    ASSERT_TRUE(largest);
    EXPECT_EQ(largest->size(), noise_max_message);
    EXPECT_EQ(server.decrypt(*largest)->size(), noise_max_plaintext);
    auto too_big = device.encrypt(Bytes(noise_max_plaintext + 1));
    ASSERT_FALSE(too_big);
    expect_protocol_error(too_big.error(), errc::limit_exceeded);
    auto too_long = server.decrypt(Bytes(noise_max_message + 1));
    ASSERT_FALSE(too_long);
    expect_protocol_error(too_long.error(), errc::limit_exceeded);
    EXPECT_TRUE(device.encrypt({}));  // empty plaintext: a bare tag
}

TEST(NoiseCipherState, NonceExhaustionIsAnError) {
    NoiseCipherState send, receive;
    const auto key = SecretBytes::random(32);
    send.initialize_key(key.clone());
    receive.initialize_key(key.clone());
    send.set_nonce(~std::uint64_t{0} - 1);
    receive.set_nonce(~std::uint64_t{0} - 1);
    auto last = send.encrypt_with_ad({}, text("last"));
    ASSERT_TRUE(last);
    EXPECT_EQ(*receive.decrypt_with_ad({}, *last), text("last"));
    auto r = send.encrypt_with_ad({}, text("one more"));
    ASSERT_FALSE(r);
    expect_protocol_error(r.error(), errc::limit_exceeded);
    expect_protocol_error(receive.decrypt_with_ad({}, *last).error(), errc::limit_exceeded);
}

TEST(NoiseCipherState, WithoutKeyPassesThrough) {
    NoiseCipherState cs;
    EXPECT_FALSE(cs.has_key());
    EXPECT_EQ(*cs.encrypt_with_ad(text("ad"), text("plain")), text("plain"));
    EXPECT_EQ(cs.nonce(), 0u);
}

}  // namespace
}  // namespace canvass::sync
