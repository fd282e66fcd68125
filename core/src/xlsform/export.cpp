// The XLSForm writer (export.hpp), over libxlsxwriter.
#include "xlsform/export.hpp"

#include <xlsxwriter.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <vector>

#include "xlsform/attached_files.hpp"
#include "xlsform/cell_text.hpp"
#include "xlsform/columns.hpp"
#include "xlsform/values.hpp"

namespace canvass::xlsform {
namespace {

using nlohmann::json;

// The twin's row keys in the order a designer expects the columns.
const std::vector<std::string> survey_order = {"type",        "name",       "label",
                                               "hint",        "required",   "required_message",
                                               "relevant",    "constraint", "constraint_message",
                                               "calculation", "default",    "choice_filter",
                                               "appearance",  "read_only",  "repeat_count"};

bool is_label(const json& v) {
    if (!v.is_object() || v.empty()) return false;
    for (const auto& [k, text] : v.items())
        if (!text.is_string() || !detail::is_language_code(k)) return false;
    return true;
}

// `label::French (fr)`; a code the table does not name stands alone (`label::pt-BR`), except
// in a column canvass does not know, where only `pt-BR (pt-BR)` says it is a language.
std::string language_header(const std::string& key, const std::string& code, bool known_column) {
    auto name = detail::language_name(code);
    if (name) return key + "::" + *name + " (" + code + ")";
    return key + "::" + (known_column ? code : code + " (" + code + ")");
}

bool is_known_label(const std::string& key) {
    return key == "label" || key == "hint" || key == "constraint_message" ||
           key == "required_message" || key == "guidance_hint";
}

// A spreadsheet column: the twin key it holds, and for a label one language.
struct OutColumn {
    std::string key;
    std::string language;  // "" for a plain column
    std::string header;
};

class SheetWriter {
  public:
    SheetWriter(lxw_workbook* book, const char* name, lxw_format* bold)
        : sheet_(workbook_add_worksheet(book, name)), bold_(bold) {}

    void header(const std::vector<OutColumn>& cols) {
        for (std::size_t c = 0; c < cols.size(); ++c) {
            string(0, c, cols[c].header, bold_);
            double width =
                std::clamp<double>(static_cast<double>(cols[c].header.size()) + 2, 10, 40);
            worksheet_set_column(sheet_, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                 width, nullptr);
        }
        worksheet_freeze_panes(sheet_, 1, 0);
    }

    void string(std::size_t row, std::size_t col, const std::string& text,
                lxw_format* f = nullptr) {
        if (text.empty() || !error_.empty()) return;
        lxw_error e = worksheet_write_string(sheet_, static_cast<lxw_row_t>(row),
                                             static_cast<lxw_col_t>(col), text.c_str(), f);
        if (e != LXW_NO_ERROR)
            error_ = "cell " + column_letters(static_cast<std::uint32_t>(col)) +
                     std::to_string(row + 1) + ": " + lxw_strerror(e);
    }

    void number(std::size_t row, std::size_t col, double v) {
        worksheet_write_number(sheet_, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), v,
                               nullptr);
    }

    // A twin value in a cell of column `c`.
    void value(std::size_t row, std::size_t col, const OutColumn& c, const json& v) {
        if (!c.language.empty()) {
            if (v.is_object() && v.contains(c.language) && v[c.language].is_string())
                string(row, col, v[c.language].get<std::string>());
            return;
        }
        if (v.is_string())
            string(row, col, v.get<std::string>());
        else if (v.is_boolean())
            string(row, col, v.get<bool>() ? "yes" : "no");
        else if (v.is_number() && c.key == "default")
            number(row, col, v.get<double>());
        else if (c.key == "default")
            string(row, col, detail::default_text(v));
        else if (v.is_number_integer())
            number(row, col, v.get<double>());
        else if (v.is_number_float())
            string(row, col, detail::number_text(v.get<double>()));
        else
            string(row, col, v.dump());
    }

    const std::string& error() const { return error_; }

  private:
    lxw_worksheet* sheet_;
    lxw_format* bold_;
    std::string error_;
};

// Columns for the keys of `objects`, known ones in `order` first; labels one per language.
std::vector<OutColumn> columns_for(const std::vector<const json*>& objects,
                                   const std::vector<std::string>& order,
                                   const std::vector<std::string>& languages,
                                   const std::vector<std::string>& skip) {
    std::vector<std::string> keys;
    std::map<std::string, bool> label_keys;
    for (const json* o : objects) {
        for (const auto& [k, v] : o->items()) {
            if (std::find(skip.begin(), skip.end(), k) != skip.end()) continue;
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
            auto [it, fresh] = label_keys.emplace(k, is_label(v));
            if (!fresh) it->second = it->second && is_label(v);
        }
    }
    std::stable_sort(keys.begin(), keys.end(), [&](const std::string& a, const std::string& b) {
        auto rank = [&](const std::string& k) {
            auto it = std::find(order.begin(), order.end(), k);
            return it == order.end() ? order.size() : static_cast<std::size_t>(it - order.begin());
        };
        return rank(a) < rank(b);
    });
    std::vector<OutColumn> cols;
    for (const auto& k : keys) {
        if (label_keys[k]) {
            for (const auto& lang : languages)
                cols.push_back({k, lang, language_header(k, lang, is_known_label(k))});
        } else {
            cols.push_back({k, "", k});
        }
    }
    return cols;
}

void collect_rows(const json& rows, std::vector<const json*>& out) {
    for (const auto& r : rows) {
        out.push_back(&r);
        if (r.contains("children") && r["children"].is_array()) collect_rows(r["children"], out);
    }
}

void write_rows(SheetWriter& w, const json& rows, const std::vector<OutColumn>& cols,
                std::size_t& line) {
    for (const auto& r : rows) {
        std::string type = r.value("type", "");
        bool container = type == "group" || type == "repeat";
        for (std::size_t c = 0; c < cols.size(); ++c) {
            if (cols[c].key == "type") {
                w.string(line, c, container ? "begin_" + type : type);
            } else if (r.contains(cols[c].key)) {
                w.value(line, c, cols[c], r[cols[c].key]);
            }
        }
        ++line;
        if (container) {
            if (r.contains("children")) write_rows(w, r["children"], cols, line);
            w.string(line++, 0, "end_" + type);
        }
    }
}

// The files the form carries (its `external` tables), each in its own format (CSV, GeoJSON,
// XML) beside the spreadsheet, where import_file reads them back.
Result<void> write_attached_files(const json& twin, const std::string& path) {
    if (!twin.contains("external") || !twin["external"].is_object()) return {};
    std::filesystem::path dir = std::filesystem::path(path).parent_path();
    for (const auto& [name, table] : twin["external"].items()) {
        std::filesystem::path file = dir / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        std::string text = write_attached_table(table, name);
        if (!out || !out.write(text.data(), static_cast<std::streamsize>(text.size())))
            return unexpected(Domain::core, errc::io, "cannot write " + file.string());
    }
    return {};
}

}  // namespace

Result<void> export_xlsform(const json& twin, const std::string& path) {
    const json& settings = twin.at("settings");
    std::vector<std::string> languages =
        settings.contains("languages")
            ? settings["languages"].get<std::vector<std::string>>()
            : std::vector<std::string>{settings.at("default_language").get<std::string>()};
    std::string default_language = settings.at("default_language").get<std::string>();

    {  // libxlsxwriter reports an unwritable path only on stderr at close: ask first
        std::ofstream probe(path, std::ios::binary | std::ios::app);
        if (!probe) return unexpected(Domain::core, errc::io, "cannot write " + path);
    }
    lxw_workbook_options options{};
    options.constant_memory = LXW_FALSE;
    lxw_workbook* book = workbook_new_opt(path.c_str(), &options);
    if (!book) return unexpected(Domain::core, errc::io, "cannot write " + path);
    lxw_format* bold = workbook_add_format(book);
    format_set_bold(bold);

    // The survey sheet; the type column first so that end_group rows fill it.
    std::vector<const json*> rows;
    collect_rows(twin.at("survey"), rows);
    auto survey_cols = columns_for(rows, survey_order, languages, {"children"});
    SheetWriter survey(book, "survey", bold);
    survey.header(survey_cols);
    std::size_t line = 1;
    write_rows(survey, twin.at("survey"), survey_cols, line);
    // The files no select names, declared as pyxform reads them: xml-external, csv-external.
    for (const auto& file : undeclared_files(twin)) {
        for (std::size_t c = 0; c < survey_cols.size(); ++c) {
            if (survey_cols[c].key == "type")
                survey.string(line, c, is_xml_file(file) ? "xml-external" : "csv-external");
            else if (survey_cols[c].key == "name")
                survey.string(line, c, file.substr(0, file.rfind('.')));
        }
        ++line;
    }

    SheetWriter choices(book, "choices", bold);
    std::vector<const json*> all_choices;
    if (twin.contains("choices"))
        for (const auto& [list, items] : twin["choices"].items())
            for (const auto& c : items) all_choices.push_back(&c);
    auto choice_cols = columns_for(all_choices, {"name", "label"}, languages, {});
    choice_cols.insert(choice_cols.begin(), OutColumn{"list_name", "", "list_name"});
    choices.header(choice_cols);
    line = 1;
    if (twin.contains("choices")) {
        for (const auto& [list, items] : twin["choices"].items()) {
            for (const auto& c : items) {
                choices.string(line, 0, list);
                for (std::size_t k = 1; k < choice_cols.size(); ++k)
                    if (c.contains(choice_cols[k].key))
                        choices.value(line, k, choice_cols[k], c[choice_cols[k].key]);
                ++line;
            }
        }
    }

    // Settings: form_title in the default language (what ODK reads), then the title in
    // every other language, then any other setting under its own name.
    SheetWriter sheet(book, "settings", bold);
    std::vector<OutColumn> setting_cols = {
        {"form_id", "", "form_id"}, {"version", "", "version"}, {"title", "", "form_title"}};
    const json& title = settings.at("title");
    for (const auto& lang : languages)
        if (lang != default_language)
            setting_cols.push_back({"title", lang, language_header("form_title", lang, true)});
    setting_cols.push_back({"default_language", "", "default_language"});
    for (const auto& [k, v] : settings.items())
        if (k != "form_id" && k != "version" && k != "title" && k != "default_language" &&
            k != "languages")
            setting_cols.push_back({k, "", k});
    sheet.header(setting_cols);
    for (std::size_t c = 0; c < setting_cols.size(); ++c) {
        const auto& col = setting_cols[c];
        if (col.key == "title" && col.language.empty()) {
            if (title.contains(default_language))
                sheet.string(1, c, title[default_language].get<std::string>());
        } else if (col.key == "default_language") {
            auto name = detail::language_name(default_language);
            sheet.string(1, c, name ? *name + " (" + default_language + ")" : default_language);
        } else if (col.key == "title") {
            sheet.value(1, c, col, title);
        } else if (settings.contains(col.key)) {
            sheet.value(1, c, col, settings[col.key]);
        }
    }

    std::string failure = !survey.error().empty()    ? "survey " + survey.error()
                          : !choices.error().empty() ? "choices " + choices.error()
                          : !sheet.error().empty()   ? "settings " + sheet.error()
                                                     : "";
    lxw_error closed = workbook_close(book);
    if (!failure.empty())
        return unexpected(Domain::form, errc::limit_exceeded, path + ": " + failure);
    if (closed != LXW_NO_ERROR)
        return unexpected(Domain::core, errc::io,
                          "cannot write " + path + ": " + lxw_strerror(closed));
    return write_attached_files(twin, path);
}

}  // namespace canvass::xlsform
