#include "crypto/sign.hpp"

#include <sodium.h>

#include <stdexcept>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"

namespace canvass::crypto {

static_assert(crypto_sign_PUBLICKEYBYTES == 32 && crypto_sign_SECRETKEYBYTES == 64 &&
              crypto_sign_BYTES == 64 && crypto_sign_SEEDBYTES == 32);

SigningKeyPair generate_signing_key() {
    ensure_initialized();
    SigningKeyPair kp{{}, SecretBytes(crypto_sign_SECRETKEYBYTES)};
    crypto_sign_keypair(kp.public_key.data(), kp.secret_key.data());
    return kp;
}

SigningKeyPair signing_key_from_seed(const SecretBytes& seed) {
    ensure_initialized();
    if (seed.size() != crypto_sign_SEEDBYTES)
        throw std::invalid_argument("Ed25519 seed must be 32 bytes");
    SigningKeyPair kp{{}, SecretBytes(crypto_sign_SECRETKEYBYTES)};
    crypto_sign_seed_keypair(kp.public_key.data(), kp.secret_key.data(), seed.data());
    return kp;
}

SigningKeyPair signing_key_from_secret(SecretBytes sk) {
    ensure_initialized();
    if (sk.size() != crypto_sign_SECRETKEYBYTES)
        throw std::invalid_argument("Ed25519 secret key must be 64 bytes");
    SecretBytes seed(crypto_sign_SEEDBYTES);
    crypto_sign_ed25519_sk_to_seed(seed.data(), sk.data());
    SigningKeyPair derived = signing_key_from_seed(seed);
    if (!constant_time_equal(derived.secret_key, sk))
        throw std::invalid_argument("Ed25519 secret key is inconsistent with its public key");
    return derived;
}

Signature sign(std::span<const std::uint8_t> msg, const SecretBytes& sk) {
    ensure_initialized();
    if (sk.size() != crypto_sign_SECRETKEYBYTES)
        throw std::invalid_argument("Ed25519 secret key must be 64 bytes");
    Signature sig;
    crypto_sign_detached(sig.data(), nullptr, detail::in(msg), msg.size(), sk.data());
    return sig;
}

bool verify(const Signature& sig, std::span<const std::uint8_t> msg, const SigningPublicKey& pk) {
    ensure_initialized();
    return crypto_sign_verify_detached(sig.data(), detail::in(msg), msg.size(), pk.data()) == 0;
}

}  // namespace canvass::crypto
