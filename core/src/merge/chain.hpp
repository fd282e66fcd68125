// Each device's changesets form a hash chain (each `prev` is the hash of the changeset
// before); the device signs its chain head with Ed25519, and a valid head covers every
// changeset before it, so a batch costs one signature check (DESIGN.md section 4).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"
#include "merge/changeset.hpp"
#include "merge/version_vector.hpp"

namespace canvass::merge {

struct SignedHead {
    DeviceId device{};
    std::uint64_t seq = 0;
    Hash hash{};  // changeset_hash of changeset `seq` of `device`
    crypto::Signature signature{};

    friend bool operator==(const SignedHead&, const SignedHead&) = default;
};

// What is signed: "canvass head v1\0" || device (16) || seq (8, little-endian) || hash (32).
// The prefix keeps a head signature from ever being valid for another message.
std::vector<std::uint8_t> head_signing_bytes(const DeviceId& device, std::uint64_t seq,
                                             const Hash& hash);

// Signs a head with the device's 64-byte Ed25519 secret key (crypto::sign's contract).
SignedHead sign_head(const DeviceId& device, std::uint64_t seq, const Hash& hash,
                     const crypto::SecretBytes& secret_key);

// True if the head's signature is the device key's over its (device, seq, hash). Whether
// `public_key` belongs to `head.device` is for the caller (the enrollment registry).
bool verify_head(const SignedHead& head, const crypto::SigningPublicKey& public_key);

// Verifies that `batch` extends the device's chain from `known` (its last verified point,
// nullopt if none): every changeset is the device's, seqs run known+1, known+2... without
// a gap, each prev is the hash of the changeset before (zero before seq 1), and `head`
// names the last changeset of the batch with a valid signature. An empty batch checks that
// `head` re-signs `known`. On success returns the new point; otherwise an Error of domain
// protocol saying which changeset broke which rule, and nothing of the batch is trusted.
Result<ChainPoint> verify_chain(const DeviceId& device, const std::optional<ChainPoint>& known,
                                std::span<const Changeset> batch, const SignedHead& head,
                                const crypto::SigningPublicKey& public_key);

// Two changesets (or two validly signed heads) of one device at one seq with different
// hashes: proof that the device forked its chain. Keep both as evidence; merge neither.
struct Equivocation {
    DeviceId device{};
    std::uint64_t seq = 0;
    Hash first{};
    Hash second{};
};
std::optional<Equivocation> find_equivocation(const Changeset& a, const Changeset& b);
std::optional<Equivocation> find_equivocation(const SignedHead& a, const SignedHead& b);

}  // namespace canvass::merge
