// Enrollment tokens: one line of text, checked before any network traffic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "sync/token.hpp"

namespace canvass::sync {
namespace {

EnrollmentToken sample() {
    EnrollmentToken t;
    t.address = "survey.example.org:7433";
    t.server_key = crypto::random_array<32>();
    t.id = crypto::random_array<16>();
    t.secret = crypto::SecretBytes::random(32);
    t.project = "Waste pickers — Dakar 2026";
    t.expires_unix = 1'790'000'000;
    t.role = Role::organizer;
    t.fingerprint = crypto::random_array<32>();
    return t;
}

TEST(Token, RoundTrips) {
    auto t = sample();
    auto text = encode_token(t);
    EXPECT_TRUE(text.starts_with("canvass1-"));
    EXPECT_EQ(text.find_first_of(" \n"), std::string::npos);
    auto back = decode_token(text);
    ASSERT_TRUE(back) << back.error().describe();
    EXPECT_EQ(back->address, t.address);
    EXPECT_EQ(back->server_key, t.server_key);
    EXPECT_EQ(back->id, t.id);
    EXPECT_TRUE(crypto::constant_time_equal(back->secret, t.secret));
    EXPECT_EQ(back->project, t.project);
    EXPECT_EQ(back->expires_unix, t.expires_unix);
    EXPECT_EQ(back->role, Role::organizer);
    EXPECT_EQ(back->fingerprint, t.fingerprint);
}

TEST(Token, AVersion1TokenWithoutAFingerprintIsRefusedAndSaysWhy) {
    // A version 1 token, check bytes and all: it pinned no coordinator.
    std::vector<std::uint8_t> b{1, 0, 0, 0, 0, 0, 0x6a, 0xb0, 0x00, 0x00};
    b.resize(b.size() + 16 + 32 + 32, 7);
    for (std::string_view text : {std::string_view("p"), std::string_view("h:1")}) {
        b.push_back(static_cast<std::uint8_t>(text.size()));
        b.insert(b.end(), text.begin(), text.end());
    }
    crypto::Blake2b h;
    h.update("canvass token v1");
    h.update(b);
    auto check = h.finish();
    b.insert(b.end(), check.begin(), check.begin() + 4);
    auto r = decode_token(std::string(token_prefix) + base32_encode(b));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unsupported);
    EXPECT_NE(r.error().message.find("ask for a new token"), std::string::npos)
        << r.error().message;
}

TEST(Token, TheFingerprintIsCheckedAgainstWhatTheCoordinatorGaveOut) {
    auto t = sample();
    auto hex = crypto::to_hex(t.fingerprint);
    EXPECT_TRUE(check_fingerprint(t, hex));
    EXPECT_TRUE(check_fingerprint(t, hex.substr(0, 16)));
    EXPECT_TRUE(check_fingerprint(t, short_fingerprint(t.fingerprint)));
    auto wrong = hex;
    wrong[3] = wrong[3] == '0' ? '1' : '0';
    auto r = check_fingerprint(t, wrong.substr(0, 16));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::auth);
    EXPECT_FALSE(check_fingerprint(t, hex.substr(0, 8)));  // too short to mean anything
    EXPECT_FALSE(check_fingerprint(t, "not hex at all, really"));
}

TEST(Token, IgnoresCaseAndWhitespace) {
    auto text = encode_token(sample());
    std::string upper = text;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return std::toupper(c); });
    EXPECT_TRUE(decode_token(upper));
    std::string wrapped = "  " + text.substr(0, 40) + "\n" + text.substr(40) + "\n";
    EXPECT_TRUE(decode_token(wrapped));
}

TEST(Token, RefusesWhatIsNotAToken) {
    auto r = decode_token("hello");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("not a canvass enrollment token"), std::string::npos);
    auto bad_char = decode_token("canvass1-abc!def");
    ASSERT_FALSE(bad_char);
    EXPECT_NE(bad_char.error().message.find("position 4"), std::string::npos)
        << bad_char.error().message;
}

TEST(Token, DetectsTyposAndTruncation) {
    auto text = encode_token(sample());
    std::string typo = text;
    typo[20] = typo[20] == 'a' ? 'b' : 'a';
    auto r = decode_token(typo);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("damaged"), std::string::npos);
    EXPECT_FALSE(decode_token(text.substr(0, text.size() - 10)));
    EXPECT_FALSE(decode_token(text.substr(0, 20)));
}

TEST(Token, RefusesAnUnknownVersion) {
    // Version 3 with a valid check: refused for its version, not as damaged.
    auto bytes = base32_decode(encode_token(sample()).substr(9)).value();
    ASSERT_GT(bytes.size(), 4u);
    bytes[0] = 3;
    bytes.erase(bytes.end() - 4, bytes.end());  // the old check
    crypto::Blake2b check;
    check.update("canvass token v1");
    check.update(bytes);
    auto digest = check.finish();
    bytes.insert(bytes.end(), digest.begin(), digest.begin() + 4);
    auto r = decode_token("canvass1-" + base32_encode(bytes));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::unsupported);
    EXPECT_NE(r.error().message.find("version 3"), std::string::npos);
}

TEST(Base32, KnownVectors) {
    auto enc = [](std::string_view s) {
        return base32_encode({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    };
    EXPECT_EQ(enc(""), "");
    EXPECT_EQ(enc("f"), "my");
    EXPECT_EQ(enc("fo"), "mzxq");
    EXPECT_EQ(enc("foo"), "mzxw6");
    EXPECT_EQ(enc("foobar"), "mzxw6ytboi");
    auto dec = base32_decode("MZXW6YTBOI").value();
    EXPECT_EQ(std::string(dec.begin(), dec.end()), "foobar");
}

}  // namespace
}  // namespace canvass::sync
