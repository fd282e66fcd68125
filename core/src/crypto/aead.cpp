#include "crypto/aead.hpp"

#include <sodium.h>

#include <stdexcept>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"

namespace canvass::crypto {

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == aead_key_bytes);
static_assert(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES == std::tuple_size_v<XNonce>);
static_assert(crypto_aead_xchacha20poly1305_ietf_ABYTES == aead_tag_bytes);
static_assert(crypto_aead_chacha20poly1305_ietf_KEYBYTES == aead_key_bytes);
static_assert(crypto_aead_chacha20poly1305_ietf_NPUBBYTES == std::tuple_size_v<Nonce12>);
static_assert(crypto_aead_chacha20poly1305_ietf_ABYTES == aead_tag_bytes);

namespace {

void require_key(const SecretBytes& key) {
    if (key.size() != aead_key_bytes) throw std::invalid_argument("AEAD key must be 32 bytes");
}

Unexpected<Error> authentication_failed() {
    return unexpected(Domain::crypto, errc::corrupt, "authentication failed");
}

// The two libsodium constructions share one signature; these adapt them to ours.
using EncryptFn = int (*)(unsigned char*, unsigned long long*, const unsigned char*,
                          unsigned long long, const unsigned char*, unsigned long long,
                          const unsigned char*, const unsigned char*, const unsigned char*);
using DecryptFn = int (*)(unsigned char*, unsigned long long*, unsigned char*, const unsigned char*,
                          unsigned long long, const unsigned char*, unsigned long long,
                          const unsigned char*, const unsigned char*);

std::vector<std::uint8_t> encrypt(EncryptFn fn, const SecretBytes& key, const unsigned char* nonce,
                                  std::span<const std::uint8_t> plaintext,
                                  std::span<const std::uint8_t> ad) {
    ensure_initialized();
    require_key(key);
    std::vector<std::uint8_t> out(plaintext.size() + aead_tag_bytes);
    unsigned long long written = 0;
    fn(out.data(), &written, detail::in(plaintext), plaintext.size(), detail::in(ad), ad.size(),
       nullptr, nonce, key.data());
    out.resize(written);
    return out;
}

Result<std::vector<std::uint8_t>> decrypt(DecryptFn fn, const SecretBytes& key,
                                          const unsigned char* nonce,
                                          std::span<const std::uint8_t> ciphertext,
                                          std::span<const std::uint8_t> ad) {
    ensure_initialized();
    require_key(key);
    if (ciphertext.size() < aead_tag_bytes) return authentication_failed();
    // One spare byte so that data() is never null for an empty plaintext.
    std::vector<std::uint8_t> out(ciphertext.size() - aead_tag_bytes + 1);
    unsigned long long written = 0;
    if (fn(out.data(), &written, nullptr, ciphertext.data(), ciphertext.size(), detail::in(ad),
           ad.size(), nonce, key.data()) != 0)
        return authentication_failed();
    out.resize(written);
    return out;
}

}  // namespace

XNonce random_xnonce() {
    return random_array<24>();
}

std::vector<std::uint8_t> xchacha_encrypt(const SecretBytes& key32, const XNonce& nonce,
                                          std::span<const std::uint8_t> plaintext,
                                          std::span<const std::uint8_t> ad) {
    return encrypt(crypto_aead_xchacha20poly1305_ietf_encrypt, key32, nonce.data(), plaintext, ad);
}

Result<std::vector<std::uint8_t>> xchacha_decrypt(const SecretBytes& key32, const XNonce& nonce,
                                                  std::span<const std::uint8_t> ciphertext,
                                                  std::span<const std::uint8_t> ad) {
    return decrypt(crypto_aead_xchacha20poly1305_ietf_decrypt, key32, nonce.data(), ciphertext, ad);
}

Nonce12 counter_nonce(std::uint64_t n) noexcept {
    Nonce12 nonce{};
    for (int i = 0; i < 8; ++i) nonce[4 + i] = static_cast<std::uint8_t>(n >> (8 * i));
    return nonce;
}

std::vector<std::uint8_t> chacha_encrypt(const SecretBytes& key32, const Nonce12& nonce,
                                         std::span<const std::uint8_t> plaintext,
                                         std::span<const std::uint8_t> ad) {
    return encrypt(crypto_aead_chacha20poly1305_ietf_encrypt, key32, nonce.data(), plaintext, ad);
}

Result<std::vector<std::uint8_t>> chacha_decrypt(const SecretBytes& key32, const Nonce12& nonce,
                                                 std::span<const std::uint8_t> ciphertext,
                                                 std::span<const std::uint8_t> ad) {
    return decrypt(crypto_aead_chacha20poly1305_ietf_decrypt, key32, nonce.data(), ciphertext, ad);
}

}  // namespace canvass::crypto
