// The loader's pass over the files attached to a form (docs/forms.md "external"): CSV
// tables carried in the twin, which `select_one_from_file`, `instance()` and pulldata() read,
// and the secondary instances every choice list and file gives to expressions.
#include <algorithm>
#include <set>

#include "form/loader_detail.hpp"

namespace canvass::form::detail {
namespace {

// A file name as XLSForm names one: letters, digits, `_`, `-` and `.`, no folder, ending in
// `.csv`, `.geojson` or `.xml`; its stem (`villages` of `villages.csv`) is the instance's id.
bool is_file_name(const std::string& s) {
    if (!is_choice_file(s)) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '.';
    });
}

std::string join(const std::vector<std::string>& words, const char* between) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : between) + w;
    return out;
}

bool is_text(const json& v) {
    return v.is_string() &&
           v.get_ref<const std::string&>().find_first_of("\r\n") == std::string::npos;
}

std::optional<DataInstance> load_table(const json& t, const std::string& path, Loading& L) {
    if (!t.is_object()) return L.add(path, "must be an object with columns and rows"), std::nullopt;
    for (const auto& [key, _] : t.items())
        if (key != "columns" && key != "rows")
            L.add(child_path(path, key), "unknown key (a file has columns and rows)");
    DataInstance data;
    auto columns = t.find("columns");
    std::string cpath = child_path(path, "columns");
    if (columns == t.end() || !columns->is_array() || columns->empty())
        return L.add(cpath, "must be a non-empty array of column names"), std::nullopt;
    for (std::size_t j = 0; j < columns->size(); ++j) {
        const json& c = (*columns)[j];
        std::string name = is_text(c) ? c.get<std::string>() : std::string();
        if (name.empty())
            L.add(index_path(cpath, j), "must be a non-empty column name");
        else if (data.column(name))
            L.add(index_path(cpath, j), "duplicate column " + name);
        data.columns.push_back(name);
    }
    auto rows = t.find("rows");
    std::string rpath = child_path(path, "rows");
    if (rows == t.end() || !rows->is_array())
        return L.add(rpath, "must be an array of rows"), std::nullopt;
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const json& r = (*rows)[i];
        bool ok =
            r.is_array() && r.size() == data.columns.size() &&
            std::all_of(r.begin(), r.end(), [](const json& cell) { return cell.is_string(); });
        if (!ok) {
            L.add(index_path(rpath, i), "must be an array of " +
                                            std::to_string(data.columns.size()) +
                                            " strings, one per column");
            continue;
        }
        data.items.push_back(r.get<std::vector<std::string>>());
    }
    return data;
}

// A choice list as an instance: name, label in the default language, then the extra
// columns in the order they first appear (ODK XForms' itemsets of an XLSForm's choices).
DataInstance instance_of(const ChoiceList& list, const std::string& default_language) {
    DataInstance data;
    data.columns = {"name", "label"};
    for (const auto& c : list.choices)
        for (const auto& [column, _] : c.columns)
            if (!data.column(column)) data.columns.push_back(column);
    for (const auto& c : list.choices) {
        std::vector<std::string> item{c.name, text_in(c.label, default_language, default_language)};
        for (std::size_t j = 2; j < data.columns.size(); ++j) {
            auto it = c.columns.find(data.columns[j]);
            item.push_back(it == c.columns.end() ? std::string() : it->second);
        }
        data.items.push_back(std::move(item));
    }
    return data;
}

}  // namespace

std::string file_stem(const std::string& file) {
    return file.substr(0, file.rfind('.'));
}

bool is_choice_file(const std::string& file) {
    for (std::string_view ending : {".csv", ".geojson", ".xml"})
        if (file.size() > ending.size() &&
            file.compare(file.size() - ending.size(), ending.size(), ending) == 0)
            return true;
    return false;
}

FileColumns FileColumns::defaults_for(const std::string& file) {
    if (file.size() > 8 && file.compare(file.size() - 8, 8, ".geojson") == 0)
        return {"id", "title"};
    return {};
}

void load_external(const json& doc, Loading& L) {
    auto it = doc.find("external");
    if (it == doc.end()) return;
    if (!it->is_object())
        return L.add("external", "must be an object mapping file names to tables");
    for (const auto& [file, table] : it->items()) {
        std::string path = child_path("external", file);
        if (!is_file_name(file)) {
            L.add(path, "invalid file name " + file +
                            ": letters, digits, _, - and ., ending in .csv, .geojson or .xml");
            continue;
        }
        if (!is_valid_name(file_stem(file))) {
            L.add(path,
                  "the file's name without its ending must be a name (letters, digits, _, - and ., "
                  "starting with a letter or _): instance('" +
                      file_stem(file) + "') names it");
            continue;
        }
        auto data = load_table(table, path, L);
        if (!data) continue;
        if (!L.instances.emplace(file_stem(file), *data).second) {
            L.add(path, "two attached files give instance('" + file_stem(file) +
                            "'): keep one file named " + file_stem(file) +
                            " (.csv, .geojson or .xml)");
            continue;
        }
        L.files.emplace(file, std::move(*data));
    }
}

const ChoiceList* file_choice_list(const std::string& file, const FileColumns& columns,
                                   const std::string& type_path, Loading& L) {
    const FileColumns defaults = FileColumns::defaults_for(file);
    const bool plain = columns.value == defaults.value && columns.label == defaults.label;
    const std::string key =
        plain ? file : file + " (value=" + columns.value + ", label=" + columns.label + ")";
    if (auto it = L.lists.find(key); it != L.lists.end()) {
        if (it->second.file == file) return &it->second;
        L.add(type_path, "the choice list " + file + " has the name of the file " + file +
                             ": rename the list");
        return nullptr;
    }
    auto table = L.files.find(file);
    if (!is_choice_file(file)) {
        L.add(type_path, "the file " + file +
                             " is not a choice file: choices come from .csv, .geojson or .xml "
                             "files");
        return nullptr;
    }
    if (table == L.files.end()) {
        L.missing_files.insert(file);
        L.add(type_path, "the file " + file + " is not attached to the form: put " + file +
                             " beside the form's spreadsheet (or under external in its JSON)");
        return nullptr;
    }
    const DataInstance& data = table->second;
    auto name = data.column(columns.value);
    if (!name) {
        if (plain)
            L.add(type_path, file + " has no column " + columns.value +
                                 ": each row of a choice file gives a choice's name in the "
                                 "column " +
                                 columns.value + " and its label in " + columns.label + " (or " +
                                 columns.label + "::fr, …)");
        else
            L.add(type_path, file + " has no column " + columns.value +
                                 " (the parameter value=" + columns.value +
                                 " names the column of the choices' names); its columns are " +
                                 join(data.columns, ", "));
        return nullptr;
    }
    if (!plain && !data.column(columns.label)) {
        bool per_language = std::any_of(
            data.columns.begin(), data.columns.end(),
            [&](const std::string& c) { return c.rfind(columns.label + "::", 0) == 0; });
        if (!per_language) {
            L.add(type_path, file + " has no column " + columns.label +
                                 " (the parameter label=" + columns.label +
                                 " names the column of the choices' labels); its columns are " +
                                 join(data.columns, ", "));
            return nullptr;
        }
    }
    auto plain_label = data.column(columns.label);
    ChoiceList list;
    list.name = key;
    list.file = file;
    std::set<std::string> seen;
    std::string rows_path = child_path(child_path("external", file), "rows");
    for (std::size_t i = 0; i < data.items.size(); ++i) {
        const auto& item = data.items[i];
        Choice c;
        c.name = item[*name];
        if (c.name.empty() || c.name.front() == ' ' || c.name.back() == ' ' ||
            c.name.find('\t') != std::string::npos) {
            L.add(index_path(rows_path, i),
                  "the name of a choice must be non-empty, without tabs, and "
                  "not start or end with a space");
            continue;
        }
        if (!seen.insert(c.name).second && !L.settings.allow_choice_duplicates)
            L.add(index_path(rows_path, i),
                  "duplicate choice " + c.name + " in " + file +
                      " (settings.allow_choice_duplicates: yes allows it)");
        for (const auto& lang : L.languages) {
            auto own = data.column(columns.label + "::" + lang);
            std::string text = own ? item[*own] : std::string();
            if (text.empty() && plain_label) text = item[*plain_label];
            c.label[lang] = text.empty() ? c.name : text;
        }
        for (std::size_t j = 0; j < data.columns.size(); ++j)
            if (j != *name && data.columns[j].rfind(columns.label, 0) != 0 &&
                is_valid_name(data.columns[j]))
                c.columns.emplace(data.columns[j], item[j]);
        list.choices.push_back(std::move(c));
    }
    if (list.choices.empty() && !data.items.empty()) return nullptr;
    if (list.choices.empty()) {
        L.add(type_path, file + " has no rows: a choice file needs at least one choice");
        return nullptr;
    }
    return &L.lists.emplace(key, std::move(list)).first->second;
}

void add_list_instances(Loading& L) {
    // As pyxform does, an attached file's instance wins a name clash: instance('place') reads
    // place.geojson, and the choice list place still serves the selects that name it.
    for (const auto& [name, list] : L.lists)
        if (list.file.empty() && !L.instances.count(name))
            L.instances.emplace(name, instance_of(list, L.settings.default_language));
}

}  // namespace canvass::form::detail
