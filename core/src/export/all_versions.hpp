// `canvass export --all-versions` (docs/export.md): the columns of every version of a form,
// as ODK Central's deletedFields and Kobo's "all versions" give them. The newest version's
// form, with each question an older version had and the newest removed put back after the
// question it followed there (or at the end of its group), the choices older lists had, and
// the attached files (and rows of them) older versions carried.
#pragma once

#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "form/form.hpp"

namespace canvass::exporting {

// `versions`: the forms' JSON texts, the newest first. The merged form keeps the newest's
// settings; questions put back keep their type, label and choices, not their skip logic or
// constraints (an export needs neither). An Error{form} if they cannot be merged (a name
// reused for another type, say).
Result<form::Form> all_versions_form(const std::vector<std::string>& versions);

}  // namespace canvass::exporting
