// What an interactive edit changed, in the form DeviceStore::edit takes
// (store/answers.hpp apply_changes): only the fields to change, so that the new changeset
// supersedes exactly the values the interviewer changed and merges with edits made
// elsewhere to other fields.
#pragma once

#include <nlohmann/json.hpp>

#include "form/form.hpp"

namespace canvass::interview {

// The changes that turn `before` into `after` (both answers objects without calculations,
// repeat instances of `before` carrying their "_id"): a changed or new answer is given,
// a removed one is null; for a repeat, a kept instance is listed with its "_id" and its
// own changes, a removed one as {"_id": …, "_delete": true}, a new one (no "_id") whole.
// Empty object when nothing changed.
nlohmann::json edit_changes(const form::Form& form, const nlohmann::json& before,
                            const nlohmann::json& after);

}  // namespace canvass::interview
