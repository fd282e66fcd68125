// Checking one record's answers against a form (DESIGN.md section 8 for the answers'
// shape, docs/forms.md "Answers" for the rules).
//
//   auto v = validate_answers(form, answers, {.language = "fr", .mode = Mode::final});
//   for (const auto& p : v.violations) std::cout << p.path << ": " << p.message << "\n";
//   if (v.ok()) save(v.completed);
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "form/expression.hpp"
#include "form/form.hpp"
#include "form/problem.hpp"

namespace canvass::form {

enum class Mode : std::uint8_t {
    draft,  // an interview in progress: required answers may still be missing
    final,  // a finished interview: required answers must be there too
};

struct ValidateOptions {
    std::string language;  // of constraint and required messages; "" or unknown: the default
    Mode mode = Mode::draft;
    Clock clock;  // for today() and now(); empty: the system clock
};

struct Validation {
    // Every violation in form order. Paths name the field and its 1-based repeat
    // instances (`members[2].age`); an empty path is about the whole record.
    std::vector<Problem> violations;
    // The answers with every calculation filled in, empty answers (null, "", []) removed
    // and whole numbers of integer questions stored as integers: what a store saves.
    // Meaningful only when there is no violation.
    nlohmann::json completed;

    bool ok() const { return violations.empty(); }
};

// Checks `answers` (an object keyed by field name; groups flattened; a repeat an array
// of instance objects, each optionally carrying its "_id" UUID) against `form`: unknown
// fields, answer types, required (final mode), constraints, relevance, choice filters,
// read-only and note rows, repeat counts. Values given for calculate rows are ignored:
// `completed` holds what the calculations give. Never throws on any JSON.
// Precondition: `answers` is no deeper than 64 levels (true of anything read with
// form/json_text.hpp's parse_json), since copying JSON is recursive.
Validation validate_answers(const Form& form, const nlohmann::json& answers,
                            const ValidateOptions& options = {});

// `answers` with the calculations computed (given calculate values replaced), without
// checking anything else. Same precondition as validate_answers.
nlohmann::json complete_answers(const Form& form, const nlohmann::json& answers,
                                const Clock& clock = {});

// The record's display name: settings.instance_name evaluated on `answers` (a record's
// answers as saved, calculations included) at `clock`'s time; "" when the form has no
// instance_name or it gives nothing. Exports and listings pass the time of the record's last
// change, so a name using now() stays what it was when the record was saved.
std::string record_name(const Form& form, const nlohmann::json& answers, const Clock& clock = {});

}  // namespace canvass::form
