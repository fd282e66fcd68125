// Building spreadsheets for the XLSForm tests: workbooks in memory, and real .xlsx bytes
// (zip archives assembled with libzip from XML parts written here).
#pragma once

#include <gtest/gtest.h>
#include <zip.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "temp_dir.hpp"
#include "xlsform/import.hpp"
#include "xlsform/source_map.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::xlsform::testing {

using Grid = std::vector<std::vector<std::string>>;  // rows of cells from column A; "" is empty

inline Sheet sheet(const std::string& name, const Grid& grid) {
    Sheet s;
    s.name = name;
    for (std::size_t r = 0; r < grid.size(); ++r) {
        SheetRow row;
        row.number = static_cast<std::uint32_t>(r + 1);
        for (std::size_t c = 0; c < grid[r].size(); ++c)
            if (!grid[r][c].empty())
                row.cells.push_back({static_cast<std::uint32_t>(c), grid[r][c]});
        if (!row.cells.empty()) s.rows.push_back(std::move(row));
    }
    return s;
}

inline Workbook book(std::vector<std::pair<std::string, Grid>> sheets) {
    Workbook b;
    for (auto& [name, grid] : sheets) b.sheets.push_back(sheet(name, grid));
    return b;
}

// A zip archive of `parts` (name -> content), as bytes.
inline std::string zip_of(const std::map<std::string, std::string>& parts) {
    canvass::testing::TempDir dir;
    std::string path = dir / "book.zip";
    int err = 0;
    zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!z) throw std::runtime_error("zip_open failed");
    for (const auto& [name, content] : parts) {
        zip_source_t* src = zip_source_buffer(z, content.data(), content.size(), 0);
        if (!src || zip_file_add(z, name.c_str(), src, ZIP_FL_OVERWRITE) < 0)
            throw std::runtime_error("zip add failed");
    }
    if (zip_close(z) != 0) throw std::runtime_error("zip_close failed");
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

inline std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

// The parts of an .xlsx holding `sheets` (name -> the <sheetData> XML of that sheet), with
// `shared` as its shared strings (each an <si> body).
inline std::map<std::string, std::string> xlsx_parts(
    const std::vector<std::pair<std::string, std::string>>& sheets,
    const std::vector<std::string>& shared = {}) {
    std::map<std::string, std::string> parts;
    std::string book = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>)";
    std::string rels = R"(<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)";
    for (std::size_t i = 0; i < sheets.size(); ++i) {
        std::string n = std::to_string(i + 1);
        book += "<sheet name=\"" + xml_escape(sheets[i].first) + "\" sheetId=\"" + n +
                "\" r:id=\"rId" + n + "\"/>";
        rels += "<Relationship Id=\"rId" + n +
                "\" "
                "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                "worksheet\" "
                "Target=\"worksheets/sheet" +
                n + ".xml\"/>";
        parts["xl/worksheets/sheet" + n + ".xml"] =
            R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)" +
            sheets[i].second + "</sheetData></worksheet>";
    }
    book += "</sheets></workbook>";
    if (!shared.empty()) {
        rels +=
            R"(<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)";
        std::string sst =
            R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)";
        for (const auto& si : shared) sst += "<si>" + si + "</si>";
        parts["xl/sharedStrings.xml"] = sst + "</sst>";
    }
    rels += "</Relationships>";
    parts["xl/workbook.xml"] = book;
    parts["xl/_rels/workbook.xml.rels"] = rels;
    parts["[Content_Types].xml"] =
        R"(<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>)";
    return parts;
}

// <row> XML of inline-string cells from column A.
inline std::string inline_rows(const Grid& grid) {
    std::string xml;
    for (std::size_t r = 0; r < grid.size(); ++r) {
        xml += "<row r=\"" + std::to_string(r + 1) + "\">";
        for (std::size_t c = 0; c < grid[r].size(); ++c) {
            if (grid[r][c].empty()) continue;
            xml += "<c r=\"" + column_letters(static_cast<std::uint32_t>(c)) +
                   std::to_string(r + 1) + "\" t=\"inlineStr\"><is><t>" + xml_escape(grid[r][c]) +
                   "</t></is></c>";
        }
        xml += "</row>";
    }
    return xml;
}

inline std::string xlsx_of(const std::vector<std::pair<std::string, Grid>>& sheets) {
    std::vector<std::pair<std::string, std::string>> xml;
    for (const auto& [name, grid] : sheets) xml.emplace_back(name, inline_rows(grid));
    return zip_of(xlsx_parts(xml));
}

inline std::string write_file(const canvass::testing::TempDir& dir, const std::string& name,
                              const std::string& bytes) {
    std::string path = dir / name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

// Each problem as the command line describes it.
inline std::vector<std::string> described(const std::vector<CellProblem>& list) {
    std::vector<std::string> out;
    for (const auto& p : list) out.push_back(describe(p));
    return out;
}

inline std::vector<std::string> problems_of(const Import& i) {
    return described(i.problems);
}

// The problems of importing `b` as the file `stem`.
inline std::vector<std::string> problems_of(const Workbook& b, std::string_view stem) {
    return problems_of(import_workbook(b, stem));
}

// The form twin of `b`, imported as the file `stem`; a test failure naming the first problem
// when it does not convert.
inline nlohmann::json twin_of(const Workbook& b, std::string_view stem) {
    Import i = import_workbook(b, stem);
    EXPECT_TRUE(i.ok()) << (i.problems.empty() ? "" : describe(i.problems[0]));
    return i.ok() ? nlohmann::json::parse(i.twin_text) : nlohmann::json();
}

}  // namespace canvass::xlsform::testing
