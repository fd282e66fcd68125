// Spreadsheets as XLSForm needs them: named sheets of rows of text cells.
//
//   auto book = canvass::xlsform::read_workbook("household.xlsx");
//   if (!book) std::cerr << book.error().message << "\n";
//   const Sheet* survey = book->find("survey");   // names compared case-insensitively
//
// Every cell is read as the text a designer sees: shared and inline strings as written,
// numbers in their shortest exact form (Excel stores 1 as 1, and it reads back "1", not
// "1.0"), booleans as TRUE and FALSE. Empty cells are left out; rows keep the number the
// spreadsheet shows (1-based) so that problems can name them.
//
// The readers never trust the file: its size, every XML part once uncompressed, the text
// of all shared strings and the number of cells are capped (Limits), cell references
// beyond Excel's grid (XFD1048576) are refused, and XML with a document type declaration
// is refused. Failures are Error{Domain::form, ...} values with a message naming the cap.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::xlsform {

// Excel's grid: 1,048,576 rows of 16,384 columns (A to XFD).
inline constexpr std::uint32_t max_rows = 1u << 20;
inline constexpr std::uint32_t max_columns = 1u << 14;

struct Limits {
    std::size_t file_bytes = 64u << 20;     // the spreadsheet file itself
    std::size_t part_bytes = 64u << 20;     // any one part of an .xlsx, uncompressed
    std::size_t strings_bytes = 32u << 20;  // the text of all shared strings together
    std::size_t cells = 1u << 20;           // non-empty cells of all sheets together
};

struct Cell {
    std::uint32_t column = 0;  // 0-based: 0 is column A
    std::string text;
};

struct SheetRow {
    std::uint32_t number = 0;  // 1-based, as the spreadsheet shows it
    std::vector<Cell> cells;   // ascending columns, each at most once, none empty

    // The text at a 0-based column, or "" when that cell is empty.
    const std::string& at(std::uint32_t column) const;
};

struct Sheet {
    std::string name;
    std::vector<SheetRow> rows;  // ascending numbers, rows with no cell left out
};

struct Workbook {
    std::vector<Sheet> sheets;  // in the workbook's order

    // The sheet called `name`, compared case-insensitively (ASCII); nullptr when absent.
    const Sheet* find(std::string_view name) const;
};

// `A` for column 0, `Z` for 25, `AA` for 26, ... `XFD` for 16383.
std::string column_letters(std::uint32_t column);

// An .xlsx (Office Open XML) workbook from its bytes.
Result<Workbook> read_xlsx(std::string_view bytes, const Limits& limits = {});

// A legacy .xls (BIFF) workbook from its file (the FreeXL library reads files, not bytes).
Result<Workbook> read_xls(const std::string& path, const Limits& limits = {});

enum class FileKind { xlsx, xls, other };

// What a file's first bytes say it is: a zip archive (.xlsx), an OLE2 compound document
// (.xls), or anything else (a JSON form, or something canvass cannot read).
FileKind sniff(std::string_view first_bytes);

// The workbook in `path`, .xlsx or .xls decided by the content, whatever the extension.
// Fails when the file cannot be read, is larger than limits.file_bytes, or is neither.
Result<Workbook> read_workbook(const std::string& path, const Limits& limits = {});

// Whether `path` is to be read as a spreadsheet: its extension is .xlsx or .xls (any
// case), or its first bytes are those of a zip archive or an OLE2 document.
bool is_spreadsheet_file(const std::string& path);

}  // namespace canvass::xlsform
