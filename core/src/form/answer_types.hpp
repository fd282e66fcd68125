// The JSON form of each answer type (DESIGN.md section 8, docs/forms.md "survey rows"),
// shared by answer validation and by the loader's check of `default` values.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "form/form.hpp"

namespace canvass::form {

// null, "" and [] stand for "no answer" in an answers object.
bool is_unanswered(const nlohmann::json& value);

// Why `value` is not a well-formed answer to a question of `row`'s type: JSON type,
// format, calendar, ranges, membership in `list` (the row's choice list, nullptr for
// other types). nullopt when it is well formed. Relevance, constraints, choice_filter
// and required are the validator's business. Precondition: is_question(row.type) or
// is_metadata(row.type), and !is_unanswered(value).
std::optional<std::string> type_problem(const Row& row, const ChoiceList* list,
                                        const nlohmann::json& value);

// An answer as the expression language sees it: strings as they are, numbers in XPath's
// form, a select_multiple as its names joined by spaces, a geopoint as
// "lat lon alt acc" (ODK's form), booleans as "true"/"false", anything else "".
std::string answer_text(const nlohmann::json& value);

// An answer as a table's cell shows it (the export's CSV, the coordinator's views): strings
// as they are, numbers without exponent, select_multiple names joined by spaces (ODK's
// form), an attachment by its file name, anything else as compact JSON; "" for null.
std::string cell_text(const nlohmann::json& value);

// An expression's value as an answer to `row` (a computed answer, a trigger's value, a
// dynamic default): a number for integer and decimal questions, an array of names for a
// select_multiple, a geopoint object from "lat lon [alt [acc]]", text otherwise; nullopt
// for "" and for what does not read as the type (the caller checks type_problem too).
std::optional<nlohmann::json> answer_from_value(const Row& row, const Value& value);

// Integral JSON numbers that fit in int64 as integers (12.0 -> 12); other values as they
// are. Used to store integer answers in one canonical form.
nlohmann::json canonical_integer(const nlohmann::json& value);

}  // namespace canvass::form
