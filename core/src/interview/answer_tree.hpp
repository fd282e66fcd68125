// Finding and changing one answer inside an answers object (DESIGN.md section 8: keyed by
// field name, groups flattened, a repeat an array of instance objects).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <vector>

#include "form/form.hpp"
#include "form/record.hpp"

namespace canvass::interview {

// The object holding the answers of instance `at` (`answers` itself when `at` is empty),
// or nullptr when the answers have no such instance.
const nlohmann::json* instance_at(const form::Form& form, const nlohmann::json& answers,
                                  const form::InstancePath& at);
nlohmann::json* instance_at(const form::Form& form, nlohmann::json& answers,
                            const form::InstancePath& at);

// The answer to `row` in instance `at`, or nullptr when it has none.
const nlohmann::json* answer_at(const form::Form& form, const nlohmann::json& answers,
                                const form::InstancePath& at, const form::Row& row);

// Sets the answer to `row` in instance `at`; null, "" and [] remove it instead, so the
// answers never hold an empty value. Does nothing when the instance does not exist.
void set_answer(const form::Form& form, nlohmann::json& answers, const form::InstancePath& at,
                const form::Row& row, nlohmann::json value);

// How many instances `repeat` has inside instance `at`.
std::size_t instance_count(const form::Form& form, const nlohmann::json& answers,
                           const form::InstancePath& at, const form::Row& repeat);

// Every instance `row` is answered in: {{}} for a row outside repeats, else one path per
// instance of its innermost repeat, in order.
std::vector<form::InstancePath> instances_of(const form::Form& form, const nlohmann::json& answers,
                                             const form::Row& row);

}  // namespace canvass::interview
