// Everything a peer can send, damaged at random: every decoder returns a value or an error,
// never throws, crashes or hangs. Seeded; CANVASS_MUTATION_ROUNDS raises the count and
// CANVASS_MUTATION_SEED replays one run. (tests/fuzz/ holds the same entry points for
// libFuzzer, for longer runs under sanitizers.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <random>

#include "merge/changeset.hpp"
#include "store/grant.hpp"
#include "store/recipients.hpp"
#include "sync/cbor.hpp"
#include "sync/enrollment.hpp"
#include "sync/messages.hpp"
#include "sync/token.hpp"

namespace canvass::sync {
namespace {

merge::DeviceId id(std::uint8_t b) {
    merge::DeviceId d{};
    d.fill(b);
    return d;
}

// Valid encodings of every message type and of the structures inside them.
std::vector<Bytes> seeds() {
    merge::Changeset cs;
    cs.header.device = id(1);
    cs.header.seq = 2;
    cs.header.prev.fill(7);
    cs.header.hlc = 1'790'000'000'000ull << 16;
    cs.header.project = "vendors";
    cs.header.form_id = "street_vendors";
    cs.header.form_version = "2026.11.1";
    cs.header.record = id(9);
    cs.header.ops.push_back({"age", merge::OpKind::set, {}});
    cs.header.ops.push_back(
        {"members[00000000-0000-4000-8000-000000000001]", merge::OpKind::keep, {}});
    cs.header.ops.push_back({"members[00000000-0000-4000-8000-000000000001]/name",
                             merge::OpKind::set,
                             {merge::OpId{id(1), 1, 0}}});
    cs.ciphertext.assign(80, 0x5a);
    auto changeset = merge::encode(cs);

    ChainRun run{id(1), {}, {changeset, changeset}, {2, {}, {}}, {Bytes(160, 3)}};
    std::vector<Message> messages{
        Hello{"canvass/test"},
        Welcome{"vendors",
                Role::coordinator,
                id(2),
                123,
                {store::first_statement("vendors", crypto::generate_dh_key())},
                {{"f", "1", {}}},
                {},
                "Amina",
                std::nullopt},
        Summary{{{id(1), 3, {}, 4}, {id(2), 1, {}, 0}}},
        Changesets{1, {run}},
        Ack{1, {{id(1), 2}}, {RefusedTip{id(3), 4, ErrorCode::forbidden, "may not change record"}}},
        FormMessage{"street_vendors", "2026.11.1", std::string(R"({"settings":{}})")},
        ErrorMessage{ErrorCode::bad_batch, "no"},
        Bye{},
    };
    std::vector<Bytes> out{changeset};
    for (const auto& m : messages) out.push_back(encode_message(m));
    out.push_back(encode_enroll_request(EnrollRequest{{}, {}, "canvass/test"}));
    out.push_back(
        store::encode_statement(store::first_statement("vendors", crypto::generate_dh_key())));
    return out;
}

// One random change: a flipped byte, a cut, an inserted or removed byte, a repeated stretch.
Bytes mutate(Bytes b, std::mt19937_64& rng) {
    auto pick = [&](std::size_t n) { return n ? static_cast<std::size_t>(rng() % n) : 0; };
    switch (rng() % 5) {
        case 0:
            if (!b.empty()) b[pick(b.size())] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
            break;
        case 1:
            b.resize(pick(b.size() + 1));
            break;
        case 2:
            b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)),
                     static_cast<std::uint8_t>(rng()));
            break;
        case 3:
            if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size())));
            break;
        default:
            if (!b.empty()) {
                auto from = pick(b.size()),
                     len = 1 + pick(std::min<std::size_t>(16, b.size() - from));
                Bytes stretch(b.begin() + static_cast<std::ptrdiff_t>(from),
                              b.begin() + static_cast<std::ptrdiff_t>(from + len));
                b.insert(b.begin() + static_cast<std::ptrdiff_t>(pick(b.size() + 1)),
                         stretch.begin(), stretch.end());
            }
    }
    return b;
}

std::uint64_t env_or(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

TEST(Mutation, DamagedInputsAreRefusedAsValuesNeverCrashes) {
    const auto seed = env_or("CANVASS_MUTATION_SEED", 20261122);
    const auto rounds = env_or("CANVASS_MUTATION_ROUNDS", 10000);
    std::mt19937_64 rng(seed);
    const auto valid = seeds();
    std::size_t accepted = 0, refused = 0;
    for (std::uint64_t round = 0; round < rounds; ++round) {
        for (const auto& original : valid) {
            Bytes b = original;
            for (auto n = 1 + rng() % 3; n > 0; --n) b = mutate(std::move(b), rng);
            try {
                auto m = decode_message(b);
                auto c = merge::decode(b);
                auto e = decode_enroll_request(b);
                auto g = store::decode_grant(b);
                auto r = store::decode_statement(b);
                auto j = parse_cbor(b);
                auto t = decode_token(
                    std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
                accepted += m.has_value() + c.has_value() + e.has_value() + g.has_value() +
                            r.has_value() + j.has_value() + t.has_value();
                refused += !m + !c + !e + !g + !r + !j + !t;
                // What decodes re-encodes to something that decodes again. Braces: ASSERT_*
                // expands to an if/else, so a bare `if (x) ASSERT_TRUE(...)` is a dangling else.
                if (r) {
                    ASSERT_TRUE(store::decode_statement(store::encode_statement(*r)));
                }
                if (m) {
                    ASSERT_TRUE(decode_message(encode_message(*m)))
                        << "seed " << seed << " round " << round;
                }
                if (c) {
                    ASSERT_TRUE(merge::decode(merge::encode(*c)))
                        << "seed " << seed << " round " << round;
                }
            } catch (const std::exception& ex) {
                FAIL() << "threw " << ex.what() << " (CANVASS_MUTATION_SEED=" << seed << ", round "
                       << round << ")";
            }
        }
    }
    EXPECT_GT(refused, accepted) << "the mutations should mostly break the inputs";
    EXPECT_GT(accepted, 0u) << "and sometimes not (a changed value inside a valid shape)";
}

}  // namespace
}  // namespace canvass::sync
