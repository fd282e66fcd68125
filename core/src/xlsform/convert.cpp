// The conversion of XLSForm sheets to the JSON twin (convert.hpp): headers first (every
// sheet, so that the form's languages are known), then settings, choices and survey.
#include "xlsform/convert.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "xlsform/attached_files.hpp"
#include "xlsform/columns.hpp"
#include "xlsform/values.hpp"

namespace canvass::xlsform {
namespace {

using ojson = nlohmann::ordered_json;
using detail::Column;
using detail::JsonPath;
using detail::SheetKind;

// Settings left out of the twin: those that steer only ODK's own server and transport
// (canvass always encrypts and sends through its sync), and those that shape only the XForm
// XML pyxform writes (the instance's root name, its XML namespaces, whether it carries an
// instanceID, pyxform's own whitespace cleaning), since canvass writes no XForm.
constexpr std::string_view ignored_settings[] = {
    "public_key", "submission_url", "auto_send",       "auto_delete",
    "name",       "namespaces",     "omit_instanceID", "clean_text_values"};

// Groups and repeats inside each other: each adds two levels to the twin, which the
// loader caps at 64 (form::max_form_depth).
constexpr std::size_t max_nesting = 30;

// Columns holding expressions, where a typographic quote is always a slip of the
// spreadsheet program's autocorrection; in labels it is the designer's typography.
bool is_expression_column(const std::string& key) {
    return key == "relevant" || key == "constraint" || key == "calculation" || key == "required" ||
           key == "choice_filter" || key == "repeat_count" || key == "read_only";
}

struct SheetColumns {
    const Sheet* sheet = nullptr;
    std::uint32_t header_row = 0;
    std::map<std::uint32_t, Column> by_index;    // 0-based column -> meaning
    std::map<std::uint32_t, std::string> codes;  // translatable columns -> language code
};

class Converter {
  public:
    Converter(const Workbook& book, std::string_view stem, const FileSource& files)
        : book_(book), stem_(stem), files_(files) {}

    Conversion run() && {
        const Sheet* survey = book_.find("survey");
        const Sheet* choices = book_.find("choices");
        const Sheet* settings = book_.find("settings");
        const Sheet* external = book_.find("external_choices");
        if (!survey) {
            std::string names;
            for (const auto& s : book_.sheets) names += (names.empty() ? "" : ", ") + s.name;
            problem("", 0, "",
                    "the workbook has no sheet named survey" +
                        (names.empty() ? std::string(" (it has no sheets)")
                                       : " (its sheets: " + names + ")"));
        }
        SheetColumns survey_cols, choices_cols, settings_cols, external_cols;
        if (survey) survey_cols = read_header(*survey, SheetKind::survey);
        if (choices) choices_cols = read_header(*choices, SheetKind::choices);
        if (settings) settings_cols = read_header(*settings, SheetKind::settings);
        if (external) external_cols = read_header(*external, SheetKind::choices);
        settle_languages(settings ? &settings_cols : nullptr);
        for (auto* cols : {&survey_cols, &choices_cols, &settings_cols, &external_cols})
            assign_codes(*cols);

        out_.twin["settings"] = settings_object(settings ? &settings_cols : nullptr);
        if (survey) out_.twin["survey"] = survey_rows(survey_cols);
        ojson lists = choices ? choice_lists(choices_cols) : ojson::object();
        if (external) add_external_lists(*external, external_cols, lists);
        if (out_.twin.contains("survey")) point_external_selects(out_.twin["survey"]);
        if (!lists.empty()) out_.twin["choices"] = std::move(lists);
        attach_files(out_.twin, files_, out_.map, out_.problems, declared_);
        return std::move(out_);
    }

  private:
    // ".xml" for an `xml-external` row, ".csv" for `csv-external`.
    static std::optional<std::string> declared_ending(const std::string& type) {
        std::string t = detail::clean_text(type, false);
        for (auto& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (t == "xml-external") return ".xml";
        if (t == "csv-external") return ".csv";
        return std::nullopt;
    }

    // The lists of select_one_external rows: choices like the others, which canvass carries in
    // the form (pyxform writes them to a file itemsets.csv beside it). A list whose name the
    // choices sheet also has is renamed L_external; one holding a name twice (ODK's external
    // lists repeat a county's name in two states) sets allow_choice_duplicates, as ODK allows it.
    void add_external_lists(const Sheet& sheet, const SheetColumns& cols, ojson& lists) {
        ojson external = choice_lists(cols);
        bool duplicates = false;
        for (auto& [name, list] : external.items()) {
            std::string given = name;
            if (lists.contains(given)) given += "_external";
            if (lists.contains(given)) {
                problem(sheet.name, 0, "",
                        "the list " + name + " is on both the choices and the " + sheet.name +
                            " sheets, and so is " + given + ": rename one");
                continue;
            }
            std::set<std::string> seen;
            for (const auto& c : list)
                if (c.contains("name") && !seen.insert(c["name"].dump()).second) duplicates = true;
            external_names_[name] = given;
            lists[given] = std::move(list);
        }
        auto& settings = out_.twin["settings"];
        if (duplicates && !settings.contains("allow_choice_duplicates")) {
            settings["allow_choice_duplicates"] = "yes";
            out_.warnings.push_back(
                {sheet.name, 0, "", "",
                 "a list holds a choice name twice, as ODK allows in external choices: "
                 "allow_choice_duplicates is set to yes"});
        }
    }

    void point_external_selects(ojson& rows) {
        for (auto& row : rows) {
            if (row.contains("children")) point_external_selects(row["children"]);
            if (!row.contains("type") || !row["type"].is_string()) continue;
            std::string type = row["type"].get<std::string>();
            const std::string word = "select_one_external ";
            if (type.rfind(word, 0) != 0) continue;
            std::string list = type.substr(word.size());
            auto it = external_names_.find(list);
            row["type"] = "select_one " + (it == external_names_.end() ? list : it->second);
        }
    }

    void problem(std::string sheet, std::uint32_t row, std::string column, std::string message) {
        out_.problems.push_back({std::move(sheet), row, std::move(column), "", std::move(message)});
    }

    SheetColumns read_header(const Sheet& sheet, SheetKind kind) {
        SheetColumns cols;
        cols.sheet = &sheet;
        if (sheet.rows.empty()) return cols;
        const SheetRow& header = sheet.rows.front();
        cols.header_row = header.number;
        bool double_colon =
            std::any_of(header.cells.begin(), header.cells.end(),
                        [](const Cell& c) { return c.text.find("::") != std::string::npos; });
        std::map<std::string, std::uint32_t> seen;  // key and language code -> column
        for (const auto& cell : header.cells) {
            Column c = detail::parse_header(cell.text, kind, double_colon);
            if (c.ignored) {
                std::string why =
                    kind == SheetKind::choices
                        ? "not a name a choice_filter can use (letters, digits, _, . and -), "
                          "ignored"
                        : "unknown column, ignored" +
                              (c.suggestion.empty() ? std::string(" (pyxform ignores it too)")
                                                    : " (did you mean " + c.suggestion + "?)");
                out_.warnings.push_back({sheet.name, header.number, c.header, "", std::move(why)});
                continue;
            }
            std::string code;
            if (c.translatable && !c.language.empty()) {
                auto known = detail::language_code(c.language);
                if (!known) {
                    problem(sheet.name, header.number, c.header,
                            "cannot tell which language \"" + c.language +
                                "\" is: write it with its code, like " + c.key + "::" + c.language +
                                " (xx), where xx is a code such as en, fr or pt-BR");
                    continue;
                }
                code = *known;
            }
            std::string id =
                c.key + "\x1f" + (c.translatable ? (c.language.empty() ? "\x1f" : code) : "");
            if (auto [it, fresh] = seen.emplace(id, cell.column); !fresh) {
                auto first = cols.by_index.find(it->second);
                problem(
                    sheet.name, header.number, c.header,
                    "the same column as column " + column_letters(it->second) +
                        (first == cols.by_index.end() ? "" : " (" + first->second.header + ")") +
                        "; keep one of them");
                continue;
            }
            if (!code.empty())
                add_language(code);
            else if (c.translatable && kind != SheetKind::settings)
                plain_used_ = true;  // not form_title
            cols.by_index.emplace(cell.column, std::move(c));
        }
        return cols;
    }

    void add_language(const std::string& code) {
        if (std::find(languages_.begin(), languages_.end(), code) == languages_.end())
            languages_.push_back(code);
    }

    void settle_languages(const SheetColumns* settings) {
        std::optional<std::string> given;
        if (settings && settings->sheet && settings->sheet->rows.size() > 1) {
            const SheetRow& values = settings->sheet->rows[1];
            for (const auto& [index, col] : settings->by_index) {
                if (col.key != "default_language") continue;
                std::string text = detail::clean_text(values.at(index), false);
                if (text.empty() || detail::lower(text) == "default") break;
                given = detail::language_code(text);
                if (!given)
                    problem(settings->sheet->name, values.number, col.header,
                            "cannot tell which language \"" + text +
                                "\" is: write it like English (en), or as a code such as en, fr or "
                                "pt-BR");
            }
        }
        // Columns without a language (plain `label`) are in the default language: the one
        // the settings name, else "und" (BCP 47's "undetermined") when named languages sit
        // beside them, else the first named language.
        if (given)
            default_ = *given;
        else if (plain_used_ || languages_.empty())
            default_ = "und";
        else
            default_ = languages_.front();
        if (std::find(languages_.begin(), languages_.end(), default_) == languages_.end())
            languages_.insert(languages_.begin(), default_);
    }

    void assign_codes(SheetColumns& cols) {
        for (const auto& [index, col] : cols.by_index) {
            if (!col.translatable) continue;
            cols.codes[index] =
                col.language.empty() ? default_ : *detail::language_code(col.language);
            out_.map.add_column(cols.sheet->name, col.key + "." + cols.codes[index], col.header);
            out_.map.add_column(cols.sheet->name, col.key, col.header);
        }
        for (const auto& [index, col] : cols.by_index)
            if (!col.translatable) out_.map.add_column(cols.sheet->name, col.key, col.header);
    }

    // Every language of the form in a label: a translation left empty is the default
    // language's text (else the first text given), as ODK Collect falls back.
    void fill_languages(ojson& label) const {
        if (!label.is_object() || label.empty()) return;
        std::string fallback = label.contains(default_) ? label[default_].get<std::string>()
                                                        : label.begin().value().get<std::string>();
        ojson ordered = ojson::object();
        for (const auto& lang : languages_)
            ordered[lang] = label.contains(lang) ? label[lang] : ojson(fallback);
        for (auto& [lang, text] : label.items())
            if (!ordered.contains(lang)) ordered[lang] = text;
        label = std::move(ordered);
    }

    // The cells of one row as a twin object; `type` is left for the caller.
    ojson row_object(const SheetRow& row, const SheetColumns& cols) {
        ojson obj = ojson::object();
        for (const auto& cell : row.cells) {
            auto it = cols.by_index.find(cell.column);
            if (it == cols.by_index.end()) continue;  // no header: nothing to call it
            const Column& col = it->second;
            std::string text = detail::clean_text(cell.text, is_expression_column(col.key));
            if (text.empty()) continue;
            if (col.translatable) {
                obj[col.key][cols.codes.at(cell.column)] = text;
            } else if (col.key == "required" || col.key == "read_only") {
                auto flag = detail::yes_no(text);
                obj[col.key] = flag ? ojson(*flag) : ojson(text);
            } else {
                obj[col.key] = text;
            }
        }
        for (auto& [key, value] : obj.items())
            if (value.is_object()) fill_languages(value);
        return obj;
    }

    ojson settings_object(const SheetColumns* cols) {
        ojson s = ojson::object();
        ojson extra = ojson::object();
        std::uint32_t row_number =
            cols && cols->sheet ? std::max<std::uint32_t>(cols->header_row + 1, 2) : 0;
        std::string sheet_name = cols && cols->sheet ? cols->sheet->name : "settings";
        ojson values = ojson::object();
        if (cols && cols->sheet && cols->sheet->rows.size() > 1) {
            const SheetRow& row = cols->sheet->rows[1];
            row_number = row.number;
            values = row_object(row, *cols);
        }
        out_.map.add_row({std::string("settings")}, sheet_name, row_number);
        std::string form_id =
            values.contains("form_id") ? values["form_id"].get<std::string>() : form_id_from_stem();
        s["form_id"] = form_id;
        if (values.contains("version")) s["version"] = values["version"];
        if (values.contains("title")) {
            s["title"] = values["title"];
        } else {
            ojson title = ojson::object();
            title[default_] = form_id;
            s["title"] = std::move(title);
        }
        fill_languages(s["title"]);
        s["default_language"] = default_;
        s["languages"] = languages_;
        for (auto& [key, value] : values.items()) {
            if (key == "form_id" || key == "version" || key == "title" || key == "default_language")
                continue;
            if (std::find(std::begin(ignored_settings), std::end(ignored_settings), key) !=
                std::end(ignored_settings))
                continue;
            extra[key] = value;
        }
        for (auto& [key, value] : extra.items()) s[key] = value;
        return s;
    }

    std::string form_id_from_stem() const {
        std::string id;
        for (char c : stem_) {
            bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '_';
            id += ok ? c : '_';
        }
        if (id.empty() || !((id[0] >= 'A' && id[0] <= 'Z') || (id[0] >= 'a' && id[0] <= 'z')))
            id = "form_" + id;
        return id;
    }

    ojson choice_lists(const SheetColumns& cols) {
        const std::string top = "choices";
        ojson lists = ojson::object();
        const Sheet& sheet = *cols.sheet;
        out_.map.add_row({top}, sheet.name, 0);
        std::optional<std::uint32_t> list_col;
        for (const auto& [index, col] : cols.by_index)
            if (col.key == "list_name") list_col = index;
        if (!list_col && sheet.rows.size() > 0) {
            problem(sheet.name, cols.header_row, "",
                    "no list_name column: every choice needs the name of its list");
            return lists;
        }
        for (std::size_t r = 1; r < sheet.rows.size(); ++r) {
            const SheetRow& row = sheet.rows[r];
            ojson choice = row_object(row, cols);
            if (choice.empty()) continue;
            if (!choice.contains("list_name")) {
                problem(sheet.name, row.number, cols.by_index.at(*list_col).header,
                        "missing: every choice needs the name of its list");
                continue;
            }
            std::string list = choice["list_name"].get<std::string>();
            choice.erase("list_name");
            if (!lists.contains(list)) {
                lists[list] = ojson::array();
                out_.map.add_row({top, list}, sheet.name, row.number);
            }
            out_.map.add_row({top, list, lists[list].size()}, sheet.name, row.number);
            lists[list].push_back(std::move(choice));
        }
        return lists;
    }

    struct Frame {
        ojson node;        // the group or repeat (holding "children"); the root holds rows
        JsonPath path;     // where its rows go: {"survey"} or {..., "children"}
        std::string kind;  // "group", "repeat" or another begin word; "" for the root
        std::uint32_t begin_row = 0;
        std::string type_header;
    };

    ojson survey_rows(const SheetColumns& cols) {
        const Sheet& sheet = *cols.sheet;
        out_.map.add_row({std::string("survey")}, sheet.name, 0);
        std::string type_header = "type";
        bool has_type = false;
        for (const auto& [index, col] : cols.by_index)
            if (col.key == "type") type_header = col.header, has_type = true;
        if (!has_type && !sheet.rows.empty())
            problem(sheet.name, cols.header_row, "",
                    "no type column: every row of the survey needs a type");
        std::vector<Frame> stack;
        std::size_t too_deep = 0;
        stack.push_back({ojson::array(), {std::string("survey")}, "", 0, type_header});
        for (std::size_t r = 1; r < sheet.rows.size(); ++r) {
            const SheetRow& row = sheet.rows[r];
            ojson obj = row_object(row, cols);
            if (obj.empty()) continue;
            std::string raw_type = obj.contains("type") ? obj["type"].get<std::string>() : "";
            detail::SurveyType t = detail::survey_type(raw_type);
            if (t.kind == detail::SurveyType::none && !obj.contains("name") &&
                !obj.contains("label"))
                continue;  // a comment row: text in other columns only
            if (t.kind == detail::SurveyType::end) {
                if (too_deep > 0) {  // closes a group refused below: its rows stayed a level up
                    --too_deep;
                    continue;
                }
                if (stack.size() == 1) {
                    problem(sheet.name, row.number, type_header,
                            raw_type + " without a begin " + t.type + " before it");
                    continue;
                }
                Frame done = std::move(stack.back());
                stack.pop_back();
                if (done.kind != t.type)
                    problem(sheet.name, row.number, type_header,
                            raw_type + " closes the begin " + done.kind + " of row " +
                                std::to_string(done.begin_row));
                children_of(stack.back()).push_back(std::move(done.node));
                continue;
            }
            if (t.kind == detail::SurveyType::begin && stack.size() > max_nesting) {
                problem(sheet.name, row.number, type_header,
                        "groups and repeats nest more than " + std::to_string(max_nesting) +
                            " deep, the most a form may hold");
                ++too_deep;
                continue;
            }
            // `xml-external NAME` and `csv-external NAME` declare an instance read from the
            // file NAME.xml or NAME.csv beside the form; the file, not a row, is what the twin
            // carries (under external), and export writes the declaration back.
            if (auto ending = declared_ending(raw_type)) {
                std::string name = obj.contains("name") && obj["name"].is_string()
                                       ? obj["name"].get<std::string>()
                                       : std::string();
                if (name.empty())
                    problem(sheet.name, row.number, type_header,
                            raw_type + " needs a name: the file NAME" + *ending +
                                " gives instance('NAME')");
                else
                    declared_.push_back({name + *ending, sheet.name, row.number, type_header});
                continue;
            }
            JsonPath path = stack.back().path;
            path.emplace_back(children_of(stack.back()).size());
            out_.map.add_row(path, sheet.name, row.number);
            obj.erase("type");
            ojson node = ojson::object();
            node["type"] = t.kind == detail::SurveyType::none ? ojson(raw_type) : ojson(t.type);
            if (t.kind == detail::SurveyType::none) node.erase("type");
            for (auto& [key, value] : obj.items()) node[key] = value;
            if (node.contains("default") && node["default"].is_string())
                node["default"] = detail::typed_default(t.type, node["default"].get<std::string>());
            if (t.kind == detail::SurveyType::begin) {
                node["children"] = ojson::array();
                path.emplace_back(std::string("children"));
                stack.push_back(
                    {std::move(node), std::move(path), t.type, row.number, type_header});
                continue;
            }
            children_of(stack.back()).push_back(std::move(node));
        }
        while (stack.size() > 1) {
            Frame open = std::move(stack.back());
            stack.pop_back();
            problem(sheet.name, open.begin_row, type_header,
                    "begin " + open.kind + " without an end " + open.kind + " after it");
            children_of(stack.back()).push_back(std::move(open.node));
        }
        return std::move(stack.front().node);
    }

    static ojson& children_of(Frame& f) { return f.kind.empty() ? f.node : f.node["children"]; }

    const Workbook& book_;
    std::string stem_;
    const FileSource& files_;
    std::vector<DeclaredFile> declared_;                 // by xml-external and csv-external rows
    std::map<std::string, std::string> external_names_;  // external_choices list -> twin list
    Conversion out_;
    std::vector<std::string> languages_;
    std::string default_;
    bool plain_used_ = false;
};

}  // namespace

Conversion convert(const Workbook& book, std::string_view file_stem, const FileSource& files) {
    return Converter(book, file_stem, files).run();
}

}  // namespace canvass::xlsform
