// Legacy .xls (BIFF5 and BIFF8) workbooks through FreeXL. FreeXL reads from a path and
// keeps a whole sheet's grid in memory; BIFF8's grid is at most 65,536 rows of 256
// columns, and the file itself is capped before FreeXL sees it (read_workbook).
#include <freexl.h>

#include "xlsform/cell_text.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::xlsform {
namespace {

std::string freexl_problem(int code) {
    switch (code) {
        case FREEXL_FILE_NOT_FOUND:
            return "the file cannot be opened";
        case FREEXL_INSUFFICIENT_MEMORY:
            return "not enough memory to read it";
        case FREEXL_UNSUPPORTED_CHARSET:
            return "its character set is not supported (save it as .xlsx)";
        case FREEXL_BIFF_WORKBOOK_NOT_FOUND:
            return "it holds no workbook (save it as .xlsx)";
        case FREEXL_INVALID_CFBF_HEADER:
        case FREEXL_CFBF_INVALID_SIGNATURE:
            return "it is not an OLE2 compound document";
        default:
            return "it is damaged or truncated (FreeXL error " + std::to_string(code) + ")";
    }
}

struct Handle {
    const void* h = nullptr;
    ~Handle() {
        if (h) freexl_close(h);
    }
};

}  // namespace

Result<Workbook> read_xls(const std::string& path, const Limits& limits) {
    Handle book;
    int rc = freexl_open(path.c_str(), &book.h);
    if (rc != FREEXL_OK) {
        book.h = nullptr;  // freexl_open leaves no handle to close on failure
        return unexpected(Domain::form, errc::corrupt,
                          path + ": cannot read the .xls workbook: " + freexl_problem(rc));
    }
    // FreeXL 1.0.6 returns FREEXL_OK and no workbook for some files that Excel and
    // LibreOffice open (several OpenStreetMap field mapping forms): say so, and what to do.
    if (!book.h)
        return unexpected(Domain::form, errc::unsupported,
                          path +
                              ": FreeXL, which reads .xls files, finds no workbook in it; "
                              "save it as .xlsx");
    unsigned int count = 0;
    if (freexl_get_info(book.h, FREEXL_BIFF_SHEET_COUNT, &count) != FREEXL_OK)
        return unexpected(Domain::form, errc::corrupt,
                          path + ": cannot read the .xls workbook's sheet list");
    unsigned int password = 0;
    if (freexl_get_info(book.h, FREEXL_BIFF_PASSWORD, &password) == FREEXL_OK &&
        password == FREEXL_BIFF_OBFUSCATED)
        return unexpected(Domain::form, errc::unsupported,
                          path + ": the .xls workbook is protected by a password");
    Workbook out;
    std::size_t cells = 0;
    for (unsigned short i = 0; i < count && i < 1000; ++i) {
        const char* name = nullptr;
        if (freexl_get_worksheet_name(book.h, i, &name) != FREEXL_OK || !name) continue;
        if (freexl_select_active_worksheet(book.h, i) != FREEXL_OK) continue;
        unsigned int rows = 0;
        unsigned short columns = 0;
        if (freexl_worksheet_dimensions(book.h, &rows, &columns) != FREEXL_OK) continue;
        detail::SheetBuilder builder;
        for (unsigned int r = 0; r < rows; ++r) {
            for (unsigned short c = 0; c < columns; ++c) {
                FreeXL_CellValue v;
                if (freexl_get_cell_value(book.h, r, c, &v) != FREEXL_OK) continue;
                std::string text;
                switch (v.type) {
                    case FREEXL_CELL_INT:
                        text = std::to_string(v.value.int_value);
                        break;
                    case FREEXL_CELL_DOUBLE:
                        text = detail::number_text(v.value.double_value);
                        break;
                    case FREEXL_CELL_TEXT:
                    case FREEXL_CELL_SST_TEXT:
                    case FREEXL_CELL_DATE:
                    case FREEXL_CELL_DATETIME:
                    case FREEXL_CELL_TIME:
                        text = v.value.text_value ? v.value.text_value : "";
                        break;
                    default:
                        continue;
                }
                if (text.empty()) continue;
                if (++cells > limits.cells)
                    return unexpected(Domain::form, errc::limit_exceeded,
                                      path + ": more than " + std::to_string(limits.cells) +
                                          " cells, the most canvass reads");
                builder.add(r + 1, c, std::move(text));
            }
        }
        out.sheets.push_back(std::move(builder).finish(name));
    }
    return out;
}

}  // namespace canvass::xlsform
