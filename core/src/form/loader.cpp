// The loader's entry points and its document, settings, label and choices passes.
#include "form/loader.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include "form/json_text.hpp"
#include "form/loader_detail.hpp"

namespace canvass::form {

bool is_language_code(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] >= 'a' && s[i] <= 'z') ++i;
    if (i < 2 || i > 3) return false;
    while (i < s.size()) {
        if (s[i++] != '-') return false;
        std::size_t start = i;
        while (i < s.size() && std::isalnum(static_cast<unsigned char>(s[i]))) ++i;
        if (i == start || i - start > 8) return false;
    }
    return true;
}

namespace detail {
namespace {

// Letters, digits, `_` and `:` (the Community Health Toolkit's `contact:person:create`; an
// XForm's id is any text), starting with a letter. File names made from it replace the `:`.
bool is_form_id(const std::string& s) {
    if (s.empty() || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z'))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == ':';
    });
}

constexpr const char* language_code_message = "must be a language code like en, fr or pt-BR";

// A required non-empty string setting; "" when missing or wrong.
std::string string_setting(const json& s, const char* key, Loading& L) {
    std::string path = child_path("settings", key);
    auto it = s.find(key);
    if (it == s.end()) {
        L.add(path, "missing");
        return {};
    }
    if (!it->is_string()) {
        L.add(path, "must be a string");
        return {};
    }
    if (it->get_ref<const std::string&>().empty()) L.add(path, "must not be empty");
    return it->get<std::string>();
}

void load_languages(const json& s, Loading& L) {
    auto it = s.find("languages");
    if (it == s.end()) return;  // defaults to [default_language]
    if (!it->is_array()) {
        L.add("settings.languages", "must be an array of language codes");
        return;
    }
    if (it->empty()) L.add("settings.languages", "must not be empty");
    for (std::size_t i = 0; i < it->size(); ++i) {
        const json& lang = (*it)[i];
        std::string path = index_path("settings.languages", i);
        if (!lang.is_string() || !is_language_code(lang.get<std::string>())) {
            L.add(path, language_code_message);
        } else if (std::find(L.languages.begin(), L.languages.end(), lang) != L.languages.end()) {
            L.add(path, "duplicate language " + lang.get<std::string>());
        } else {
            L.languages.push_back(lang.get<std::string>());
        }
    }
}

// The expression is checked against the survey later (check_expressions).
void load_instance_name(const json& s, Loading& L) {
    auto it = s.find("instance_name");
    if (it == s.end()) return;
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
        return L.add("settings.instance_name",
                     "must be an expression (a string), like concat(${name}, ' ', today())");
    auto e = Expression::parse(it->get<std::string>());
    if (!e) return L.add("settings.instance_name", e.error().message);
    L.settings.instance_name = std::move(e).value();
}

// As XLSForm writes it: yes / no (a spreadsheet cell), or a JSON boolean.
void load_choice_duplicates(const json& s, Loading& L) {
    auto it = s.find("allow_choice_duplicates");
    if (it == s.end()) return;
    if (it->is_boolean()) {
        L.settings.allow_choice_duplicates = it->get<bool>();
        return;
    }
    std::string word = it->is_string() ? it->get<std::string>() : std::string();
    std::transform(word.begin(), word.end(), word.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    if (word == "yes" || word == "true")
        L.settings.allow_choice_duplicates = true;
    else if (word != "no" && word != "false")
        L.add("settings.allow_choice_duplicates", "must be yes or no (or true or false)");
}

void load_choice(const json& c, const std::string& path, ChoiceList& list, Loading& L) {
    if (!c.is_object()) {
        L.add(path, "a choice must be an object");
        return;
    }
    Choice choice;
    auto name = c.find("name");
    if (name == c.end()) {
        L.add(child_path(path, "name"), "missing");
    } else if (!name->is_string()) {
        L.add(child_path(path, "name"), "must be a string");
    } else {
        choice.name = name->get<std::string>();
        // Spaces inside a name are allowed (a select_one answer may be "in town"); a
        // select_multiple using the list is refused where it is declared.
        const auto& n = choice.name;
        bool trimmed = !n.empty() && n.find_first_of("\t\r\n") == std::string::npos &&
                       n.front() != ' ' && n.back() != ' ';
        if (!trimmed)
            L.add(child_path(path, "name"),
                  "must be non-empty, without tabs or line breaks, and not start or end with a "
                  "space");
        else if (list.find(choice.name) && !L.settings.allow_choice_duplicates)
            L.add(child_path(path, "name"),
                  "duplicate choice " + choice.name + " in list " + list.name +
                      " (settings.allow_choice_duplicates: yes allows it)");
    }
    auto label = c.find("label");
    choice.label =
        load_label(label == c.end() ? nullptr : &*label, child_path(path, "label"), true, L);
    for (const auto& [key, value] : c.items()) {
        if (key == "name" || key == "label") continue;
        if (!is_valid_name(key))
            L.add(child_path(path, key), "invalid column name " + key);
        else if (value.is_string())
            choice.columns.emplace(key, value.get<std::string>());
        else
            L.add(child_path(path, key), "must be a string");
    }
    list.choices.push_back(std::move(choice));
}

}  // namespace

std::string child_path(const std::string& parent, const std::string& key) {
    bool plain = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-' || c == '$';
    });
    if (!plain)
        return parent + "[" + json(key).dump(-1, ' ', false, json::error_handler_t::replace) + "]";
    return parent.empty() ? key : parent + "." + key;
}

std::string index_path(const std::string& parent, std::size_t i) {
    return parent + "[" + std::to_string(i) + "]";
}

bool is_valid_name(std::string_view s) {
    if (s.empty()) return false;
    auto start = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    };
    if (!start(s[0])) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) {
        return start(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
    });
}

bool is_valid_list_name(std::string_view s) {
    // A field name's characters and `:`, as OpenStreetMap's keys (`building:material`) name
    // lists in the forms of OSM field mapping; a list name is never an expression's name.
    std::string name(s);
    std::replace(name.begin(), name.end(), ':', '_');
    return !s.empty() && s[0] != ':' && is_valid_name(name);
}

Label load_label(const json* v, const std::string& path, bool required, Loading& L) {
    Label label;
    if (!v) {
        if (required) L.add(path, "missing");
        return label;
    }
    if (!v->is_object()) {
        L.add(path, "must be an object keyed by language, like {\"en\": \"…\"}");
        return label;
    }
    for (const auto& [lang, text] : v->items()) {
        bool declared =
            std::find(L.languages.begin(), L.languages.end(), lang) != L.languages.end();
        if (!declared && !L.languages.empty())
            L.add(child_path(path, lang), "language " + lang + " is not in settings.languages");
        if (!text.is_string())
            L.add(child_path(path, lang), "must be a string");
        else
            label.emplace(lang, text.get<std::string>());
    }
    for (const auto& lang : L.languages)
        if (!v->contains(lang)) L.add(path, "missing language " + lang);
    return label;
}

void load_settings(const json& doc, Loading& L) {
    auto it = doc.find("settings");
    if (it == doc.end()) {
        L.add("settings", "missing");
        return;
    }
    const json& s = *it;
    if (!s.is_object()) {
        L.add("settings", "must be an object");
        return;
    }
    static const std::set<std::string> known = {"form_id",
                                                "version",
                                                "title",
                                                "default_language",
                                                "languages",
                                                "instance_name",
                                                "allow_choice_duplicates",
                                                "style"};
    for (const auto& [key, _] : s.items())
        if (!known.count(key)) L.add(child_path("settings", key), "unknown setting");
    L.settings.form_id = string_setting(s, "form_id", L);
    if (!L.settings.form_id.empty() && !is_form_id(L.settings.form_id))
        L.add("settings.form_id", "must be letters, digits, _ and :, starting with a letter");
    L.settings.version = string_setting(s, "version", L);
    load_languages(s, L);
    std::string lang = string_setting(s, "default_language", L);
    L.settings.default_language = lang;
    if (!lang.empty() && !is_language_code(lang)) {
        L.add("settings.default_language", language_code_message);
        lang.clear();
    }
    auto languages = s.find("languages");
    if (languages == s.end()) {
        if (!lang.empty()) L.languages.push_back(lang);
    } else if (languages->is_array() && !lang.empty() &&
               std::find(L.languages.begin(), L.languages.end(), lang) == L.languages.end()) {
        L.add("settings.default_language", lang + " is not one of settings.languages");
    }
    L.settings.languages = L.languages;
    auto title = s.find("title");
    L.settings.title = load_label(title == s.end() ? nullptr : &*title, "settings.title", true, L);
    load_instance_name(s, L);
    load_choice_duplicates(s, L);
    // XLSForm's style (Enketo's theme: `pages`, `theme-grid`) is for the app showing the form.
    if (auto style = s.find("style"); style != s.end() && !style->is_string())
        L.add("settings.style", "must be a string, like pages or theme-grid");
}

void load_choices(const json& doc, Loading& L) {
    auto it = doc.find("choices");
    if (it == doc.end()) return;
    if (!it->is_object()) {
        L.add("choices", "must be an object mapping list names to arrays of choices");
        return;
    }
    for (const auto& [name, choices] : it->items()) {
        std::string path = child_path("choices", name);
        if (!is_valid_list_name(name)) L.add(path, "invalid list name " + name);
        if (!choices.is_array()) {
            L.add(path, "must be an array of choices");
            continue;
        }
        if (choices.empty()) L.add(path, "a choice list needs at least one choice");
        ChoiceList list;
        list.name = name;
        for (std::size_t i = 0; i < choices.size(); ++i)
            load_choice(choices[i], index_path(path, i), list, L);
        L.lists.emplace(name, std::move(list));
    }
}

}  // namespace detail

Checked<Form> load_form(std::string_view json_text) {
    auto doc = parse_json(json_text, JsonLimits{max_form_bytes, max_form_depth});
    if (!doc) return std::vector<Problem>{{"", doc.error().message}};
    return load_form_json(doc.value());
}

Checked<Form> load_form_json(const nlohmann::json& document) {
    using namespace detail;
    if (!document.is_object()) return std::vector<Problem>{{"", "a form must be a JSON object"}};
    Loading L;
    static const std::set<std::string> known = {"settings", "survey", "choices", "external",
                                                "$schema"};
    for (const auto& [key, _] : document.items())
        if (!known.count(key))
            L.add(child_path("", key),
                  "unknown key (a form has settings, survey, choices and external)");
    load_settings(document, L);
    load_choices(document, L);
    load_external(document, L);
    load_survey(document, L);
    add_list_instances(L);
    check_expressions(L);
    auto order = check_calculation_cycles(L);
    if (!L.problems.empty()) return std::move(L.problems);
    FormBuilder b;
    b.settings() = std::move(L.settings);
    b.rows() = std::move(L.rows);
    b.choice_lists() = std::move(L.lists);
    b.instances() = std::move(L.instances);
    b.set_calculation_order(std::move(order));
    return std::move(b).build();
}

}  // namespace canvass::form
