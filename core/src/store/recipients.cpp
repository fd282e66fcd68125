#include "store/recipients.hpp"
#include "util/bytes.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <set>
#include <stdexcept>

namespace canvass::store {

namespace {

constexpr std::string_view kTag = "canvass recipients v1";
constexpr std::string_view kSigningSeedTag = "canvass coordinator signing key v1";
constexpr std::uint8_t kFormat = 1;

using util::append;

void append_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// Everything the signature covers, without the tag.
std::vector<std::uint8_t> body(const RecipientStatement& s) {
    if (s.project.empty() || s.project.size() > 255 || s.recipients.empty() ||
        s.recipients.size() > kMaxRecipients || s.signers.empty() || s.signers.size() > kMaxSigners)
        throw std::invalid_argument(
            "a recipient statement needs a project name of 1 to 255 bytes, 1 to " +
            std::to_string(kMaxRecipients) + " recipients and signers");
    std::vector<std::uint8_t> out;
    out.push_back(kFormat);
    append_u64(out, s.serial);
    append(out, s.prev);
    out.push_back(s.share_past ? 1 : 0);
    out.push_back(static_cast<std::uint8_t>(s.project.size()));
    append(out, s.project);
    out.push_back(static_cast<std::uint8_t>(s.recipients.size()));
    for (const auto& r : s.recipients) append(out, r);
    out.push_back(static_cast<std::uint8_t>(s.signers.size()));
    for (const auto& k : s.signers) append(out, k);
    append(out, s.signer);
    return out;
}

std::vector<std::uint8_t> signing_bytes(const RecipientStatement& s) {
    std::vector<std::uint8_t> out(kTag.begin(), kTag.end());
    append(out, body(s));
    return out;
}

Unexpected<Error> malformed(const std::string& why) {
    return unexpected(Domain::auth, errc::corrupt, "recipient statement: " + why);
}

Unexpected<Error> refused(const RecipientStatement& s, const std::string& why) {
    return unexpected(
        Domain::auth, errc::permission_denied,
        "recipient statement " + std::to_string(s.serial) + " of project " + s.project + " " + why);
}

// Reads the encoded fields in order; every read checks what is left first.
class Reader {
  public:
    explicit Reader(std::span<const std::uint8_t> b) : b_(b) {}
    bool take(std::span<std::uint8_t> out) {
        if (b_.size() - pos_ < out.size()) return false;
        std::copy_n(b_.begin() + static_cast<std::ptrdiff_t>(pos_), out.size(), out.begin());
        pos_ += out.size();
        return true;
    }
    bool u8(std::uint8_t& v) { return take({&v, 1}); }
    bool u64(std::uint64_t& v) {
        std::array<std::uint8_t, 8> raw{};
        if (!take(raw)) return false;
        v = 0;
        for (auto byte : raw) v = (v << 8) | byte;
        return true;
    }
    bool done() const { return pos_ == b_.size(); }

  private:
    std::span<const std::uint8_t> b_;
    std::size_t pos_ = 0;
};

template <class Key>
bool read_keys(Reader& r, std::vector<Key>& keys, std::size_t max) {
    std::uint8_t n = 0;
    if (!r.u8(n) || n == 0 || n > max) return false;
    keys.resize(n);
    for (auto& k : keys)
        if (!r.take(k)) return false;
    return std::set<Key>(keys.begin(), keys.end()).size() == keys.size();
}

bool signed_by_one_of(const RecipientStatement& s,
                      const std::vector<crypto::SigningPublicKey>& trusted) {
    return std::find(trusted.begin(), trusted.end(), s.signer) != trusted.end() &&
           crypto::verify(s.signature, signing_bytes(s), s.signer);
}

}  // namespace

void sign_statement(RecipientStatement& s, const crypto::SigningKeyPair& key) {
    s.signer = key.public_key;
    s.signature = crypto::sign(signing_bytes(s), key.secret_key);
}

RecipientStatement first_statement(std::string project, const crypto::DhKeyPair& coordinator) {
    auto signing = coordinator_signing_key(coordinator.secret_key);
    RecipientStatement s;
    s.project = std::move(project);
    s.recipients = {coordinator.public_key};
    s.signers = {signing.public_key};
    sign_statement(s, signing);
    return s;
}

std::vector<std::uint8_t> encode_statement(const RecipientStatement& s) {
    auto out = body(s);
    append(out, s.signature);
    return out;
}

Result<RecipientStatement> decode_statement(std::span<const std::uint8_t> bytes) {
    if (bytes.size() > kMaxStatementBytes) return malformed("too long");
    Reader r(bytes);
    RecipientStatement s;
    std::uint8_t format = 0, flags = 0, name_size = 0;
    if (!r.u8(format)) return malformed("empty");
    if (format != kFormat)
        return unexpected(Domain::auth, errc::unsupported,
                          "recipient statement: format " + std::to_string(format) +
                              " is not supported by this canvass (it reads format 1)");
    if (!r.u64(s.serial) || !r.take(s.prev) || !r.u8(flags) || !r.u8(name_size))
        return malformed("truncated");
    if (s.serial == 0) return malformed("serial 0");
    if (flags > 1) return malformed("unknown flags");
    s.share_past = flags == 1;
    if (name_size == 0) return malformed("empty project name");
    s.project.resize(name_size);
    if (!r.take({reinterpret_cast<std::uint8_t*>(s.project.data()), s.project.size()}))
        return malformed("truncated project name");
    if (!read_keys(r, s.recipients, kMaxRecipients))
        return malformed("recipients: 1 to 64 distinct keys expected");
    if (!read_keys(r, s.signers, kMaxSigners))
        return malformed("signers: 1 to 64 distinct keys expected");
    if (!r.take(s.signer) || !r.take(s.signature)) return malformed("truncated signature");
    if (!r.done()) return malformed("bytes after the signature");
    return s;
}

crypto::Hash statement_digest(const RecipientStatement& s) {
    return crypto::blake2b_256(encode_statement(s));
}

std::string statement_text(const RecipientStatement& s) {
    return std::string(kStatementTextPrefix) + crypto::to_hex(encode_statement(s));
}

Result<RecipientStatement> parse_statement_text(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    if (!text.starts_with(kStatementTextPrefix))
        return malformed("it does not start with " + std::string(kStatementTextPrefix) +
                         " (make one with 'canvass keys recipients')");
    text.remove_prefix(kStatementTextPrefix.size());
    if (text.size() % 2 != 0 || text.size() / 2 > kMaxStatementBytes)
        return malformed("damaged text");
    std::vector<std::uint8_t> bytes(text.size() / 2);
    if (!crypto::from_hex(text, bytes)) return malformed("damaged text (not hex)");
    return decode_statement(bytes);
}

Result<RecipientStatement> read_statement(const std::string& file_or_text) {
    std::string text = file_or_text;
    if (!file_or_text.starts_with(kStatementTextPrefix)) {
        std::ifstream in(file_or_text, std::ios::binary);
        if (!in)
            return unexpected(Domain::core, errc::io,
                              "cannot read recipient statement " + file_or_text +
                                  " (a file written by 'canvass keys recipients')");
        std::ostringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    auto s = parse_statement_text(text);
    if (!s)
        return unexpected(s.error().domain, s.error().code,
                          file_or_text + ": " + s.error().message);
    return s;
}

Result<void> verify_successor(const RecipientStatement& current, const RecipientStatement& next) {
    if (next.project != current.project) return refused(next, "names another project");
    if (next.serial != current.serial + 1)
        return refused(next, "does not follow statement " + std::to_string(current.serial));
    if (next.prev != statement_digest(current))
        return refused(next, "does not name statement " + std::to_string(current.serial) +
                                 " as its predecessor");
    if (!signed_by_one_of(next, current.signers))
        return refused(next, "is not signed by a coordinator that statement " +
                                 std::to_string(current.serial) + " trusts");
    return {};
}

Result<RecipientStatement> verify_chain(std::span<const RecipientStatement> chain,
                                        const crypto::Hash& fingerprint, std::string_view project) {
    if (chain.empty())
        return unexpected(Domain::auth, errc::permission_denied,
                          "the project " + std::string(project) +
                              " has no recipient set signed by a coordinator");
    const auto& genesis = chain.front();
    if (genesis.project != project)
        return refused(genesis, "names another project than " + std::string(project));
    if (genesis.serial != 1 || genesis.prev != crypto::Hash{})
        return refused(genesis, "is not a first statement");
    if (statement_digest(genesis) != fingerprint)
        return refused(genesis, "is not the one this device's enrollment token pinned");
    if (!signed_by_one_of(genesis, genesis.signers))
        return refused(genesis, "is not signed by one of its signers");
    for (std::size_t i = 1; i < chain.size(); ++i)
        CANVASS_TRY_VOID(verify_successor(chain[i - 1], chain[i]));
    return chain.back();
}

Result<RecipientPlan> plan_recipients(const RecipientStatement* held,
                                      std::span<const RecipientStatement> chain,
                                      const crypto::Hash& fingerprint, std::string_view project) {
    CANVASS_TRY(auto last, verify_chain(chain, fingerprint, project));
    RecipientPlan plan;
    if (!held) {
        plan.grant_past_to = last.recipients;
        plan.adopted = std::move(last);
        return plan;
    }
    if (held->serial > chain.size()) {  // the server is behind: keep what a coordinator signed last
        plan.adopted = *held;
        return plan;
    }
    if (statement_digest(chain[held->serial - 1]) != statement_digest(*held))
        return unexpected(
            Domain::auth, errc::permission_denied,
            "the server's recipient statement " + std::to_string(held->serial) +
                " differs from the one this device adopted: two different sets were signed, or "
                "one was forged");
    for (std::size_t i = held->serial; i < chain.size(); ++i) {
        const auto& s = chain[i];
        if (s.share_past)
            for (const auto& r : s.recipients)
                if (std::find(chain[i - 1].recipients.begin(), chain[i - 1].recipients.end(), r) ==
                    chain[i - 1].recipients.end())
                    plan.grant_past_to.push_back(r);
    }
    std::erase_if(plan.grant_past_to, [&](const crypto::DhPublicKey& k) {
        return std::find(last.recipients.begin(), last.recipients.end(), k) ==
               last.recipients.end();
    });
    auto sorted = [](std::vector<crypto::DhPublicKey> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    plan.new_epoch = sorted(held->recipients) != sorted(last.recipients);
    plan.adopted = std::move(last);
    return plan;
}

crypto::SigningKeyPair coordinator_signing_key(const crypto::SecretBytes& recipient_secret) {
    crypto::Blake2b h;
    h.update(kSigningSeedTag);
    h.update(recipient_secret.span());
    auto digest = h.finish();
    crypto::SecretBytes seed(digest);
    crypto::wipe(digest);
    return crypto::signing_key_from_seed(seed);
}

}  // namespace canvass::store
