// The loader's survey pass: every row, its type, name, labels and columns.
#include <algorithm>
#include <cmath>
#include <set>

#include "form/answer_types.hpp"
#include "form/functions.hpp"
#include "form/loader_detail.hpp"

namespace canvass::form::detail {
namespace {

const std::set<std::string, std::less<>> known_columns = {
    "type",        "name",       "label",
    "hint",        "required",   "required_message",
    "relevant",    "constraint", "constraint_message",
    "calculation", "default",    "choice_filter",
    "appearance",  "read_only",  "repeat_count",
    "children",    "trigger",    "parameters"};

// Columns that only make sense on some types, and the message when used elsewhere.
struct Restriction {
    std::string_view column;
    bool (*allowed)(RowType);
    std::string_view message;  // empty: "COLUMN is not allowed on a TYPE row"
};

bool is_select(RowType t) {
    return uses_choices(t);
}
bool is_container(RowType t) {
    return t == RowType::group || t == RowType::repeat;
}
bool is_question_or_calculate(RowType t) {
    return is_question(t) || t == RowType::calculate;
}

const Restriction restrictions[] = {
    {"calculation", [](RowType t) { return t == RowType::calculate || is_question(t); },
     "calculation is only allowed on calculate rows and questions"},
    {"parameters",
     [](RowType t) { return t == RowType::range || t == RowType::image || is_select(t); },
     "parameters is only allowed on range rows (start=1 end=10 step=1), image rows "
     "(max-pixels=1024) and "
     "selects from a file (value=code label=title)"},
    {"trigger", [](RowType t) { return t == RowType::calculate || is_question(t); },
     "trigger is only allowed on calculate rows and questions"},
    {"children", is_container, "children are only allowed on group and repeat rows"},
    {"choice_filter", is_select,
     "choice_filter is only allowed on select_one, select_multiple and rank rows"},
    {"repeat_count", [](RowType t) { return t == RowType::repeat; },
     "repeat_count is only allowed on repeat rows"},
    // pyxform writes required and default on a calculate too: the default is its first value
    // and required means nothing on a row nobody answers (ODK checks only shown questions).
    {"required", is_question_or_calculate, ""},
    {"required_message", is_question_or_calculate, ""},
    {"constraint", is_question, ""},
    {"constraint_message", is_question, ""},
    {"default", is_question_or_calculate, ""},
    {"read_only", is_question, ""},
    {"relevant", [](RowType t) { return !is_metadata(t); },
     "relevant is not allowed on a metadata row: its value is filled in automatically"},
};

// XLSForm types canvass refuses, with the reason and what to do instead.
struct Refused {
    std::string_view type;
    std::string_view why;
};
const Refused refused_types[] = {
    {"audit", "is not supported: canvass records no audit log of the interview; remove the row"},
    {"subscriberid",
     "is not supported: phones no longer give apps the SIM's subscriber id; remove the row"},
    {"simserial",
     "is not supported: phones no longer give apps the SIM serial number; remove the row"},
    {"background-audio", "is not supported: canvass records no audio; remove the row"},
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

// The parameters of a select_one_from_file row: `value=code label=title` (pyxform's),
// separated by spaces, commas or semicolons; nullopt with the problem added.
std::optional<FileColumns> file_columns(const json& r, const std::string& file,
                                        const std::string& path, Loading& L) {
    FileColumns columns = FileColumns::defaults_for(file);
    auto it = r.find("parameters");
    if (it == r.end()) return columns;
    std::string ppath = child_path(path, "parameters");
    if (!it->is_string())
        return L.add(ppath, "must be text like value=code label=title"), std::nullopt;
    std::string text = it->get<std::string>();
    for (char& c : text)
        if (c == ',' || c == ';') c = ' ';
    for (const auto& word : words_of(text)) {
        auto eq = word.find('=');
        std::string key = word.substr(0, eq);
        std::string value = eq == std::string::npos ? std::string() : word.substr(eq + 1);
        std::string* target = key == "value"   ? &columns.value
                              : key == "label" ? &columns.label
                                               : nullptr;
        if (!target)
            return L.add(ppath, "unknown parameter " + key +
                                    " (a select from a file takes value= and label=, "
                                    "the columns of the choices' names and labels)"),
                   std::nullopt;
        if (value.empty())
            return L.add(ppath, key + "= needs the name of a column of the file"), std::nullopt;
        *target = value;
    }
    return columns;
}

// Sets row.type and row.list_name; false when the type is missing or not understood.
bool load_type(const json& r, const std::string& path, Row& row, Loading& L) {
    std::string tpath = child_path(path, "type");
    auto it = r.find("type");
    if (it == r.end()) return L.add(tpath, "missing"), false;
    if (!it->is_string()) return L.add(tpath, "must be a string"), false;
    auto words = words_of(it->get<std::string>());
    if (words.empty()) return L.add(tpath, "must not be empty"), false;
    // XLSForm's select_one_from_file FILE: a select whose list is an attached file.
    bool from_file = words[0] == "select_one_from_file" || words[0] == "select_multiple_from_file";
    auto type = !from_file ? type_from_name(words[0])
                           : std::optional<RowType>(words[0] == "select_one_from_file"
                                                        ? RowType::select_one
                                                        : RowType::select_multiple);
    for (const auto& r : refused_types)
        if (r.type == words[0])
            return L.add(tpath, "type " + words[0] + " " + std::string(r.why)), false;
    if (!type) return L.add(tpath, "unknown type " + words[0]), false;
    row.type = *type;
    if (!is_select(*type)) {
        if (words.size() > 1) return L.add(tpath, "unknown type " + it->get<std::string>()), false;
        return true;
    }
    row.or_other = words.size() == 3 && words[2] == "or_other" && *type != RowType::rank;
    if (words.size() != 2 && !row.or_other)
        return L.add(tpath, words[0] + " needs one choice list: " + words[0] + " LIST [or_other]"),
               false;
    row.list_name = words[1];
    const ChoiceList* list = nullptr;
    if (from_file) {
        auto columns = file_columns(r, row.list_name, path, L);
        if (!columns) return true;
        list = file_choice_list(row.list_name, *columns, tpath, L);
        if (!list) return true;
        row.list_name = list->name;
    } else if (auto it = L.lists.find(row.list_name);
               it != L.lists.end() && it->second.file.empty()) {
        list = &it->second;
    } else {
        return L.add(tpath, "unknown choice list " + row.list_name), true;
    }
    if (*type == RowType::select_one) return true;
    for (const auto& c : list->choices) {
        if (c.name.find(' ') == std::string::npos) continue;
        L.add(tpath, words[0] + " cannot use list " + row.list_name + ": its choice '" + c.name +
                         "' has a space, and a " + words[0] +
                         " answer is its choice names separated "
                         "by spaces (rename the choice, or use select_one)");
        break;
    }
    return true;
}

// Where a row's answer is kept: the innermost enclosing repeat, or the top level.
std::optional<RowId> answer_level(const Row& row) {
    return row.repeats.empty() ? std::nullopt : std::optional<RowId>(row.repeats.back());
}

// A question may take a name already used if every row of that name is a question answered
// at another level (ODK's forms use `name` at the top level and in a repeat): answers and
// paths are kept per level. Groups, repeats and calculates keep unique names, since they
// structure the answers or are found by name alone.
bool may_share_name(const Loading& L, const Row& row) {
    auto plain = [](const Row& r) {
        return r.type != RowType::group && r.type != RowType::repeat &&
               r.type != RowType::calculate;
    };
    if (!plain(row)) return false;
    for (const Row& other : L.rows) {
        if (other.id == row.id || other.name != row.name) continue;
        if (!plain(other) || answer_level(other) == answer_level(row)) return false;
    }
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
    if (row.name == "_review")
        return L.add(npath, "the name _review is reserved for coordinators' reviews");
    auto [first, fresh] = L.names.emplace(row.name, row.id);
    if (fresh) return;
    if (may_share_name(L, row)) {
        L.shared_names.insert(row.name);
        return;
    }
    const Row& taken = L.rows[first->second];
    bool made = taken.id > 0 && L.rows[taken.id - 1].or_other &&
                L.rows[taken.id - 1].name + "_other" == taken.name;
    L.add(npath, "duplicate name " + row.name +
                     (made ? " (or_other at " + taken.source_path + " adds it)"
                           : " (also at " + taken.source_path + ")"));
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

bool calls(const Node& n, std::string_view function) {
    if (n.kind == Node::Kind::call && n.text == function) return true;
    return std::any_of(n.args.begin(), n.args.end(),
                       [&](const auto& a) { return calls(*a, function); });
}

void load_required(const json& r, const std::string& path, Row& row, Loading& L) {
    auto it = r.find("required");
    if (it == r.end()) return;
    if (it->is_boolean()) {
        if (it->get<bool>()) row.required = Expression::constant_true();
    } else if (!it->is_string()) {
        return L.add(child_path(path, "required"), "must be true, false or an expression");
    } else {
        row.required = load_expression(r, path, "required", L);
    }
    if (row.type == RowType::calculate) row.required.reset();  // checked, then ignored
}

void load_plain_columns(const json& r, const std::string& path, Row& row, Loading& L) {
    if (auto it = r.find("appearance"); it != r.end()) {
        if (it->is_string())
            row.appearance = it->get<std::string>();
        else
            L.add(child_path(path, "appearance"), "must be a string");
    }
    if (auto it = r.find("read_only"); it != r.end()) {
        if (it->is_boolean())
            row.read_only = it->get<bool>();
        else
            L.add(child_path(path, "read_only"), "must be true or false");
    }
}

// A default written as text that reads as an expression: it parses, and refers to a
// ${field} or calls a function of the language (pyxform's rule, so "Hello (world)" stays
// text).
bool calls_known_function(const Node& n) {
    if (n.kind == Node::Kind::call && find_function(n.text)) return true;
    return std::any_of(n.args.begin(), n.args.end(),
                       [](const auto& a) { return calls_known_function(*a); });
}

std::optional<Expression> dynamic_default(const std::string& s) {
    auto e = Expression::parse(s);
    if (!e) return std::nullopt;
    if (e->field_references().empty() && !calls_known_function(e->root()) && !e->reads_last_saved())
        return std::nullopt;
    return std::move(e).value();
}

void load_default(const json& r, const std::string& path, Row& row, bool type_known, Loading& L) {
    auto it = r.find("default");
    if (it == r.end() || !type_known || !is_question_or_calculate(row.type)) return;
    std::string dpath = child_path(path, "default");
    if (is_unanswered(*it)) return L.add(dpath, "must not be empty");
    if (row.type == RowType::calculate) {
        // A calculation recomputes the value at once, so only a calculate without one keeps
        // its default, which pyxform then requires to be an expression.
        if (!it->is_string() && !it->is_number())
            return L.add(dpath, "must be text, a number or an expression");
        std::string text = it->is_string() ? it->get<std::string>() : it->dump();
        if (auto e = dynamic_default(text))
            row.default_expression = std::move(*e);
        else
            row.default_value = *it;
        return;
    }
    auto list = L.lists.find(row.list_name);
    const ChoiceList* choices = list == L.lists.end() ? nullptr : &list->second;
    if (is_select(row.type) && !choices) return;  // the unknown list is already reported
    if (it->is_string()) {
        if (auto e = dynamic_default(it->get<std::string>())) {
            row.default_expression = std::move(*e);
            return;
        }
    }
    auto problem = type_problem(row, choices, *it);
    if (!problem) {
        row.default_value = *it;
        return;
    }
    // As a spreadsheet cell gives it: "12" for an integer, "a b" for a select_multiple.
    if (it->is_string()) {
        auto typed = answer_from_value(row, Value::string(it->get<std::string>()));
        if (typed && !type_problem(row, choices, *typed)) {
            row.default_value = *typed;
            return;
        }
    }
    L.add(dpath, *problem);
}

// XLSForm's parameters of an image: "max-pixels=1024", the longest side an app scales a
// photo down to before it is kept.
void load_image_parameters(const std::vector<std::string>& words, const std::string& ppath,
                           Row& row, Loading& L) {
    for (const auto& word : words) {
        auto eq = word.find('=');
        std::string key = word.substr(0, eq);
        if (key != "max-pixels")
            return L.add(ppath, "unknown parameter " + key + " (an image takes max-pixels)");
        double value = eq == std::string::npos
                           ? std::nan("")
                           : parse_decimal(std::string_view(word).substr(eq + 1));
        if (!(value >= 1 && value <= 1e6) || value != std::floor(value))
            return L.add(ppath, "max-pixels must be a whole number of pixels, got " + word);
        row.max_pixels = static_cast<std::uint32_t>(value);
    }
}

// XLSForm's parameters of a range: "start=0 end=100 step=5", any order, each optional.
void load_parameters(const json& r, const std::string& path, Row& row, Loading& L) {
    auto it = r.find("parameters");
    if (it == r.end()) return;
    std::string ppath = child_path(path, "parameters");
    if (!it->is_string()) return L.add(ppath, "must be text like start=1 end=10 step=1");
    std::string text = it->get<std::string>();
    for (char& c : text)
        if (c == ',' || c == ';') c = ' ';
    if (row.type == RowType::image) return load_image_parameters(words_of(text), ppath, row, L);
    if (is_select(row.type)) {  // a select from a file read them with its type (file_columns)
        auto list = L.lists.find(row.list_name);
        if (list != L.lists.end() && list->second.file.empty())
            L.add(ppath,
                  "parameters value= and label= are for selects from a file "
                  "(select_one_from_file FILE.csv); list " +
                      row.list_name + " is the form's own");
        return;
    }
    if (row.type != RowType::range) return;  // refused by check_columns
    for (const auto& word : words_of(text)) {
        auto eq = word.find('=');
        std::string key = word.substr(0, eq);
        double value = eq == std::string::npos
                           ? std::nan("")
                           : parse_decimal(std::string_view(word).substr(eq + 1));
        double* target = key == "start"  ? &row.range_start
                         : key == "end"  ? &row.range_end
                         : key == "step" ? &row.range_step
                                         : nullptr;
        if (!target)
            return L.add(ppath,
                         "unknown parameter " + key + " (a range takes start, end and step)");
        if (!std::isfinite(value)) return L.add(ppath, key + " must be a number, got " + word);
        *target = value;
    }
    if (!(row.range_step > 0))
        L.add(ppath, "step must be more than 0");
    else if (row.range_start == row.range_end)
        L.add(ppath, "start and end must differ");
}

// trigger: one or more ${field}, separated by spaces or commas.
void load_trigger(const json& r, const std::string& path, Row& row, Loading& L) {
    auto it = r.find("trigger");
    if (it == r.end()) return;
    std::string tpath = child_path(path, "trigger");
    if (!it->is_string()) return L.add(tpath, "must be a field reference like ${age}");
    std::string text = it->get<std::string>();
    for (char& c : text)
        if (c == ',') c = ' ';
    for (const auto& word : words_of(text)) {
        auto e = Expression::parse(word);
        if (!e || e->root().kind != Node::Kind::field)
            return L.add(tpath,
                         "must be field references like ${age} (or ${a}, ${b}), got " + word);
        row.triggers.push_back(e->root().text);
    }
    if (row.triggers.empty()) L.add(tpath, "must not be empty");
}

void check_columns(const json& r, const std::string& path, const Row& row, bool type_known,
                   Loading& L) {
    for (const auto& [key, _] : r.items()) {
        if (!known_columns.count(key)) {
            L.add(child_path(path, key), "unknown column");
            continue;
        }
        if (!type_known) continue;
        for (const auto& rule : restrictions) {
            if (rule.column != key || rule.allowed(row.type)) continue;
            std::string message =
                rule.message.empty()
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
    // As pyxform: a group or repeat may have no label (a field-list page of questions often
    // has none), and a question may have a hint instead of one.
    bool needs_label = type_known && row.type != RowType::calculate &&
                       row.type != RowType::hidden && !is_metadata(row.type) &&
                       !is_container(row.type) && !r.contains("hint");
    row.label = label("label", needs_label);
    if (type_known && is_metadata(row.type) && !row.repeats.empty())
        L.add(child_path(path, "type"),
              "a " + std::string(type_name(row.type)) +
                  " row belongs outside repeats: it has one value per record");
    row.hint = label("hint", false);
    row.constraint_message = label("constraint_message", false);
    row.required_message = label("required_message", false);
    load_required(r, path, row, L);
    row.relevant = load_expression(r, path, "relevant", L);
    row.constraint = load_expression(r, path, "constraint", L);
    row.calculation = load_expression(r, path, "calculation", L);
    row.calculated_once = row.calculation && calls(row.calculation->root(), "once");
    row.choice_filter = load_expression(r, path, "choice_filter", L);
    row.repeat_count = load_expression(r, path, "repeat_count", L);
    load_plain_columns(r, path, row, L);
    load_default(r, path, row, type_known, L);
    load_trigger(r, path, row, L);
    load_parameters(r, path, row, L);
    RowType type = row.type;
    if (type_known && type == RowType::calculate && !r.contains("calculation") &&
        !row.default_expression)
        L.add(child_path(path, "calculation"),
              "missing: a calculate row needs a calculation (or a default that is an expression)");
    auto children = r.find("children");
    if (children != r.end()) {
        load_rows(*children, child_path(path, "children"), id, L);
    }
    bool empty = children == r.end() || (children->is_array() && children->empty());
    if (type_known && is_container(type) && empty)
        L.add(child_path(path, "children"),
              "a " + std::string(type_name(type)) + " must have at least one row");
}

// pyxform's or_other: an "other" choice in the list, labelled Other, and after the select a
// text row NAME_other, "Specify other.", relevant when other is chosen.
void add_or_other(RowId select, std::optional<RowId> parent, Loading& L) {
    const Row& s = L.rows[select];
    auto list = L.lists.find(s.list_name);
    std::string tpath = child_path(s.source_path, "type");
    if (list == L.lists.end()) return;
    if (s.choice_filter)
        return L.add(tpath,
                     "or_other cannot be used with a choice_filter (as in pyxform): add an other "
                     "choice to the list instead");
    auto all = [&](const std::string& text) {
        Label label;
        for (const auto& lang : L.languages) label[lang] = text;
        return label;
    };
    if (!list->second.find("other")) list->second.choices.push_back({"other", all("Other"), {}});
    Row other;
    other.id = L.rows.size();
    other.type = RowType::text;
    other.name = s.name + "_other";
    other.source_path = s.source_path;
    other.parent = parent;
    other.repeats = s.repeats;
    other.label = all("Specify other.");
    other.relevant = Expression::parse("selected(${" + s.name + "}, 'other')").value();
    auto [first, fresh] = L.names.emplace(other.name, other.id);
    if (!fresh)
        return L.add(tpath, "or_other adds the row " + other.name +
                                ", but that name is taken (at " +
                                L.rows[first->second].source_path + ")");
    L.rows.push_back(std::move(other));
}

void load_rows(const json& rows, const std::string& path, std::optional<RowId> parent, Loading& L) {
    if (!rows.is_array()) return L.add(path, "must be an array of rows");
    for (std::size_t i = 0; i < rows.size(); ++i) {
        std::size_t before = L.rows.size();
        load_row(rows[i], index_path(path, i), parent, L);
        if (parent && L.rows.size() > before) L.rows[*parent].children.push_back(before);
        if (L.rows.size() > before && L.rows[before].or_other && L.rows.size() == before + 1) {
            add_or_other(before, parent, L);
            if (parent && L.rows.size() > before + 1)
                L.rows[*parent].children.push_back(before + 1);
        }
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

namespace canvass::form {

bool is_survey_column(std::string_view column) {
    return detail::known_columns.count(column) > 0;
}

}  // namespace canvass::form
