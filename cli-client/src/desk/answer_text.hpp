// Answers as the desk's pages show them: choices by their label in the page's language of
// the form, text as it is, numbers without exponent (the export's cell text).
#pragma once

#include <optional>
#include <string>

#include "form/form.hpp"

namespace canvass::cli::desk {

// The field's name: the last segment of its path.
std::string field_name(const std::string& path);

// The label of choice `name` of `row`'s list in `lang`; `name` itself when it has none.
std::string choice_label(const form::Form& form, const form::Row& row, const std::string& name,
                         const std::string& lang);

// An answer's JSON text as a person reads it: `unreadable` when not decrypted, `unanswered`
// when absent or null, choices by their labels.
std::string answer_display(const form::Form& form, const form::Row* row,
                           const std::optional<std::string>& text, bool readable,
                           const std::string& unreadable, const std::string& unanswered,
                           const std::string& lang);

// A table cell (a select_multiple's names joined by spaces) with its choices' labels.
std::string cell_display(const form::Form& form, const form::Row& row, const std::string& cell,
                         const std::string& lang);

}  // namespace canvass::cli::desk
