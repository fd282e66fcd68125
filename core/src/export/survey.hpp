// What an export must know of the data before it writes a row of some formats, gathered in
// one pass over the records (docs/export.md, "At any size"): how many rows each table has,
// the select values met that the form does not list (their Stata and SPSS codes, the split
// CSV columns), whether a calculation is always a number, and the widest text of each
// variable (Stata and SPSS fix string widths in the file's header). Its size depends on the
// form and on the distinct select values, not on the number of records.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "export/tables.hpp"
#include "form/form.hpp"

namespace canvass::exporting {

// What the answers to one field in one table were like.
struct FieldSurvey {
    std::vector<std::string> values;     // a select's choice names as met, first met first
    std::vector<std::string> in_arrays;  // of those, the ones met inside a list (select_multiple)
    bool answered = false;               // at least one answer
    bool numbers = true;                 // every answer a number
    std::size_t text_bytes = 0;          // the widest answer as text (fields that may be text)
};

class Survey {
  public:
    explicit Survey(const std::vector<TableLayout>& layouts);

    // Counts one record's rows in (`form` is the export's).
    void add(const form::Form& form, const RecordRows& rows);

    std::size_t rows(std::size_t table) const { return rows_.at(table); }
    // The field `row` of `table`; an unanswered one when no row had it.
    const FieldSurvey& field(std::size_t table, form::RowId row) const;
    // The widest text of metadata column `name` in `table`.
    std::size_t meta_bytes(std::size_t table, const std::string& name) const;

  private:
    const std::vector<TableLayout>& layouts_;
    std::vector<std::size_t> rows_;
    std::vector<std::map<form::RowId, FieldSurvey>> fields_;
    std::vector<std::map<std::string, std::size_t>> meta_bytes_;
};

// Whether the Stata and SPSS files may hold answers of `type` as text (stat_model.hpp).
bool may_be_text(form::RowType type);

}  // namespace canvass::exporting
