// Internal to the device store: what every save checks beyond the form's own rules. A save
// must fit one changeset the server accepts (merge/changeset.hpp states the limits), and a
// coordinator's resolution must leave the record valid.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "form/problem.hpp"
#include "merge/changeset.hpp"
#include "merge/record_view.hpp"

namespace canvass::store {

// False when some shown value is another device's, which this store cannot decrypt.
bool is_readable(const merge::RecordView& view);

// Adds a problem for every answer of `answers` (completed answers, repeats as arrays of
// instances) longer than merge::kMaxAnswerBytes, at its validation path ("members[2].note").
void add_size_problems(const nlohmann::json& answers, const std::string& prefix,
                       std::vector<form::Problem>& out);

// The refusal of a save whose changeset would be `bytes` long, over merge::kMaxChangesetBytes:
// names the largest answer. `values` are aligned with `h.ops`.
Unexpected<Error> too_large_to_sync(const merge::ChangesetHeader& h,
                                    const std::vector<std::optional<std::string>>& values,
                                    std::size_t bytes);

// Sets `value` at the changeset path `path` ("age", "members[<id>]/age") in `answers` (as
// store/answers.hpp's to_answers gives them); an unanswered value removes the answer. Sets
// `at` to the path validation names it by ("members[2].age"). False when an instance on the
// path is not in the answers.
bool set_answer(nlohmann::json& answers, const std::string& path, const nlohmann::json& value,
                std::string& at);

}  // namespace canvass::store
