// The Noise Protocol Framework (revision 34), exactly as canvass uses it (DESIGN.md 6):
//
//   Noise_XK_25519_ChaChaPoly_SHA256      every sync: the device knows the server's static
//                                         key from its enrollment token
//     <- s
//     ...
//     -> e, es
//     <- e, ee
//     -> s, se
//   Noise_XKpsk3_25519_ChaChaPoly_SHA256  enrollment: the same, with the token's 32-byte
//                                         secret mixed in as a PSK at the end of message 3
//
// The responder (server) learns the initiator's static key from message 3. With psk3 it can
// choose the PSK after message 1, whose payload names the enrollment token.
//
// Every failure is an Error in domain protocol, never undefined behaviour: messages are
// parsed with bounds checks and each is authenticated before its payload is returned.
// After any failed call a handshake is dead: every later call fails too.
//
// All cryptography goes through crypto/ (the only part that uses libsodium); no sockets here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/secret.hpp"
#include "crypto/sha256.hpp"

namespace canvass::sync {

enum class NoisePattern { xk, xk_psk3 };

inline constexpr std::size_t noise_max_message = 65535;  // bytes, handshake or transport
inline constexpr std::size_t noise_tag_bytes = 16;
inline constexpr std::size_t noise_max_plaintext = noise_max_message - noise_tag_bytes;

// The protocol name, e.g. "Noise_XK_25519_ChaChaPoly_SHA256".
const char* noise_protocol_name(NoisePattern pattern) noexcept;

// CipherState (section 5.1): a key and a 64-bit nonce counter for ChaCha20-Poly1305.
// Without a key, encryption and decryption pass data through unchanged (as the spec says).
class NoiseCipherState {
  public:
    void initialize_key(crypto::SecretBytes key32);
    bool has_key() const noexcept { return !key_.empty(); }
    // Nonce 2^64-1 is reserved: reaching it is an error (errc::limit_exceeded).
    void set_nonce(std::uint64_t n) noexcept { n_ = n; }
    std::uint64_t nonce() const noexcept { return n_; }

    // On success the nonce advances; on failure it does not.
    Result<std::vector<std::uint8_t>> encrypt_with_ad(std::span<const std::uint8_t> ad,
                                                      std::span<const std::uint8_t> plaintext);
    // Error{protocol, corrupt} if authentication fails.
    Result<std::vector<std::uint8_t>> decrypt_with_ad(std::span<const std::uint8_t> ad,
                                                      std::span<const std::uint8_t> ciphertext);

  private:
    crypto::SecretBytes key_;
    std::uint64_t n_ = 0;
};

// SymmetricState (section 5.2): the chaining key, the handshake hash and a CipherState.
class NoiseSymmetricState {
  public:
    explicit NoiseSymmetricState(std::string_view protocol_name);
    ~NoiseSymmetricState();
    NoiseSymmetricState(NoiseSymmetricState&&) noexcept = default;
    NoiseSymmetricState& operator=(NoiseSymmetricState&&) noexcept = default;

    void mix_key(std::span<const std::uint8_t> input_key_material);
    void mix_hash(std::span<const std::uint8_t> data);
    void mix_key_and_hash(std::span<const std::uint8_t> input_key_material);
    bool has_key() const noexcept { return cipher_.has_key(); }
    const crypto::Sha256& handshake_hash() const noexcept { return h_; }
    Result<std::vector<std::uint8_t>> encrypt_and_hash(std::span<const std::uint8_t> plaintext);
    Result<std::vector<std::uint8_t>> decrypt_and_hash(std::span<const std::uint8_t> ciphertext);
    // The two transport ciphers: initiator-to-responder first.
    std::pair<NoiseCipherState, NoiseCipherState> split() const;

  private:
    crypto::Sha256 ck_{};  // secret: wiped on destruction
    crypto::Sha256 h_{};
    NoiseCipherState cipher_;
};

// The transport phase: one cipher per direction. Each transport message is at most
// noise_max_message bytes (plaintext at most noise_max_plaintext). Messages must be
// decrypted in the order they were encrypted; a failed decryption does not advance the
// counter, but over a stream transport it means the connection must be closed.
class NoiseSession {
  public:
    // Error{protocol, limit_exceeded} if the plaintext is too large or the nonce is exhausted.
    Result<std::vector<std::uint8_t>> encrypt(std::span<const std::uint8_t> plaintext);
    // Error{protocol, limit_exceeded} if over noise_max_message bytes or the nonce is
    // exhausted; Error{protocol, corrupt} if it fails authentication (tampered, replayed,
    // reordered, truncated).
    Result<std::vector<std::uint8_t>> decrypt(std::span<const std::uint8_t> message);
    // The handshake hash, the same on both sides: binds later signatures to this session.
    const crypto::Sha256& handshake_hash() const noexcept { return h_; }

  private:
    friend class NoiseHandshake;
    NoiseSession(NoiseCipherState send, NoiseCipherState receive, const crypto::Sha256& h)
        : send_(std::move(send)), receive_(std::move(receive)), h_(h) {}

    NoiseCipherState send_;
    NoiseCipherState receive_;
    crypto::Sha256 h_;
};

// HandshakeState (section 5.3) for the XK patterns: the initiator writes messages 1 and 3
// and reads message 2; the responder the reverse.
class NoiseHandshake {
  public:
    // The device side. `remote_static` is the server's pinned key. `psk` (32 bytes) is
    // required for xk_psk3 (or set later with set_psk, before writing message 3) and refused
    // for xk. `fixed_ephemeral` is for test vectors only: real handshakes leave it empty and
    // get a fresh key from the CSPRNG. Error{protocol, invalid_argument} on a bad argument.
    static Result<NoiseHandshake> initiator(NoisePattern pattern,
                                            std::span<const std::uint8_t> prologue,
                                            crypto::DhKeyPair local_static,
                                            const crypto::DhPublicKey& remote_static,
                                            std::optional<crypto::SecretBytes> psk,
                                            std::optional<crypto::DhKeyPair> fixed_ephemeral = {});
    // The server side. For xk_psk3 the PSK is given with set_psk, at the latest before
    // reading message 3.
    static Result<NoiseHandshake> responder(NoisePattern pattern,
                                            std::span<const std::uint8_t> prologue,
                                            crypto::DhKeyPair local_static,
                                            std::optional<crypto::DhKeyPair> fixed_ephemeral = {});

    // Sets the 32-byte PSK of an xk_psk3 handshake that has not used it yet.
    // Error{protocol, invalid_argument} otherwise.
    Result<void> set_psk(crypto::SecretBytes psk);

    // The next handshake message carrying `payload` (encrypted: every XK message is).
    // Error{protocol, invalid_argument} if it is not this side's turn or the handshake is
    // over; limit_exceeded if the message would exceed noise_max_message.
    Result<std::vector<std::uint8_t>> write_message(std::span<const std::uint8_t> payload);
    // The payload of the peer's next handshake message. Error{protocol, ...}: limit_exceeded
    // if over noise_max_message, corrupt if truncated, failing authentication (wrong static
    // key, wrong PSK, tampering) or carrying a low-order key.
    Result<std::vector<std::uint8_t>> read_message(std::span<const std::uint8_t> message);

    bool is_initiator() const noexcept { return initiator_; }
    // True once all three messages have been written or read successfully.
    bool finished() const noexcept { return next_message_ == message_count && !failed_; }
    // The peer's static key: the pinned key for the initiator; for the responder, known
    // only after message 3 (check it is enrolled before trusting anything else).
    const std::optional<crypto::DhPublicKey>& remote_static() const noexcept { return rs_; }
    // h: after finished(), the same value on both sides.
    const crypto::Sha256& handshake_hash() const noexcept { return symmetric_.handshake_hash(); }

    // The transport session. Error{protocol, invalid_argument} before finished() or if
    // already split.
    Result<NoiseSession> split();

  private:
    static constexpr int message_count = 3;

    NoiseHandshake(NoisePattern pattern, bool initiator, std::span<const std::uint8_t> prologue,
                   crypto::DhKeyPair local_static, std::optional<crypto::DhPublicKey> rs,
                   std::optional<crypto::DhKeyPair> fixed_ephemeral);

    Result<void> check_turn(bool writing) const;
    std::size_t message_size(std::size_t payload_size) const;  // of the next message
    Result<void> mix_dh(const crypto::SecretBytes& local, const crypto::DhPublicKey& remote);
    Result<void> mix_psk();
    Result<std::vector<std::uint8_t>> write_tokens(std::span<const std::uint8_t> payload);
    Result<std::vector<std::uint8_t>> read_tokens(std::span<const std::uint8_t> message);

    NoisePattern pattern_;
    bool initiator_;
    NoiseSymmetricState symmetric_;
    crypto::DhKeyPair s_;
    std::optional<crypto::DhKeyPair> e_;
    std::optional<crypto::DhKeyPair> fixed_ephemeral_;
    std::optional<crypto::DhPublicKey> rs_;
    std::optional<crypto::DhPublicKey> re_;
    std::optional<crypto::SecretBytes> psk_;
    bool psk_used_ = false;
    int next_message_ = 0;  // 0, 1, 2: the next message; 3: done
    bool failed_ = false;
    bool split_done_ = false;
};

}  // namespace canvass::sync
