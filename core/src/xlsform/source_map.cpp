// Mapping JSON paths of the twin back to spreadsheet cells (source_map.hpp).
#include "xlsform/source_map.hpp"

#include <nlohmann/json.hpp>

namespace canvass::xlsform {

namespace {

// "survey row 12", "survey sheet", or a whole attached file by its name ("stalls.geojson").
std::string place(const std::string& sheet, std::uint32_t row) {
    if (row) return sheet + " row " + std::to_string(row);
    return sheet.find('.') == std::string::npos ? sheet + " sheet" : sheet;
}

}  // namespace

std::string where(const CellProblem& p) {
    if (p.sheet.empty()) return {};
    std::string w = place(p.sheet, p.row);
    if (!p.column.empty()) w += ", column " + p.column;
    return w;
}

std::string describe(const CellProblem& p) {
    std::string w = where(p);
    if (w.empty() && !p.path.empty())
        return p.path + ": " + p.message;  // a JSON form's own problem
    std::string text = w.empty() ? p.message : w + ": " + p.message;
    if (!p.path.empty()) text += " (" + p.path + ")";
    return text;
}

namespace detail {

JsonPath split_path(const std::string& path) {
    JsonPath steps;
    std::size_t i = 0;
    auto whole = [&] { return JsonPath{path}; };
    while (i < path.size()) {
        if (path[i] == '.') {
            ++i;
            continue;
        }
        if (path[i] == '[') {
            if (i + 1 < path.size() && path[i + 1] == '"') {
                // A quoted key: a JSON string up to the closing quote that precedes `]`.
                std::size_t j = i + 2;
                while (j < path.size() && path[j] != '"') j += path[j] == '\\' ? 2 : 1;
                if (j + 1 >= path.size() || path[j + 1] != ']') return whole();
                auto key = nlohmann::json::parse(path.substr(i + 1, j - i), nullptr, false);
                if (!key.is_string()) return whole();
                steps.emplace_back(key.get<std::string>());
                i = j + 2;
            } else {
                std::size_t j = path.find(']', i);
                if (j == std::string::npos) return whole();
                std::size_t n = 0;
                for (std::size_t k = i + 1; k < j; ++k) {
                    if (path[k] < '0' || path[k] > '9') return whole();
                    n = n * 10 + static_cast<std::size_t>(path[k] - '0');
                }
                steps.emplace_back(n);
                i = j + 1;
            }
            continue;
        }
        std::size_t j = path.find_first_of(".[", i);
        if (j == std::string::npos) j = path.size();
        steps.emplace_back(path.substr(i, j - i));
        i = j;
    }
    return steps;
}

void SourceMap::add_row(JsonPath path, std::string sheet, std::uint32_t row) {
    rows_[std::move(path)] = Origin{std::move(sheet), row};
}

void SourceMap::add_column(const std::string& sheet, std::string key, std::string header) {
    columns_[sheet].emplace(std::move(key), std::move(header));
}

std::string SourceMap::row_name(const std::string& path) const {
    auto it = rows_.find(split_path(path));
    if (it == rows_.end()) return {};
    return place(it->second.sheet, it->second.row);
}

CellProblem SourceMap::locate(const std::string& path, const std::string& message) const {
    CellProblem p;
    p.path = path;
    p.message = message;
    JsonPath steps = split_path(path);
    // The longest prefix of the path that is a row (or a sheet) of the spreadsheet.
    std::size_t n = steps.size();
    const Origin* origin = nullptr;
    for (; n > 0; --n) {
        auto it =
            rows_.find(JsonPath(steps.begin(), steps.begin() + static_cast<std::ptrdiff_t>(n)));
        if (it != rows_.end()) {
            origin = &it->second;
            break;
        }
    }
    if (!origin) return p;
    p.sheet = origin->sheet;
    p.row = origin->row;
    std::string key;
    for (std::size_t i = n; i < steps.size(); ++i) {
        if (!std::holds_alternative<std::string>(steps[i])) break;
        key += (key.empty() ? "" : ".") + std::get<std::string>(steps[i]);
    }
    if (key.empty() || key == "children") return p;
    auto sheet = columns_.find(p.sheet);
    auto header = [&](const std::string& k) -> const std::string* {
        if (sheet == columns_.end()) return nullptr;
        auto it = sheet->second.find(k);
        return it == sheet->second.end() ? nullptr : &it->second;
    };
    const std::string prefix = "missing language ";
    if (message.rfind(prefix, 0) == 0) {
        if (const auto* h = header(key + "." + message.substr(prefix.size()))) {
            p.column = *h;
            return p;
        }
    }
    if (const auto* h = header(key)) {
        p.column = *h;
        return p;
    }
    auto first = key.substr(0, key.find('.'));
    const auto* h = header(first);
    p.column = h ? *h : key;
    return p;
}

}  // namespace detail
}  // namespace canvass::xlsform
