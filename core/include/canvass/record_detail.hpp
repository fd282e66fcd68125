// One record as a coordinator reads it on its own page (the desk's record page,
// Coordinator::record_detail): every answer in form order, its open conflicts with each
// candidate, the coordinators' review and every review written, and the history of each
// field (who changed it, when, to what). Values are JSON text, as everywhere in the API;
// FormView words them for a person. Devices are 32 hex digits, times ISO 8601 text (UTC).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace canvass {

// The longest review comment Device::review takes, in bytes.
inline constexpr std::size_t kMaxReviewCommentBytes = 4000;

// A value that stands in a conflict.
struct RecordCandidate {
    std::optional<std::string> value_json;  // nullopt where not decrypted or no value
    bool readable = true;                   // false: sealed under a key this one cannot open
    std::string device;                     // who wrote it
    std::string at;                         // when
    bool shown = false;                     // the value every replica displays meanwhile
};

// An open conflict: at a field (values that were written without seeing each other), or a
// delete conflict (the record or a repeat instance deleted while someone edited it).
struct RecordConflict {
    std::string path;  // the field or instance, "" for the record itself
    bool delete_conflict = false;
    std::vector<RecordCandidate> candidates;  // field conflicts: the shown one first
};

// An answer as the record holds it now.
struct RecordField {
    std::string path;                       // "age", "members/<instance>/age"
    std::optional<std::string> value_json;  // the merged value; nullopt when not decrypted
    bool conflict = false;                  // an open conflict stands at this path
};

// A review written (the coordinators' judgement, ODK Central's review states).
struct RecordReview {
    std::string state;  // "approved", "hasIssues", "rejected"; "" cleared
    std::string comment;
    std::string by;  // the coordinator's device
    std::string at;
    bool readable = true;    // false: written under a key this one cannot open
    bool contested = false;  // the current review only: several written at once
};

// What one changeset did at one path.
struct RecordChange {
    std::string path;
    std::optional<std::string> value_json;  // nullopt: not decrypted, or not a value
    bool readable = true;
    bool resolves = false;  // it replaced two or more live values: it settled a conflict
};

struct RecordChangeset {
    std::string device;
    std::string at;
    bool creates = false;               // the record's first changeset
    bool by_creator = true;             // false: a coordinator's edit
    std::vector<RecordChange> changes;  // answers only; reviews are in RecordDetail::reviews
};

struct RecordDetail {
    std::string id;
    std::string form_id;
    std::string device;     // its creator
    std::string submitted;  // when it was first saved
    bool deleted = false;
    std::vector<RecordField> fields;  // in form order (paths the form does not name last)
    std::vector<RecordConflict> conflicts;
    std::optional<RecordReview> review;    // the current one, none when never reviewed
    std::vector<RecordReview> reviews;     // every review written, oldest first
    std::vector<RecordChangeset> history;  // oldest first
};

}  // namespace canvass
