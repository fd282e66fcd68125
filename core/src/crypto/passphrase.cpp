#include "crypto/passphrase.hpp"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "crypto/aead.hpp"
#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace canvass::crypto {

static_assert(PwhashParams{}.opslimit == crypto_pwhash_OPSLIMIT_INTERACTIVE);
static_assert(PwhashParams{}.memlimit == crypto_pwhash_MEMLIMIT_INTERACTIVE);
static_assert(PwhashParams::minimum().opslimit == crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(PwhashParams::minimum().memlimit == crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(crypto_pwhash_argon2id_SALTBYTES == 16);

namespace {

constexpr std::array<std::uint8_t, 4> passphrase_magic{'C', 'V', 'P', 'W'};
constexpr std::array<std::uint8_t, 4> key_magic{'C', 'V', 'K', 'W'};
constexpr std::uint8_t format_version = 1;
constexpr std::uint8_t alg_argon2id_xchacha = 1;
constexpr std::uint8_t alg_xchacha = 1;
constexpr std::size_t salt_bytes = 16;
constexpr std::size_t nonce_bytes = 24;
// Offsets in a passphrase blob.
constexpr std::size_t pw_ops_at = 6, pw_mem_at = 14, pw_salt_at = 22, pw_nonce_at = 38;
constexpr std::size_t pw_header_bytes = 62;
// Offsets in a key blob.
constexpr std::size_t key_nonce_at = 6, key_header_bytes = 30;

Unexpected<Error> fail(int code, std::string message) {
    return unexpected(Domain::crypto, code, std::move(message));
}

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::uint64_t get_u64(std::span<const std::uint8_t> in, std::size_t at) {
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | in[at + static_cast<std::size_t>(i)];
    return v;
}

bool params_in_range(std::uint64_t ops, std::uint64_t mem) {
    return ops >= PwhashParams::minimum().opslimit && ops <= pwhash_max_opslimit &&
           mem >= PwhashParams::minimum().memlimit && mem <= pwhash_max_memlimit;
}

// Argon2id(passphrase, salt) -> 32-byte key, or false if memory ran out.
bool derive_key(SecretBytes& key, std::string_view passphrase, const std::uint8_t* salt,
                std::uint64_t ops, std::size_t mem) {
    return crypto_pwhash(key.data(), key.size(), passphrase.empty() ? "" : passphrase.data(),
                         passphrase.size(), salt, ops, mem, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

// Appends XChaCha20-Poly1305(secret) to `blob`, whose current bytes (header) are the AD.
void seal_into(std::vector<std::uint8_t>& blob, const SecretBytes& secret, const SecretBytes& key,
               const std::uint8_t* nonce) {
    const std::size_t header = blob.size();
    blob.resize(header + secret.size() + aead_tag_bytes);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(blob.data() + header, &written,
                                               detail::in(secret.span()), secret.size(),
                                               blob.data(), header, nullptr, nonce, key.data());
}

// Decrypts the ciphertext after `header` bytes of `blob`, with those bytes as AD.
bool open_from(std::span<const std::uint8_t> blob, std::size_t header, const SecretBytes& key,
               const std::uint8_t* nonce, SecretBytes& secret) {
    const auto ciphertext = blob.subspan(header);
    secret = SecretBytes(ciphertext.size() - aead_tag_bytes);
    unsigned char scratch = 0;
    unsigned char* out = secret.empty() ? &scratch : secret.data();
    return crypto_aead_xchacha20poly1305_ietf_decrypt(out, nullptr, nullptr, ciphertext.data(),
                                                      ciphertext.size(), blob.data(), header, nonce,
                                                      key.data()) == 0;
}

// Checks magic, version and algorithm; `what` names the blob kind in messages.
Result<void> check_prefix(std::span<const std::uint8_t> blob,
                          const std::array<std::uint8_t, 4>& magic, std::uint8_t alg,
                          std::size_t header_bytes, const char* what) {
    if (blob.size() < magic.size() || !std::equal(magic.begin(), magic.end(), blob.begin()))
        return fail(errc::corrupt, std::string("not a ") + what + " (bad magic bytes)");
    if (blob.size() < 6) return fail(errc::corrupt, std::string(what) + " is truncated");
    if (blob[4] != format_version)
        return fail(errc::unsupported, std::string(what) + " has unsupported format version " +
                                           std::to_string(blob[4]));
    if (blob[5] != alg)
        return fail(errc::unsupported,
                    std::string(what) + " uses unsupported algorithm " + std::to_string(blob[5]));
    if (blob.size() < header_bytes + aead_tag_bytes)
        return fail(errc::corrupt, std::string(what) + " is truncated");
    return {};
}

void require_wrapping_key(const SecretBytes& key32) {
    if (key32.size() != aead_key_bytes)
        throw std::invalid_argument("wrapping key must be 32 bytes");
}

}  // namespace

std::vector<std::uint8_t> wrap_with_passphrase(const SecretBytes& secret,
                                               std::string_view passphrase, PwhashParams params) {
    ensure_initialized();
    if (!params_in_range(params.opslimit, params.memlimit))
        throw std::invalid_argument("Argon2id parameters out of the accepted range");
    std::vector<std::uint8_t> blob(passphrase_magic.begin(), passphrase_magic.end());
    blob.reserve(pw_header_bytes + secret.size() + aead_tag_bytes);
    blob.push_back(format_version);
    blob.push_back(alg_argon2id_xchacha);
    put_u64(blob, params.opslimit);
    put_u64(blob, params.memlimit);
    blob.resize(pw_header_bytes);
    random_bytes(std::span(blob).subspan(pw_salt_at, salt_bytes + nonce_bytes));

    SecretBytes key(aead_key_bytes);
    if (!derive_key(key, passphrase, blob.data() + pw_salt_at, params.opslimit, params.memlimit))
        throw std::runtime_error("not enough memory to derive a key from the passphrase");
    seal_into(blob, secret, key, blob.data() + pw_nonce_at);
    return blob;
}

Result<SecretBytes> unwrap_with_passphrase(std::span<const std::uint8_t> blob,
                                           std::string_view passphrase) {
    ensure_initialized();
    CANVASS_TRY_VOID(check_prefix(blob, passphrase_magic, alg_argon2id_xchacha, pw_header_bytes,
                                  "passphrase-wrapped secret"));
    const std::uint64_t ops = get_u64(blob, pw_ops_at);
    const std::uint64_t mem = get_u64(blob, pw_mem_at);
    if (!params_in_range(ops, mem))
        return fail(errc::corrupt,
                    "passphrase-wrapped secret has out-of-range Argon2id "
                    "parameters (opslimit " +
                        std::to_string(ops) + ", memlimit " + std::to_string(mem) + " bytes)");
    SecretBytes key(aead_key_bytes);
    if (!derive_key(key, passphrase, blob.data() + pw_salt_at, ops, static_cast<std::size_t>(mem)))
        return fail(errc::limit_exceeded, "not enough memory to derive the key (" +
                                              std::to_string(mem >> 20) + " MiB needed)");
    SecretBytes secret;
    if (!open_from(blob, pw_header_bytes, key, blob.data() + pw_nonce_at, secret))
        return fail(errc::wrong_key, "wrong passphrase");
    return secret;
}

std::vector<std::uint8_t> wrap_with_key(const SecretBytes& secret, const SecretBytes& key32) {
    ensure_initialized();
    require_wrapping_key(key32);
    std::vector<std::uint8_t> blob(key_magic.begin(), key_magic.end());
    blob.reserve(key_header_bytes + secret.size() + aead_tag_bytes);
    blob.push_back(format_version);
    blob.push_back(alg_xchacha);
    blob.resize(key_header_bytes);
    random_bytes(std::span(blob).subspan(key_nonce_at, nonce_bytes));
    seal_into(blob, secret, key32, blob.data() + key_nonce_at);
    return blob;
}

Result<SecretBytes> unwrap_with_key(std::span<const std::uint8_t> blob, const SecretBytes& key32) {
    ensure_initialized();
    require_wrapping_key(key32);
    CANVASS_TRY_VOID(
        check_prefix(blob, key_magic, alg_xchacha, key_header_bytes, "key-wrapped secret"));
    SecretBytes secret;
    if (!open_from(blob, key_header_bytes, key32, blob.data() + key_nonce_at, secret))
        return fail(errc::wrong_key, "wrong key, or the wrapped secret was altered");
    return secret;
}

}  // namespace canvass::crypto
