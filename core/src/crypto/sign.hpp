// Ed25519 signatures: a device signs the heads of its changeset chain (DESIGN.md 4).
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "crypto/secret.hpp"

namespace canvass::crypto {

using SigningPublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

// The secret key is libsodium's 64-byte form: the 32-byte seed followed by the public key.
struct SigningKeyPair {
    SigningPublicKey public_key{};
    SecretBytes secret_key;
};

// A fresh key pair from the CSPRNG.
SigningKeyPair generate_signing_key();

// Rebuilds a key pair from a stored 64-byte secret key. Throws std::invalid_argument if `sk`
// is not 64 bytes or its second half is not the public key of its seed (a damaged key
// would otherwise sign with a public key nobody can verify against).
SigningKeyPair signing_key_from_secret(SecretBytes sk);

// The key pair of a 32-byte seed (RFC 8032's "private key"). Throws std::invalid_argument
// if `seed` is not 32 bytes.
SigningKeyPair signing_key_from_seed(const SecretBytes& seed);

// Detached signature of `msg`. Throws std::invalid_argument if `sk` is not 64 bytes.
Signature sign(std::span<const std::uint8_t> msg, const SecretBytes& sk);

// True only if `sig` is a valid signature of `msg` by `pk`. Invalid or small-order public
// keys and non-canonical signatures are rejected (false), never an exception.
bool verify(const Signature& sig, std::span<const std::uint8_t> msg, const SigningPublicKey& pk);

}  // namespace canvass::crypto
