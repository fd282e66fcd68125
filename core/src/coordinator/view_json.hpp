// The coordinator view in words and JSON: one rendering of records, conflicts, history and
// what could not be decrypted, shared by the command line (`canvass export --format jsonl`,
// `conflicts --json`, `history --json`), the desk and the C ABI (canvass_coordinator_*), so
// an app reads exactly what a script reads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "coordinator/conflicts.hpp"
#include "coordinator/history.hpp"
#include "coordinator/records.hpp"
#include "form/answer_types.hpp"
#include "form/form.hpp"

namespace canvass::coordinator {

// The text of a value the reader cannot see: with a coordinator key, one whose changeset did
// not open; on a device without it, another device's answer.
inline constexpr const char* kNotDecrypted = "(not decrypted)";
inline constexpr const char* kEncrypted = "(encrypted)";

// A hybrid logical clock stamp's wall time as ISO 8601 UTC with milliseconds
// ("2026-09-12T04:10:39.123Z", JavaScript's toISOString, which ODK Central writes).
std::string iso_time(std::uint64_t hlc);

// ODK's KEY of a record: "uuid:" then its id.
std::string record_key(const merge::RecordId& id);
// ODK Central's meta-instanceName: the form's instance_name on the record's answers, at the
// time of its last change (UTC); "" when the form has none.
std::string instance_name(const form::Form& form, const Record& record);

// Status as ODK Central's column says it: "" when every value was decrypted, else
// "not decrypted" (nothing could be read) or "partly decrypted".
std::string status_text(const Record& record);

// ODK Central's review state: "hasIssues" while the record has an open conflict, else the
// coordinators' review ("approved", "hasIssues", "rejected", review.hpp), else "edited" once
// it was changed after its first save, else "".
std::string review_state(const Record& record);
// The comment of the coordinators' review, "" when none.
std::string review_comment(const Record& record);

// Text of an answer as a cell shows it (form/answer_types.hpp).
using form::cell_text;
// An answer's JSON text as a person reads it: cell_text, "(cleared)" for null, `unreadable`
// when it was not decrypted.
std::string answer_text(const std::optional<std::string>& json_text, bool readable,
                        const char* unreadable);
// A candidate: the answer, "(cleared)", `unreadable`, "(deleted)", "(kept)", or
// "(edited <path>: <answer>)".
std::string candidate_text(const ConflictCandidate& c, const char* unreadable = "(not decrypted)");

// "value", "deleted", "kept", "edited".
const char* candidate_kind_name(CandidateKind kind);
// "answer", "delete record", "delete instance", "keep".
const char* change_kind_name(ChangeKind kind);

// One record as a JSON Lines export writes it: {id, instance_name, KEY, form_id,
// form_version, submission_date, updated, device, devices, edits, status, review_state,
// review_comment, conflicts (paths of open conflicts below the record), delete_conflict,
// answers}. `form` names the record (instance_name); nullptr leaves the name "".
nlohmann::json record_json(const form::Form* form, const Record& record);

// Conflicts, one object per conflict: {record, form, path, conflict ("value" | "delete"),
// resolved, candidates: [{kind, value, text, readable, device, time, shown[, path]}],
// resolution (when resolved)}. `unreadable` is the text of a value not decrypted.
nlohmann::json conflicts_json(const std::vector<RecordConflicts>& records, const char* unreadable);

// A record's history: {record, form, creator, unreadable, entries: [{time, device, label,
// this_device, seq, form_version, creates, coordinator_edit, resolves, readable, changes:
// [{path, kind, value, text, readable, resolves, replaced: [{device, seq, time, kind, value,
// text, readable}]}]}]}, `text` the value as a person reads it (answer_text, "(not
// decrypted)" when not). `me` is the device reading it.
nlohmann::json history_json(const History& history, const merge::DeviceId& me);

// Device labels from the JSON `canvass-server devices --json` prints: an array of objects
// with "device" (32 hex digits) and "label". Error{core, invalid_argument} naming the entry
// that is wrong and which file to give.
Result<DeviceLabels> parse_device_labels(std::string_view devices_json);

// One line per problem for a person: how many changesets of which device could not be read,
// and why. Empty when everything was decrypted.
std::vector<std::string> report_lines(const DecryptionReport& report);
// What could not be decrypted: {changesets, decrypted, no_grant: [{device, changesets}],
// damaged: [{device, changesets}], warnings: report_lines}.
nlohmann::json report_json(const DecryptionReport& report);

}  // namespace canvass::coordinator
