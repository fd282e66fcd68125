// The coordinator's view of a project: every record rebuilt from the changesets a source
// holds (source.hpp), with the values the coordinator's key decrypts.
//
// A device store's own record states carry no values for other devices' answers (it cannot
// read them). Here each changeset's epoch key comes from the grant sealed to the
// coordinator's key, the values are decrypted, and the record state is merged again from
// scratch with them: merging is a pure function of the changesets, so the result is the
// same state every replica holds, plus values. Epoch keys live in wiped buffers
// (crypto/secret.hpp) only while a load runs.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "coordinator/conflicts.hpp"
#include "coordinator/history.hpp"
#include "coordinator/media.hpp"
#include "coordinator/source.hpp"
#include "crypto/box.hpp"
#include "merge/record_state.hpp"
#include "merge/record_view.hpp"

namespace canvass::store {
class DeviceStore;
}

namespace canvass::coordinator {

// How much of one record could be read.
enum class Readability { full, partial, none };

struct Record {
    // The merged state with values: kept when asked (an edit needs it), else dropped once
    // view, answers and conflicts are made (it would double the memory).
    std::optional<merge::RecordState> state;
    merge::RecordView view;     // values filled where decrypted
    nlohmann::json answers;     // store::to_answers(view): winners, repeats nested, "_id"s
    merge::DeviceId creator{};  // author of its first changeset (smallest hlc)
    std::size_t changesets = 0;
    std::size_t unreadable = 0;         // changesets whose values could not be decrypted
    std::vector<Conflict> conflicts;    // conflicts_of(view, state, history, the scope loaded)
    std::vector<HistoryEntry> history;  // when asked: every changeset, oldest first
    // Attachments the answers reference, and those of them whose bytes are here (set by the
    // export, which decrypts them: export/media_files.hpp).
    std::size_t attachments_expected = 0;
    std::size_t attachments_present = 0;

    explicit Record(const merge::RecordId& id) : state(std::in_place, id) {}
    Readability readability() const {
        if (unreadable == 0) return Readability::full;
        return unreadable == changesets ? Readability::none : Readability::partial;
    }
};

// What could not be decrypted, per author device, never dropped silently.
struct DecryptionReport {
    std::size_t changesets = 0;  // of the selection
    std::size_t decrypted = 0;
    std::map<merge::DeviceId, std::size_t> no_grant;  // no epoch grant for this key
    std::map<merge::DeviceId, std::size_t> damaged;   // grant or ciphertext did not open

    std::size_t unreadable() const { return changesets - decrypted; }
};

struct Dataset {
    std::vector<Record> records;  // ordered by creation time, then id
    DecryptionReport report;
    MediaKeys media;  // the keys of every attachment the decrypted values reference
};

// What a load keeps beside each record's view and answers.
struct Keep {
    bool state = false;    // Record::state
    bool history = false;  // Record::history (needed for resolved conflicts)
    ConflictScope conflicts =
        ConflictScope::open;  // Record::conflicts; resolved_too implies history
};

// Called now and then with (changesets read, changesets held in total, 0 when unknown).
using Progress = std::function<void(std::size_t, std::size_t)>;

// Rebuilds every record of form `form_id` (every form when empty) held in `source`,
// decrypting with `key`, all of them in memory (the desk's table; the export reads a record
// at a time through RecordStream, record_stream.hpp). Records and changesets it cannot read are
// kept with what can be read and counted in the report. Fails with Error{crypto, wrong_key} when
// there are changesets of the selection but not one of them can be read: no grant for `key` (it is
// not one of the project's recipients; the message names the recipients the source knows)
// or none that opens. Source errors pass through; a changeset that does not merge is
// Error{protocol} naming its device and seq.
Result<Dataset> load_dataset(ChainSource& source, const crypto::DhKeyPair& key,
                             std::string_view form_id, const Progress& progress = {},
                             Keep keep = {});

// One record, rebuilt and decrypted the same way, its state kept (for a coordinator's show
// and edit). Errors as load_dataset's; Error{store, not_found} when no changeset of it is held.
Result<Record> load_record(ChainSource& source, const crypto::DhKeyPair& key,
                           const merge::RecordId& id,
                           Keep keep = {true, false, ConflictScope::open});

// Record `id` alone as a Dataset: the record, loaded as `keep` says, and the keys of the
// attachments its values reference (open_attachment, media.hpp). Errors as load_record's.
Result<Dataset> load_record_data(ChainSource& source, const crypto::DhKeyPair& key,
                                 const merge::RecordId& id, Keep keep = {});

// Record `id`'s history: who changed which field when, oldest first, including deletes,
// resolutions and coordinators' edits, with each device's label from `labels` where given.
// Errors as load_record's.
Result<History> record_history(ChainSource& source, const crypto::DhKeyPair& key,
                               const merge::RecordId& id, const DeviceLabels& labels = {});

// One record's conflicts in a listing.
struct RecordConflicts {
    merge::RecordId record{};
    std::string form_id;
    std::vector<Conflict> conflicts;  // never empty
};

// The records of `records` that `filter` selects and that have conflicts in its scope, in
// their order. Resolved conflicts are there only for records loaded with
// Keep{.conflicts = resolved_too}.
std::vector<RecordConflicts> list_conflicts(const std::vector<Record>& records,
                                            const ConflictFilter& filter);

struct ConflictListing {
    std::vector<RecordConflicts> records;
    DecryptionReport report;
};

// Loads what `filter` selects from `source` and lists its conflicts, a record at a time
// (record_stream.hpp) unless the filter names one record. Errors as load_dataset's (and
// load_record's for a filter naming one record).
Result<ConflictListing> list_conflicts(ChainSource& source, const crypto::DhKeyPair& key,
                                       const ConflictFilter& filter);

// The same listing from a device store's own view, without a key: the values this device
// can decrypt (its own) and the others' marked unreadable; delete conflicts with their
// deletes, keeps and unseen edits. Open conflicts only: the resolved ones are found in a
// record's history, which takes the key. Error{store, not_found} when the filter names a
// record not held.
Result<std::vector<RecordConflicts>> list_conflicts(store::DeviceStore& store,
                                                    const ConflictFilter& filter);

}  // namespace canvass::coordinator
