// Who may read a project's answers: its recipient set, as coordinators sign it (DESIGN.md 3).
//
// Devices seal their epoch keys only to recipients they can authenticate without trusting
// the server. A project's recipients are a chain of statements, each signed by a coordinator:
//
//   statement 1 (genesis): project, recipients, signers, signed by one of its own signers
//   statement n+1:         names the digest of statement n, signed by a signer of statement n
//
// The digest of the genesis statement is the project's fingerprint: enrollment tokens carry
// it, so a device pins the genesis before it talks to the server, and from then on follows
// only statements that a signer it already trusts has signed. A server (or whoever writes its
// database) can withhold a newer statement; it cannot make a device seal to a key no
// coordinator named.
//
// Binary form (integers big-endian), the same bytes everywhere (token, welcome, files):
//   format u8 = 1 | serial u64 | prev [32] | flags u8 | project length u8 | project (UTF-8)
//   | recipients count u8 | X25519 keys [32 each] | signers count u8 | Ed25519 keys [32 each]
//   | signer [32] | signature [64] over "canvass recipients v1" || everything before it
//
// flags bit 0, share_past: recipients this statement adds also receive the epoch keys of
// work made before it. Without it, a recipient added later reads only what devices save
// after they adopt the statement (every device starts a new epoch key when its recipients
// change, so a removed recipient reads nothing new either).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"
#include "crypto/sign.hpp"

namespace canvass::store {

inline constexpr std::size_t kMaxRecipients = 64;
inline constexpr std::size_t kMaxSigners = 64;
inline constexpr std::size_t kMaxStatementBytes = 2 * 1024 + 64 * 64;  // a bound on any valid one
inline constexpr std::size_t kMaxStatements = 1000;                    // a chain's length
inline constexpr std::string_view kStatementTextPrefix = "canvass-recipients1-";

struct RecipientStatement {
    std::uint64_t serial = 1;  // 1 for the genesis, then one more per change
    crypto::Hash prev{};       // digest of statement serial - 1; zero for the genesis
    bool share_past = false;
    std::string project;
    std::vector<crypto::DhPublicKey> recipients;    // seal epoch keys to these
    std::vector<crypto::SigningPublicKey> signers;  // may sign the next statement
    crypto::SigningPublicKey signer{};
    crypto::Signature signature{};
    friend bool operator==(const RecipientStatement&, const RecipientStatement&) = default;
};

// A project's first statement naming one coordinator (its recipient key and the signing key
// derived from it), signed by it. Throws std::invalid_argument for an unusable project name.
RecipientStatement first_statement(std::string project, const crypto::DhKeyPair& coordinator);

// Signs `s` with the coordinator's Ed25519 key: sets signer and signature. Throws
// std::invalid_argument if the statement cannot be encoded (over the limits above).
void sign_statement(RecipientStatement& s, const crypto::SigningKeyPair& key);

std::vector<std::uint8_t> encode_statement(const RecipientStatement& s);
// Strict: every field in range, no duplicate key, no trailing byte; the signature is NOT
// checked here (verify_chain does). Error{auth, corrupt} naming what is wrong.
Result<RecipientStatement> decode_statement(std::span<const std::uint8_t> bytes);

// BLAKE2b-256 of the encoded statement. The genesis's digest is the project fingerprint.
crypto::Hash statement_digest(const RecipientStatement& s);

// "canvass-recipients1-<hex>": the text form a coordinator passes to the server's
// administrator (a file of one line, or pasted).
std::string statement_text(const RecipientStatement& s);
Result<RecipientStatement> parse_statement_text(std::string_view text);
// The statement in a file as `canvass keys recipients --out` writes it, or `text` itself when
// it is a statement's text. Errors name the file.
Result<RecipientStatement> read_statement(const std::string& file_or_text);

// Verifies a whole chain against the pinned genesis digest: the first statement's digest is
// `fingerprint` and it is serial 1, signed by one of its own signers; each next one has the
// next serial, names the previous one's digest and is signed by one of its signers; all
// name `project`. Returns the last statement. Error{auth, permission_denied} saying which
// statement fails and why; an empty chain is an error too.
Result<RecipientStatement> verify_chain(std::span<const RecipientStatement> chain,
                                        const crypto::Hash& fingerprint, std::string_view project);

// Whether `next` may follow `current` directly (serial + 1, prev, signer trusted by
// `current`, signature): the check a coordinator's tool and the server apply to an update.
Result<void> verify_successor(const RecipientStatement& current, const RecipientStatement& next);

// What a device does with the statements a server sends (every welcome carries the chain).
struct RecipientPlan {
    RecipientStatement adopted;                      // seal new epochs to adopted.recipients
    std::vector<crypto::DhPublicKey> grant_past_to;  // also seal every existing epoch to these
    bool new_epoch = false;  // the recipients changed: stop using the current epoch key
};

// Decides from the statement the device holds (none before enrollment), the chain the server
// sent and the pinned fingerprint. The chain must verify (verify_chain) and, when the device
// holds a statement, contain exactly that statement at its serial (else two coordinators
// signed different sets, or the server forged one: refused). A chain older than what the
// device holds changes nothing (a server restored from a backup). At enrollment every
// existing epoch (work saved before enrolling) is granted to the adopted recipients; later,
// only keys added by a share_past statement and still listed receive past epochs. Errors are
// Error{auth, permission_denied} with a message for the person at the device.
Result<RecipientPlan> plan_recipients(const RecipientStatement* held,
                                      std::span<const RecipientStatement> chain,
                                      const crypto::Hash& fingerprint, std::string_view project);

// The Ed25519 key of a coordinator key file's X25519 secret: BLAKE2b-256 of a domain tag and
// the secret is the Ed25519 seed, so one secret (and one file) serves both.
crypto::SigningKeyPair coordinator_signing_key(const crypto::SecretBytes& recipient_secret);

}  // namespace canvass::store
