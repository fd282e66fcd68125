// canvass::FormView (canvass/form_view.hpp): the form model's words, read through the
// public API.
#include "canvass/form_view.hpp"

#include <algorithm>

#include "form/answer_types.hpp"
#include "form/form.hpp"
#include "form/json_text.hpp"
#include "form/loader.hpp"

namespace canvass {

namespace {

std::string_view last_segment(std::string_view path) {
    auto slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool holds_value(form::RowType t) {
    return t != form::RowType::note && t != form::RowType::group && t != form::RowType::repeat;
}

}  // namespace

FormView::FormView(std::shared_ptr<const form::Form> form) : form_(std::move(form)) {
    std::vector<form::RowId> main;
    for (auto id : form_->rows_answered_at(std::nullopt))
        if (holds_value(form_->row(id).type)) main.push_back(id);
    for (const auto& row : form_->rows()) {
        questions_.push_back(FormQuestion{
            row.name, std::string(form::type_name(row.type)), row.id, form::uses_choices(row.type),
            std::find(main.begin(), main.end(), row.id) != main.end()});
    }
}

Result<FormView> FormView::parse(std::string_view form_json) {
    auto loaded = form::load_form(form_json);
    if (!loaded)
        return unexpected(Domain::form, errc::invalid_argument,
                          "the form is not valid: " + form::describe(loaded.error().front()));
    return FormView(std::make_shared<const form::Form>(std::move(loaded).value()));
}

const std::string& FormView::form_id() const {
    return form_->settings().form_id;
}
const std::string& FormView::version() const {
    return form_->settings().version;
}
const std::string& FormView::default_language() const {
    return form_->settings().default_language;
}
const std::vector<std::string>& FormView::languages() const {
    return form_->languages();
}

std::string FormView::language(std::string_view wanted) const {
    const auto& langs = languages();
    return std::find(langs.begin(), langs.end(), wanted) != langs.end() ? std::string(wanted)
                                                                        : default_language();
}

std::string FormView::title(std::string_view lang) const {
    auto t = form::text_in(form_->settings().title, std::string(lang), default_language());
    return t.empty() ? form_id() : t;
}

const std::vector<FormQuestion>& FormView::questions() const {
    return questions_;
}

const FormQuestion* FormView::find(std::string_view name) const {
    const auto* row = form_->find(last_segment(name));
    return row ? &questions_[row->id] : nullptr;
}

std::string FormView::label(std::string_view name, std::string_view lang) const {
    const auto* row = form_->find(last_segment(name));
    return row ? form::text_in(row->label, std::string(lang), default_language()) : std::string();
}

std::string FormView::choice_label(std::string_view question, std::string_view choice,
                                   std::string_view lang) const {
    const auto* row = form_->find(last_segment(question));
    const auto* list =
        row && form::uses_choices(row->type) ? form_->choices(row->list_name) : nullptr;
    const auto* c = list ? list->find(choice) : nullptr;
    if (!c) return std::string(choice);
    auto text = form::text_in(c->label, std::string(lang), default_language());
    return text.empty() ? std::string(choice) : text;
}

std::string FormView::answer_text(std::string_view question, std::string_view value_json,
                                  std::string_view lang) const {
    auto value = form::parse_value(value_json);
    if (value.is_discarded() || value.is_null()) return {};
    const auto* q = find(question);
    if (q && q->choices) {
        if (value.is_string()) return choice_label(question, value.get<std::string>(), lang);
        if (value.is_array()) {
            std::string out;
            for (const auto& v : value) {
                if (!out.empty()) out += ", ";
                out +=
                    v.is_string() ? choice_label(question, v.get<std::string>(), lang) : v.dump();
            }
            return out;
        }
    }
    return form::cell_text(value);
}

std::string FormView::cell_text(std::string_view question, std::string_view cell,
                                std::string_view lang) const {
    const auto* q = find(question);
    if (!q || !q->choices || cell.empty()) return std::string(cell);
    std::string out;
    std::size_t at = 0;
    while (at <= cell.size()) {
        auto space = cell.find(' ', at);
        auto name =
            cell.substr(at, space == std::string_view::npos ? std::string_view::npos : space - at);
        if (!out.empty()) out += ", ";
        out += choice_label(question, name, lang);
        if (space == std::string_view::npos) break;
        at = space + 1;
    }
    return out;
}

}  // namespace canvass
