// A form's words in any of its languages, for showing answers to a person: its title, each
// question's label, each choice's label, and an answer as a person reads it (choices by
// their labels). Read from an installed form (Device::form_view) or from a form's JSON twin.
// A face that lists or shows records (the desk, a phone's list of records) reads labels
// here rather than from the JSON twin, so the language fallbacks are the core's.
//
//   auto form = device->form_view("household");
//   auto lang = form->language("fr");             // "fr" when the form has it, else its default
//   show(form->label("age", lang), form->answer_text("sex", "\"f\"", lang));
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"

namespace canvass {

namespace form {
class Form;
}

// A question (any row of the survey sheet: notes, groups and calculations too).
struct FormQuestion {
    std::string name;
    std::string type;          // the type's word: "integer", "select_one", "geopoint", "group"…
    std::size_t position = 0;  // in the form's order, from 0
    bool choices = false;      // answered from a choice list (select_one, select_multiple, rank)
    bool main_table = false;   // a column of the main table (the export's FORM.csv): answered
                               // outside any repeat, and holding a value
};

class FormView {
  public:
    // The JSON twin `form_json` read and checked as a device installs it:
    // Error{form, invalid_argument} with its first problem when it is not valid.
    static Result<FormView> parse(std::string_view form_json);

    const std::string& form_id() const;
    const std::string& version() const;
    const std::string& default_language() const;
    const std::vector<std::string>& languages() const;
    // `wanted` when the form has that language, else the form's default.
    std::string language(std::string_view wanted) const;

    // The title in `lang` (the default language's where it has none there), else the form id.
    std::string title(std::string_view lang) const;
    // Every row in form order.
    const std::vector<FormQuestion>& questions() const;
    // The question named `name` (or the last segment of a path, "members/3f…/age"), nullptr
    // when the form has none.
    const FormQuestion* find(std::string_view name) const;
    // The question's label in `lang`, "" when it has none.
    std::string label(std::string_view name, std::string_view lang) const;
    // The label of choice `choice` of the question's list in `lang`; `choice` itself when it
    // has none (or the question has no list).
    std::string choice_label(std::string_view question, std::string_view choice,
                             std::string_view lang) const;
    // An answer's JSON text at `question` as a person reads it: choices by their labels (a
    // select_multiple's joined by ", "), numbers without exponent, a file by its name; ""
    // for null or text that is not JSON.
    std::string answer_text(std::string_view question, std::string_view value_json,
                            std::string_view lang) const;
    // A cell of the main table (RecordTable, the export's CSV: a select_multiple's names
    // joined by spaces) with its choices' labels in `lang`, joined by ", ".
    std::string cell_text(std::string_view question, std::string_view cell,
                          std::string_view lang) const;

  private:
    friend class Device;
    friend class RecordTable;
    friend struct RecordTableAccess;
    explicit FormView(std::shared_ptr<const form::Form> form);
    std::shared_ptr<const form::Form> form_;
    std::vector<FormQuestion> questions_;
};

}  // namespace canvass
