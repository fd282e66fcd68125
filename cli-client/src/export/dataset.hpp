// The coordinator's side of the encryption: every record rebuilt from the changesets a
// device store holds, with the values the coordinator key can decrypt.
//
// The store's own record states carry no values for other devices' answers (it cannot
// read them). Here each changeset's epoch key comes from the grant sealed to the
// coordinator's key, the values are decrypted, and the record state is merged again from
// scratch with them: merging is a pure function of the changesets, so the result is the
// same state the store holds, plus values.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "export/conflicts.hpp"
#include "merge/record_state.hpp"
#include "merge/record_view.hpp"
#include "store/device_store.hpp"

namespace canvass::cli::exporting {

// How much of one record could be read.
enum class Readability { full, partial, none };

struct ExportRecord {
    // The merged state with values: kept by load_record (an edit needs it), dropped by
    // load_dataset once view, answers and conflicts are made (it would double the memory).
    std::optional<merge::RecordState> state;
    merge::RecordView view;     // values filled where decrypted
    nlohmann::json answers;     // store::to_answers(view): winners, repeats nested, "_id"s
    merge::DeviceId creator{};  // author of its first changeset (smallest hlc)
    std::size_t changesets = 0;
    std::size_t unreadable = 0;  // changesets whose values could not be decrypted
    std::vector<Conflict> conflicts;  // open conflicts with every candidate (conflicts_of)

    explicit ExportRecord(const merge::RecordId& id) : state(std::in_place, id) {}
    Readability readability() const {
        if (unreadable == 0) return Readability::full;
        return unreadable == changesets ? Readability::none : Readability::partial;
    }
};

// What could not be decrypted, per author device, never dropped silently.
struct DecryptionReport {
    std::size_t changesets = 0;  // of the selected form(s)
    std::size_t decrypted = 0;
    std::map<merge::DeviceId, std::size_t> no_grant;  // no epoch grant for this key
    std::map<merge::DeviceId, std::size_t> damaged;   // grant or ciphertext did not open

    std::size_t unreadable() const { return changesets - decrypted; }
};

struct Dataset {
    std::vector<ExportRecord> records;  // ordered by creation time, then id
    DecryptionReport report;
};

// Called now and then with (changesets read, changesets held in total).
using Progress = std::function<void(std::size_t, std::size_t)>;

// Rebuilds every record of form `form_id` (every form when empty) held in `store`,
// decrypting with `recipient`. Records and changesets it cannot read are kept with what
// can be read and counted in the report. Fails (Error{crypto, wrong_key}) when there are
// changesets of the selection but not one of them can be read: no grant for `recipient`
// (the key is not one of the project's recipients) or none that opens. Store errors pass
// through.
Result<Dataset> load_dataset(store::DeviceStore& store, const crypto::DhKeyPair& recipient,
                             std::string_view form_id, const Progress& progress = {});

// One record, rebuilt and decrypted the same way (for a coordinator's show and edit). Errors
// as load_dataset's; Error{store, not_found} when no changeset of it is held.
Result<ExportRecord> load_record(store::DeviceStore& store, const crypto::DhKeyPair& recipient,
                                 const merge::RecordId& id);

// One line per problem for the user: how many changesets of which devices could not be
// read, and why. Empty when everything was decrypted.
std::vector<std::string> describe(const DecryptionReport& report);

}  // namespace canvass::cli::exporting
