// The device store: one SQLite database in the device's home directory holding its keys,
// forms, drafts, its own changeset chain, changesets it carries or pulled for others, and the
// merged state of every record (DESIGN.md sections 3 to 5).
//
// Nothing sensitive is stored in clear: answers (drafts and record states), forms (their
// labels describe sensitive questions), private keys and epoch keys are sealed under the store
// key (store/sealed.hpp), which is itself wrapped by Argon2id of the passphrase or given raw.
// What stays in clear is what the server sees too: ids, paths, form ids and versions, clocks.
//
// Every save is one transaction with synchronous=FULL: once a call returns, the save
// survives a crash or power loss. A DeviceStore is not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "crypto/passphrase.hpp"
#include "form/attachment_ref.hpp"
#include "form/form.hpp"
#include "merge/changeset.hpp"
#include "merge/chain.hpp"
#include "merge/hlc.hpp"
#include "merge/record_state.hpp"
#include "merge/record_view.hpp"
#include "merge/version_vector.hpp"
#include "store/grant.hpp"
#include "store/keyring.hpp"
#include "store/recipients.hpp"

namespace canvass::store {

// The project named by changesets saved before the device enrolled in one. The server files
// them under the device's project (docs/decisions.md).
inline constexpr std::string_view kUnenrolledProject = "local";

struct FormInfo {
    std::string form_id;
    std::string version;
    std::string title;  // in the form's default language
    std::size_t questions = 0;
    std::vector<std::string> languages;
};

enum class RecordStatus { draft, finalized };

struct RecordSummary {
    merge::RecordId id{};
    std::string form_id;
    RecordStatus status = RecordStatus::draft;
    bool pending_edit = false;  // finalized, with an edit drafted but not saved yet
    bool deleted = false;
    std::size_t conflicts = 0;
    std::uint64_t updated_ms = 0;
    // The form's instance_name evaluated on the answers (form::record_name), "" when the
    // form has none or the answers cannot be read here.
    std::string name;
};

// A record as a person sees it.
struct RecordSnapshot {
    RecordSummary summary;
    std::string form_version;
    nlohmann::json answers;                 // merged winners (or the draft, for a draft)
    std::optional<merge::RecordView> view;  // for finalized records
    // The merged state the view was made from (finalized records): who deleted or kept what,
    // for the candidates of a delete conflict.
    std::optional<merge::RecordState> state;
    bool readable = true;  // false: others' answers this device cannot decrypt
    std::string language;  // a draft's: the language it is being taken in, or ""
};

// What one sync or enrollment set: where the server is and what the project wants.
struct ProjectConfig {
    std::string project;
    std::string role;  // collector, organizer or coordinator
    // The administrator's name for this device (`token create --label`), as the server's
    // welcome gives it; "" if none. Sealed at rest: it names a person. A form's `username`.
    std::string label;
    std::string server_address;
    crypto::DhPublicKey server_key{};
    // The digest of the project's first recipient statement, pinned from the enrollment token
    // (zero for a store enrolled before statements existed, until it adopts one).
    crypto::Hash fingerprint{};
    // The recipient statement this device follows (store/recipients.hpp), and its keys: every
    // epoch key is sealed to these and to nobody else.
    std::optional<RecipientStatement> statement;
    std::vector<crypto::DhPublicKey> recipients;
};

// Caps on attachments (docs/media.md, docs/limits.md): the server's, told in its welcome and
// kept; these defaults until the device has synced with a server that states them.
struct MediaLimits {
    std::uint64_t file_bytes = 64ull << 20;   // one attachment
    std::uint64_t device_bytes = 2ull << 30;  // everything one device delivers
};

// One of this device's attachments to deliver (sync/media_exchange.hpp).
struct OutgoingAttachment {
    crypto::Hash id{};       // server-visible: keyed BLAKE2b under the epoch key
    std::uint64_t size = 0;  // plaintext bytes (the sealed chunks add 16 bytes each)
    std::uint64_t chunks = 0;
    std::uint64_t seq = 0;  // the first changeset of this device referencing it
    std::string name;       // the file's name, for messages on this device only
};

// Another device's attachment held sealed, as the server and relays see it (sync's
// MediaItem): received from the server (a coordinator's pull) or from a bundle.
struct CarriedAttachment {
    crypto::Hash id{};
    std::uint64_t size = 0;
    std::uint64_t chunks = 0;
    merge::DeviceId author{};
    crypto::Hash root{};            // BLAKE2b-256 of its sealed chunks in order
    crypto::Signature signature{};  // the author's, over all the above
};

// Attachments this device holds or misses, for `canvass status`.
struct AttachmentStatus {
    std::uint64_t held = 0;  // attachments in the store (own, copied in)
    std::uint64_t held_bytes = 0;
    std::uint64_t unsent = 0;  // own ones the server has not acknowledged whole
    std::uint64_t unsent_bytes = 0;
    std::uint64_t records_waiting = 0;  // own records with an attachment not yet delivered
    std::uint64_t received = 0;         // others' received whole (coordinator)
    std::uint64_t partial = 0;          // others' with chunks still missing
    std::uint64_t carried = 0;          // others' from a bundle, still to deliver (an organizer)
};

struct StoreStatus {
    merge::DeviceId device{};
    std::optional<ProjectConfig> project;
    std::size_t forms = 0;
    std::size_t drafts = 0;
    std::size_t finalized = 0;
    std::size_t conflicts = 0;  // records with at least one conflict
    std::uint64_t own_changesets = 0;
    std::uint64_t unsent = 0;          // own changesets the server has not acknowledged
    std::uint64_t unsent_records = 0;  // records (interviews) those changesets are of
    std::uint64_t carried = 0;         // other devices' changesets held here
    std::uint64_t carried_unsent = 0;  // of those, the ones still to deliver (refused ones apart)
    // Carried chains the server refused from some seq on: never sent again.
    struct RefusedChain {
        merge::DeviceId device{};
        std::uint64_t seq = 0;         // refused from this seq
        std::uint64_t changesets = 0;  // held here from that seq
        std::string why;               // the server's reason
    };
    std::vector<RefusedChain> refused;
    std::size_t equivocations = 0;
    merge::Hash digest{};
    AttachmentStatus attachments;
};

struct StoreOptions {
    crypto::PwhashParams pwhash{};    // for create() with a passphrase
    merge::Clock* clock = nullptr;    // default: the system clock
    merge::Random* random = nullptr;  // default: the OS CSPRNG
};

class DeviceStore {
  public:
    // Creates the store in `home` (created with mode 0700 if missing). Fails if a store is
    // already there.
    static Result<DeviceStore> create(const std::string& home, Unlock unlock,
                                      StoreOptions options = {});
    // Opens the store in `home`. A wrong passphrase or key is Error{crypto, wrong_key}; the
    // store is then not opened at all.
    static Result<DeviceStore> open(const std::string& home, Unlock unlock,
                                    StoreOptions options = {});
    static bool exists(const std::string& home);

    DeviceStore(DeviceStore&&) noexcept;
    DeviceStore& operator=(DeviceStore&&) noexcept;
    ~DeviceStore();

    const DeviceKeys& keys() const;
    // The clock the store was opened with (StoreOptions::clock, else the system clock): the
    // one its stamps, epochs and today() in constraints read.
    Clock& clock() const;
    // The random source the store was opened with (StoreOptions::random, else the OS's):
    // the one its ids and keys come from, and the interview's random() and uuid().
    merge::Random& random() const;

    // Forms. add_form checks the form (every problem in the error message) and keeps every
    // version; the newest installed version is used for new records.
    Result<FormInfo> add_form(std::string_view json_text);
    Result<std::vector<FormInfo>> forms();
    // The JSON text of an installed form version, or nullopt if it is not installed.
    Result<std::optional<std::string>> form_text(std::string_view form_id,
                                                 std::string_view version);
    // The form `form_id` at `version`, or its newest version when empty.
    Result<std::shared_ptr<const form::Form>> form(std::string_view form_id,
                                                   std::string_view version = {});

    // Records. Answers are validated against the form before anything is written: a draft
    // may leave required questions unanswered; finalized records may not. `lang` is the
    // language of the messages and, for a draft, the interview's language, kept with it
    // (RecordSnapshot::language; "" keeps none).
    Result<merge::RecordId> create_record(std::string_view form_id, nlohmann::json answers,
                                          bool finalize, std::string_view lang = {});
    // Many records in one transaction (bulk import, store/bulk_import.hpp); all or none are
    // saved, and the error lists every problem by record number. A record imported before
    // (same instanceID, or same answers) is skipped: its id is the one saved then.
    Result<std::vector<merge::RecordId>> import_records(std::string_view form_id,
                                                        std::vector<nlohmann::json> records,
                                                        bool finalize, std::string_view lang = {});
    // Replaces the draft answers of a record (a new interview, or an edit in progress), and
    // the language kept with them.
    Result<void> save_draft(const merge::RecordId& id, nlohmann::json answers,
                            std::string_view lang = {});
    // Finalizes the draft of a record: its changes become one changeset of the chain.
    Result<void> finalize(const merge::RecordId& id, std::string_view lang = {});
    // Applies `changes` (only the fields to change, store/answers.hpp) to a finalized record
    // as one new changeset. Returns false when nothing differed (nothing written).
    Result<bool> edit(const merge::RecordId& id, const nlohmann::json& changes,
                      std::string_view lang = {});
    // The same for a coordinator, on a record holding answers of other devices that this
    // store cannot decrypt: `readable` is that record rebuilt with the values the project key
    // decrypts (the export's decryption). It must match the record held (same changesets);
    // the new changeset is encrypted like every other of this device. Without it such a
    // record is refused with Error{crypto, wrong_key}.
    Result<bool> edit(const merge::RecordId& id, const nlohmann::json& changes,
                      std::string_view lang, const merge::RecordState* readable);
    // Settles the conflict at `path` with `value` (JSON) superseding every candidate. The
    // record with the new value is checked like any other save (constraints, required,
    // relevance, types; messages in `lang`), and refused with every problem. `readable`, as
    // for edit(), is the record decrypted with the project key; without it, a record holding
    // answers this store cannot read is checked only where the question's rules do not
    // depend on them, and a rule that does is refused with Error{crypto, wrong_key}.
    Result<void> resolve(const merge::RecordId& id, std::string_view path,
                         const nlohmann::json& value);
    Result<void> resolve(const merge::RecordId& id, std::string_view path,
                         const nlohmann::json& value, std::string_view lang,
                         const merge::RecordState* readable);
    // Writes the coordinators' review of a finalized record (merge::kReviewPath): `value_json`
    // is the JSON object coordinator::review_value() makes; it supersedes every review this
    // store has seen, in one changeset that syncs like any edit. Refused with Error{auth,
    // permission_denied} unless this device is a coordinator that did not create the record
    // (merge/authority.hpp); Error{form, invalid_argument} for a value that is not an object.
    Result<void> set_review(const merge::RecordId& id, std::string_view value_json);
    // Deletes a record: a draft that never left the device is erased; a finalized record gets
    // a delete op (concurrent edits elsewhere keep it alive, flagged).
    Result<void> delete_record(const merge::RecordId& id);

    // Whether this device may change the record (merge/authority.hpp): ok for its own records,
    // a draft, or on a coordinator's device; otherwise Error{auth, permission_denied} saying who
    // may. edit, resolve and delete check the same before saving anything.
    Result<void> may_change(const merge::RecordId& id);
    // The device that created the record, if a changeset of it is held.
    Result<std::optional<merge::DeviceId>> record_creator(const merge::RecordId& id);

    Result<RecordSnapshot> record(const merge::RecordId& id);
    Result<std::vector<RecordSummary>> records(std::string_view form_id = {});
    // The record's display name (RecordSummary::name) for a snapshot of it.
    std::string display_name(const RecordSnapshot& snap);
    // A record id from its full text or a unique prefix of at least 4 characters.
    Result<merge::RecordId> find_record(std::string_view text);

    Result<StoreStatus> status();

    // The project configuration received at enrollment, if any.
    Result<std::optional<ProjectConfig>> project();
    // Saves the project config (enrollment, or what a sync changed) and carries out `plan`
    // in the same transaction: config.statement and config.recipients become plan.adopted,
    // every existing epoch key is granted to plan.grant_past_to, and with plan.new_epoch the
    // current epoch key is retired, so what is saved next is readable only by the adopted
    // recipients.
    Result<void> set_project(ProjectConfig config, const RecipientPlan& plan);

    // -- For sync (a sync::Replica over this store) --
    // Every chain held, at its last seq: O(devices), whatever the number of changesets.
    Result<merge::VersionVector> summary();
    // The last changeset held of `device`'s chain, if any.
    Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& device);
    // Changesets of `device` with seq in [first, last], encoded, oldest first.
    Result<std::vector<std::vector<std::uint8_t>>> changesets(const merge::DeviceId& device,
                                                              std::uint64_t first,
                                                              std::uint64_t last);
    Result<std::vector<EpochGrant>> grants(const merge::DeviceId& device);
    // The hash of changeset `seq` of `device`'s chain, if held.
    Result<std::optional<merge::Hash>> chain_hash(const merge::DeviceId& device, std::uint64_t seq);
    // A signed head to send changesets first..last of `device` with: for this device, one
    // signed now at exactly `last`; for others, the received head with the greatest seq in
    // [first, last], else the one with the smallest seq above `last`.
    Result<std::optional<std::pair<merge::SignedHead, crypto::SigningPublicKey>>> head_at(
        const merge::DeviceId& device, std::uint64_t first, std::uint64_t last);

    // Changesets of another device that extend its chain, as received.
    struct IncomingRun {
        merge::DeviceId device{};
        crypto::SigningPublicKey signing_key{};
        std::vector<std::vector<std::uint8_t>> changesets;  // ascending seq
        merge::SignedHead head;
        std::vector<EpochGrant> grants;
    };
    // Changesets that fork a device's chain: kept as proof, never merged.
    struct IncomingEvidence {
        merge::DeviceId device{};
        std::uint64_t seq = 0;
        std::vector<std::vector<std::uint8_t>> changesets;
    };
    // Verifies (chain, head signature, device id derived from the key, grant signatures) and
    // stores everything in one transaction, merging into record states without values.
    // Changesets already held are skipped; one that differs from the held one at its seq is
    // kept as evidence and the call fails. On failure nothing of the runs is stored.
    Result<void> ingest(std::span<const IncomingRun> runs,
                        std::span<const IncomingEvidence> evidence = {});
    // The server holds `device`'s chain up to `seq` durably.
    Result<void> mark_acked(const merge::DeviceId& device, std::uint64_t seq);
    Result<std::uint64_t> acked(const merge::DeviceId& device);
    // The server refused a chain this device carries from `seq` on (sync/replica.hpp
    // Replica::refused): remembered, with the server's words, so that the chain is sent no
    // further and the status shows it. Only other devices' chains; the first refusal stands.
    Result<void> mark_refused(const merge::DeviceId& device, std::uint64_t seq,
                              std::string_view why);
    Result<std::optional<std::uint64_t>> refused_from(const merge::DeviceId& device);

    // For export and checks: every changeset held (own and others'), decoded, in chain order.
    Result<void> for_each_changeset(const std::function<Result<void>(const merge::Changeset&)>& fn);
    Result<std::optional<EpochGrant>> grant_for(const merge::DeviceId& device, const EpochId& epoch,
                                                const crypto::DhPublicKey& recipient);

    Result<std::string> integrity_check();

    // -- Attachments (device_attachments.cpp, docs/media.md) --
    // Copies the file at `path` into the store, sealed in chunks; its name is the path's last
    // component and its type from the extension. The size is checked against
    // media_limits().file_bytes, and the type against `kind` (the question's type: image,
    // audio, video or file), before a byte is read. Errors name the path and what to do:
    // Error{store, not_found} missing, Error{store, io} unreadable or not a regular file,
    // Error{form, limit_exceeded} too large, Error{form, invalid_argument} a kind of file the
    // question does not take. Nothing is kept on failure; a file already held (same bytes)
    // is kept once.
    Result<form::AttachmentRef> add_attachment_file(const std::string& path,
                                                    std::string_view kind = "file");
    // The same for bytes an app holds (the C ABI), named `name`.
    Result<form::AttachmentRef> add_attachment(std::span<const std::uint8_t> bytes,
                                               std::string_view name, std::string_view type = {});
    // The bytes of an attachment held, decrypted and checked against `content`; nullopt when
    // not held. Error{store, corrupt} when its rows were altered.
    Result<std::optional<std::vector<std::uint8_t>>> attachment(const crypto::Hash& content);
    Result<bool> has_attachment(const crypto::Hash& content);
    Result<MediaLimits> media_limits();
    Result<void> set_media_limits(const MediaLimits& limits);

    // For sync. This device's attachments referenced by changesets up to `up_to_seq` and not
    // yet acknowledged whole by the server, oldest first.
    Result<std::vector<OutgoingAttachment>> unsent_attachments(std::uint64_t up_to_seq);
    // Every attachment of this device listed for sync (sent or not).
    Result<std::vector<OutgoingAttachment>> own_attachments();
    // Chunk `index` of an outgoing attachment, sealed for sync under its epoch's key. Asking
    // for the chunks in order costs one pass over the attachment.
    Result<std::vector<std::uint8_t>> sync_chunk(const crypto::Hash& id, std::uint64_t index);
    // The BLAKE2b-256 of all the outgoing attachment's sync chunks in order, which its
    // signed MediaItem carries: computed in one pass the first time, then kept.
    Result<crypto::Hash> sync_root(const crypto::Hash& id);
    // Marks an attachment of `author` delivered: this device's own outgoing one, or one it
    // carries for another device.
    Result<void> mark_attachment_sent(const merge::DeviceId& author, const crypto::Hash& id);
    // Attachments of other devices (a coordinator's pull, a bundle's), kept sealed as
    // received, by author and id: two authors' items of one id are two items, and neither is
    // ever read for the other. How many of its chunks are held from the first on (the next to
    // ask for).
    Result<std::uint64_t> received_chunks(const merge::DeviceId& author, const crypto::Hash& id);
    // `forward`: it came from a bundle, and this device's next sync delivers it.
    Result<void> keep_received_chunk(const CarriedAttachment& a, std::uint64_t index,
                                     std::span<const std::uint8_t> body, bool forward);
    Result<std::vector<std::uint8_t>> received_chunk(const merge::DeviceId& author,
                                                     const crypto::Hash& id, std::uint64_t index);
    // Other devices' attachments held whole; `to_forward`: only those still to deliver.
    Result<std::vector<CarriedAttachment>> carried_attachments(bool to_forward);
    // Every sealed chunk of a received attachment, in order; nullopt until all are held.
    Result<std::optional<std::vector<std::vector<std::uint8_t>>>> received_attachment(
        const merge::DeviceId& author, const crypto::Hash& id);

  private:
    friend class BulkImport;
    friend class AttachmentWriter;
    friend struct AttachmentRows;
    struct Impl;
    explicit DeviceStore(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::store
