// Conflicts and history as a person reads them: the words `canvass conflicts`, `history`,
// `show` and conflicts.csv print for the core's structured results.
#pragma once

#include <optional>
#include <string>

#include "coordinator/conflicts.hpp"
#include "coordinator/history.hpp"

namespace canvass::cli::exporting {

// An answer's JSON text as a cell shows it: text without quotes, "(cleared)" for null,
// `unreadable` when it was not decrypted.
std::string answer_text(const std::optional<std::string>& json_text, bool readable, const char* unreadable);

// A candidate: the answer, "(cleared)", `unreadable`, "(deleted)", "(kept)", or
// "(edited <path>: <answer>)".
std::string candidate_text(const coordinator::ConflictCandidate& c, const char* unreadable = "(not decrypted)");

// "value", "deleted", "kept", "edited".
const char* candidate_kind_name(coordinator::CandidateKind kind);

// "answer", "delete record", "delete instance", "keep".
const char* change_kind_name(coordinator::ChangeKind kind);

}  // namespace canvass::cli::exporting
