// Answer validation: walks the form and the answers together, instance by instance.
#include "form/validate.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "form/answer_types.hpp"
#include "form/json_text.hpp"
#include "form/record.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;

bool is_uuid(const json& v) {
    if (!v.is_string()) return false;
    const auto& s = v.get_ref<const std::string&>();
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) return false;
    }
    return true;
}

std::string join_path(const std::string& prefix, const std::string& name) {
    return prefix.empty() ? name : prefix + "." + name;
}

// The working copy the calculations run on: empty answers dropped, integers canonical,
// given calculate values removed (they are recomputed, then compared).
void clean(const Form& form, json& obj, std::optional<RowId> level = std::nullopt) {
    if (!obj.is_object()) return;
    for (auto it = obj.begin(); it != obj.end();) {
        const Row* row = form.find_at(it.key(), level);
        if (is_unanswered(*it) ||
            (row && row->type == RowType::calculate && !row->kept_calculation())) {
            it = obj.erase(it);
            continue;
        }
        if (row && row->type == RowType::integer) *it = canonical_integer(*it);
        if (row && row->type == RowType::repeat && it->is_array())
            for (auto& inst : *it) clean(form, inst, row->id);
        ++it;
    }
}

class Validator {
  public:
    Validator(const Form& form, const ValidateOptions& options, Record& record)
        : form_(form), record_(record), mode_(options.mode) {
        const auto& langs = form.languages();
        bool known = std::find(langs.begin(), langs.end(), options.language) != langs.end();
        lang_ = known ? options.language : form.settings().default_language;
    }

    std::vector<Problem> run(const json& answers) {
        InstancePath at;
        check_keys(answers, std::nullopt, "");
        for (RowId id : form_.top_rows()) visit(id, answers, at, "");
        return std::move(out_);
    }

  private:
    void add(std::string path, std::string message) {
        out_.push_back({std::move(path), std::move(message)});
    }

    std::string text(const Label& label) const {
        return text_in(label, lang_, form_.settings().default_language);
    }

    // Names are unique at each level, so a key is allowed at `level` when the row of that name
    // there is a question answered there (not a group, and in that repeat or at the top level).
    void check_keys(const json& obj, std::optional<RowId> level, const std::string& prefix) {
        for (const auto& [key, _] : obj.items()) {
            if (level && key == "_id") continue;
            const Row* row = form_.find_at(key, level);
            std::optional<RowId> row_level;
            if (row && !row->repeats.empty()) row_level = row->repeats.back();
            if (row && row->type != RowType::group && row_level == level) continue;
            std::string path = join_path(prefix, key);
            if (!row) {
                add(path, "unknown field");
            } else if (row->type == RowType::group) {
                add(path, key + " is a group: answer its questions by name, without nesting them");
            } else if (!row->repeats.empty()) {
                add(path,
                    "belongs in the instances of repeat " + form_.row(row->repeats.back()).name);
            } else {
                add(path, "belongs at the top level, not in repeat " + form_.row(*level).name);
            }
        }
    }

    void visit(RowId id, const json& obj, InstancePath& at, const std::string& prefix) {
        const Row& row = form_.row(id);
        if (row.type == RowType::group) {
            for (RowId child : row.children) visit(child, obj, at, prefix);
        } else if (row.type == RowType::repeat) {
            visit_repeat(row, obj, at, prefix);
        } else {
            visit_field(row, obj, at, join_path(prefix, row.name));
        }
    }

    // Names the relevant expression that is false: the row's own, else the nearest
    // enclosing group's or repeat's.
    std::string not_relevant(const Row& row, const InstancePath& at) {
        for (const Row* r = &row; r; r = r->parent ? &form_.row(*r->parent) : nullptr) {
            if (!r->relevant || record_.evaluate(*r->relevant, r->id, at).as_boolean()) continue;
            std::string expr = " (relevant: " + r->relevant->source() + ")";
            if (r == &row) return "answered but not relevant" + expr;
            return "answered but " + std::string(type_name(r->type)) + " " + r->name +
                   " is not relevant" + expr;
        }
        return "answered but not relevant";
    }

    void visit_field(const Row& row, const json& obj, const InstancePath& at,
                     const std::string& path) {
        auto it = obj.find(row.name);
        const json* given = it == obj.end() || is_unanswered(*it) ? nullptr : &*it;
        // A calculate's given value is ignored: it is recomputed, and a stored record
        // re-validated later (an edit) may hold a value computed from today() or now().
        if (row.type == RowType::calculate) return;
        // Metadata is set by the interview whatever the answers: only its form is checked.
        if (is_metadata(row.type)) {
            if (given)
                if (auto p = type_problem(row, nullptr, *given)) add(path, *p);
            return;
        }
        if (!record_.relevant(row.id, at)) {
            if (given) add(path, not_relevant(row, at));
            return;
        }
        if (given && row.type == RowType::note) return add(path, "a note is not answered");
        // A read_only question may hold what its calculation or trigger computed.
        bool computed = row.calculation || !row.triggers.empty();
        if (given && row.read_only && !computed)
            return add(path, "a read_only question is not answered");
        if (!given) {
            if (mode_ == Mode::final && row.required &&
                record_.evaluate(*row.required, row.id, at).as_boolean()) {
                std::string message = text(row.required_message);
                add(path, message.empty() ? "an answer is required" : message);
            }
            return;
        }
        const ChoiceList* list = form_.choices(row.list_name);
        if (auto p = type_problem(row, list, *given)) return add(path, *p);
        if (row.choice_filter && !check_filter(row, *list, *given, at, path)) return;
        if (row.constraint && !record_.evaluate(*row.constraint, row.id, at, given).as_boolean()) {
            std::string message = text(row.constraint_message);
            add(path, message.empty() ? "refused by the constraint " + row.constraint->source()
                                      : message);
        }
    }

    bool check_filter(const Row& row, const ChoiceList& list, const json& given,
                      const InstancePath& at, const std::string& path) {
        std::vector<json> names = given.is_array() ? std::vector<json>(given.begin(), given.end())
                                                   : std::vector<json>{given};
        for (const auto& name : names) {
            // A name the list holds twice (allow_choice_duplicates) is offered when one is.
            bool offered =
                std::any_of(list.choices.begin(), list.choices.end(), [&](const Choice& c) {
                    return c.name == name.get<std::string>() &&
                           record_.evaluate(*row.choice_filter, row.id, at, nullptr, &c)
                               .as_boolean();
                });
            if (offered) continue;
            add(path, short_json(name) + " is not offered here (choice_filter: " +
                          row.choice_filter->source() + ")");
            return false;
        }
        return true;
    }

    void visit_repeat(const Row& row, const json& obj, InstancePath& at,
                      const std::string& prefix) {
        std::string path = join_path(prefix, row.name);
        auto it = obj.find(row.name);
        const json* given = it == obj.end() || is_unanswered(*it) ? nullptr : &*it;
        if (!record_.relevant(row.id, at)) {
            if (given) add(path, not_relevant(row, at));
            return;
        }
        if (given && !given->is_array())
            return add(path, "expected an array of instances" + std::string(", got ") +
                                 short_json(*given));
        std::size_t count = given ? given->size() : 0;
        check_count(row, count, at, path);
        std::map<std::string, std::size_t> ids;
        for (std::size_t i = 0; i < count; ++i) {
            const json& inst = (*given)[i];
            std::string ipath = path + "[" + std::to_string(i + 1) + "]";
            if (!inst.is_object()) {
                add(ipath,
                    "an instance must be an object" + std::string(", got ") + short_json(inst));
                continue;
            }
            check_instance_id(inst, ipath, path, ids, i);
            at.push_back({row.id, i});
            check_keys(inst, row.id, ipath);
            for (RowId child : row.children) visit(child, inst, at, ipath);
            at.pop_back();
        }
    }

    void check_instance_id(const json& inst, const std::string& ipath, const std::string& path,
                           std::map<std::string, std::size_t>& ids, std::size_t i) {
        auto id = inst.find("_id");
        if (id == inst.end()) return;
        if (!is_uuid(*id))
            return add(ipath + "._id",
                       "must be a UUID string" + std::string(", got ") + short_json(*id));
        auto [first, fresh] = ids.emplace(id->get<std::string>(), i);
        if (!fresh)
            add(ipath + "._id",
                "same _id as " + path + "[" + std::to_string(first->second + 1) + "]");
    }

    void check_count(const Row& row, std::size_t count, const InstancePath& at,
                     const std::string& path) {
        if (!row.repeat_count) return;
        double n = record_.evaluate(*row.repeat_count, row.id, at).as_number();
        double expected = std::isfinite(n) && n > 0 ? std::floor(n) : 0;
        bool too_many = static_cast<double>(count) > expected;
        bool too_few = static_cast<double>(count) < expected && mode_ == Mode::final;
        if (too_many || too_few)
            add(path, "repeat_count (" + row.repeat_count->source() + ") is " +
                          format_number(expected) + " but there are " + std::to_string(count) +
                          " instances");
    }

    const Form& form_;
    Record& record_;
    Mode mode_;
    std::string lang_;
    std::vector<Problem> out_;
};

}  // namespace

Validation validate_answers(const Form& form, const json& answers, const ValidateOptions& options) {
    Validation v;
    if (!answers.is_object()) {
        v.violations.push_back(
            {"", "answers must be a JSON object keyed by field name, got " + short_json(answers)});
        v.completed = answers;
        return v;
    }
    json working = answers;
    clean(form, working);
    Record record(form, std::move(working), options.clock ? options.clock : system_clock());
    record.compute_calculations();
    v.violations = Validator(form, options, record).run(answers);
    v.completed = std::move(record).take_answers();
    return v;
}

json complete_answers(const Form& form, const json& answers, const Clock& clock) {
    if (!answers.is_object()) return answers;
    json working = answers;
    clean(form, working);
    Record record(form, std::move(working), clock ? clock : system_clock());
    record.compute_calculations();
    return std::move(record).take_answers();
}

std::string record_name(const Form& form, const json& answers, const Clock& clock) {
    const auto& name = form.settings().instance_name;
    if (!name || !answers.is_object()) return {};
    Record record(form, answers, clock ? clock : system_clock());
    return record.evaluate(*name, 0, {}).as_string();
}

}  // namespace canvass::form
