// An XLSForm spreadsheet as a designer (or anyone publishing one) sends it
// (xlsform/workbook.hpp, xlsform/import.hpp): read as .xlsx, then converted and checked.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xlsform/import.hpp"
#include "xlsform/workbook.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Small caps keep each run fast; the caps themselves are what is under test.
    canvass::xlsform::Limits limits;
    limits.part_bytes = 4u << 20;
    limits.strings_bytes = 1u << 20;
    limits.cells = 1u << 16;
    auto book = canvass::xlsform::read_xlsx({reinterpret_cast<const char*>(data), size}, limits);
    if (!book) return 0;
    auto imported = canvass::xlsform::import_workbook(*book, "fuzz");
    for (const auto& p : imported.problems) (void)canvass::xlsform::describe(p);
    return 0;
}
