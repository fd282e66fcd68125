#include "interview/settle.hpp"

#include <algorithm>
#include <cmath>

#include "form/answer_types.hpp"
#include "form/record.hpp"

namespace canvass::interview {
namespace {

using form::InstancePath;
using form::Row;
using form::RowType;
using nlohmann::json;

// Rounds of settling before giving up: each round can only remove answers or resize a
// repeat, so real forms settle in two or three.
constexpr int max_rounds = 16;

bool has_answers(const json& instance) {
    if (!instance.is_object()) return false;
    return std::any_of(instance.items().begin(), instance.items().end(),
                       [](const auto& item) { return item.key() != "_id"; });
}

// One pass over the answers, judging them with `record` (the answers as they were at the
// start of the pass, calculations computed).
class Pass {
  public:
    Pass(const form::Form& form, form::Record& record, const std::string& lang,
         std::vector<std::string>& cleared)
        : form_(form), record_(record), lang_(lang), cleared_(cleared) {}

    bool run(json& answers) {
        InstancePath at;
        level(form_.top_rows(), answers, at);
        return changed_;
    }

  private:
    void level(const std::vector<form::RowId>& rows, json& obj, InstancePath& at) {
        for (form::RowId id : rows) {
            const Row& row = form_.row(id);
            if (row.type == RowType::group)
                level(row.children, obj, at);
            else if (row.type == RowType::repeat)
                repeat(row, obj, at);
            else
                field(row, obj, at);
        }
    }

    void repeat(const Row& row, json& obj, InstancePath& at) {
        if (!record_.relevant(row.id, at)) return remove_repeat(row, obj, at);
        if (row.repeat_count) resize(row, obj, at);
        auto it = obj.find(row.name);
        if (it == obj.end() || !it->is_array()) return;
        for (std::size_t i = 0; i < it->size(); ++i) {
            at.push_back({row.id, i});
            level(row.children, (*it)[i], at);
            at.pop_back();
        }
    }

    void remove_repeat(const Row& row, json& obj, const InstancePath& at) {
        auto it = obj.find(row.name);
        if (it == obj.end()) return;
        if (it->is_array()) {
            for (std::size_t i = 0; i < it->size(); ++i)
                if (has_answers((*it)[i])) cleared_.push_back(instance_name(row, i) + where(at));
        }
        obj.erase(it);
        changed_ = true;
    }

    // Exactly as many instances as repeat_count says: empty ones appended, extra ones
    // (the last) removed.
    void resize(const Row& row, json& obj, const InstancePath& at) {
        double n = record_.evaluate(*row.repeat_count, row.id, at).as_number();
        std::size_t count =
            std::isfinite(n) && n > 0
                ? static_cast<std::size_t>(std::floor(std::min(n, double(max_counted_instances))))
                : 0;
        if (count == 0) return remove_repeat(row, obj, at);
        json& list = obj[row.name];
        if (!list.is_array()) {
            list = json::array();
            changed_ = true;
        }
        while (list.size() > count) {
            if (has_answers(list.back()))
                cleared_.push_back(instance_name(row, list.size() - 1) + where(at));
            list.erase(list.size() - 1);
            changed_ = true;
        }
        while (list.size() < count) {
            list.push_back(json::object());
            changed_ = true;
        }
    }

    void field(const Row& row, json& obj, const InstancePath& at) {
        auto it = obj.find(row.name);
        if (it == obj.end()) return;
        if (keeps(row, *it, at)) return;
        // Calculations are recomputed, never kept; anything else was given by someone.
        if (row.type != RowType::calculate && !form::is_unanswered(*it))
            cleared_.push_back(label(row) + where(at));
        obj.erase(it);
        changed_ = true;
    }

    bool keeps(const Row& row, const json& value, const InstancePath& at) {
        if (row.kept_calculation())
            return !form::is_unanswered(value) && record_.relevant(row.id, at);
        if (form::is_metadata(row.type))
            return !form::is_unanswered(value) && !form::type_problem(row, nullptr, value);
        // A read_only question holds only what its calculation or trigger put there.
        bool computed = row.calculation || !row.triggers.empty();
        if (!form::is_question(row.type) || (row.read_only && !computed) ||
            form::is_unanswered(value))
            return false;
        if (!record_.relevant(row.id, at)) return false;
        const form::ChoiceList* list = form_.choices(row.list_name);
        if (form::type_problem(row, list, value)) return false;
        if (row.choice_filter && !offered(row, *list, value, at)) return false;
        return !row.constraint ||
               record_.evaluate(*row.constraint, row.id, at, &value).as_boolean();
    }

    bool offered(const Row& row, const form::ChoiceList& list, const json& value,
                 const InstancePath& at) {
        std::vector<json> names = value.is_array() ? std::vector<json>(value.begin(), value.end())
                                                   : std::vector<json>{value};
        return std::all_of(names.begin(), names.end(), [&](const json& name) {
            const form::Choice* choice = list.find(name.get<std::string>());
            return record_.evaluate(*row.choice_filter, row.id, at, nullptr, choice).as_boolean();
        });
    }

    std::string label(const Row& row) const {
        std::string text = form::text_in(row.label, lang_, form_.settings().default_language);
        return text.empty() ? row.name : text;
    }
    std::string instance_name(const Row& repeat, std::size_t index) const {
        return label(repeat) + " " + std::to_string(index + 1);
    }
    // " (Child 2)": which instance an answer was in.
    std::string where(const InstancePath& at) const {
        if (at.empty()) return {};
        std::string out;
        for (const auto& step : at) {
            if (!out.empty()) out += ", ";
            out += instance_name(form_.row(step.repeat), step.index);
        }
        return " (" + out + ")";
    }

    const form::Form& form_;
    form::Record& record_;
    const std::string& lang_;
    std::vector<std::string>& cleared_;
    bool changed_ = false;
};

}  // namespace

std::vector<std::string> settle(const form::Form& form, json& answers, const form::Clock& clock,
                                const std::string& lang) {
    std::vector<std::string> cleared;
    if (!answers.is_object()) answers = json::object();
    for (int round = 0; round < max_rounds; ++round) {
        form::Record record(form, answers, clock);
        record.compute_calculations();
        if (!Pass(form, record, lang, cleared).run(answers)) break;
    }
    return cleared;
}

namespace {

void copy_once(const form::Form& form, const std::vector<form::RowId>& rows, const json& from,
               json& to) {
    if (!from.is_object() || !to.is_object()) return;
    for (form::RowId id : rows) {
        const Row& row = form.row(id);
        if (row.type == RowType::group) {
            copy_once(form, row.children, from, to);
        } else if (row.type == RowType::repeat) {
            auto f = from.find(row.name);
            auto t = to.find(row.name);
            if (f == from.end() || t == to.end() || !f->is_array() || !t->is_array()) continue;
            for (std::size_t i = 0; i < f->size() && i < t->size(); ++i)
                copy_once(form, row.children, (*f)[i], (*t)[i]);
        } else if (row.kept_calculation()) {
            auto f = from.find(row.name);
            if (f != from.end())
                to[row.name] = *f;
            else
                to.erase(row.name);
        }
    }
}

}  // namespace

void keep_once_values(const form::Form& form, const json& computed, json& answers) {
    copy_once(form, form.top_rows(), computed, answers);
}

}  // namespace canvass::interview
