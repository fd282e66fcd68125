// The variables of the Stata and SPSS files: what each table's columns become when a
// statistics package reads them (docs/export.md, "Stata (.dta) and SPSS (.sav)").
//   integer, decimal          numeric (double)
//   select_one                numeric codes with value labels: the choice names themselves
//                             when every name of the list is an integer, else 1, 2, … in
//                             choice order
//   select_multiple           one 0/1 variable per choice (`<name>_<choice>`), labelled
//   geopoint                  four numeric variables `<name>_latitude` … `_accuracy`
//   date, datetime, time      the packages' date, date-time and time types
//   calculate                 numeric when every value is a number, else text
//   text, acknowledge, metadata keys: text
// An empty numeric answer says why: not relevant (the form's logic skipped it) or not
// answered (asked, left empty); see MissingKind. Names follow each format's rules
// (stat_names.hpp); questions keep their own names, derived variables yield. A select value
// that the newest form no longer lists (answered under an older version) gets the next free
// code, labelled with the value itself, so nothing is lost.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "export/cells.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

enum class VarKind { number, text, coded, dummy, date, datetime, time };

// Why a numeric answer is empty. Stata writes .a and .b (extended missing values), SPSS the
// user-missing codes below, each with a value label.
enum class MissingKind { none, not_relevant, not_answered };
inline constexpr double kSpssNotRelevant = -999999997;
inline constexpr double kSpssNotAnswered = -999999998;
inline constexpr char kStataNotRelevant = 'a';
inline constexpr char kStataNotAnswered = 'b';
inline constexpr const char* kNotRelevantLabel = "not relevant";
inline constexpr const char* kNotAnsweredLabel = "not answered";

struct StatVariable {
    std::string name;   // valid and unique in its file for the format
    std::string label;  // variable label in the export's language
    VarKind kind = VarKind::text;
    const form::Row* row = nullptr;  // nullptr for metadata variables
    std::string source;              // the field's name, or the metadata column's
    std::string label_set;           // coded: name of its value labels
    // The value in one table row: a number (dates as the format counts them), a text, or
    // empty. A text in a non-text variable is an answer of another type (an older form
    // version) or a date the format cannot hold; the writer leaves it empty and says so.
    std::function<Cell(const TableRow&)> value;
    // For an empty value of a field: whether the question was relevant there. Unset for
    // metadata.
    std::function<MissingKind(const TableRow&)> why_missing;
};

struct ValueLabels {
    std::string name;  // valid label set name for the format
    std::vector<std::pair<int, std::string>> labels;
    std::vector<std::string> names;  // the choice name of each code, parallel to labels
    bool choice_names = false;       // the codes are the choice names (every name an integer)
};

struct StatModel {
    std::vector<std::vector<StatVariable>> tables;  // parallel to the table layouts
    std::map<std::string, ValueLabels> label_sets;  // by choice list name
    // Name of the value labels that name the two missing values, for numeric fields
    // without choices (integers, decimals, select_multiple indicators).
    std::string missing_set;
};

// The variables of every table under `spec`, whose survey must be complete.
StatModel stat_model(const ExportSpec& spec, StatFormat format);

// A label as the packages show it: `${field}` references become `[field]`, so no raw
// reference reaches a variable or value label (in a Stata do-file `$` starts a macro).
std::string plain_label(const std::string& text);

}  // namespace canvass::exporting
