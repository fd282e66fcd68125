// Attachments after the changeset exchange (docs/media.md; schemas/protocol/sync.md,
// "Attachments"). When the hello said `media` and the welcome stated caps, the device, once
// both sides said bye:
//
//   media_offer [items]  ─────────▶   checks each item is signed by its author (a relay
//                                      carries others' items, a collector only its own),
//                                      then every cap (one file, each author's total): a
//                                      refusal is `error limit` before any chunk is sent
//   ◀─────────  media_need [held]      chunks held of each item from the first on
//   media_chunk (id, i, data, author) ▶ written to a file and fsync'd, then
//   ◀─────────  media_ack (id, i)      one chunk in flight: a cut re-sends at most that one
//   … every missing chunk …            the last one: the chunks must hash to the signed
//                                      root, else all are discarded and the offer refused
//   media_list ───────────────────▶   (a coordinator) what may I fetch
//   ◀─────────  media_list [items]     attachments of the project held whole
//   media_get (id, i, author) ────▶
//   ◀─────────  media_chunk            kept sealed as it came; next get
//   bye ──────────────────────────▶
//   ◀─────────  bye
//
// The server never sees a plaintext byte or a plaintext hash: chunks are sealed under a key
// derived from the author's epoch key (crypto/attachment_crypto.hpp), ids are keyed hashes.
// Sans-I/O on the server's side (MediaResponder); the device's side runs on a blocking
// SecureChannel like the rest of the client.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "sync/channel.hpp"
#include "sync/messages.hpp"
#include "sync/role.hpp"

namespace canvass::sync {

// Where a server keeps attachment chunks (sync-server: files under its data directory). Items
// are kept by author and id (MediaId): two authors' items of one id are two items.
class MediaVault {
  public:
    virtual ~MediaVault() = default;
    // The item as registered; nullopt if unknown.
    struct Held {
        MediaItem item;
        std::uint64_t chunks_held = 0;  // from the first on
    };
    virtual Result<std::optional<Held>> find(const std::string& project, const MediaId& id) = 0;
    // Registers an item under its author and id (idempotent for the same item).
    virtual Result<void> open(const std::string& project, const MediaItem& item) = 0;
    // Stores chunk `index`: durable (fsync'd) when this returns.
    virtual Result<void> put(const std::string& project, const MediaId& id, std::uint64_t index,
                             std::span<const std::uint8_t> data) = 0;
    virtual Result<Bytes> get(const std::string& project, const MediaId& id,
                              std::uint64_t index) = 0;
    // Plaintext bytes of every item of `author` registered in the project.
    virtual Result<std::uint64_t> device_bytes(const std::string& project,
                                               const merge::DeviceId& author) = 0;
    // Every item of the project held whole, by id then author.
    virtual Result<std::vector<MediaItem>> complete(const std::string& project) = 0;
    // Forgets the item and every chunk of it (its chunks did not match its signed root).
    virtual Result<void> discard(const std::string& project, const MediaId& id) = 0;
};

// What the author signs of an item: every field but the signature, domain-separated.
Bytes item_message(const MediaItem& item);
// Fills `item.signature` with the author's signature (`signing_key`: its 64-byte secret).
void sign_item(MediaItem& item, const crypto::SecretBytes& signing_key);
bool signed_by(const MediaItem& item, const crypto::SigningPublicKey& key);
// The root of an item: BLAKE2b-256 of its sealed chunks, fed in order.
using RootHasher = crypto::Blake2b;

// The signing key of a device of the project, or nullopt when it is not one.
using AuthorKeys =
    std::function<Result<std::optional<crypto::SigningPublicKey>>(const merge::DeviceId&)>;

// Why an item, offered or carried, is not one to take: its chunks do not match its size,
// its author is unknown here, or its signature is not the author's; nullopt when it is.
Result<std::optional<std::string>> item_problem(const MediaItem& item, const AuthorKeys& keys);

// The sealed length chunk `index` of `item` must have (its plaintext share plus the tag).
std::uint64_t sealed_chunk_bytes(const MediaItem& item, std::uint64_t index);
// Whether `item` is consistent: chunks == the count its size makes.
bool well_formed(const MediaItem& item);

// Why `items` cannot be delivered under `caps` by a device already holding `already` bytes
// at the server (the device's own check and the server's, one function), or nullopt.
// `names` (may be empty) names the items for the device's message. The server applies it to
// the items of each author apart: a relay's offer counts against each author's own total.
std::optional<std::string> media_cap_problem(const std::vector<MediaItem>& items,
                                             std::uint64_t already, const MediaCaps& caps,
                                             const std::vector<std::string>& names = {});

struct MediaStats {
    std::uint64_t offered = 0;  // attachments offered
    std::uint64_t chunks_sent = 0;
    std::uint64_t chunks_received = 0;
    std::uint64_t delivered = 0;   // attachments the server now holds whole
    std::uint64_t relayed = 0;     // of those offered, carried for other devices
    std::uint64_t fetched = 0;     // attachments received whole
    std::uint64_t bytes_sent = 0;  // sealed chunk bytes
};

// The server's side, after the exchange finished. Feed it each message; send what it returns.
class MediaResponder {
  public:
    // `keys` gives the signing key of a device of the project: an item is taken only signed
    // by its author, and a collector offers only its own. `version`: the media version the
    // device's hello named (1: it names no author beside an id).
    MediaResponder(MediaVault& vault, std::string project, merge::DeviceId device, Role role,
                   MediaCaps caps, AuthorKeys keys, std::uint32_t version = media_version)
        : vault_(vault),
          project_(std::move(project)),
          device_(device),
          role_(role),
          caps_(caps),
          keys_(std::move(keys)),
          version_(version) {}
    // The replies; `done()` after a bye (answered), `failed()` after a refusal (an `error`
    // ends the returned messages; close the connection).
    std::vector<Message> receive(const Message& m);
    bool done() const { return done_; }
    bool failed() const { return error_.has_value(); }
    const Error& error() const { return *error_; }
    const MediaStats& stats() const { return stats_; }

  private:
    Result<void> on_offer(const MediaOffer& m, std::vector<Message>& out);
    Result<void> on_chunk(const MediaChunk& m, std::vector<Message>& out);
    Result<void> on_get(const MediaGet& m, std::vector<Message>& out);
    Result<void> on_list(const MediaList& m, std::vector<Message>& out);
    MediaVault& vault_;
    std::string project_;
    merge::DeviceId device_{};
    Role role_;
    MediaCaps caps_;
    AuthorKeys keys_;
    std::uint32_t version_;
    std::vector<MediaItem> offered_;
    std::vector<MediaItem> listed_;    // the last media_list sent
    std::vector<std::uint64_t> next_;  // the next chunk expected of each offered item
    bool done_ = false;
    std::optional<Error> error_;
    MediaStats stats_;
};

// What a device's store gives the client's side.
class MediaReplica {
  public:
    virtual ~MediaReplica() = default;
    // The server's caps: kept, so the store refuses a file over them when it is added.
    virtual Result<void> caps(const MediaCaps& caps) = 0;
    struct Outgoing {
        MediaItem item;        // signed by its author
        std::string name;      // for messages on this device (empty for an attachment carried)
        bool carried = false;  // another device's, from a bundle
    };
    // This device's attachments not yet delivered whole, referenced by changesets the
    // server acknowledged, then those it carries for others (received from a bundle) whose
    // author's chain the server acknowledged; and the bytes of its own it delivered before.
    virtual Result<std::vector<Outgoing>> unsent() = 0;
    virtual Result<std::uint64_t> delivered_bytes() = 0;
    // Every attachment a bundle written here carries: this device's own and the others' it
    // holds whole.
    virtual Result<std::vector<MediaItem>> carried() = 0;
    // Items are named by author and id: this device's own, or another's it holds.
    virtual Result<Bytes> chunk(const MediaId& id, std::uint64_t index) = 0;
    virtual Result<void> delivered(const MediaId& id) = 0;
    // Attachments of other devices (a coordinator's pull, a bundle's): chunks held from the
    // first on, and keeping one. `forward`: to deliver to the server (it came from a bundle).
    virtual Result<std::uint64_t> held(const MediaId& id) = 0;
    virtual Result<void> keep(const MediaItem& item, std::uint64_t index,
                              std::span<const std::uint8_t> data, bool forward) = 0;
};

// The device's side, on a channel whose exchange just finished, against a server whose
// welcome stated `caps`. Pushes this device's attachments, then (a coordinator) fetches the
// project's. Errors: Error{form, limit_exceeded} when a cap refuses an attachment (nothing
// sent), the server's refusal, or the channel's. Everything acknowledged stays so: running
// it again resumes from the first chunk the server lacks.
Result<MediaStats> run_media_client(SecureChannel& channel, MediaReplica& replica, Role role,
                                    const MediaCaps& caps,
                                    const std::function<void(const MediaStats&)>& progress = {});

}  // namespace canvass::sync
