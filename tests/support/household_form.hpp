// A small form with a repeat, shared by store, sync and CLI tests.
#pragma once

namespace canvass::testing {

inline constexpr const char* kHouseholdForm = R"({
  "settings": {"form_id": "household", "version": "1", "title": {"en": "Household"},
               "default_language": "en"},
  "survey": [
    {"type": "text", "name": "name", "label": {"en": "Name"}, "required": true},
    {"type": "integer", "name": "age", "label": {"en": "Age"},
     "constraint": ". >= 14 and . <= 110", "constraint_message": {"en": "Between 14 and 110"}},
    {"type": "select_one work", "name": "work", "label": {"en": "Work"}},
    {"type": "decimal", "name": "income", "label": {"en": "Income"}},
    {"type": "repeat", "name": "members", "label": {"en": "Member"}, "children": [
      {"type": "text", "name": "member_name", "label": {"en": "Member name"}},
      {"type": "integer", "name": "member_age", "label": {"en": "Member age"}}
    ]},
    {"type": "calculate", "name": "size", "calculation": "count(${members}) + 1"}
  ],
  "choices": {"work": [{"name": "vendor", "label": {"en": "Vendor"}},
                       {"name": "picker", "label": {"en": "Waste picker"}}]}
})";

}  // namespace canvass::testing
