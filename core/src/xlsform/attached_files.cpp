// Reading the files a form names (attached_files.hpp); GeoJSON and XML in choice_files.cpp.
#include "xlsform/attached_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

#include "xlsform/columns.hpp"

namespace canvass::xlsform {
namespace {

using ojson = nlohmann::ordered_json;

// The records of a CSV text, each with the 1-based line it starts on; nullopt and the line
// of an opening quote that is never closed.
struct Records {
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> records;
    std::optional<std::uint32_t> unclosed_quote;
};

Records split_records(std::string_view s) {
    Records out;
    std::uint32_t line = 1;
    std::size_t i = 0;
    while (i < s.size()) {
        std::uint32_t start_line = line;
        std::vector<std::string> cells(1);
        bool done = false;
        while (!done && i < s.size()) {
            char c = s[i];
            if (c == '"' && cells.back().empty()) {
                std::uint32_t quote_line = line;
                ++i;
                for (;;) {
                    if (i >= s.size()) {
                        out.unclosed_quote = quote_line;
                        return out;
                    }
                    if (s[i] == '"' && i + 1 < s.size() && s[i + 1] == '"') {
                        cells.back() += '"';
                        i += 2;
                    } else if (s[i] == '"') {
                        ++i;
                        break;
                    } else {
                        if (s[i] == '\n') ++line;
                        cells.back() += s[i++];
                    }
                }
            } else if (c == ',') {
                cells.emplace_back();
                ++i;
            } else if (c == '\r' || c == '\n') {
                i += (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ? 2 : 1;
                ++line;
                done = true;
            } else {
                cells.back() += c;
                ++i;
            }
        }
        bool blank = cells.size() == 1 && cells[0].empty();
        if (!blank) out.records.emplace_back(start_line, std::move(cells));
    }
    return out;
}

// `label::French (fr)` as the loader reads a label column: `label::fr`.
std::string column_name(const std::string& header) {
    std::string h = detail::clean_text(header, false);
    auto colons = h.find("::");
    if (colons == std::string::npos) return h;
    auto code = detail::language_code(h.substr(colons + 2));
    return code ? h.substr(0, colons) + "::" + *code : h;
}

// The quoted first argument of each call of `function` in `text`: instance('x') gives x.
void quoted_arguments(const std::string& text, const std::string& function,
                      std::vector<std::string>& out) {
    for (std::size_t at = text.find(function + "("); at != std::string::npos;
         at = text.find(function + "(", at + 1)) {
        std::size_t i = at + function.size() + 1;
        while (i < text.size() && text[i] == ' ') ++i;
        if (i >= text.size() || (text[i] != '\'' && text[i] != '"')) continue;
        auto close = text.find(text[i], i + 1);
        if (close != std::string::npos) out.push_back(text.substr(i + 1, close - i - 1));
    }
}

void scan_rows(const ojson& rows, const ojson& choices, std::vector<std::string>& files) {
    if (!rows.is_array()) return;
    auto add = [&](const std::string& f) {
        if (std::find(files.begin(), files.end(), f) == files.end()) files.push_back(f);
    };
    for (const auto& row : rows) {
        if (!row.is_object()) continue;
        for (const auto& [key, value] : row.items()) {
            if (!value.is_string()) continue;
            const std::string& text = value.get_ref<const std::string&>();
            if (key == "type") {
                auto space = text.find(' ');
                std::string word = text.substr(0, space);
                if (space != std::string::npos &&
                    (word == "select_one_from_file" || word == "select_multiple_from_file"))
                    add(detail::clean_text(text.substr(space + 1), false));
                continue;
            }
            std::vector<std::string> ids;
            quoted_arguments(text, "instance", ids);
            quoted_arguments(text, "pulldata", ids);
            for (const auto& id : ids)
                if (!id.empty() && !(choices.is_object() && choices.contains(id))) add(id + ".csv");
        }
        if (row.contains("children")) scan_rows(row["children"], choices, files);
    }
}

}  // namespace

FileSource files_in(std::string dir) {
    return [dir = std::move(dir)](const std::string& name) -> Result<std::optional<std::string>> {
        std::filesystem::path path = std::filesystem::path(dir) / name;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(path, ec)) return std::optional<std::string>();
        auto size = std::filesystem::file_size(path, ec);
        if (ec)
            return unexpected(Domain::form, errc::io, "cannot read " + name + ": " + ec.message());
        if (size > max_attached_bytes)
            return unexpected(Domain::form, errc::limit_exceeded,
                              name + " is larger than 4 MiB, the most a form carries to devices");
        std::string bytes(size, '\0');
        std::ifstream in(path, std::ios::binary);
        if (!in.read(bytes.data(), static_cast<std::streamsize>(size)))
            return unexpected(Domain::form, errc::io, "cannot read " + name);
        return std::optional<std::string>(std::move(bytes));
    };
}

CsvTable read_csv_table(std::string_view bytes, const std::string& file) {
    CsvTable out;
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    Records r = split_records(bytes);
    if (r.unclosed_quote) {
        out.problems.push_back(
            {file, *r.unclosed_quote, "", "", "a quote opened here is never closed"});
        return out;
    }
    if (r.records.empty()) {
        out.problems.push_back({file, 0, "", "",
                                "the file is empty: its first line names the columns, "
                                "like name,label"});
        return out;
    }
    ojson columns = ojson::array();
    for (const auto& header : r.records.front().second) columns.push_back(column_name(header));
    ojson rows = ojson::array();
    for (std::size_t k = 1; k < r.records.size(); ++k) {
        auto& [line, cells] = r.records[k];
        if (cells.size() > columns.size()) {
            out.problems.push_back({file, line, "", "",
                                    std::to_string(cells.size()) +
                                        " cells, but the first line names " +
                                        std::to_string(columns.size()) + " columns"});
            continue;
        }
        cells.resize(columns.size());  // a short line leaves the last columns empty
        rows.push_back(cells);
    }
    out.table = {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
    return out;
}

std::string write_csv_table(const nlohmann::json& table) {
    std::string out;
    auto line = [&](const nlohmann::json& cells) {
        bool first = true;
        for (const auto& cell : cells) {
            const std::string text = cell.is_string() ? cell.get<std::string>() : std::string();
            out += first ? "" : ",";
            first = false;
            if (text.find_first_of(",\"\r\n") == std::string::npos) {
                out += text;
                continue;
            }
            out += '"';
            for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
            out += '"';
        }
        out += "\r\n";
    };
    if (table.contains("columns")) line(table["columns"]);
    if (table.contains("rows"))
        for (const auto& row : table["rows"]) line(row);
    return out;
}

std::string twin_text(ojson twin) {
    constexpr auto replace = ojson::error_handler_t::replace;
    ojson external;
    if (twin.contains("external")) {
        external = std::move(twin["external"]);
        twin.erase("external");
    }
    std::string text = twin.dump(2, ' ', false, replace);
    if (!external.is_object() || external.empty()) return text + "\n";
    text.erase(text.size() - 2);  // the closing "\n}"
    text += ",\n  \"external\": {";
    bool first_file = true;
    for (const auto& [name, table] : external.items()) {
        text += std::string(first_file ? "" : ",") + "\n    " +
                ojson(name).dump(-1, ' ', false, replace) + ": {";
        first_file = false;
        bool first_key = true;
        for (const auto& [key, value] : table.items()) {
            text += std::string(first_key ? "" : ",") + "\n      " + ojson(key).dump() + ": ";
            first_key = false;
            if (key != "rows" || !value.is_array() || value.empty()) {
                text += value.dump(-1, ' ', false, replace);
                continue;
            }
            text += "[";
            for (std::size_t i = 0; i < value.size(); ++i)
                text += std::string(i ? "," : "") + "\n        " +
                        value[i].dump(-1, ' ', false, replace);
            text += "\n      ]";
        }
        text += "\n    }";
    }
    return text + "\n  }\n}\n";
}

std::vector<std::string> named_files(const ojson& twin) {
    std::vector<std::string> files;
    static const ojson none;
    const ojson& choices = twin.contains("choices") ? twin["choices"] : none;
    if (twin.contains("survey")) scan_rows(twin["survey"], choices, files);
    return files;
}

void attach_files(ojson& twin, const FileSource& files, detail::SourceMap& map,
                  std::vector<CellProblem>& problems, const std::vector<DeclaredFile>& declared) {
    if (!files) return;
    std::vector<std::string> names = named_files(twin);
    for (const auto& d : declared)
        if (std::find(names.begin(), names.end(), d.name) == names.end()) names.push_back(d.name);
    for (const auto& name : names) {
        if (twin.contains("external") && twin["external"].contains(name)) continue;
        auto bytes = files(name);
        if (!bytes) {
            problems.push_back({name, 0, "", "", bytes.error().message});
            continue;
        }
        if (!*bytes) {  // the loader says which row names it; a declaration says so here
            for (const auto& d : declared)
                if (d.name == name)
                    problems.push_back({d.sheet, d.row, d.column, "",
                                        "the file " + name +
                                            " is not beside the form: put it in the "
                                            "spreadsheet's folder"});
            continue;
        }
        CsvTable t = read_attached_table(**bytes, name);
        problems.insert(problems.end(), t.problems.begin(), t.problems.end());
        if (!t.problems.empty()) continue;
        map.add_row({std::string("external"), name}, name, 0);
        if (!is_geojson_file(name) && !is_xml_file(name)) {
            auto records = split_records(**bytes).records;
            for (std::size_t i = 0; i + 1 < records.size(); ++i)
                map.add_row({std::string("external"), name, std::string("rows"), i}, name,
                            records[i + 1].first);
        }
        twin["external"][name] = std::move(t.table);
    }
}

std::vector<std::string> undeclared_files(const nlohmann::json& twin) {
    std::vector<std::string> out;
    if (!twin.contains("external") || !twin["external"].is_object()) return out;
    std::vector<std::string> selected;
    std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& rows) {
        if (!rows.is_array()) return;
        for (const auto& r : rows) {
            std::string type = r.value("type", "");
            auto space = type.find(' ');
            if (space != std::string::npos) selected.push_back(type.substr(space + 1));
            if (r.contains("children")) walk(r["children"]);
        }
    };
    if (twin.contains("survey")) walk(twin["survey"]);
    for (const auto& [name, _] : twin["external"].items())
        if (!is_geojson_file(name) &&
            std::find(selected.begin(), selected.end(), name) == selected.end())
            out.push_back(name);
    return out;
}

}  // namespace canvass::xlsform
