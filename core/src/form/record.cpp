#include "form/record.hpp"

#include <cmath>
#include <functional>

#include "form/answer_types.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;

// What an expression written on some row sees while evaluated in one instance.
class RecordScope : public Scope {
  public:
    RecordScope(const Record& record, const Form& form, const InstancePath& at, const json* current,
                const Choice* choice, const Clock& clock)
        : record_(record),
          form_(form),
          at_(at),
          current_(current),
          choice_(choice),
          clock_(clock) {}

    Value field(std::string_view name) const override {
        const Row* target = form_.find(name);
        return target ? record_.field_value(*target, at_) : Value{};
    }
    Value current() const override {
        return current_ ? Value::string(answer_text(*current_)) : Value{};
    }
    // As ODK reads instance('__last-saved')/data/…/name: a field inside repeats in the
    // first instance of each.
    Value last_saved(std::string_view name) const override {
        const Row* target = form_.find(name);
        const json* obj = record_.last_saved();
        if (!target || !obj) return {};
        for (RowId repeat : target->repeats) {
            auto it = obj->is_object() ? obj->find(form_.row(repeat).name) : obj->end();
            if (!obj->is_object() || it == obj->end() || !it->is_array() || it->empty()) return {};
            obj = &it->front();
        }
        if (!obj->is_object()) return {};
        auto it = obj->find(target->name);
        return it == obj->end() ? Value{} : Value::string(answer_text(*it));
    }
    double position() const override {
        return at_.empty() ? std::nan("") : static_cast<double>(at_.back().index + 1);
    }
    Value choice_column(std::string_view column) const override {
        if (!choice_) return {};
        if (column == "name") return Value::string(choice_->name);
        auto it = choice_->columns.find(std::string(column));
        return it == choice_->columns.end() ? Value{} : Value::string(it->second);
    }
    Instant now() const override { return clock_ ? clock_() : Instant{}; }
    std::optional<std::uint64_t> random_bits() const override {
        if (!record_.random()) return std::nullopt;
        return record_.random()();
    }
    Value indexed_field(std::string_view name,
                        const std::vector<std::pair<std::string, double>>& picks) const override {
        const Row* target = form_.find(name);
        if (!target) return {};
        std::map<RowId, std::size_t> fixed;
        for (const auto& [repeat, index] : picks) {
            const Row* r = form_.find(repeat);
            // A 1-based index that is not a whole number from 1 on selects nothing.
            if (!r || r->type != RowType::repeat || !(index >= 1) || std::trunc(index) != index)
                return {};
            fixed[r->id] = static_cast<std::size_t>(index) - 1;
        }
        return record_.field_value(*target, at_, &fixed);
    }
    std::string choice_label(std::string_view field, std::string_view choice) const override {
        const Row* row = form_.find(field);
        const ChoiceList* list = row ? form_.choices(row->list_name) : nullptr;
        const Choice* c = list ? list->find(choice) : nullptr;
        if (!c) return {};
        const std::string& lang = record_.language();
        return text_in(c->label, lang.empty() ? form_.settings().default_language : lang,
                       form_.settings().default_language);
    }
    const DataInstance* secondary_instance(std::string_view id) const override {
        return form_.instance(id);
    }
    std::string language() const override {
        return record_.language().empty() ? form_.settings().default_language : record_.language();
    }

  private:
    const Record& record_;
    const Form& form_;
    const InstancePath& at_;
    const json* current_;
    const Choice* choice_;
    const Clock& clock_;
};

// A calculation's result as stored in the answers: numbers as JSON numbers (whole ones
// as integers), text as strings, booleans as booleans; NaN, infinities and "" as no value.
std::optional<json> stored_value(const Value& v) {
    switch (v.kind()) {
        case Value::Kind::number: {
            double d = v.as_number();
            if (!std::isfinite(d)) return std::nullopt;
            if (std::trunc(d) == d && std::fabs(d) < 9007199254740992.0)
                return json(static_cast<std::int64_t>(d));
            return json(d);
        }
        case Value::Kind::boolean:
            return json(v.as_boolean());
        default: {
            std::string s = v.as_string();
            if (s.empty()) return std::nullopt;
            return json(std::move(s));
        }
    }
}

using InstanceVisitor = std::function<void(const InstancePath&, json&)>;

// Calls `visit` on every instance object of the repeats `chain` (outermost first).
void each_instance(const Form& form, json& obj, const std::vector<RowId>& chain, std::size_t k,
                   InstancePath& at, const InstanceVisitor& visit) {
    if (!obj.is_object()) return;
    if (k == chain.size()) return visit(at, obj);
    auto it = obj.find(form.row(chain[k]).name);
    if (it == obj.end() || !it->is_array()) return;
    for (std::size_t i = 0; i < it->size(); ++i) {
        at.push_back({chain[k], i});
        each_instance(form, (*it)[i], chain, k + 1, at, visit);
        at.pop_back();
    }
}

}  // namespace

Record::Record(const Form& form, json answers, Clock clock)
    : form_(form), answers_(std::move(answers)), clock_(std::move(clock)) {}

Record::Key Record::key_of(const Row& row, const InstancePath& at) {
    Key key{row.id, {}};
    for (std::size_t i = 0; i < row.repeats.size() && i < at.size(); ++i)
        key.second.push_back(at[i].index);
    return key;
}

const json* Record::instance(const InstancePath& at) const {
    const json* obj = &answers_;
    for (const auto& step : at) {
        if (!obj->is_object()) return nullptr;
        auto it = obj->find(form_.row(step.repeat).name);
        if (it == obj->end() || !it->is_array() || step.index >= it->size()) return nullptr;
        obj = &(*it)[step.index];
    }
    return obj->is_object() ? obj : nullptr;
}

Value Record::field_value(const Row& target, const InstancePath& at,
                          const std::map<RowId, std::size_t>* picks) const {
    const auto& chain = target.repeats;
    bool is_repeat = target.type == RowType::repeat;
    // Repeats shared with the current instance stay on it; deeper ones fan out to a list,
    // unless `picks` fixes their instance.
    std::size_t common = 0;
    while (common < chain.size() && common < at.size() && chain[common] == at[common].repeat &&
           !(picks && picks->count(chain[common])))
        ++common;
    auto picked = [&](std::size_t k) -> const std::size_t* {
        if (!picks) return nullptr;
        auto it = picks->find(chain[k]);
        return it == picks->end() ? nullptr : &it->second;
    };
    bool many = is_repeat;
    for (std::size_t k = common; k < chain.size(); ++k) many = many || !picked(k);
    std::vector<std::string> items;
    std::function<void(const json&, std::size_t)> walk = [&](const json& obj, std::size_t k) {
        if (!obj.is_object()) return;
        auto it = obj.find(k == chain.size() ? target.name : form_.row(chain[k]).name);
        if (k == chain.size()) {
            if (!is_repeat)
                items.push_back(it == obj.end() ? "" : answer_text(*it));
            else if (it != obj.end() && it->is_array())
                items.resize(items.size() + it->size());
            return;
        }
        if (it == obj.end() || !it->is_array()) return;
        if (const std::size_t* fixed = picked(k)) {
            if (*fixed < it->size()) walk((*it)[*fixed], k + 1);
            return;
        }
        if (k < common) {
            if (at[k].index < it->size()) walk((*it)[at[k].index], k + 1);
            return;
        }
        for (const auto& inst : *it) walk(inst, k + 1);
    };
    walk(answers_, 0);
    if (many) return Value::list(std::move(items));
    return Value::string(items.empty() ? std::string() : std::move(items.front()));
}

Value Record::evaluate(const Expression& e, RowId row, const InstancePath& at, const json* current,
                       const Choice* choice) const {
    InstancePath own(at.begin(), at.begin() + std::min(at.size(), form_.row(row).repeats.size()));
    RecordScope scope(*this, form_, own, current, choice, clock_);
    return form::evaluate(e, scope);
}

bool Record::relevant(RowId id, const InstancePath& at) {
    const Row& row = form_.row(id);
    Key key = key_of(row, at);
    if (auto it = relevance_.find(key); it != relevance_.end()) return it->second;
    bool yes = !row.parent || relevant(*row.parent, at);
    if (yes && row.relevant) yes = evaluate(*row.relevant, id, at).as_boolean();
    relevance_.emplace(std::move(key), yes);
    return yes;
}

// One round: every calculation computed (those in `off` left empty), then the set of
// calculate instances that are not relevant with these values.
std::set<Record::Key> Record::compute_round(const std::set<Key>& off) {
    InstancePath at;
    for (RowId id : form_.calculation_order()) {
        const Row& row = form_.row(id);
        each_instance(form_, answers_, row.repeats, 0, at,
                      [&](const InstancePath& where, json& obj) {
                          // A triggered calculate changes only when its trigger does, and one
                          // without a calculation keeps its default (the interview sets both).
                          if (!row.triggers.empty() || !row.calculation) {
                              if (off.count(key_of(row, where))) obj.erase(row.name);
                              return;
                          }
                          std::optional<json> v;
                          // The value so far is the calculation's `.`-less context, what once()
                          // keeps.
                          json before = obj.contains(row.name) ? obj[row.name] : json();
                          if (!off.count(key_of(row, where)) && row.calculation)
                              v = stored_value(evaluate(*row.calculation, id, where,
                                                        before.is_null() ? nullptr : &before));
                          if (v)
                              obj[row.name] = std::move(*v);
                          else
                              obj.erase(row.name);
                      });
    }
    relevance_.clear();
    std::set<Key> now_off;
    for (RowId id : form_.calculation_order()) {
        const Row& row = form_.row(id);
        each_instance(form_, answers_, row.repeats, 0, at, [&](const InstancePath& where, json&) {
            if (!relevant(id, where)) now_off.insert(key_of(row, where));
        });
    }
    return now_off;
}

void Record::compute_calculations() {
    std::set<Key> off;
    for (int round = 0; round < 4; ++round) {
        auto now_off = compute_round(off);
        bool stable = now_off == off;
        off = std::move(now_off);
        if (stable) return;
    }
    // Relevance kept changing: clear what is not relevant under the last values.
    InstancePath at;
    for (RowId id : form_.calculation_order()) {
        const Row& row = form_.row(id);
        each_instance(form_, answers_, row.repeats, 0, at,
                      [&](const InstancePath& where, json& obj) {
                          if (off.count(key_of(row, where))) obj.erase(row.name);
                      });
    }
    relevance_.clear();
}

}  // namespace canvass::form
