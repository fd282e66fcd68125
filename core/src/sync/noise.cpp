#include "sync/noise.hpp"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "crypto/aead.hpp"

namespace canvass::sync {

namespace {

constexpr std::size_t dh_len = 32;  // DHLEN of 25519
constexpr std::uint64_t reserved_nonce = std::numeric_limits<std::uint64_t>::max();

Unexpected<Error> fail(int code, std::string message) {
    return unexpected(Domain::protocol, code, std::move(message));
}

// The handshake patterns as token lists (section 7). Pre-message "<- s" is handled in the
// constructor; psk3 appends a psk token to the third message.
enum class Token : std::uint8_t { e, s, ee, es, se, psk };

struct MessagePattern {
    std::array<Token, 3> tokens;
    std::size_t count;
    std::span<const Token> list() const { return std::span(tokens).first(count); }
};

constexpr std::array<MessagePattern, 3> xk_messages{{
    {{Token::e, Token::es}, 2},
    {{Token::e, Token::ee}, 2},
    {{Token::s, Token::se}, 2},
}};
constexpr std::array<MessagePattern, 3> xk_psk3_messages{{
    {{Token::e, Token::es}, 2},
    {{Token::e, Token::ee}, 2},
    {{Token::s, Token::se, Token::psk}, 3},
}};

const MessagePattern& message_pattern(NoisePattern p, int index) {
    const auto& table = p == NoisePattern::xk ? xk_messages : xk_psk3_messages;
    return table[static_cast<std::size_t>(index)];
}

void append(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

// Why a message fails authentication, as far as its receiver can tell.
std::string auth_failure(int index, NoisePattern pattern) {
    switch (index) {
        case 0:
            return "Noise message 1 failed authentication: it was not made for this server's "
                   "static key, or it was altered";
        case 1:
            return "Noise message 2 failed authentication: the server does not hold the pinned "
                   "server key, or the message was altered";
        default:
            return pattern == NoisePattern::xk_psk3
                       ? "Noise message 3 failed authentication: wrong enrollment secret (PSK), "
                         "or the message was altered"
                       : "Noise message 3 failed authentication: the message was altered";
    }
}

// A key pair whose public half really belongs to its secret half.
bool consistent(const crypto::DhKeyPair& kp) {
    if (kp.secret_key.size() != dh_len) return false;
    return crypto::dh_key_from_secret(kp.secret_key.clone()).public_key == kp.public_key;
}

}  // namespace

const char* noise_protocol_name(NoisePattern pattern) noexcept {
    return pattern == NoisePattern::xk ? "Noise_XK_25519_ChaChaPoly_SHA256"
                                       : "Noise_XKpsk3_25519_ChaChaPoly_SHA256";
}

// ---- CipherState ----

void NoiseCipherState::initialize_key(crypto::SecretBytes key32) {
    key_ = std::move(key32);
    n_ = 0;
}

Result<std::vector<std::uint8_t>> NoiseCipherState::encrypt_with_ad(
    std::span<const std::uint8_t> ad, std::span<const std::uint8_t> plaintext) {
    if (!has_key()) return std::vector<std::uint8_t>(plaintext.begin(), plaintext.end());
    if (n_ == reserved_nonce) return fail(errc::limit_exceeded, "Noise nonce exhausted");
    auto ciphertext = crypto::chacha_encrypt(key_, n_, plaintext, ad);
    ++n_;
    return ciphertext;
}

Result<std::vector<std::uint8_t>> NoiseCipherState::decrypt_with_ad(
    std::span<const std::uint8_t> ad, std::span<const std::uint8_t> ciphertext) {
    if (!has_key()) return std::vector<std::uint8_t>(ciphertext.begin(), ciphertext.end());
    if (n_ == reserved_nonce) return fail(errc::limit_exceeded, "Noise nonce exhausted");
    auto plaintext = crypto::chacha_decrypt(key_, n_, ciphertext, ad);
    if (!plaintext) return fail(errc::corrupt, "Noise message failed authentication");
    ++n_;
    return std::move(plaintext).value();
}

// ---- SymmetricState ----

NoiseSymmetricState::NoiseSymmetricState(std::string_view protocol_name) {
    const auto name = std::span(reinterpret_cast<const std::uint8_t*>(protocol_name.data()),
                                protocol_name.size());
    if (name.size() <= h_.size())
        std::copy(name.begin(), name.end(), h_.begin());  // zero-padded
    else
        h_ = crypto::sha256(name);
    ck_ = h_;
}

NoiseSymmetricState::~NoiseSymmetricState() {
    crypto::wipe(ck_);
}

void NoiseSymmetricState::mix_key(std::span<const std::uint8_t> input_key_material) {
    auto out = crypto::hkdf2(ck_, input_key_material);
    ck_ = out[0];
    cipher_.initialize_key(crypto::SecretBytes(out[1]));  // HASHLEN 32: no truncation
    for (auto& o : out) crypto::wipe(o);
}

void NoiseSymmetricState::mix_hash(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> buffer(h_.begin(), h_.end());
    append(buffer, data);
    h_ = crypto::sha256(buffer);
}

void NoiseSymmetricState::mix_key_and_hash(std::span<const std::uint8_t> input_key_material) {
    auto out = crypto::hkdf3(ck_, input_key_material);
    ck_ = out[0];
    mix_hash(out[1]);
    cipher_.initialize_key(crypto::SecretBytes(out[2]));
    for (auto& o : out) crypto::wipe(o);
}

Result<std::vector<std::uint8_t>> NoiseSymmetricState::encrypt_and_hash(
    std::span<const std::uint8_t> plaintext) {
    CANVASS_TRY(auto ciphertext, cipher_.encrypt_with_ad(h_, plaintext));
    mix_hash(ciphertext);
    return ciphertext;
}

Result<std::vector<std::uint8_t>> NoiseSymmetricState::decrypt_and_hash(
    std::span<const std::uint8_t> ciphertext) {
    CANVASS_TRY(auto plaintext, cipher_.decrypt_with_ad(h_, ciphertext));
    mix_hash(ciphertext);
    return plaintext;
}

std::pair<NoiseCipherState, NoiseCipherState> NoiseSymmetricState::split() const {
    auto out = crypto::hkdf2(ck_, {});
    std::pair<NoiseCipherState, NoiseCipherState> ciphers;
    ciphers.first.initialize_key(crypto::SecretBytes(out[0]));
    ciphers.second.initialize_key(crypto::SecretBytes(out[1]));
    for (auto& o : out) crypto::wipe(o);
    return ciphers;
}

// ---- Transport ----

Result<std::vector<std::uint8_t>> NoiseSession::encrypt(std::span<const std::uint8_t> plaintext) {
    if (plaintext.size() > noise_max_plaintext)
        return fail(errc::limit_exceeded, "Noise transport plaintext of " +
                                              std::to_string(plaintext.size()) + " bytes exceeds " +
                                              std::to_string(noise_max_plaintext));
    return send_.encrypt_with_ad({}, plaintext);
}

Result<std::vector<std::uint8_t>> NoiseSession::decrypt(std::span<const std::uint8_t> message) {
    if (message.size() > noise_max_message)
        return fail(errc::limit_exceeded, "Noise transport message of " +
                                              std::to_string(message.size()) + " bytes exceeds " +
                                              std::to_string(noise_max_message));
    if (message.size() < noise_tag_bytes)
        return fail(errc::corrupt, "Noise transport message is truncated");
    return receive_.decrypt_with_ad({}, message);
}

// ---- HandshakeState ----

NoiseHandshake::NoiseHandshake(NoisePattern pattern, bool initiator,
                               std::span<const std::uint8_t> prologue,
                               crypto::DhKeyPair local_static,
                               std::optional<crypto::DhPublicKey> rs,
                               std::optional<crypto::DhKeyPair> fixed_ephemeral)
    : pattern_(pattern),
      initiator_(initiator),
      symmetric_(noise_protocol_name(pattern)),
      s_(std::move(local_static)),
      fixed_ephemeral_(std::move(fixed_ephemeral)),
      rs_(rs) {
    symmetric_.mix_hash(prologue);
    // Pre-message "<- s": both sides hash the responder's static public key.
    symmetric_.mix_hash(initiator_ ? *rs_ : s_.public_key);
}

Result<NoiseHandshake> NoiseHandshake::initiator(NoisePattern pattern,
                                                 std::span<const std::uint8_t> prologue,
                                                 crypto::DhKeyPair local_static,
                                                 const crypto::DhPublicKey& remote_static,
                                                 std::optional<crypto::SecretBytes> psk,
                                                 std::optional<crypto::DhKeyPair> fixed_ephemeral) {
    if (!consistent(local_static))
        return fail(errc::invalid_argument, "Noise static key pair is not a valid X25519 pair");
    if (fixed_ephemeral && !consistent(*fixed_ephemeral))
        return fail(errc::invalid_argument, "Noise ephemeral key pair is not a valid X25519 pair");
    NoiseHandshake hs(pattern, true, prologue, std::move(local_static), remote_static,
                      std::move(fixed_ephemeral));
    if (psk) CANVASS_TRY_VOID(hs.set_psk(std::move(*psk)));
    return hs;
}

Result<NoiseHandshake> NoiseHandshake::responder(NoisePattern pattern,
                                                 std::span<const std::uint8_t> prologue,
                                                 crypto::DhKeyPair local_static,
                                                 std::optional<crypto::DhKeyPair> fixed_ephemeral) {
    if (!consistent(local_static))
        return fail(errc::invalid_argument, "Noise static key pair is not a valid X25519 pair");
    if (fixed_ephemeral && !consistent(*fixed_ephemeral))
        return fail(errc::invalid_argument, "Noise ephemeral key pair is not a valid X25519 pair");
    return NoiseHandshake(pattern, false, prologue, std::move(local_static), std::nullopt,
                          std::move(fixed_ephemeral));
}

Result<void> NoiseHandshake::set_psk(crypto::SecretBytes psk) {
    if (pattern_ != NoisePattern::xk_psk3)
        return fail(errc::invalid_argument, "Noise_XK takes no PSK");
    if (psk.size() != 32) return fail(errc::invalid_argument, "a Noise PSK must be 32 bytes");
    if (psk_used_ || failed_)
        return fail(errc::invalid_argument, "the Noise handshake has already used its PSK");
    psk_ = std::move(psk);
    return {};
}

Result<void> NoiseHandshake::check_turn(bool writing) const {
    if (failed_) return fail(errc::invalid_argument, "the Noise handshake has already failed");
    if (next_message_ >= message_count)
        return fail(errc::invalid_argument, "the Noise handshake is already finished");
    const bool my_turn_to_write = (next_message_ % 2 == 0) == initiator_;
    if (writing != my_turn_to_write)
        return fail(errc::invalid_argument,
                    writing ? "Noise handshake: it is the peer's turn to write message " +
                                  std::to_string(next_message_ + 1)
                            : "Noise handshake: it is this side's turn to write message " +
                                  std::to_string(next_message_ + 1));
    return {};
}

std::size_t NoiseHandshake::message_size(std::size_t payload_size) const {
    bool keyed = symmetric_.has_key();
    std::size_t size = 0;
    for (Token t : message_pattern(pattern_, next_message_).list()) {
        if (t == Token::e) {
            size += dh_len;
            keyed = keyed || pattern_ == NoisePattern::xk_psk3;
        } else if (t == Token::s) {
            size += dh_len + (keyed ? noise_tag_bytes : 0);
        } else {
            keyed = true;  // every DH token and psk calls MixKey
        }
    }
    return size + payload_size + (keyed ? noise_tag_bytes : 0);
}

Result<void> NoiseHandshake::mix_dh(const crypto::SecretBytes& local,
                                    const crypto::DhPublicKey& remote) {
    auto shared = crypto::dh(local, remote);
    if (!shared) return fail(errc::corrupt, "Noise peer sent a low-order public key");
    symmetric_.mix_key(*shared);
    crypto::wipe(*shared);
    return {};
}

Result<void> NoiseHandshake::mix_psk() {
    if (!psk_) return fail(errc::invalid_argument, "the Noise PSK was not set before message 3");
    symmetric_.mix_key_and_hash(psk_->span());
    psk_.reset();  // wipes it
    psk_used_ = true;
    return {};
}

Result<std::vector<std::uint8_t>> NoiseHandshake::write_message(
    std::span<const std::uint8_t> payload) {
    auto result = [&]() -> Result<std::vector<std::uint8_t>> {
        CANVASS_TRY_VOID(check_turn(true));
        const std::size_t size = message_size(payload.size());
        if (size > noise_max_message)
            return fail(errc::limit_exceeded, "Noise handshake message of " + std::to_string(size) +
                                                  " bytes exceeds " +
                                                  std::to_string(noise_max_message));
        return write_tokens(payload);
    }();
    if (result)
        ++next_message_;
    else
        failed_ = true;
    return result;
}

Result<std::vector<std::uint8_t>> NoiseHandshake::read_message(
    std::span<const std::uint8_t> message) {
    auto result = [&]() -> Result<std::vector<std::uint8_t>> {
        CANVASS_TRY_VOID(check_turn(false));
        if (message.size() > noise_max_message)
            return fail(errc::limit_exceeded,
                        "Noise handshake message of " + std::to_string(message.size()) +
                            " bytes exceeds " + std::to_string(noise_max_message));
        return read_tokens(message);
    }();
    if (result)
        ++next_message_;
    else
        failed_ = true;
    return result;
}

Result<std::vector<std::uint8_t>> NoiseHandshake::write_tokens(
    std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> out;
    out.reserve(message_size(payload.size()));
    for (Token t : message_pattern(pattern_, next_message_).list()) {
        switch (t) {
            case Token::e:
                e_ = fixed_ephemeral_ ? std::move(*fixed_ephemeral_) : crypto::generate_dh_key();
                fixed_ephemeral_.reset();
                append(out, e_->public_key);
                symmetric_.mix_hash(e_->public_key);
                if (pattern_ == NoisePattern::xk_psk3) symmetric_.mix_key(e_->public_key);
                break;
            case Token::s: {
                CANVASS_TRY(auto encrypted, symmetric_.encrypt_and_hash(s_.public_key));
                append(out, encrypted);
                break;
            }
            case Token::ee:
                CANVASS_TRY_VOID(mix_dh(e_->secret_key, *re_));
                break;
            case Token::es:
                CANVASS_TRY_VOID(initiator_ ? mix_dh(e_->secret_key, *rs_)
                                            : mix_dh(s_.secret_key, *re_));
                break;
            case Token::se:
                CANVASS_TRY_VOID(initiator_ ? mix_dh(s_.secret_key, *re_)
                                            : mix_dh(e_->secret_key, *rs_));
                break;
            case Token::psk:
                CANVASS_TRY_VOID(mix_psk());
                break;
        }
    }
    CANVASS_TRY(auto encrypted, symmetric_.encrypt_and_hash(payload));
    append(out, encrypted);
    return out;
}

Result<std::vector<std::uint8_t>> NoiseHandshake::read_tokens(
    std::span<const std::uint8_t> message) {
    const std::string truncated =
        "Noise message " + std::to_string(next_message_ + 1) + " is truncated";
    for (Token t : message_pattern(pattern_, next_message_).list()) {
        switch (t) {
            case Token::e: {
                if (message.size() < dh_len) return fail(errc::corrupt, truncated);
                crypto::DhPublicKey re;
                std::copy_n(message.begin(), dh_len, re.begin());
                message = message.subspan(dh_len);
                re_ = re;
                symmetric_.mix_hash(re);
                if (pattern_ == NoisePattern::xk_psk3) symmetric_.mix_key(re);
                break;
            }
            case Token::s: {
                const std::size_t len = dh_len + (symmetric_.has_key() ? noise_tag_bytes : 0);
                if (message.size() < len) return fail(errc::corrupt, truncated);
                auto plain = symmetric_.decrypt_and_hash(message.first(len));
                if (!plain)
                    return fail(errc::corrupt, "Noise message " +
                                                   std::to_string(next_message_ + 1) +
                                                   ": the peer's static key failed authentication");
                message = message.subspan(len);
                crypto::DhPublicKey rs;
                std::copy_n(plain->begin(), dh_len, rs.begin());
                rs_ = rs;
                break;
            }
            case Token::ee:
                CANVASS_TRY_VOID(mix_dh(e_->secret_key, *re_));
                break;
            case Token::es:
                CANVASS_TRY_VOID(initiator_ ? mix_dh(e_->secret_key, *rs_)
                                            : mix_dh(s_.secret_key, *re_));
                break;
            case Token::se:
                CANVASS_TRY_VOID(initiator_ ? mix_dh(s_.secret_key, *re_)
                                            : mix_dh(e_->secret_key, *rs_));
                break;
            case Token::psk:
                CANVASS_TRY_VOID(mix_psk());
                break;
        }
    }
    if (symmetric_.has_key() && message.size() < noise_tag_bytes)
        return fail(errc::corrupt, truncated);
    auto payload = symmetric_.decrypt_and_hash(message);
    if (!payload) return fail(errc::corrupt, auth_failure(next_message_, pattern_));
    return std::move(payload).value();
}

Result<NoiseSession> NoiseHandshake::split() {
    if (!finished()) return fail(errc::invalid_argument, "the Noise handshake is not finished");
    if (split_done_) return fail(errc::invalid_argument, "the Noise handshake was already split");
    split_done_ = true;
    e_.reset();  // forward secrecy: the ephemeral secret is not needed any more
    auto [initiator_to_responder, responder_to_initiator] = symmetric_.split();
    if (initiator_)
        return NoiseSession(std::move(initiator_to_responder), std::move(responder_to_initiator),
                            handshake_hash());
    return NoiseSession(std::move(responder_to_initiator), std::move(initiator_to_responder),
                        handshake_hash());
}

}  // namespace canvass::sync
