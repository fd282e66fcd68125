// `<form id>.xlsx`: one sheet per table (the main table, then each repeat in the order of
// the CSV files), the cells of the CSV export under the same options, numbers as numbers.
// Sheet names are cut to Excel's 31 characters, with characters it refuses replaced by
// '_' and a "~2", "~3"… when two would be the same.
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>

#include "export/cells.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::cli::exporting {

namespace {

constexpr std::size_t kSheetNameMax = 31;

std::string sheet_name(const std::string& wanted, std::set<std::string>& taken) {
    std::string base;
    for (char c : wanted) base += std::string("[]:*?/\\").find(c) == std::string::npos ? c : '_';
    base = utf8_prefix(base, kSheetNameMax);
    if (base.empty()) base = "table";
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(),
                       [](unsigned char c) { return std::tolower(c); });
        return s;
    };
    std::string name = base;
    for (int n = 2; taken.count(lower(name)); ++n) {
        std::string suffix = "~" + std::to_string(n);
        name = utf8_prefix(base, kSheetNameMax - suffix.size()) + suffix;
    }
    taken.insert(lower(name));
    return name;
}

std::optional<double> number_in(const std::string& text) {
    double v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return v;
}

}  // namespace

Result<void> write_xlsx(const ExportJob& job, ExportResult& result) {
    const std::string path = job.dir + "/" + file_stem(job.form) + ".xlsx";
    // The owner-only temporary file comes first; libxlsxwriter then writes into it (fopen
    // keeps an existing file's mode) and the commit renames it into place.
    CANVASS_TRY(auto file, OutputFile::create(path));
    const std::string part = path + ".part";
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    lxw_workbook* book = workbook_new_opt(part.c_str(), &options);
    if (!book) return unexpected(Domain::core, errc::io, "cannot write " + path);
    lxw_format* bold = workbook_add_format(book);
    format_set_bold(bold);
    std::set<std::string> taken;

    for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
        auto table = odk_table(job, t);
        std::string wanted = t == 0 ? job.form.settings().form_id : job.tables.layouts[t].name;
        lxw_worksheet* sheet = workbook_add_worksheet(book, sheet_name(wanted, taken).c_str());
        for (std::size_t c = 0; c < table.header.size(); ++c) {
            worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c), table.header[c].c_str(),
                                   bold);
        }
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            auto row = static_cast<lxw_row_t>(r + 1);
            for (std::size_t c = 0; c < table.rows[r].size(); ++c) {
                const auto& cell = table.rows[r][c];
                if (cell.empty()) continue;
                auto col = static_cast<lxw_col_t>(c);
                auto number = table.numeric[c] ? number_in(cell) : std::nullopt;
                if (number)
                    worksheet_write_number(sheet, row, col, *number, nullptr);
                else
                    worksheet_write_string(sheet, row, col, cell.c_str(), nullptr);
            }
        }
    }
    lxw_error e = workbook_close(book);
    if (e != LXW_NO_ERROR) return unexpected(Domain::core, errc::io, path + ": " + lxw_strerror(e));
    CANVASS_TRY_VOID(file.commit());
    result.files.push_back({path, job.tables.layouts.size(), "sheets"});
    return {};
}

}  // namespace canvass::cli::exporting
