// The tables of an export, shared by every tabular format: the main table (one row per
// record) and one table per repeat (one row per instance), nested repeats included, the
// way ODK Central and Briefcase lay out a form's submissions.
//
// Columns come from the NEWEST form version; answers are looked up by field name, so a
// record answered under an older version fills the columns it has and leaves the others
// empty (paths hold names only, merge/path.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/dataset.hpp"
#include "form/form.hpp"
#include "form/record.hpp"

namespace canvass::exporting {

// Rows that become variables: everything answered but notes (ODK Central leaves notes out
// too), groups and repeats (which are structure, not values).
bool is_exported(form::RowType type);

struct TableLayout {
    std::optional<form::RowId> repeat;  // nullopt: the main table
    std::string name;                   // the repeat's name; "" for the main table
    std::vector<form::RowId> fields;    // exported rows answered at this level, form order
    std::vector<std::size_t> children;  // tables of the repeats nested directly in this one
    std::optional<std::size_t> parent;  // the enclosing table
};

// Every table, depth first in form order: the main table is [0], a repeat's table comes
// before the tables nested in it.
std::vector<TableLayout> table_layouts(const form::Form& form);

// Names of the groups between `row` and the table it belongs to (`table_repeat`, or the
// form's top level), outermost first.
std::vector<std::string> groups_between(const form::Form& form, form::RowId row,
                                        std::optional<form::RowId> table_repeat);

// ODK Central's column name: groups joined by '-' then the field name (`place-location`).
std::string odk_column(const form::Form& form, const form::Row& row,
                       std::optional<form::RowId> table_repeat);

// One row of one table.
struct TableRow {
    const ExportRecord* record = nullptr;
    const nlohmann::json* answers = nullptr;  // the record's answers or one instance's object
    std::string key;                          // ODK's KEY: uuid:<record>[/group…/repeat[n]…]
    std::string parent_key;                   // the enclosing row's KEY; "" in the main table
    std::string instance_path;                // merge path of the instance; "" in the main table
    form::InstancePath at;  // the instance as the form engine names it; empty in the main table
};

// The rows one record gives each table: [i] for layouts[i], empty for a deleted record.
// They point into `record`, which must outlive them.
using RecordRows = std::vector<std::vector<TableRow>>;
RecordRows record_rows(const form::Form& form, const std::vector<TableLayout>& layouts,
                       const ExportRecord& record);

// The answer to `row` in a table row, or nullptr when unanswered.
const nlohmann::json* answer_of(const TableRow& r, const form::Row& row);

}  // namespace canvass::exporting
