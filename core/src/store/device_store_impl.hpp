// Internal to the device store: the state shared by its .cpp files.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "crypto/attachment_crypto.hpp"
#include "crypto/random.hpp"
#include "merge/authority.hpp"
#include "merge/record_state.hpp"
#include "form/validate.hpp"
#include "store/device_store.hpp"
#include "store/sealed.hpp"
#include "store/sqlite.hpp"

namespace canvass::store {

class OsRandom final : public merge::Random {
  public:
    void fill(std::span<std::uint8_t> out) override { crypto::random_bytes(out); }
};

// A record row as stored, with its state opened.
struct LoadedRecord {
    std::string form_id;
    bool finalized = false;
    std::optional<merge::RecordState> state;  // finalized records
    std::optional<nlohmann::json> draft;      // a draft (new interview or pending edit)
};

// How long one epoch data key is used before a new one is drawn (DESIGN.md 4: at least daily).
inline constexpr std::uint64_t kEpochLifetimeMs = 24ull * 3600 * 1000;

struct DeviceStore::Impl {
    Database db;
    Sealer sealer;
    DeviceKeys keys;
    crypto::DhKeyPair recovery;  // epoch_recovery_key(keys)
    OsRandom os_random;
    merge::Clock* clock = nullptr;
    merge::Random* random = nullptr;
    std::uint64_t hlc_last = 0;
    // The last `updated` stamp written to the records table (write_record), read at the first
    // write: stamps only grow, so saves in one millisecond still list in the order made.
    std::optional<std::int64_t> record_stamp;
    std::uint64_t seq = 0;  // own chain head
    merge::Hash head_hash{};
    std::map<std::string, std::shared_ptr<const form::Form>> forms;  // "id\nversion"
    // Where the last read of an attachment's chunks stopped: a secretstream opens only in
    // order, so reading chunk i+1 after chunk i goes on from here (device_attachments.cpp).
    struct ChunkCursor {
        crypto::Hash key{};
        std::uint64_t next = 0;
        std::uint64_t chunks = 0;
        crypto::StreamOpener opener;
    };
    std::optional<ChunkCursor> cursor;

    Impl(Database d, Sealer s, DeviceKeys k, const StoreOptions& o)
        : db(std::move(d)),
          sealer(std::move(s)),
          keys(std::move(k)),
          recovery(epoch_recovery_key(keys)) {
        clock = o.clock ? o.clock : &canvass::system_clock();
        random = o.random ? o.random : &os_random;
    }

    // meta table
    Result<std::optional<std::vector<std::uint8_t>>> get_meta(std::string_view key);
    Result<void> put_meta(std::string_view key, std::span<const std::uint8_t> value);
    Result<void> put_meta(std::string_view key, std::string_view text);

    // records
    Result<LoadedRecord> load_record(const merge::RecordId& id);
    // The `updated` stamp of a record written now: the clock's ms, or one more than the last
    // stamp when the clock has not moved past it.
    Result<std::int64_t> next_record_stamp();
    // `state`: the finalized record's merge state (not copied), or null for a draft alone.
    Result<void> write_record(const merge::RecordId& id, const std::string& form_id,
                              const merge::RecordState* state,
                              const std::optional<nlohmann::json>& draft);
    // The language kept with a record's draft ("" for none); "" drops it.
    Result<std::string> draft_language(const merge::RecordId& id);
    Result<void> keep_draft_language(const merge::RecordId& id, std::string_view lang);
    // Validates `answers` for `form` (form::validate_answers, and no answer too large to
    // sync); final mode enforces required questions. Fills in calculations.
    form::Validation checked(const form::Form& form, const nlohmann::json& answers, bool final,
                             std::string_view lang);
    // The same, every problem in one error message.
    Result<nlohmann::json> validated(const form::Form& form, const nlohmann::json& answers,
                                     bool final, std::string_view lang);
    // Turns the difference between `state` and `answers` into one changeset of the chain.
    // `readable`, when given, is the same record with values this store cannot decrypt
    // (a coordinator's, from the project key): the difference is taken against it, the
    // changeset still goes onto `state`. Returns false if nothing differs. Must run inside a
    // transaction.
    Result<bool> commit_answers(const form::Form& form, merge::RecordState& state,
                                nlohmann::json answers,
                                const merge::RecordState* readable = nullptr);
    // Refuses a resolution (DeviceStore::resolve) that leaves the record invalid.
    Result<void> check_resolution(const form::Form& form, const merge::RecordView& view,
                                  const std::string& path, const nlohmann::json& value,
                                  std::string_view lang);
    // Saves validated answers as a new record (a finalized one appends its changeset). Must
    // run inside a transaction; on failure the caller restores the chain head.
    Result<merge::RecordId> save_new(const form::Form& form, nlohmann::json completed,
                                     bool finalize);
    // One changeset setting `path` of the finalized record `r` to `value`, with the record
    // written, in one transaction; the chain's head is put back if anything fails.
    Result<void> set_field(const merge::RecordId& id, const form::Form& form, LoadedRecord& r,
                           std::string_view path, const nlohmann::json& value);
    Result<void> append_changeset(const form::Form& form, merge::RecordState& state,
                                  std::vector<merge::Op> ops,
                                  std::vector<std::optional<std::string>> values);
    // Lists in the outbox every attachment the values of changeset `h` reference, under the
    // server-visible id of its epoch (device_attachments.cpp); refuses a reference to an
    // attachment this store does not hold. Must run inside the changeset's transaction.
    Result<void> register_attachments(const merge::ChangesetHeader& h, const EpochId& epoch,
                                      const crypto::SecretBytes& epoch_key,
                                      const std::vector<std::optional<std::string>>& values);
    Result<AttachmentStatus> attachment_status();

    // who may change a record (record_authority.cpp, merge/authority.hpp)
    // A new record id bound to this device, its creation nonce kept for the first changeset.
    Result<merge::RecordId> mint_record_id();
    // The nonce kept for the record's creating changeset, removed as it is used; nullopt for a
    // record that has changesets already or was minted before ids were bound.
    Result<std::optional<merge::ChangesetNonce>> take_creation_nonce(const merge::RecordId& id);
    // The creator, from the creating changeset held (else the first writer held: a record
    // minted before ids were bound); nullopt if no changeset of the record is held.
    Result<std::optional<merge::DeviceId>> record_creator(const merge::RecordId& id);
    Result<bool> is_coordinator();  // enrolled as the project's coordinator
    // merge::may_change for a changeset this device is about to append.
    Result<void> check_may_change(const merge::ChangesetHeader& h);
    // Gives drafts minted before ids were bound an id bound to this device (at open).
    Result<void> rekey_legacy_drafts();

    // epochs and grants
    // The epoch key to encrypt with now: the newest, or a new one once it is a day old.
    Result<std::pair<EpochId, crypto::SecretBytes>> current_epoch();
    // Starts a new epoch key now, granted to the project's current recipients.
    Result<std::pair<EpochId, crypto::SecretBytes>> new_epoch();
    Result<void> grant_epochs(const std::vector<crypto::DhPublicKey>& recipients);
    Result<void> store_grant(const EpochGrant& g);

    Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& device);

    // ingest
    struct TouchedRecord {
        std::string form_id;
        merge::RecordState state;
        std::optional<nlohmann::json> draft;
    };
    Result<void> ingest_run(const IncomingRun& run,
                            std::map<merge::RecordId, TouchedRecord>& touched);

    // Re-basing (device_chain.cpp): a store restored from an older copy that saved new work
    // before its first sync holds changesets at seqs the server already holds from the lost
    // copy. Those never-acknowledged changesets are taken off the chain, the server's are
    // stored in their place, and the taken ones are appended again after them: the same
    // record, ops, values, clock and nonce (so the same record ids), re-numbered, re-linked
    // and re-encrypted for their new seq.
    struct TakenChangeset {
        merge::Changeset changeset;
        std::vector<std::optional<std::string>> values;
    };
    // If `incoming` (this device's own chain, from the server) differs from the held chain
    // at a seq above the acknowledged point, and everything of it from there was made before
    // the first of the held changesets it replaces (a lost copy, then a restore; not two
    // copies working side by side), takes the held changesets from that seq off the chain
    // into `taken`, rebuilds the states of their records into `touched` and returns true.
    // Returns false when nothing differs or the difference is a real fork.
    Result<bool> take_unsent_tail(const std::vector<merge::Changeset>& incoming,
                                  std::map<merge::RecordId, TouchedRecord>& touched,
                                  std::vector<TakenChangeset>& taken);
    // Appends `taken` after the chain head, in order, merging each into `touched`.
    Result<void> append_taken(std::vector<TakenChangeset>& taken,
                              std::map<merge::RecordId, TouchedRecord>& touched);
    // The key of one of this device's epochs, nullopt if this store does not hold it.
    Result<std::optional<crypto::SecretBytes>> epoch_key(const EpochId& id);
    // Keeps the epoch keys of this device's grants sealed to its recovery key that this store
    // lacks (its own chain coming back to a store restored from an older copy).
    Result<void> recover_epochs(const std::vector<EpochGrant>& grants);
    // The values of one of this device's own changesets, empty where its epoch key is not held.
    Result<std::vector<std::optional<std::string>>> own_values(const merge::Changeset& cs);
    // A record's state merged again from every changeset held of it (values of this device's
    // own where its epoch key is held).
    Result<merge::RecordState> replay_record(const merge::RecordId& id);
    Result<void> keep_evidence(const merge::DeviceId& device, std::uint64_t first_seq,
                               std::span<const std::vector<std::uint8_t>> bodies);
};

std::span<const std::uint8_t> as_bytes(std::string_view s);
std::string record_row_key(const merge::RecordId& id);

}  // namespace canvass::store
