// The payloads of the enrollment handshake (Noise_XKpsk3; schemas/protocol/enrollment.md)
// and the prologues that name each protocol's version.
//
//   message 1  -> e, es          payload: the token id, 16 bytes
//   message 2  <- e, ee          payload: empty if the token may be used, else an `error`
//                                message (CBOR) saying why; the server then closes
//   message 3  -> s, se, psk     payload: EnrollRequest (CBOR)
//   then, encrypted: `welcome` (or `error`), optional `form` requests, `bye`.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/sha256.hpp"
#include "crypto/sign.hpp"
#include "sync/token.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// Mixed into the handshake hash: a peer speaking another version fails the handshake
// instead of misreading messages.
inline constexpr std::string_view sync_prologue = "canvass sync v1";
inline constexpr std::string_view enroll_prologue = "canvass enroll v1";

inline std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// Message 3's payload: the device's Ed25519 key and its signature over enroll_binding(),
// proving that whoever holds the signing key is the one completing this handshake with
// this Noise static key and this token.
struct EnrollRequest {
    crypto::SigningPublicKey signing_key{};
    crypto::Signature signature{};
    std::string agent;  // "canvass/0.1.0", for logs
};

// "canvass enroll v1\0" || handshake hash after message 2 (32) || the device's X25519 static
// key (32) || token id (16).
std::vector<std::uint8_t> enroll_binding(const crypto::Sha256& handshake_hash,
                                         const crypto::DhPublicKey& transport_key,
                                         const TokenId& token);

Bytes encode_enroll_request(const EnrollRequest& request);
// Strict: Error{protocol, corrupt, "enroll.<field>: ..."} for anything malformed.
Result<EnrollRequest> decode_enroll_request(std::span<const std::uint8_t> bytes);

}  // namespace canvass::sync
