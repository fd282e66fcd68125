// The files an XLSForm names beside itself (docs/xlsform.md "Attached files"): the CSV,
// GeoJSON and XML files of `select_one_from_file`, `instance('name')` and pulldata(), read and
// carried in the JSON twin as tables under `external`, so that they travel with the form's version.
#pragma once

#include <functional>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "xlsform/source_map.hpp"

namespace canvass::xlsform {

// A file beside the form: its bytes, nullopt when there is no file of that name, or an error
// (unreadable, larger than max_attached_bytes) whose message names the file.
using FileSource = std::function<Result<std::optional<std::string>>(const std::string& name)>;

// The largest attached file read: a form sent to devices is at most 4 MiB with its files
// (canvass-server form publish refuses a larger one).
inline constexpr std::size_t max_attached_bytes = 4u << 20;

// The files in folder `dir` (the form's own), read up to max_attached_bytes.
FileSource files_in(std::string dir);

// A CSV file (RFC 4180: commas, double quotes, CRLF or LF; a UTF-8 byte order mark is
// skipped) as the twin holds it: {"columns": [...], "rows": [[...], ...]}. The first line
// names the columns; `label::French (fr)` becomes `label::fr`. Problems name the file as
// the sheet, the line as the row and the header as the column.
struct CsvTable {
    nlohmann::ordered_json table;
    std::vector<CellProblem> problems;
};
CsvTable read_csv_table(std::string_view bytes, const std::string& file);

// A table of the twin's `external` as CSV text that read_csv_table reads back to it: cells
// quoted when they hold a comma, a quote or a line break, lines ending in CRLF (RFC 4180).
std::string write_csv_table(const nlohmann::json& table);

// A GeoJSON FeatureCollection (RFC 7946) as ODK Collect reads a choice file: a row per
// feature; the column geometry holds its geometry as ODK's geo text ("lat lon 0 0", points
// separated by "; "; a Polygon's outer ring), the column id the feature's id (which wins over
// an id property), then one column per property, by name. Points, LineStrings and Polygons
// only; properties are text, numbers or booleans.
bool is_geojson_file(const std::string& name);
CsvTable read_geojson_table(std::string_view bytes, const std::string& file);
// An XML file as ODK Collect reads one: each child of the root element (<item>) a row, its
// child elements the columns, in the order they first appear. No DTD, no deeper nesting.
bool is_xml_file(const std::string& name);
CsvTable read_xml_table(std::string_view bytes, const std::string& file);
// The table of an attached file by its name's ending: .geojson, .xml, else CSV.
CsvTable read_attached_table(std::string_view bytes, const std::string& file);
// A table written back in its file's format, read back by read_attached_table to the same
// table (a closed line comes back as a Polygon, with the same points).
std::string write_attached_table(const nlohmann::json& table, const std::string& file);

// The files `twin` names (its select_*_from_file types, the instance('x') and pulldata('x')
// of its expressions that name no choice list of its own, as x.csv), in order of first
// mention, each once.
std::vector<std::string> named_files(const nlohmann::ordered_json& twin);

// The twin as JSON text, 2-space indented, with each row of its `external` tables on one
// line (a file's rows one cell a line would make a form many times the file's size).
std::string twin_text(nlohmann::ordered_json twin);

// A file an `xml-external NAME` or `csv-external NAME` row declares (NAME.xml, NAME.csv),
// with the cell of its type.
struct DeclaredFile {
    std::string name;
    std::string sheet;
    std::uint32_t row = 0;
    std::string column;
};

// Reads every file `twin` names, and every `declared` one, from `files` into
// twin["external"]; a named file that is absent is left for the loader to report at the row
// that names it, a declared one is a problem at its row. Adds to `map` the lines of each
// file, so that the loader's problems in a table name the file's line.
void attach_files(nlohmann::ordered_json& twin, const FileSource& files, detail::SourceMap& map,
                  std::vector<CellProblem>& problems,
                  const std::vector<DeclaredFile>& declared = {});

// The files xml-external and csv-external rows would declare for `twin`: those of its
// external that no select_*_from_file row names, as `export` writes them back.
std::vector<std::string> undeclared_files(const nlohmann::json& twin);

}  // namespace canvass::xlsform
