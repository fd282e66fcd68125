#include "interview/answer_tree.hpp"

#include "form/answer_types.hpp"

namespace canvass::interview {

using nlohmann::json;

const json* instance_at(const form::Form& form, const json& answers, const form::InstancePath& at) {
    const json* obj = &answers;
    for (const auto& step : at) {
        if (!obj->is_object()) return nullptr;
        auto it = obj->find(form.row(step.repeat).name);
        if (it == obj->end() || !it->is_array() || step.index >= it->size()) return nullptr;
        obj = &(*it)[step.index];
    }
    return obj->is_object() ? obj : nullptr;
}

json* instance_at(const form::Form& form, json& answers, const form::InstancePath& at) {
    return const_cast<json*>(instance_at(form, static_cast<const json&>(answers), at));
}

const json* answer_at(const form::Form& form, const json& answers, const form::InstancePath& at,
                      const form::Row& row) {
    const json* obj = instance_at(form, answers, at);
    if (!obj) return nullptr;
    auto it = obj->find(row.name);
    if (it == obj->end() || form::is_unanswered(*it)) return nullptr;
    return &*it;
}

void set_answer(const form::Form& form, json& answers, const form::InstancePath& at,
                const form::Row& row, json value) {
    json* obj = instance_at(form, answers, at);
    if (!obj) return;
    if (form::is_unanswered(value))
        obj->erase(row.name);
    else
        (*obj)[row.name] = std::move(value);
}

std::size_t instance_count(const form::Form& form, const json& answers,
                           const form::InstancePath& at, const form::Row& repeat) {
    const json* obj = instance_at(form, answers, at);
    if (!obj) return 0;
    auto it = obj->find(repeat.name);
    return it != obj->end() && it->is_array() ? it->size() : 0;
}

namespace {

void collect(const form::Form& form, const json& obj, const std::vector<form::RowId>& chain,
             std::size_t k, form::InstancePath& at, std::vector<form::InstancePath>& out) {
    if (k == chain.size()) return out.push_back(at);
    auto it = obj.is_object() ? obj.find(form.row(chain[k]).name) : obj.end();
    if (!obj.is_object() || it == obj.end() || !it->is_array()) return;
    for (std::size_t i = 0; i < it->size(); ++i) {
        at.push_back({chain[k], i});
        collect(form, (*it)[i], chain, k + 1, at, out);
        at.pop_back();
    }
}

}  // namespace

std::vector<form::InstancePath> instances_of(const form::Form& form, const json& answers,
                                             const form::Row& row) {
    std::vector<form::InstancePath> out;
    form::InstancePath at;
    collect(form, answers, row.repeats, 0, at, out);
    return out;
}

}  // namespace canvass::interview
