// `<form id>.xlsx`: one sheet per table (the main table, then each repeat in the order of
// the CSV files), the cells of the CSV export under the same options, numbers as numbers.
// Sheet names are cut to Excel's 31 characters, with characters it refuses replaced by
// '_' and a "~2", "~3"… when two would be the same.
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <set>

#include "export/cells.hpp"
#include "canvass/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

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

// libxlsxwriter in constant_memory mode: each sheet's rows go to a temporary file as they are
// written (in row order, which the records give) instead of staying in memory, and its
// strings are written in the cells (inline strings) rather than in a shared table. The cells
// are the same; only their encoding in the file differs.
class XlsxWriter final : public RecordWriter {
  public:
    explicit XlsxWriter(const ExportSpec& spec)
        : spec_(spec), path_(spec.dir + "/" + file_stem(spec.form) + ".xlsx") {}
    ~XlsxWriter() override {
        if (book_) workbook_close(book_);  // an export that failed: the OutputFile removes it
    }

    Result<void> begin() override {
        // The owner-only temporary file comes first; libxlsxwriter then writes into it (fopen
        // keeps an existing file's mode) and the commit renames it into place.
        CANVASS_TRY(auto file, OutputFile::create(path_));
        file_.emplace(std::move(file));
        const std::string part = path_ + ".part";
        lxw_workbook_options options{};
        options.constant_memory = LXW_TRUE;
        // The sheets' temporary files hold decrypted answers: beside the export (the disk the
        // coordinator chose for them), not in the system's temporary directory. They are
        // unlinked as soon as made, so nothing of them outlives the process.
        options.tmpdir = const_cast<char*>(spec_.dir.c_str());
        book_ = workbook_new_opt(part.c_str(), &options);
        if (!book_) return unexpected(Domain::core, errc::io, "cannot write " + path_);
        lxw_format* bold = workbook_add_format(book_);
        format_set_bold(bold);
        std::set<std::string> taken;
        for (std::size_t t = 0; t < spec_.layouts.size(); ++t) {
            const auto& table = tables_.emplace_back(spec_, t);
            std::string wanted = t == 0 ? spec_.form.settings().form_id : spec_.layouts[t].name;
            lxw_worksheet* sheet = workbook_add_worksheet(book_, sheet_name(wanted, taken).c_str());
            if (!sheet)
                return unexpected(Domain::core, errc::io, path_ + ": cannot add sheet " + wanted);
            sheets_.push_back(sheet);
            next_row_.push_back(1);
            for (std::size_t c = 0; c < table.header().size(); ++c) {
                worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c),
                                       table.header()[c].c_str(), bold);
            }
        }
        return {};
    }

    Result<void> add(const ExportRecord&, const RecordRows& rows) override {
        for (std::size_t t = 0; t < rows.size(); ++t) {
            const auto& numeric = tables_[t].numeric();
            for (const auto& r : rows[t]) {
                auto row = next_row_[t]++;
                auto cells = tables_[t].cells(r);
                for (std::size_t c = 0; c < cells.size(); ++c) {
                    const auto& cell = cells[c];
                    if (cell.empty()) continue;
                    auto col = static_cast<lxw_col_t>(c);
                    auto number = numeric[c] ? number_in(cell) : std::nullopt;
                    if (number)
                        worksheet_write_number(sheets_[t], row, col, *number, nullptr);
                    else
                        worksheet_write_string(sheets_[t], row, col, cell.c_str(), nullptr);
                }
            }
        }
        return {};
    }

    Result<void> finish(ExportResult& result) override {
        lxw_error e = workbook_close(book_);
        book_ = nullptr;
        if (e != LXW_NO_ERROR)
            return unexpected(Domain::core, errc::io, path_ + ": " + lxw_strerror(e));
        CANVASS_TRY_VOID(file_->commit());
        result.files.push_back({path_, spec_.layouts.size(), "sheets"});
        return {};
    }

  private:
    const ExportSpec& spec_;
    std::string path_;
    std::optional<OutputFile> file_;
    lxw_workbook* book_ = nullptr;
    std::vector<OdkTable> tables_;
    std::vector<lxw_worksheet*> sheets_;
    std::vector<lxw_row_t> next_row_;
};

}  // namespace

std::unique_ptr<RecordWriter> xlsx_writer(const ExportSpec& spec) {
    return std::make_unique<XlsxWriter>(spec);
}

}  // namespace canvass::exporting
