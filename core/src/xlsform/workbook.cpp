// Workbook lookups, number text, file sniffing and the choice of reader.
#include "xlsform/workbook.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "xlsform/cell_text.hpp"

namespace canvass::xlsform {
namespace {

bool iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool ends_with_nocase(std::string_view s, std::string_view tail) {
    return s.size() >= tail.size() && iequal(s.substr(s.size() - tail.size()), tail);
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

bool is_blank(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

const std::string& SheetRow::at(std::uint32_t column) const {
    static const std::string empty;
    auto it = std::lower_bound(cells.begin(), cells.end(), column,
                               [](const Cell& c, std::uint32_t col) { return c.column < col; });
    return it != cells.end() && it->column == column ? it->text : empty;
}

const Sheet* Workbook::find(std::string_view name) const {
    for (const auto& s : sheets)
        if (iequal(s.name, name)) return &s;
    return nullptr;
}

std::string column_letters(std::uint32_t column) {
    std::string letters;
    std::uint64_t n = std::uint64_t{column} + 1;
    while (n > 0) {
        letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
        n = (n - 1) / 26;
    }
    return letters;
}

namespace detail {

std::string number_text(double value) {
    if (!std::isfinite(value)) return std::isnan(value) ? "NaN" : (value < 0 ? "-INF" : "INF");
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
        return std::to_string(static_cast<long long>(value));
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
    return std::string(buf, r.ptr);
}

std::string decode_ooxml_escapes(std::string_view text) {
    if (text.find("_x") == std::string_view::npos) return std::string(text);
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' && text[i + 6] == '_') {
            std::uint32_t cp = 0;
            auto hex = text.substr(i + 2, 4);
            auto r = std::from_chars(hex.data(), hex.data() + 4, cp, 16);
            if (r.ec == std::errc() && r.ptr == hex.data() + 4) {
                append_utf8(out, cp);
                i += 6;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

void SheetBuilder::add(std::uint32_t row, std::uint32_t column, std::string text) {
    if (is_blank(text)) {
        auto it = rows_.find(row);
        if (it != rows_.end()) it->second.erase(column);
        return;
    }
    rows_[row][column] = std::move(text);
}

Sheet SheetBuilder::finish(std::string name) && {
    Sheet sheet;
    sheet.name = std::move(name);
    for (auto& [number, cells] : rows_) {
        if (cells.empty()) continue;
        SheetRow row;
        row.number = number;
        for (auto& [column, text] : cells) row.cells.push_back({column, std::move(text)});
        sheet.rows.push_back(std::move(row));
    }
    return sheet;
}

Error bytes_cap_error(const std::string& what, std::size_t cap) {
    return Error{
        Domain::form, errc::limit_exceeded,
        what + " is larger than " + std::to_string(cap >> 20) + " MiB, the most canvass reads"};
}

}  // namespace detail

FileKind sniff(std::string_view first) {
    if (first.size() >= 4 && first.substr(0, 4) == std::string_view("PK\x03\x04", 4))
        return FileKind::xlsx;
    if (first.size() >= 4 && first.substr(0, 4) == std::string_view("PK\x05\x06", 4))
        return FileKind::xlsx;
    if (first.size() >= 8 &&
        first.substr(0, 8) == std::string_view("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8))
        return FileKind::xls;
    return FileKind::other;
}

namespace {

Result<std::string> read_bytes(const std::string& path, std::size_t max_bytes) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) return unexpected(Domain::core, errc::io, "cannot read " + path + ": " + ec.message());
    if (size > max_bytes) return unexpected(detail::bytes_cap_error(path, max_bytes));
    std::ifstream in(path, std::ios::binary);
    std::string bytes(size, '\0');
    if (!in || !in.read(bytes.data(), static_cast<std::streamsize>(size)))
        return unexpected(Domain::core, errc::io, "cannot read " + path);
    return bytes;
}

std::string first_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    char buf[8] = {};
    in.read(buf, sizeof buf);
    return std::string(buf, static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
}

}  // namespace

Result<Workbook> read_workbook(const std::string& path, const Limits& limits) {
    auto head = first_bytes(path);
    switch (sniff(head)) {
        case FileKind::xlsx: {
            CANVASS_TRY(auto bytes, read_bytes(path, limits.file_bytes));
            return read_xlsx(bytes, limits);
        }
        case FileKind::xls: {
            std::error_code ec;
            auto size = std::filesystem::file_size(path, ec);
            if (ec)
                return unexpected(Domain::core, errc::io,
                                  "cannot read " + path + ": " + ec.message());
            if (size > limits.file_bytes)
                return unexpected(detail::bytes_cap_error(path, limits.file_bytes));
            return read_xls(path, limits);
        }
        case FileKind::other:
            break;
    }
    if (!std::filesystem::exists(path))
        return unexpected(Domain::core, errc::io, "cannot read " + path + ": no such file");
    std::string what =
        ends_with_nocase(path, ".xlsx")  ? "an .xlsx workbook (it is not a zip archive)"
        : ends_with_nocase(path, ".xls") ? "an .xls workbook (it is not an OLE2 document)"
                                         : "an .xlsx or .xls workbook";
    return unexpected(Domain::form, errc::unsupported, path + " is not " + what);
}

bool is_spreadsheet_file(const std::string& path) {
    if (ends_with_nocase(path, ".xlsx") || ends_with_nocase(path, ".xls")) return true;
    return sniff(first_bytes(path)) != FileKind::other;
}

}  // namespace canvass::xlsform
