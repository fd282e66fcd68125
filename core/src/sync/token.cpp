#include "sync/token.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "crypto/hash.hpp"
#include "sync/cbor_fields.hpp"

namespace canvass::sync {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr std::string_view kCheckTag = "canvass token v1";
constexpr std::size_t kCheckBytes = 4;
constexpr std::uint8_t kVersion = 2;

Unexpected<Error> damaged(const std::string& what) {
    return unexpected(Domain::auth, errc::corrupt, "enrollment token damaged: " + what);
}

std::array<std::uint8_t, kCheckBytes> check_of(std::span<const std::uint8_t> body) {
    crypto::Blake2b h;
    h.update(kCheckTag);
    h.update(body);
    auto digest = h.finish();
    std::array<std::uint8_t, kCheckBytes> out{};
    std::copy_n(digest.begin(), kCheckBytes, out.begin());
    return out;
}

void put_text(std::vector<std::uint8_t>& out, std::string_view s) {
    if (s.size() > 255) throw std::invalid_argument("token text field longer than 255 bytes");
    out.push_back(static_cast<std::uint8_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
}

// A bounds-checked cursor over the decoded bytes.
struct Cursor {
    std::span<const std::uint8_t> in;
    std::size_t pos = 0;
    bool take(std::span<std::uint8_t> out) {
        if (in.size() - pos < out.size()) return false;
        std::copy_n(in.begin() + pos, out.size(), out.begin());
        pos += out.size();
        return true;
    }
    bool byte(std::uint8_t& b) { return take({&b, 1}); }
    bool text(std::string& s) {
        std::uint8_t n;
        if (!byte(n) || in.size() - pos < n) return false;
        s.assign(reinterpret_cast<const char*>(in.data()) + pos, n);
        pos += n;
        return detail::valid_utf8(s);
    }
};

}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t b : bytes) {
        buffer = (buffer << 8) | b;
        bits += 8;
        while (bits >= 5) {
            out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
            bits -= 5;
        }
    }
    if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
    return out;
}

Result<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
    std::vector<std::uint8_t> out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        const char* p = std::find(kAlphabet, kAlphabet + 32, c);
        if (p == kAlphabet + 32)
            return unexpected(
                Domain::auth, errc::corrupt,
                "enrollment token has an invalid character at position " + std::to_string(i + 1));
        buffer = (buffer << 5) | static_cast<std::uint32_t>(p - kAlphabet);
        bits += 5;
        if (bits >= 8) {
            out.push_back(static_cast<std::uint8_t>(buffer >> (bits - 8)));
            bits -= 8;
        }
    }
    return out;  // leftover bits (< 8) are the encoder's zero padding
}

std::string encode_token(const EnrollmentToken& t) {
    if (t.secret.size() != 32) throw std::invalid_argument("token secret must be 32 bytes");
    std::vector<std::uint8_t> b;
    b.push_back(kVersion);
    b.push_back(static_cast<std::uint8_t>(t.role));
    for (int shift = 56; shift >= 0; shift -= 8)
        b.push_back(static_cast<std::uint8_t>(t.expires_unix >> shift));
    b.insert(b.end(), t.id.begin(), t.id.end());
    b.insert(b.end(), t.secret.span().begin(), t.secret.span().end());
    b.insert(b.end(), t.server_key.begin(), t.server_key.end());
    b.insert(b.end(), t.fingerprint.begin(), t.fingerprint.end());
    put_text(b, t.project);
    put_text(b, t.address);
    auto check = check_of(b);
    b.insert(b.end(), check.begin(), check.end());
    std::string out = std::string(token_prefix) + base32_encode(b);
    crypto::wipe(b);
    return out;
}

Result<EnrollmentToken> decode_token(std::string_view text) {
    std::string compact;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
    std::string lowered = compact;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!lowered.starts_with(token_prefix))
        return unexpected(Domain::auth, errc::corrupt,
                          "not a canvass enrollment token (it starts with \"canvass1-\")");
    CANVASS_TRY(auto bytes, base32_decode(std::string_view(compact).substr(token_prefix.size())));
    if (bytes.size() < 1 + kCheckBytes) return damaged("too short; was it copied completely?");
    std::span<const std::uint8_t> all(bytes);
    auto body = all.first(all.size() - kCheckBytes);
    auto expected = check_of(body);
    if (!std::equal(expected.begin(), expected.end(), all.end() - kCheckBytes))
        return damaged("check mismatch; was it copied completely and without typos?");
    if (bytes[0] == 1)
        return unexpected(
            Domain::auth, errc::unsupported,
            "this enrollment token was made by an older canvass-server and does not pin the "
            "project's coordinators; ask for a new token");
    if (bytes[0] != kVersion)
        return unexpected(Domain::auth, errc::unsupported,
                          "enrollment token version " + std::to_string(bytes[0]) +
                              " is not supported by this version of canvass");
    if (bytes.size() < 2 + 8 + 16 + 32 + 32 + 32 + 2 + kCheckBytes)
        return damaged("too short; was it copied completely?");
    EnrollmentToken t;
    Cursor c{body, 1};
    std::uint8_t role = 0;
    std::array<std::uint8_t, 8> expires{};
    crypto::SecretBytes secret(32);
    if (!c.byte(role) || !c.take(expires) || !c.take(t.id) || !c.take(secret.span()) ||
        !c.take(t.server_key) || !c.take(t.fingerprint) || !c.text(t.project) ||
        !c.text(t.address) || c.pos != body.size())
        return damaged("fields do not fit the token's layout");
    if (role > static_cast<std::uint8_t>(Role::coordinator)) return damaged("unknown role");
    t.role = static_cast<Role>(role);
    for (auto e : expires) t.expires_unix = t.expires_unix << 8 | e;
    t.secret = std::move(secret);
    crypto::wipe(bytes);
    if (t.project.empty() || t.address.empty()) return damaged("empty project or address");
    return t;
}

Result<void> check_fingerprint(const EnrollmentToken& token, std::string_view expected) {
    std::string digits;
    for (char c : expected) {
        if (c == ' ' || c == '-' || c == ':') continue;
        digits.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    if (digits.size() < 16 || digits.size() > 64 ||
        digits.find_first_not_of("0123456789abcdef") != std::string::npos)
        return unexpected(
            Domain::core, errc::invalid_argument,
            "a fingerprint is 16 to 64 hex digits, as `canvass-server project create` prints it");
    if (crypto::to_hex(token.fingerprint).substr(0, digits.size()) != digits)
        return unexpected(
            Domain::auth, errc::permission_denied,
            "this token's project fingerprint is " + short_fingerprint(token.fingerprint) +
                ", not the one you were given: it was not made for your project's coordinators. "
                "Do not enroll with it; tell your coordinator");
    return {};
}

std::string short_fingerprint(const crypto::Hash& fingerprint) {
    auto hex = crypto::to_hex(fingerprint).substr(0, 16);
    return hex.substr(0, 4) + " " + hex.substr(4, 4) + " " + hex.substr(8, 4) + " " +
           hex.substr(12, 4);
}

}  // namespace canvass::sync
