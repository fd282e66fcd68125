// Where each part of a converted form came from in the spreadsheet, so that a problem
// the form loader reports at a JSON path (`survey[3].children[1].relevant`) can name
// the sheet, row and column the designer sees (`survey row 12, column relevant`).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

namespace canvass::xlsform {

// One problem of an imported spreadsheet. `row` is 1-based as the spreadsheet shows it,
// 0 when the problem is about a whole sheet; `column` is the header as written, empty
// when the problem is about a whole row or sheet; `sheet` is empty when the problem is
// about the whole workbook. `path` is the JSON path into the converted form (the twin),
// empty when the problem was found before there was one.
struct CellProblem {
    std::string sheet;
    std::uint32_t row = 0;
    std::string column;
    std::string path;
    std::string message;

    bool operator==(const CellProblem&) const = default;
};

// `survey row 12, column relevant: unknown field ${agee} (survey[3].relevant)`; the parts
// that are empty are left out (`settings sheet: ...`, `survey row 4: ...`). A problem with
// a path but no sheet (one of a JSON form) reads as form::describe does: `path: message`.
std::string describe(const CellProblem& p);

// `survey row 12, column relevant` (without the message and path).
std::string where(const CellProblem& p);

namespace detail {

// A JSON path split into its steps: object keys and array indices.
using PathStep = std::variant<std::string, std::size_t>;
using JsonPath = std::vector<PathStep>;

// `survey[3].children[1]["media::image"]` -> {"survey", 3, "children", 1, "media::image"};
// a path that cannot be split gives its text as one step.
JsonPath split_path(const std::string& path);

class SourceMap {
  public:
    // The object at `path` is row `row` of `sheet`.
    void add_row(JsonPath path, std::string sheet, std::uint32_t row);
    // In `sheet`, the twin key `key` (`label.fr`, `relevant`) is the column headed `header`.
    void add_column(const std::string& sheet, std::string key, std::string header);

    // The cell a loader problem at `path` is about. `message` helps when the loader
    // names a language (`missing language fr`) that is a column of its own.
    CellProblem locate(const std::string& path, const std::string& message) const;

    // The sheet-and-row text of the row at `path` (`survey row 5`), or "" when unknown.
    std::string row_name(const std::string& path) const;

  private:
    struct Origin {
        std::string sheet;
        std::uint32_t row;
    };
    std::map<JsonPath, Origin> rows_;
    std::map<std::string, std::map<std::string, std::string>> columns_;  // sheet -> key -> header
};

}  // namespace detail
}  // namespace canvass::xlsform
