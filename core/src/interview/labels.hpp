// The form's words as a step shows them: a label in the session's language with its
// ${field} references filled in, and the choices a select offers after its choice_filter.
#pragma once

#include <string>
#include <vector>

#include "form/form.hpp"
#include "form/record.hpp"

namespace canvass::interview {

// `label` in `lang` (else the form's default language) with each ${name} replaced by that
// field's value as seen from instance `at` (XLSForm's output of a field in a label). A
// ${name} that is not a field stays as written.
std::string fill(const form::Form& form, const form::Label& label, const std::string& lang,
                 const form::InstancePath& at, const form::Record& record);

// The choices of select `row` in instance `at` that pass its choice_filter, in form order.
std::vector<const form::Choice*> offered_choices(const form::Form& form, form::Record& record,
                                                 const form::Row& row,
                                                 const form::InstancePath& at);

// The instance path `at` cut after the instance of `repeat` (the path of that instance).
form::InstancePath up_to(const form::InstancePath& at, form::RowId repeat);

}  // namespace canvass::interview
