// Keeping an interview's answers a valid draft after any change.
//
// Going back and changing an answer can make later answers wrong: a question that is no
// longer relevant, a choice no longer offered by a choice_filter, a constraint that
// compares with the changed answer, more instances than a repeat_count. The store refuses
// such a draft (form/validate.hpp), and ODK clears them too, so the interview does the
// same before every save and tells the interviewer what went.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "form/expression.hpp"
#include "form/form.hpp"

namespace canvass::interview {

// Most instances a repeat_count may create: a mistyped count must not fill the memory.
inline constexpr std::size_t max_counted_instances = 1000;

// Brings `answers` (an answers object without calculations) in line with the form:
// removes answers to rows that are not relevant, not questions (notes, read_only,
// calculations), malformed, not offered, or refused by their constraint; removes repeats
// that are not relevant; gives each repeat with repeat_count exactly that many instances
// (new ones empty). Repeats until nothing changes, since each removal can change
// relevance elsewhere. Returns a line for each answer the interviewer gave that was
// removed ("Age of child number 2"), with `lang` labels.
std::vector<std::string> settle(const form::Form& form, nlohmann::json& answers,
                                const form::Clock& clock, const std::string& lang);

// Copies into `answers` the values of calculations using once() from `computed` (the same
// answers with calculations computed, form::Record::answers()), instance by instance: such a
// value is kept with the answers so that once(random()) stays what it first was.
void keep_once_values(const form::Form& form, const nlohmann::json& computed,
                      nlohmann::json& answers);

}  // namespace canvass::interview
