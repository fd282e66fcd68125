#include "desk/answer_text.hpp"

#include <nlohmann/json.hpp>

#include "export/cells.hpp"
#include "form/json_text.hpp"

namespace canvass::cli::desk {

using nlohmann::json;

// The field's name: the last segment of its path.
std::string field_name(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string choice_label(const form::Form& form, const form::Row& row, const std::string& name,
                         const std::string& lang) {
    const auto* list = form.choices(row.list_name);
    const auto* choice = list ? list->find(name) : nullptr;
    if (!choice) return name;
    auto label = form::text_in(choice->label, lang, form.settings().default_language);
    return label.empty() ? name : label;
}

// An answer as a person reads it: choices by their label in `lang`.
std::string answer_display(const form::Form& form, const form::Row* row,
                           const std::optional<std::string>& text, bool readable,
                           const std::string& unreadable, const std::string& unanswered,
                           const std::string& lang) {
    if (!readable || !text) return readable ? unanswered : unreadable;
    auto value = form::parse_value(*text);
    if (value.is_discarded() || value.is_null()) return unanswered;
    if (row && form::uses_choices(row->type)) {
        if (value.is_string()) return choice_label(form, *row, value.get<std::string>(), lang);
        if (value.is_array()) {
            std::string out;
            for (const auto& v : value) {
                if (!out.empty()) out += ", ";
                out +=
                    v.is_string() ? choice_label(form, *row, v.get<std::string>(), lang) : v.dump();
            }
            return out;
        }
    }
    return exporting::cell_text(value);
}

std::string cell_display(const form::Form& form, const form::Row& row, const std::string& cell,
                         const std::string& lang) {
    if (!form::uses_choices(row.type) || cell.empty()) return cell;
    std::string out;
    std::size_t at = 0;
    while (at <= cell.size()) {
        auto space = cell.find(' ', at);
        auto name = cell.substr(at, space == std::string::npos ? std::string::npos : space - at);
        if (!out.empty()) out += ", ";
        out += choice_label(form, row, name, lang);
        if (space == std::string::npos) break;
        at = space + 1;
    }
    return out;
}

}  // namespace canvass::cli::desk
