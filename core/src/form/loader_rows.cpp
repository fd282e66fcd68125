// The loader's survey pass: every row, its type, name, labels and columns.
#include <algorithm>
#include <set>

#include "form/answer_types.hpp"
#include "form/loader_detail.hpp"

namespace canvass::form::detail {
namespace {

const std::set<std::string, std::less<>> known_columns = {
    "type", "name", "label", "hint", "required", "required_message", "relevant",
    "constraint", "constraint_message", "calculation", "default", "choice_filter",
    "appearance", "read_only", "repeat_count", "children"};

// Columns that only make sense on some types, and the message when used elsewhere.
struct Restriction {
    std::string_view column;
    bool (*allowed)(RowType);
    std::string_view message;  // empty: "COLUMN is not allowed on a TYPE row"
};

bool is_select(RowType t) { return t == RowType::select_one || t == RowType::select_multiple; }
bool is_container(RowType t) { return t == RowType::group || t == RowType::repeat; }

const Restriction restrictions[] = {
    {"calculation", [](RowType t) { return t == RowType::calculate; },
     "calculation is only allowed on calculate rows"},
    {"children", is_container, "children are only allowed on group and repeat rows"},
    {"choice_filter", is_select, "choice_filter is only allowed on select_one and select_multiple rows"},
    {"repeat_count", [](RowType t) { return t == RowType::repeat; },
     "repeat_count is only allowed on repeat rows"},
    {"required", is_question, ""},
    {"required_message", is_question, ""},
    {"constraint", is_question, ""},
    {"constraint_message", is_question, ""},
    {"default", is_question, ""},
    {"read_only", is_question, ""},
};

std::vector<std::string> words_of(const std::string& s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        i = s.find_first_not_of(" \t\r\n", i);
        if (i == std::string::npos) break;
        std::size_t end = s.find_first_of(" \t\r\n", i);
        if (end == std::string::npos) end = s.size();
        words.push_back(s.substr(i, end - i));
        i = end;
    }
    return words;
}

// Sets row.type and row.list_name; false when the type is missing or not understood.
bool load_type(const json& r, const std::string& path, Row& row, Loading& L) {
    std::string tpath = child_path(path, "type");
    auto it = r.find("type");
    if (it == r.end()) return L.add(tpath, "missing"), false;
    if (!it->is_string()) return L.add(tpath, "must be a string"), false;
    auto words = words_of(it->get<std::string>());
    if (words.empty()) return L.add(tpath, "must not be empty"), false;
    auto type = type_from_name(words[0]);
    if (!type) return L.add(tpath, "unknown type " + words[0]), false;
    row.type = *type;
    if (!is_select(*type)) {
        if (words.size() > 1) return L.add(tpath, "unknown type " + it->get<std::string>()), false;
        return true;
    }
    if (words.size() != 2)
        return L.add(tpath, words[0] + " needs one choice list: " + words[0] + " LIST"), false;
    row.list_name = words[1];
    if (!L.lists.count(row.list_name)) L.add(tpath, "unknown choice list " + row.list_name);
    return true;
}

void load_name(const json& r, const std::string& path, Row& row, Loading& L) {
    std::string npath = child_path(path, "name");
    auto it = r.find("name");
    if (it == r.end()) return L.add(npath, "missing");
    if (!it->is_string()) return L.add(npath, "must be a string");
    row.name = it->get<std::string>();
    if (!is_valid_name(row.name))
        return L.add(npath, "invalid name " + row.name +
                                ": use letters, digits, _, . and -, starting with a letter or _");
    if (row.name == "_id") return L.add(npath, "the name _id is reserved for repeat instance ids");
    auto [first, fresh] = L.names.emplace(row.name, row.id);
    if (!fresh)
        L.add(npath, "duplicate name " + row.name + " (also at " + L.rows[first->second].source_path + ")");
}

std::optional<Expression> load_expression(const json& r, const std::string& path,
                                          const char* column, Loading& L) {
    auto it = r.find(column);
    if (it == r.end()) return std::nullopt;
    std::string cpath = child_path(path, column);
    if (!it->is_string()) return L.add(cpath, "must be an expression (a string)"), std::nullopt;
    auto e = Expression::parse(it->get<std::string>());
    if (!e) return L.add(cpath, e.error().message), std::nullopt;
    return std::move(e).value();
}

void load_required(const json& r, const std::string& path, Row& row, Loading& L) {
    auto it = r.find("required");
    if (it == r.end()) return;
    if (it->is_boolean()) {
        if (it->get<bool>()) row.required = Expression::constant_true();
        return;
    }
    if (!it->is_string())
        return L.add(child_path(path, "required"), "must be true, false or an expression");
    row.required = load_expression(r, path, "required", L);
}

void load_plain_columns(const json& r, const std::string& path, Row& row, Loading& L) {
    if (auto it = r.find("appearance"); it != r.end()) {
        if (it->is_string()) row.appearance = it->get<std::string>();
        else L.add(child_path(path, "appearance"), "must be a string");
    }
    if (auto it = r.find("read_only"); it != r.end()) {
        if (it->is_boolean()) row.read_only = it->get<bool>();
        else L.add(child_path(path, "read_only"), "must be true or false");
    }
}

void load_default(const json& r, const std::string& path, Row& row, bool type_known, Loading& L) {
    auto it = r.find("default");
    if (it == r.end() || !type_known || !is_question(row.type)) return;
    std::string dpath = child_path(path, "default");
    if (is_unanswered(*it)) return L.add(dpath, "must not be empty");
    auto list = L.lists.find(row.list_name);
    const ChoiceList* choices = list == L.lists.end() ? nullptr : &list->second;
    if (is_select(row.type) && !choices) return;  // the unknown list is already reported
    if (auto p = type_problem(row, choices, *it)) return L.add(dpath, *p);
    row.default_value = *it;
}

void check_columns(const json& r, const std::string& path, const Row& row, bool type_known, Loading& L) {
    for (const auto& [key, _] : r.items()) {
        if (!known_columns.count(key)) {
            L.add(child_path(path, key), "unknown column");
            continue;
        }
        if (!type_known) continue;
        for (const auto& rule : restrictions) {
            if (rule.column != key || rule.allowed(row.type)) continue;
            std::string message = rule.message.empty()
                                      ? key + " is not allowed on a " + std::string(type_name(row.type)) + " row"
                                      : std::string(rule.message);
            L.add(child_path(path, key), message);
        }
    }
}

void load_rows(const json& rows, const std::string& path, std::optional<RowId> parent, Loading& L);

void load_row(const json& r, const std::string& path, std::optional<RowId> parent, Loading& L) {
    if (!r.is_object()) return L.add(path, "a row must be an object");
    RowId id = L.rows.size();
    {
        Row row;
        row.id = id;
        row.source_path = path;
        row.parent = parent;
        if (parent) {
            const Row& p = L.rows[*parent];
            row.repeats = p.repeats;
            if (p.type == RowType::repeat) row.repeats.push_back(p.id);
        }
        L.rows.push_back(std::move(row));
    }
    // Rows are appended while children load, so the row is re-fetched by id after that.
    Row& row = L.rows[id];
    bool type_known = load_type(r, path, row, L);
    load_name(r, path, row, L);
    check_columns(r, path, row, type_known, L);
    auto label = [&](const char* column, bool required) {
        auto it = r.find(column);
        return load_label(it == r.end() ? nullptr : &*it, child_path(path, column), required, L);
    };
    row.label = label("label", type_known && row.type != RowType::calculate);
    row.hint = label("hint", false);
    row.constraint_message = label("constraint_message", false);
    row.required_message = label("required_message", false);
    load_required(r, path, row, L);
    row.relevant = load_expression(r, path, "relevant", L);
    row.constraint = load_expression(r, path, "constraint", L);
    row.calculation = load_expression(r, path, "calculation", L);
    row.choice_filter = load_expression(r, path, "choice_filter", L);
    row.repeat_count = load_expression(r, path, "repeat_count", L);
    load_plain_columns(r, path, row, L);
    load_default(r, path, row, type_known, L);
    RowType type = row.type;
    if (type_known && type == RowType::calculate && !r.contains("calculation"))
        L.add(child_path(path, "calculation"), "missing: a calculate row needs a calculation");
    auto children = r.find("children");
    if (children != r.end()) {
        load_rows(*children, child_path(path, "children"), id, L);
    }
    bool empty = children == r.end() || (children->is_array() && children->empty());
    if (type_known && is_container(type) && empty)
        L.add(child_path(path, "children"), "a " + std::string(type_name(type)) + " must have at least one row");
}

void load_rows(const json& rows, const std::string& path, std::optional<RowId> parent, Loading& L) {
    if (!rows.is_array()) return L.add(path, "must be an array of rows");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::size_t before = L.rows.size();
        load_row(rows[i], index_path(path, i), parent, L);
        if (parent && L.rows.size() > before) L.rows[*parent].children.push_back(before);
    }
}

}  // namespace

void load_survey(const json& doc, Loading& L) {
    auto it = doc.find("survey");
    if (it == doc.end()) return L.add("survey", "missing");
    if (it->is_array() && it->empty()) return L.add("survey", "must have at least one row");
    load_rows(*it, "survey", std::nullopt, L);
}

}  // namespace canvass::form::detail
