// The conflicts of a merged record, with every candidate (DESIGN.md section 5). This is the
// one place that says what a conflict is; `canvass conflicts`, `show`, `resolve`, the export
// (conflicts.csv, JSON Lines, ReviewState) and the C ABI all list them through it.
//
// An open conflict is either
//   - a field with several live values: one candidate per value, the displayed one first;
//   - a record or repeat instance deleted on one device while kept or edited on another:
//     the live deletes and keeps at its path, and every edit the deletes did not see.
// Nothing inside a deleted record or instance is in conflict: it is hidden with it.
// A resolved conflict is a change that replaced two or more live values at its path at once
// (history.hpp, FieldChange::resolves): its candidates are the values it replaced, and its
// resolution the change itself.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "coordinator/history.hpp"
#include "merge/ids.hpp"

namespace canvass::merge {
class RecordState;
struct RecordView;
}  // namespace canvass::merge

namespace canvass::coordinator {

enum class CandidateKind { value, deleted, kept, edited };

struct ConflictCandidate {
    CandidateKind kind = CandidateKind::value;
    std::optional<std::string> value;  // JSON text; nullopt where not decrypted or no value
    bool readable = true;              // false: a value this replica cannot decrypt
    std::string edited_path;           // edited: the field the unseen edit changed
    merge::DeviceId device{};
    std::uint64_t hlc = 0;
    bool shown = false;  // the value every replica displays (open field conflicts only)
};

struct Conflict {
    std::string path;  // field, instance, or "" for the record itself
    bool delete_conflict = false;
    bool resolved = false;
    std::vector<ConflictCandidate> candidates;
    std::optional<ConflictCandidate> resolution;  // resolved: the change that settled them
};

enum class ConflictScope {
    open,         // conflicts standing now
    resolved_too  // and those settled since (needs the record's history)
};

// Which conflicts a listing holds. Deleted records are never listed.
struct ConflictFilter {
    ConflictScope scope = ConflictScope::open;
    std::string form_id;                    // empty: every form
    std::optional<merge::RecordId> record;  // only this record
};

// The conflicts of one record: open ones (record, instances in order, then fields by path),
// then with `resolved_too` the resolved ones from `history`, oldest first. `state` gives the
// candidates of delete conflicts; without it they are listed without candidates.
std::vector<Conflict> conflicts_of(const merge::RecordView& view, const merge::RecordState* state,
                                   std::span<const HistoryEntry> history = {},
                                   ConflictScope scope = ConflictScope::open);

}  // namespace canvass::coordinator
