#include "crypto/box.hpp"

#include <sodium.h>

#include <stdexcept>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"

namespace canvass::crypto {

static_assert(crypto_scalarmult_BYTES == 32 && crypto_scalarmult_SCALARBYTES == 32);
static_assert(crypto_box_PUBLICKEYBYTES == 32 && crypto_box_SECRETKEYBYTES == 32);
static_assert(crypto_box_SEALBYTES == sealed_overhead);

namespace {

void require_scalar(const SecretBytes& sk) {
    if (sk.size() != crypto_scalarmult_SCALARBYTES)
        throw std::invalid_argument("X25519 secret key must be 32 bytes");
}

}  // namespace

DhKeyPair generate_dh_key() {
    return dh_key_from_secret(SecretBytes::random(32));
}

DhKeyPair dh_key_from_secret(SecretBytes sk) {
    ensure_initialized();
    require_scalar(sk);
    DhKeyPair kp{{}, std::move(sk)};
    if (crypto_scalarmult_base(kp.public_key.data(), kp.secret_key.data()) != 0)
        throw std::invalid_argument("X25519 secret key has no public key");  // not for 32 bytes
    return kp;
}

Result<std::array<std::uint8_t, 32>> dh(const SecretBytes& sk, const DhPublicKey& pk) {
    ensure_initialized();
    require_scalar(sk);
    std::array<std::uint8_t, 32> shared;
    if (crypto_scalarmult(shared.data(), sk.data(), pk.data()) != 0) {
        wipe(shared);
        return unexpected(Domain::crypto, errc::invalid_argument,
                          "X25519 with a low-order public key");
    }
    return shared;
}

std::vector<std::uint8_t> seal(std::span<const std::uint8_t> plaintext,
                               const DhPublicKey& recipient_pk) {
    ensure_initialized();
    std::vector<std::uint8_t> out(plaintext.size() + crypto_box_SEALBYTES);
    if (crypto_box_seal(out.data(), detail::in(plaintext), plaintext.size(), recipient_pk.data()) !=
        0)
        throw std::invalid_argument("cannot seal to a low-order recipient key");
    return out;
}

Result<SecretBytes> open_sealed(std::span<const std::uint8_t> sealed, const DhKeyPair& recipient) {
    ensure_initialized();
    require_scalar(recipient.secret_key);
    if (sealed.size() < crypto_box_SEALBYTES)
        return unexpected(Domain::crypto, errc::corrupt, "sealed box is truncated");
    SecretBytes plain(sealed.size() - crypto_box_SEALBYTES);
    // crypto_box_seal_open writes nothing useful on failure; the buffer is wiped on return.
    unsigned char scratch = 0;
    unsigned char* out = plain.empty() ? &scratch : plain.data();
    if (crypto_box_seal_open(out, sealed.data(), sealed.size(), recipient.public_key.data(),
                             recipient.secret_key.data()) != 0)
        return unexpected(Domain::crypto, errc::corrupt,
                          "sealed box authentication failed (altered, or sealed to another key)");
    return plain;
}

}  // namespace canvass::crypto
