#include "interview/view.hpp"

#include <algorithm>

#include "interview/answer_tree.hpp"
#include "interview/typed_answer.hpp"
#include "interview/words.hpp"

namespace canvass::cli::interview {
namespace {

using form::RowType;
using nlohmann::json;

// The instance path `at` cut after the instance of `repeat` (the path of that instance).
form::InstancePath up_to(const form::InstancePath& at, form::RowId repeat) {
    auto it = std::find_if(at.begin(), at.end(), [&](const auto& s) { return s.repeat == repeat; });
    return it == at.end() ? at : form::InstancePath(at.begin(), it + 1);
}

std::string indent(std::size_t depth) {
    return std::string(2 * depth, ' ');
}

}  // namespace

std::vector<const form::Choice*> offered_choices(const form::Form& form, form::Record& record,
                                                 const Step& step) {
    const form::Row& row = form.row(step.row);
    std::vector<const form::Choice*> out;
    const form::ChoiceList* list = form.choices(row.list_name);
    if (!list) return out;
    for (const auto& choice : list->choices) {
        if (!row.choice_filter ||
            record.evaluate(*row.choice_filter, row.id, step.at, nullptr, &choice).as_boolean())
            out.push_back(&choice);
    }
    return out;
}

View::View(const form::Form& form, const std::string& lang, bool color)
    : form_(form), lang_(form.settings().default_language), color_(color) {
    const auto& langs = form.languages();
    if (std::find(langs.begin(), langs.end(), lang) != langs.end()) lang_ = lang;
}

std::string View::style(const char* code, const std::string& s) const {
    if (!color_) return s;
    return "\033[" + std::string(code) + "m" + s + "\033[0m";
}

std::string View::text(const form::Label& label, const form::InstancePath& at,
                       const form::Record& record) const {
    std::string in = form::text_in(label, lang_, form_.settings().default_language);
    std::string out;
    std::size_t pos = 0;
    while (pos < in.size()) {
        std::size_t open = in.find("${", pos);
        std::size_t close = open == std::string::npos ? open : in.find('}', open);
        if (close == std::string::npos) break;
        out.append(in, pos, open - pos);
        std::string name = in.substr(open + 2, close - open - 2);
        const form::Row* row = form_.find(name);
        if (row && row->type != RowType::group)
            out += record.field_value(*row, at).as_string();
        else
            out.append(in, open, close + 1 - open);  // not a field: leave it as written
        pos = close + 1;
    }
    out.append(in, std::min(pos, in.size()), std::string::npos);
    return out;
}

std::string View::heading(const std::pair<form::RowId, std::size_t>& level, const Step& step,
                          const form::Record& record) const {
    const form::Row& row = form_.row(level.first);
    if (row.type != RowType::repeat) return text(row.label, step.at, record);
    return text(row.label, up_to(step.at, row.id), record) + " " + std::to_string(level.second + 1);
}

std::string View::headings(const Step& step, const form::Record& record) {
    StepContext now = context_of(form_, step);
    std::size_t common = 0;
    while (common < now.size() && common < shown_.size() && now[common] == shown_[common]) ++common;
    std::string out;
    for (std::size_t i = common; i < now.size(); ++i)
        out += "\n" + strong("── " + heading(now[i], step, record) + " ──") + "\n";
    shown_ = std::move(now);
    return out;
}

std::string View::question(const Step& step, form::Record& record,
                           const std::optional<Proposal>& proposal, bool required) const {
    const form::Row& row = form_.row(step.row);
    std::string out =
        "\n" + strong((required ? "* " : "") + text(row.label, step.at, record)) + "\n";
    if (std::string hint = text(row.hint, step.at, record); !hint.empty())
        out += faint("  " + hint) + "\n";
    if (row.type == RowType::select_one || row.type == RowType::select_multiple) {
        auto offered = offered_choices(form_, record, step);
        for (std::size_t i = 0; i < offered.size(); ++i)
            out += "  " + std::to_string(i + 1) + ". " + text(offered[i]->label, step.at, record) +
                   "\n";
    }
    std::string format = answer_format(row, lang_);
    if (proposal) {
        format += format.empty() ? "" : "; ";
        format += say(lang_, proposal->is_default ? Phrase::enter_answers : Phrase::enter_keeps,
                      {show_answer(form_, row, proposal->value, lang_)});
    }
    if (!format.empty()) out += faint("  (" + format + ")") + "\n";
    return out + prompt();
}

std::string View::display(const Step& step, const form::Record& record) const {
    const form::Row& row = form_.row(step.row);
    std::string out = "\n" + text(row.label, step.at, record);
    if (row.read_only) {
        const json* value = answer_at(form_, record.answers(), step.at, row);
        if (!value && !row.default_value.is_null()) value = &row.default_value;
        out += ": " + (value ? show_answer(form_, row, *value, lang_) : std::string("-"));
    }
    out += "\n";
    if (std::string hint = text(row.hint, step.at, record); !hint.empty())
        out += faint("  " + hint) + "\n";
    return out;
}

std::string View::add_prompt(const Step& step, const form::Record& record,
                             bool enter_means_no) const {
    const form::Row& row = form_.row(step.row);
    std::string out = "\n" + say(lang_, Phrase::add_question, {text(row.label, step.at, record)});
    if (step.instance > 0) out += " " + say(lang_, Phrase::so_far, {std::to_string(step.instance)});
    out += " " + say(lang_, enter_means_no ? Phrase::yes_no_enter_no : Phrase::yes_no_keys);
    return out + "\n" + prompt();
}

std::string View::summary(const std::vector<Step>& steps, const form::Record& record,
                          const json& answers) const {
    std::string out = "\n" + strong(say(lang_, Phrase::summary)) + "\n";
    StepContext shown;
    for (const auto& step : steps) {
        const form::Row& row = form_.row(step.row);
        if (step.kind == StepKind::add || row.type == RowType::note) continue;
        StepContext now = context_of(form_, step);
        std::size_t common = 0;
        while (common < now.size() && common < shown.size() && now[common] == shown[common])
            ++common;
        for (std::size_t i = common; i < now.size(); ++i)
            out += indent(i + 1) + "── " + heading(now[i], step, record) + " ──\n";
        shown = std::move(now);
        const json* value = answer_at(form_, answers, step.at, row);
        if (!value && row.read_only && !row.default_value.is_null()) value = &row.default_value;
        out += indent(shown.size() + 1) + text(row.label, step.at, record) + ": " +
               (value ? show_answer(form_, row, *value, lang_)
                      : faint(say(lang_, Phrase::no_answer))) +
               "\n";
    }
    return out;
}

}  // namespace canvass::cli::interview
