// XLSForm files in: a spreadsheet to the JSON twin that the form loader reads, with every
// problem of the spreadsheet and of the form named by sheet, row and column.
//
//   auto imported = canvass::xlsform::import_file("household.xlsx");
//   for (const auto& p : imported.problems) std::cerr << describe(p) << "\n";
//   if (imported.ok()) save(imported.twin_text);
//
// Nothing here throws on any input; docs/xlsform.md lists what is read and every error.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "xlsform/attached_files.hpp"
#include "xlsform/source_map.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::xlsform {

struct Import {
    // The twin as JSON text (2-space indent, a final newline). On success form::load_form
    // accepts it; on failure it holds what could be converted, for looking at only.
    std::string twin_text;
    // Every problem: those of the spreadsheet (a group never closed, a language column
    // whose language cannot be told), then those the form loader finds in the twin,
    // mapped back to their cells. Empty on success.
    std::vector<CellProblem> problems;
    // What the reader ignored, as pyxform does, and says so: a survey column that neither
    // canvass nor pyxform reads (a designer's `notes`; a misspelt `relevent`, with the
    // column it is closest to). They do not stop the import.
    std::vector<CellProblem> warnings;

    bool ok() const { return problems.empty(); }
};

// Converts and checks `book`; `file_stem` names the form when its settings do not. The CSV
// files it names (select_one_from_file, instance(), pulldata()) are read from `files`.
Import import_workbook(const Workbook& book, std::string_view file_stem,
                       const FileSource& files = {});

// Reads `path` (.xlsx or .xls, by content) and imports it, with the CSV files it names
// read from the folder it is in. A file that cannot be read as a workbook is one problem
// with no sheet, whose message says why.
Import import_file(const std::string& path, const Limits& limits = {});

// The JSON text of any form file canvass reads: a JSON twin as it is, or a spreadsheet
// (is_spreadsheet_file) imported. `problems` is non-empty only for spreadsheets whose
// import failed, files that cannot be read, and text no JSON document can start with; a
// JSON file's own problems are the loader's to report (form::load_form).
struct FormText {
    std::string json_text;
    std::vector<CellProblem> problems;
    std::vector<CellProblem> warnings;  // a spreadsheet's (Import::warnings)
    bool spreadsheet = false;
};
FormText read_form_file(const std::string& path);

}  // namespace canvass::xlsform
