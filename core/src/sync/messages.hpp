// The application messages of the sync protocol (schemas/protocol/sync.md documents each one,
// its CBOR layout and when it may be sent).
//
// Every message is one CBOR map whose "t" names its type. Decoding is strict: a missing or
// mistyped field, an unknown field, a value out of range or over a cap is refused with an
// error naming the field ("changesets.runs[0].head.hash: expected 32 bytes").
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "crypto/hash.hpp"
#include "crypto/sign.hpp"
#include "merge/changeset.hpp"
#include "merge/ids.hpp"
#include "store/recipients.hpp"
#include "sync/role.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// Caps applied when decoding (and respected when encoding by well-behaved peers).
struct MessageLimits {
    std::size_t max_message_bytes = 8u << 20;  // a whole message, all frames together
    std::size_t max_batch_changesets = 1024;   // changesets in one `changesets` message
    std::size_t max_batch_bytes = 4u << 20;    // their encoded bytes together
    std::size_t max_changeset_bytes = merge::kMaxChangesetBytes;  // one encoded changeset
    std::size_t max_chains = 100000;                              // entries of a summary
    std::size_t max_forms = 1000;                                 // forms listed in a welcome
    std::size_t max_form_bytes = 4u << 20;                        // one form body
    std::size_t max_recipient_statements = 256;  // the chain of a project's recipient sets
    std::size_t max_text = 1024;                 // names, versions, messages
    std::size_t max_media_items = 10000;         // attachments in one offer or list
};

// A published form: its id, version and the BLAKE2b-256 of its body.
struct FormRef {
    std::string id;
    std::string version;
    crypto::Hash hash{};
    friend bool operator==(const FormRef&, const FormRef&) = default;
};

// The limits a server applies, told to the client so it builds batches the server accepts.
struct SyncLimits {
    std::uint32_t batch_changesets = 256;  // changesets per batch
    std::uint32_t batch_bytes = 1u << 20;  // encoded changeset bytes per batch
    std::uint32_t window = 4;              // batches sent and not yet acknowledged
    friend bool operator==(const SyncLimits&, const SyncLimits&) = default;
};

// Client -> server, first message after the handshake.
struct Hello {
    std::string agent;  // "canvass/0.1.0": for logs only, never trusted
    // The version of the media_* messages the client speaks after the exchange (docs/media.md),
    // 0 when it carries no attachments; a server that does not know the field refuses the hello.
    std::uint32_t media = 0;
};

// The media_* messages of this version name an attachment by its author and id (version 1:
// by its id alone). A server takes both.
inline constexpr std::uint32_t media_version = 2;

// Caps on attachments a server states in its welcome (to a client that said media): one
// attachment's plaintext bytes, and all of one device's together. Both sides check them
// before any chunk is sent.
struct MediaCaps {
    std::uint64_t file_bytes = 64ull << 20;
    std::uint64_t device_bytes = 2ull << 30;
    friend bool operator==(const MediaCaps&, const MediaCaps&) = default;
};

// Server -> client: who the device is to the server and what the project holds.
struct Welcome {
    std::string project;
    Role role = Role::collector;
    merge::DeviceId device{};
    std::uint64_t server_time_ms = 0;
    // The project's recipient statements, genesis first (store/recipients.hpp): a device
    // seals epoch keys only to the last one that chains down from the fingerprint it pinned.
    std::vector<store::RecipientStatement> recipients;
    std::vector<FormRef> forms;  // every published version
    SyncLimits limits;
    // The administrator's name for the device (`token create --label`), "" if none: what a
    // form's `username` question records. Absent from older servers.
    std::string label;
    // Present when the server carries attachments and the hello asked for them.
    std::optional<MediaCaps> media;
};

// One chain as a replica holds it: the highest seq up to which it has every changeset of
// `device`, the hash of that changeset, and how many of the device's epoch grants it holds
// (a peer holding more sends them, with the chain's last changeset, even when no changeset
// is missing: grants made when a device enrolls or its recipients change).
struct ChainTip {
    merge::DeviceId device{};
    std::uint64_t seq = 0;
    crypto::Hash hash{};
    std::uint64_t grants = 0;
    friend bool operator==(const ChainTip&, const ChainTip&) = default;
};

struct Summary {
    std::vector<ChainTip> chains;  // at most one entry per device
};

// A signature by the chain's device over its head (device, seq, hash); merge/changeset.hpp
// defines the signed bytes.
struct HeadSignature {
    std::uint64_t seq = 0;
    crypto::Hash hash{};
    crypto::Signature signature{};
};

// Consecutive changesets of one device, oldest first, with the signed head that covers the
// last of them and the device's public key, so any receiver can check that the key derives
// the device id, the head's signature, and the hash chain down from the head.
struct ChainRun {
    merge::DeviceId device{};
    crypto::SigningPublicKey key{};
    std::vector<Bytes> changesets;  // encoded (merge/changeset.hpp), seq ascending, no gaps
    HeadSignature head;             // head.seq is the seq of the last changeset
    std::vector<Bytes> grants;      // encoded EpochGrants of this device (store/grant.hpp)
};

struct Changesets {
    std::uint64_t batch = 0;  // numbers the batches of one session, for the ack
    std::vector<ChainRun> runs;
};

struct DurableTip {
    merge::DeviceId device{};
    std::uint64_t seq = 0;
};

// Without a body: a request for that form version. With a body: the answer.
struct FormMessage {
    std::string id;
    std::string version;
    std::optional<std::string> body;  // the form's JSON text
};

enum class ErrorCode {
    protocol,        // a message out of place or malformed
    unknown_device,  // this key is not enrolled
    revoked,         // this device was revoked
    forbidden,       // the role does not allow it
    invalid_token,   // unknown token id
    token_used,      // the token was already used
    token_expired,
    bad_batch,    // a changeset, head, signature or grant did not verify
    limit,        // a cap was exceeded
    not_found,    // a requested form does not exist
    unavailable,  // the server is busy or shutting down
    internal,     // the peer failed (a storage error); try again later
    disk_full,    // the server's disk is full: nothing more is stored until space is freed
};
std::string_view error_code_name(ErrorCode code);

// What a server says with `unavailable` when it has no room for a session, and with
// `disk_full`. Clients show their own words for both (peer_error in exchange.hpp).
inline constexpr std::string_view busy_text = "the server is busy, try again in a minute";
inline constexpr std::string_view disk_full_text =
    "the server's disk is full: nothing more can be stored there until its administrator frees "
    "space";
std::optional<ErrorCode> parse_error_code(std::string_view name);

struct RefusedTip {
    merge::DeviceId device{};
    std::uint64_t seq = 0;
    ErrorCode code = ErrorCode::bad_batch;
    std::string message;  // why, for a person to read
};

// The receiver has committed batch `batch`: for each device, every changeset up to `seq` is
// durable there. `refused` names the relayed runs the receiver refused alone (verify.hpp):
// nothing of them was stored, and the device's chain is refused from that seq on.
struct Ack {
    std::uint64_t batch = 0;
    std::vector<DurableTip> durable;
    std::vector<RefusedTip> refused;
};

// A refusal's text as sent to the peer: it may quote what the peer sent (a huge field name)
// and must stay within the peer's cap on message text, so it is cut on a UTF-8 boundary.
std::string peer_text(const std::string& why);

struct ErrorMessage {
    ErrorCode code = ErrorCode::protocol;
    std::string message;  // for a person to read; never contains answers or secrets
};

// "I will send no more changesets, and every batch I sent is acknowledged."
struct Bye {};

// ---- attachments, after the exchange (docs/media.md, schemas/protocol/sync.md) ----------

// An attachment as the server and relays keep it: by its author and its id together. A
// carrier that learned an id from a bundle may claim it for an item of its own; that item
// never stands in for the author's.
struct MediaId {
    merge::DeviceId author{};
    crypto::Hash id{};
    friend auto operator<=>(const MediaId&, const MediaId&) = default;
};

// One attachment as the server sees it: its server-visible id (a keyed BLAKE2b under the
// epoch key, never the plaintext's hash), its plaintext size and its number of chunks; the
// device that attached it, the BLAKE2b-256 of its sealed chunks in order (`root`), and that
// device's signature of all of these (media_exchange.hpp, item_message). Whoever carries it,
// the server and every relay can check that the chunks are the author's, not a carrier's.
struct MediaItem {
    crypto::Hash id{};
    std::uint64_t size = 0;
    std::uint64_t chunks = 0;
    merge::DeviceId author{};
    crypto::Hash root{};
    crypto::Signature signature{};
    MediaId media_id() const { return MediaId{.author = author, .id = id}; }
    friend bool operator==(const MediaItem&, const MediaItem&) = default;
};

// Device -> server: the attachments it is about to deliver: its own, and (an organizer or a
// coordinator) those it carries for other devices.
struct MediaOffer {
    std::vector<MediaItem> items;
};

// Server -> device, in answer to an offer: for each item, in order, how many of its chunks
// the server holds from the first on (== chunks: it has it whole, send nothing).
struct MediaNeed {
    std::vector<std::uint64_t> held;
};

// One sealed chunk (plaintext + 16 bytes), either way. A device names the author of the item
// it delivers (media version 2); the server's answer to a get, and a bundle's chunk following
// its item, name none.
struct MediaChunk {
    crypto::Hash id{};
    std::uint64_t index = 0;
    Bytes data;
    std::optional<merge::DeviceId> author;
};

// Server -> device: chunk `index` of `id` is durable (written and fsync'd).
struct MediaAck {
    crypto::Hash id{};
    std::uint64_t index = 0;
};

// Device -> server without items: which attachments of the project may I fetch (a
// coordinator). Server -> device with items: those it holds whole.
struct MediaList {
    std::optional<std::vector<MediaItem>> items;
};

// Device -> server: send chunk `index` of the item `id` of `author` (absent in media
// version 1).
struct MediaGet {
    crypto::Hash id{};
    std::uint64_t index = 0;
    std::optional<merge::DeviceId> author;
};

using Message = std::variant<Hello, Welcome, Summary, Changesets, Ack, FormMessage, ErrorMessage,
                             Bye, MediaOffer, MediaNeed, MediaChunk, MediaAck, MediaList, MediaGet>;

// "hello", "welcome", ...: the value of "t".
std::string_view message_name(const Message& m);

Bytes encode_message(const Message& m);
Result<Message> decode_message(std::span<const std::uint8_t> bytes,
                               const MessageLimits& limits = {});

// The encoded size of a changeset run, as counted against max_batch_bytes.
std::size_t run_bytes(const ChainRun& run);

}  // namespace canvass::sync
