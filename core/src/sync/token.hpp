// Enrollment tokens: everything a device needs to join a project, in one line of text (and a
// QR code), handed out by `canvass-server token create` (schemas/protocol/enrollment.md).
//
//   canvass1-<base32 of the binary token, lowercase, no padding>
//
// Binary token (integers big-endian):
//   version u8 = 2 | role u8 (0 collector, 1 organizer, 2 coordinator) | expires u64 (Unix
//   seconds) | token id [16] | token secret [32] | server X25519 public key [32] |
//   project fingerprint [32] (store/recipients.hpp) | project length u8 | project (UTF-8) | address
//   length u8 | address "host:port" (UTF-8) | check [4] = the first 4 bytes of BLAKE2b-256("canvass
//   token v1" || everything before)
//
// Base32 (RFC 4648 alphabet) survives being read aloud, typed and scanned: decoding ignores
// case and whitespace, and the check catches a mistyped or truncated token before any
// network traffic.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "sync/role.hpp"

namespace canvass::sync {

using TokenId = std::array<std::uint8_t, 16>;

inline constexpr std::string_view token_prefix = "canvass1-";

struct EnrollmentToken {
    // Where the server listens, "host:port"; or several instances of it, "host:port,host:port"
    // (at most 255 bytes), which a device tries in turn (net::connect_tcp).
    std::string address;
    crypto::DhPublicKey server_key{};
    // The digest of the project's first recipient statement, signed by a coordinator: the
    // device seals epoch keys only to recipients that chain down from it.
    crypto::Hash fingerprint{};
    TokenId id{};
    crypto::SecretBytes secret;  // 32 bytes: the Noise PSK
    std::string project;
    std::uint64_t expires_unix = 0;
    Role role = Role::collector;
};

// The token's text. Throws std::invalid_argument if the project or address is longer than
// 255 bytes or the secret is not 32 bytes (the server checks these before minting).
std::string encode_token(const EnrollmentToken& token);

// The token in `text`. Errors, all Error{auth, corrupt or unsupported, message} with a message
// a person can act on: not a canvass token, a character that is not base32, a damaged or
// incomplete token (check mismatch), an unknown version, fields out of range.
Result<EnrollmentToken> decode_token(std::string_view text);

// Checks the token's project fingerprint against the one the project's coordinator handed
// out: the whole 64 hex digits, or at least their first 16 (spaces, dashes and case are
// ignored). Error{auth, permission_denied} when it differs: the token was not made for that
// project's coordinators, so nothing may be sealed on its word. Error{core,
// invalid_argument} for text that is not such a prefix.
Result<void> check_fingerprint(const EnrollmentToken& token, std::string_view expected);

// The fingerprint as people compare it: its first 16 hex digits in groups of four.
std::string short_fingerprint(const crypto::Hash& fingerprint);

// RFC 4648 base32 without padding, lowercase; decoding accepts either case.
std::string base32_encode(std::span<const std::uint8_t> bytes);
Result<std::vector<std::uint8_t>> base32_decode(std::string_view text);

}  // namespace canvass::sync
