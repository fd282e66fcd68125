// The import pipeline: workbook -> conversion -> loader -> problems at cells.
#include "xlsform/import.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "crypto/hash.hpp"
#include "form/json_text.hpp"
#include "form/loader.hpp"
#include "xlsform/attached_files.hpp"
#include "xlsform/convert.hpp"

namespace canvass::xlsform {
namespace {

// The loader names other rows by JSON path ("duplicate name age (also at survey[2])"):
// those become the rows the designer sees.
std::string rewrite_paths(std::string message, const detail::SourceMap& map) {
    const std::string marker = "(also at ";
    auto at = message.find(marker);
    if (at == std::string::npos) return message;
    auto close = message.find(')', at);
    if (close == std::string::npos) return message;
    std::string path = message.substr(at + marker.size(), close - at - marker.size());
    std::string row = map.row_name(path);
    if (row.empty()) return message;
    return message.substr(0, at) + marker + row + message.substr(close);
}

// Whether `text` can begin a JSON document: a CSV (`type,name`), a PDF or a Word file
// cannot, and is better told so than given a JSON syntax error at line 1. Empty text is
// left to the loader.
bool could_be_json(std::string_view text) {
    auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return true;
    text.remove_prefix(first);
    for (std::string_view literal : {"true", "false", "null"})
        if (text[0] == literal[0])
            return text.substr(0, literal.size()) ==
                   literal.substr(0, text.size() < literal.size() ? text.size() : literal.size());
    return std::string_view("{[\"-0123456789").find(text[0]) != std::string_view::npos;
}

// A form whose settings give no version (pyxform does not require one, and many shared forms
// have none) is versioned by its content: the same spreadsheet always gives the same version,
// and any change to the form gives another, as a newer version must.
void version_by_content(nlohmann::ordered_json& twin) {
    auto& settings = twin["settings"];
    if (!settings.is_object() || settings.contains("version")) return;
    const auto digest = crypto::blake2b_256(
        twin.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    nlohmann::ordered_json with = nlohmann::ordered_json::object();
    for (auto& [key, value] : settings.items()) {
        with[key] = value;
        if (key == "form_id") with["version"] = "c" + crypto::to_hex(digest).substr(0, 12);
    }
    if (!with.contains("version")) with["version"] = "c" + crypto::to_hex(digest).substr(0, 12);
    settings = std::move(with);
}

// A JSON twin reads the files it names from its folder, as a spreadsheet does: those its
// `external` does not hold already. Untouched (same text, same hash) when it names none or
// holds them all; JSON that does not parse is left for the loader to report.
void attach_files_beside(FormText& out, const std::string& path) {
    if (!form::parse_json(out.json_text)) return;  // capped first: the loader says what is wrong
    auto twin = nlohmann::ordered_json::parse(out.json_text, nullptr, false);
    if (!twin.is_object()) return;
    auto held = [&](const std::string& name) {
        return twin.contains("external") && twin["external"].contains(name);
    };
    auto named = named_files(twin);
    auto count_held = [&] { return std::count_if(named.begin(), named.end(), held); };
    const auto before = count_held();
    if (before == static_cast<std::ptrdiff_t>(named.size())) return;
    detail::SourceMap map;
    std::vector<CellProblem> problems;
    attach_files(twin, files_in(std::filesystem::path(path).parent_path().string()), map, problems);
    out.problems.insert(out.problems.end(), problems.begin(), problems.end());
    if (problems.empty() && count_held() > before) out.json_text = twin_text(std::move(twin));
}

}  // namespace

Import import_workbook(const Workbook& book, std::string_view file_stem, const FileSource& files) {
    Conversion c = convert(book, file_stem, files);
    version_by_content(c.twin);
    Import out;
    out.twin_text = twin_text(c.twin);
    out.problems = std::move(c.problems);
    out.warnings = std::move(c.warnings);
    auto loaded = form::load_form(out.twin_text);
    if (!loaded) {
        for (const auto& p : loaded.error()) {
            CellProblem cp = c.map.locate(p.path, p.message);
            cp.message = rewrite_paths(cp.message, c.map);
            if (std::find(out.problems.begin(), out.problems.end(), cp) == out.problems.end())
                out.problems.push_back(std::move(cp));
        }
    }
    return out;
}

Import import_file(const std::string& path, const Limits& limits) {
    auto book = read_workbook(path, limits);
    if (!book) {
        Import out;
        out.problems.push_back({"", 0, "", "", book.error().message});
        return out;
    }
    std::filesystem::path p(path);
    return import_workbook(*book, p.stem().string(), files_in(p.parent_path().string()));
}

FormText read_form_file(const std::string& path) {
    FormText out;
    if (is_spreadsheet_file(path)) {
        out.spreadsheet = true;
        Import imported = import_file(path);
        out.json_text = std::move(imported.twin_text);
        out.problems = std::move(imported.problems);
        out.warnings = std::move(imported.warnings);
        return out;
    }
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        out.problems.push_back({"", 0, "", "", "cannot read " + path + ": " + ec.message()});
        return out;
    }
    // One byte over the loader's cap, so that the loader reports the size itself.
    std::size_t n = std::min<std::uintmax_t>(size, form::max_form_bytes + 1);
    std::ifstream in(path, std::ios::binary);
    out.json_text.assign(n, '\0');
    if (!in || !in.read(out.json_text.data(), static_cast<std::streamsize>(n))) {
        out.json_text.clear();
        out.problems.push_back({"", 0, "", "", "cannot read " + path});
        return out;
    }
    // Text that no JSON document can start with (a PDF, a CSV, a Word file) is neither
    // kind of form: say so, rather than give a JSON syntax error at line 1.
    if (!could_be_json(out.json_text)) {
        out.problems.push_back(
            {"", 0, "", "",
             path + " is not a form: neither a JSON form nor an .xlsx or .xls spreadsheet"});
        out.json_text.clear();
        return out;
    }
    attach_files_beside(out, path);
    return out;
}

}  // namespace canvass::xlsform
