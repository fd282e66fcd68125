// The variables of the Stata and SPSS files: what each table's columns become when a
// statistics package reads them.
//   integer, decimal          numeric (double)
//   select_one                numeric codes 1, 2, … in choice order, with value labels
//   select_multiple           one 0/1 variable per choice (`<name>_<choice>`), labelled
//   geopoint                  four numeric variables `<name>_latitude` … `_accuracy`
//   calculate                 numeric when every value is a number, else text
//   text, date, time, datetime, acknowledge, metadata keys: text (dates as ISO 8601)
// Names follow each format's rules (stat_names.hpp). A select value that the newest form
// no longer lists (answered under an older version) gets the next free code, labelled
// with the value itself, so nothing is lost.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "export/cells.hpp"
#include "export/writers.hpp"

namespace canvass::cli::exporting {

enum class VarKind { number, text, coded, dummy };

struct StatVariable {
    std::string name;                // valid and unique in its file for the format
    std::string label;               // variable label in the export's language
    VarKind kind = VarKind::text;
    const form::Row* row = nullptr;  // nullptr for metadata variables
    std::string source;              // the field's name, or the metadata column's
    std::string label_set;           // coded: name of its value labels
    // The value in one table row: a number, a text, or empty. A text in a number variable
    // is an answer of another type (an older form version); the writer leaves it empty
    // and says so.
    std::function<Cell(const TableRow&)> value;
};

struct ValueLabels {
    std::string name;  // valid label set name for the format
    std::vector<std::pair<int, std::string>> labels;
};

struct StatModel {
    std::vector<std::vector<StatVariable>> tables;  // parallel to Tables::layouts
    std::map<std::string, ValueLabels> label_sets;  // by choice list name
};

StatModel stat_model(const ExportJob& job, StatFormat format);

}  // namespace canvass::cli::exporting
