// XLSForm sheets to the JSON twin (docs/xlsform.md): the reading pyxform does, ending
// in the JSON object docs/forms.md describes, with a map back to the cells.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "xlsform/attached_files.hpp"
#include "xlsform/source_map.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::xlsform {

struct Conversion {
    nlohmann::ordered_json twin;        // keys in the order a designer reads them
    detail::SourceMap map;              // JSON paths of the twin -> cells
    std::vector<CellProblem> problems;  // what the spreadsheet itself gets wrong
    std::vector<CellProblem> warnings;  // what was ignored: a column no tool reads (`notes`)
};

// Converts `book`. `file_stem` is the form_id when the settings sheet gives none (as
// pyxform names a form after its file). Never fails: what cannot be converted is a
// problem, and the rest is converted so that the loader can find every other problem.
// The CSV files the form names are read from `files` (none when it is empty) into the
// twin's `external`.
Conversion convert(const Workbook& book, std::string_view file_stem, const FileSource& files = {});

}  // namespace canvass::xlsform
