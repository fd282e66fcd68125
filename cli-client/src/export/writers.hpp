// The files `canvass export` writes (DESIGN.md section 10, docs/export.md): each writer
// takes the laid-out dataset and writes its files into the output directory.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "export/dataset.hpp"
#include "export/tables.hpp"
#include "form/form.hpp"

namespace canvass::cli::exporting {

// How the CSV tables are laid out, each option one of ODK Central's download choices.
struct CsvOptions {
    bool split_select_multiples = false;  // a 1/0 `question/choice` column after each select_multiple
    bool group_paths = true;              // false: bare field names as headers (groupPaths=false)
    bool zip = false;                     // the tables in `<form id>.zip`, LF line ends
    std::string labels;                   // a language of the form: choice labels, not names
};

struct ExportJob {
    const form::Form& form;  // the newest version: its columns, labels and choices
    const Dataset& dataset;
    const Tables& tables;
    std::string dir;   // existing output directory
    std::string lang;  // language of labels, one of the form's
    CsvOptions csv = {};
};

struct WrittenFile {
    std::string path;
    std::size_t rows = 0;
    std::string unit = "rows";  // what `rows` counts
};

// What the writers did: files in the order written, and anything the user must know
// (values a format could not hold). Writers append to it.
struct ExportResult {
    std::vector<WrittenFile> files;
    std::vector<std::string> warnings;
};

// `<dir>/<form id>.<ext>` for the main table, `<dir>/<form id>-<repeat>.<ext>` for a
// repeat's, as ODK Central names the files of its export.
std::string table_path(const ExportJob& job, std::size_t table, const std::string& ext);
// The same name without the directory.
std::string table_file_name(const ExportJob& job, std::size_t table, const std::string& ext);
// The form_id as the start of a file name: a `:` (CHT's `contact:person:create`), which
// Windows forbids in file names, becomes `-`, which no form_id holds.
std::string file_stem(const form::Form& form);

// One table in ODK Central's layout under job.csv's options, as the CSV and XLSX files
// write it: its header, which columns hold numbers, and every row's cells as text.
struct OdkTable {
    std::vector<std::string> header;
    std::vector<bool> numeric;
    std::vector<std::vector<std::string>> rows;
};
OdkTable odk_table(const ExportJob& job, std::size_t table);

// `<form id>.xlsx`: the tables of the CSV export as sheets of one workbook, the main table
// first, then one sheet per repeat (Kobo's XLS export of a form with repeats).
Result<void> write_xlsx(const ExportJob& job, ExportResult& result);

// CSV in ODK Central's layout, one file per table, or with job.csv.zip one `<form id>.zip`
// holding them as ODK Central's "CSV files (.zip)" download does.
Result<void> write_odk_csv(const ExportJob& job, ExportResult& result);
// `<form id>.geojson`: one Point feature per record at the main table's first geopoint.
Result<void> write_geojson(const ExportJob& job, ExportResult& result);
// `<form id>.jsonl`: one merged record per line.
Result<void> write_jsonl(const ExportJob& job, ExportResult& result);

enum class StatFormat { dta, sav };
// Stata .dta (format 118, Stata 14 and later) or SPSS .sav, one file per table, through
// ReadStat, with variable and value labels in job.lang.
Result<void> write_stat(const ExportJob& job, StatFormat format, ExportResult& result);

// The formats by name, as --format takes them, in the order an export writes them.
const std::vector<std::string>& format_names();
// Writes format `format` (one of format_names()). Error{core, invalid_argument} for another.
Result<void> write_format(const ExportJob& job, std::string_view format, ExportResult& result);

// `codebook.csv`: one row per variable of every table.
Result<void> write_codebook(const ExportJob& job, ExportResult& result);
// `conflicts.csv`: one row per candidate of every open conflict.
Result<void> write_conflicts(const ExportJob& job, ExportResult& result);

}  // namespace canvass::cli::exporting
