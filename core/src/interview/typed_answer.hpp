// Between what an interviewer types on one line and the JSON answer of each question type
// (docs/forms.md "survey rows"; docs/interview.md for what can be typed).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "form/expression.hpp"
#include "form/form.hpp"
#include "canvass/interview.hpp"

namespace canvass::interview {

// Error{form, invalid_argument} with `message`: what the interviewer or app gave is refused.
Unexpected<Error> refuse(std::string message);

// Reads `text` (trimmed, not empty) as an answer to `row`, a question. `offered`: for a
// select, its choices that pass the choice_filter, in the order shown (numbers count from
// 1 in that order); a choice is typed by its number, name or label (case and accents
// ignored, a label only when it fits one choice). `now` gives "today" and "now" (or their words in
// `lang`, the interview's language: canvass/interview_words.hpp). Failure: Error{form,
// invalid_argument} whose message, in `lang`, tells the interviewer what to type instead. Type
// checks of the form (form/answer_types.hpp) and constraints are the caller's to apply to the
// result.
Result<nlohmann::json> read_answer(const form::Row& row, const std::vector<StepChoice>& offered,
                                   std::string_view text, const form::Instant& now,
                                   std::string_view lang = "en");

// Why `value` cannot answer `row` by its type (form/answer_types.hpp type_problem), said
// in `lang` for the person answering; nullopt when it can.
std::optional<std::string> refusal(const form::Row& row, const form::ChoiceList* list,
                                   const nlohmann::json& value, std::string_view lang);

// What to type for `row`, in `lang`, for the prompt and for help: "a whole number",
// "a date YYYY-MM-DD, or today". Empty for text and select_one (their prompt says it).
std::string answer_format(const form::Row& row, std::string_view lang = "en");

// An answer as the interviewer reads it: choice labels in `lang` for selects
// ("Cardboard, Glass"), "lat lon [alt [acc]]" for geopoints, the text of anything else.
std::string show_answer(const form::Form& form, const form::Row& row, const nlohmann::json& value,
                        const std::string& lang);

}  // namespace canvass::interview
