// Between the answers a person gives (JSON keyed by field name, a repeat as an array of
// instance objects, docs/forms.md) and what the merge stores (one value per path,
// schemas/protocol/changeset.md).
//
// Repeat instances carry their UUID in an "_id" key: absent on a new instance (one is
// minted), present on instances read back from a record, so an edit addresses the same
// instance on every device.
#pragma once

#include <map>
#include <set>
#include <vector>
#include <string>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "form/form.hpp"
#include "merge/ids.hpp"
#include "merge/record_view.hpp"

namespace canvass::store {

inline constexpr const char* kInstanceIdKey = "_id";
inline constexpr const char* kDeleteInstanceKey = "_delete";

// Path -> JSON value, for every answered field (calculations included). Instances without
// "_id" get one from `random`, written back into `answers` so the caller can show it.
// Every instance path is listed too, so an instance with no answers yet is not lost.
struct FlatAnswers {
    std::map<std::string, nlohmann::json> fields;
    std::vector<std::string> instances;  // instance paths, in the order of the answers
    std::set<std::string> instance_set;  // the same, for lookups
};
Result<FlatAnswers> flatten(const form::Form& form, nlohmann::json& answers, merge::Random& random);

// The answers of a merged record as JSON: winners only, deleted parts left out, instances in
// their merged order each with its "_id". Paths hold names only, so no form is needed, and
// answers to questions a newer form version removed are kept under their name.
nlohmann::json to_answers(const merge::RecordView& view);

// Applies an edit file (only the fields to change) to `current`: top-level keys replace;
// for a repeat, listed instances with "_id" are edited field by field (or removed with
// "_delete": true), instances without "_id" are added, unlisted instances are kept.
Result<void> apply_changes(const form::Form& form, nlohmann::json& current,
                           const nlohmann::json& changes);

// Removes the answers of calculate rows at every level, so they are computed afresh (an
// edit changes what they depend on); a calculation using once() keeps its value.
void strip_calculations(const form::Form& form, nlohmann::json& answers);

}  // namespace canvass::store
