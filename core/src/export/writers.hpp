// The files `canvass export` writes (DESIGN.md section 10, docs/export.md): each writer
// takes the records one at a time and writes its files into the output directory.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "export/dataset.hpp"
#include "export/survey.hpp"
#include "export/tables.hpp"
#include "form/form.hpp"

namespace canvass {
class OutputFile;
}

namespace canvass::exporting {

// How the CSV tables are laid out, each option one of ODK Central's download choices.
struct CsvOptions {
    bool split_select_multiples =
        false;                // a 1/0 `question/choice` column after each select_multiple
    bool group_paths = true;  // false: bare field names as headers (groupPaths=false)
    bool zip = false;         // the tables in `<form id>.zip`, LF line ends
    std::string labels;       // a language of the form: choice labels, not names
    // With zip: the attachments' files written by then (paths under the export's folder),
    // packed into the archive after the tables under the same relative names, as ODK
    // Central's zip of submissions and attachments holds them.
    std::function<std::vector<std::string>()> attachment_files;
};

// What every writer knows before the first record: the form, its tables, and what a survey of
// the records found (survey.hpp; complete only when the writer's format needs_survey()).
struct ExportSpec {
    const form::Form& form;  // the newest version: its columns, labels and choices
    const std::vector<TableLayout>& layouts;
    const Survey& survey;
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

// The files of one format, written a record at a time: begin() creates them (under their
// temporary names, output_file.hpp), add() writes one record's rows, finish() commits them
// and says what was written. A writer holds what it needs across records, never the records.
class RecordWriter {
  public:
    virtual ~RecordWriter() = default;
    // Writers that must see every row before begin() (Stata's long texts) say so; gather()
    // is then called with each record's rows in a pass of their own.
    virtual bool needs_gathering() const { return false; }
    virtual void gather(const RecordRows&) {}
    virtual Result<void> begin() = 0;
    virtual Result<void> add(const ExportRecord& record, const RecordRows& rows) = 0;
    virtual Result<void> finish(ExportResult& result) = 0;
};

// A writer of one file, `path`: created by begin() (then start() writes what comes before
// the rows), committed by finish() (after end()) and listed with `count()` of `unit`.
class OneFileWriter : public RecordWriter {
  public:
    OneFileWriter(std::string path, std::string unit);
    ~OneFileWriter() override;
    Result<void> begin() override;
    Result<void> finish(ExportResult& result) override;

  protected:
    virtual void start(std::ostream&) {}
    virtual void end(std::ostream&) {}
    std::ostream& out();
    std::size_t count = 0;  // what the file holds, in `unit`s

  private:
    std::string path_, unit_;
    std::unique_ptr<OutputFile> file_;
};

// The formats by name, as --format takes them, in the order an export writes them.
const std::vector<std::string>& format_names();
// Whether format `format` needs the survey complete before its first row.
bool needs_survey(std::string_view format, const CsvOptions& csv);
// The writer of `format`: one of format_names(), "codebook" or "conflicts".
// Error{core, invalid_argument} for another.
Result<std::unique_ptr<RecordWriter>> make_writer(const ExportSpec& spec, std::string_view format);

// Records to export, pass after pass: calls `fn` with each record in order, as often as it is
// called; `what` says what the pass is for ("survey", "gather", "write"), for progress.
using RecordFn = std::function<Result<void>(const ExportRecord&)>;
using RecordPass = std::function<Result<void>(std::string_view what, const RecordFn& fn)>;

// Writes `writers` (names as make_writer takes them, in that order) of form `form` into
// `dir`: a survey pass first when one of them needs it, a gathering pass when one asks, then
// one pass that writes them all; peak memory is what the writers hold, not the records.
Result<void> write_export(const form::Form& form, const RecordPass& pass,
                          const std::vector<std::string>& writers, const std::string& dir,
                          const std::string& lang, const CsvOptions& csv, ExportResult& result);

// `<dir>/<form id>.<ext>` for the main table, `<dir>/<form id>-<repeat>.<ext>` for a
// repeat's, as ODK Central names the files of its export.
std::string table_path(const ExportSpec& spec, std::size_t table, const std::string& ext);
// The same name without the directory.
std::string table_file_name(const ExportSpec& spec, std::size_t table, const std::string& ext);
// The form_id as the start of a file name: a `:` (CHT's `contact:person:create`), which
// Windows forbids in file names, becomes `-`, which no form_id holds.
std::string file_stem(const form::Form& form);

// One table in ODK Central's layout under the spec's CSV options, as the CSV and XLSX files
// write it: its header, which columns hold numbers, and each row's cells as text.
class OdkTable {
  public:
    OdkTable(const ExportSpec& spec, std::size_t table);
    ~OdkTable();
    OdkTable(OdkTable&&) noexcept;
    const std::vector<std::string>& header() const;
    const std::vector<bool>& numeric() const;
    std::vector<std::string> cells(const TableRow& row) const;

  private:
    class Layout;
    std::unique_ptr<Layout> layout_;
};

// The writers of each format (one file per table unless said):
// CSV in ODK Central's layout, or with csv.zip one `<form id>.zip` holding the tables as
// ODK Central's "CSV files (.zip)" download does.
std::unique_ptr<RecordWriter> odk_csv_writer(const ExportSpec& spec);
// `<form id>.xlsx`: the tables of the CSV export as sheets of one workbook, the main table
// first, then one sheet per repeat (Kobo's XLS export of a form with repeats).
std::unique_ptr<RecordWriter> xlsx_writer(const ExportSpec& spec);
// `<form id>.geojson`: one Point feature per record at the main table's first geopoint.
std::unique_ptr<RecordWriter> geojson_writer(const ExportSpec& spec);
// `<form id>.jsonl`: one merged record per line.
std::unique_ptr<RecordWriter> jsonl_writer(const ExportSpec& spec);
enum class StatFormat { dta, sav };
// Stata .dta (format 118, Stata 14 and later) or SPSS .sav through ReadStat, with variable
// and value labels in spec.lang.
std::unique_ptr<RecordWriter> stat_writer(const ExportSpec& spec, StatFormat format);
// `codebook.csv`: one row per variable of every table.
std::unique_ptr<RecordWriter> codebook_writer(const ExportSpec& spec);
// `conflicts.csv`: one row per candidate of every open conflict.
std::unique_ptr<RecordWriter> conflicts_writer(const ExportSpec& spec);

}  // namespace canvass::exporting
