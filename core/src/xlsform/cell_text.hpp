// What the two readers share: how a number cell reads as text, and sheet assembly.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "xlsform/workbook.hpp"

namespace canvass::xlsform::detail {

// A number as a designer sees it: integers without a fraction (1, not 1.0), others in
// the shortest form that reads back to the same double (0.1, not 0.10000000000000001).
std::string number_text(double value);

// The OOXML string escapes `_xHHHH_` (Excel writes a carriage return as `_x000D_`)
// decoded to UTF-8; any other text unchanged.
std::string decode_ooxml_escapes(std::string_view text);

// Cells of one sheet as they arrive in any order, turned into sorted rows. A cell given
// twice keeps its last text (as Excel does).
class SheetBuilder {
  public:
    // Adds a cell; whitespace-only text is an empty cell and is dropped.
    void add(std::uint32_t row, std::uint32_t column, std::string text);
    Sheet finish(std::string name) &&;

  private:
    std::map<std::uint32_t, std::map<std::uint32_t, std::string>> rows_;
};

// Error{Domain::form, limit_exceeded} whose message names the cap in MiB or in items.
Error bytes_cap_error(const std::string& what, std::size_t cap);

}  // namespace canvass::xlsform::detail
