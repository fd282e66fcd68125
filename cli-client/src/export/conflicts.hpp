// Open conflicts of a merged record, with every candidate, for `canvass conflicts` and
// conflicts.csv (DESIGN.md section 5):
//   - a field with several live values: one candidate per value, the displayed one first;
//   - a record or repeat instance deleted on one device while kept or edited on another:
//     the live deletes and keeps at its path, and every edit the deletes did not see.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "merge/record_state.hpp"
#include "merge/record_view.hpp"

namespace canvass::cli::exporting {

enum class CandidateKind { value, deleted, kept, edited };

struct ConflictCandidate {
    CandidateKind kind = CandidateKind::value;
    std::optional<std::string> value;  // JSON text; nullopt where not decrypted or no value
    bool readable = true;              // false: a value this replica cannot decrypt
    std::string edited_path;           // edited: the field the unseen edit changed
    merge::DeviceId device{};
    std::uint64_t hlc = 0;
    bool shown = false;  // the value every replica displays (fields only)
};

struct Conflict {
    std::string path;  // field, instance, or "" for the record itself
    bool delete_conflict = false;
    std::vector<ConflictCandidate> candidates;
};

// The open conflicts of a record. `state` gives the candidates of delete conflicts; when
// it is nullptr they are listed without candidates.
std::vector<Conflict> conflicts_of(const merge::RecordView& view, const merge::RecordState* state);

// A candidate as a person reads it: the answer (text without quotes), "(cleared)",
// `unreadable`, "(deleted)", "(kept)", or "(edited <path>: <answer>)".
std::string candidate_text(const ConflictCandidate& c, const char* unreadable = "(not decrypted)");

}  // namespace canvass::cli::exporting
