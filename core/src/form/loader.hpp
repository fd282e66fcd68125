// Loading a form from its JSON text (docs/forms.md), with every problem reported.
//
//   auto loaded = canvass::form::load_form(text);
//   if (!loaded) for (const auto& p : loaded.error()) std::cerr << describe(p) << "\n";
//   const Form& form = loaded.value();
//
// The loader never throws on any input and never crashes: the text is size- and
// depth-checked before it is parsed, and every check collects problems instead of
// stopping. A form is returned only when there is no problem at all.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

#include "form/form.hpp"
#include "form/problem.hpp"

namespace canvass::form {

// Largest form text accepted, and deepest nesting of JSON arrays and objects.
inline constexpr std::size_t max_form_bytes = 8u << 20;
inline constexpr int max_form_depth = 64;

// Parses and checks `json_text`. Success: the Form. Failure: every problem, each with a
// JSON path into the document (0-based indices, `survey[3].children[1].relevant`) and a
// plain message (`unknown field ${agee}`). Invalid JSON is one problem with an empty path
// whose message gives the line and column.
Checked<Form> load_form(std::string_view json_text);

// The same checks on an already parsed document (a form that arrived in a sync message).
// Precondition: `document` is no deeper than max_form_depth (true of anything decoded by
// form/json_text.hpp's parse_json or with the same limits).
Checked<Form> load_form_json(const nlohmann::json& document);

// Whether `column` is a column a survey row of the twin may have (docs/forms.md "survey
// rows": type, name, label, relevant, …), which the XLSForm reader keeps.
bool is_survey_column(std::string_view column);

// A language code as forms write it: BCP 47 in its simple form, `en`, `fr`, `pt-BR`, `es-419`.
bool is_language_code(std::string_view s);

}  // namespace canvass::form
