#include "interview/edit_changes.hpp"

#include <set>
#include <string>

#include "store/answers.hpp"

namespace canvass::interview {
namespace {

using nlohmann::json;

const json& field(const json& obj, const std::string& key) {
    static const json none;
    auto it = obj.find(key);
    return it == obj.end() ? none : *it;
}

// The instances of a repeat's answer (none when it is not an array).
const json& instances(const json& repeat) {
    static const json none = json::array();
    return repeat.is_array() ? repeat : none;
}

json object_changes(const form::Form& form, const json& before, const json& after);

// The changes of one repeat: kept instances matched by "_id".
json repeat_changes(const form::Form& form, const json& before, const json& after) {
    const std::string id_key = store::kInstanceIdKey;
    json out = json::array();
    std::set<std::string> kept;
    for (const auto& inst : instances(after)) {
        auto id = inst.find(id_key);
        if (id == inst.end()) {
            out.push_back(inst);  // new: added whole
            continue;
        }
        kept.insert(id->get<std::string>());
        const json* old = nullptr;
        for (const auto& b : instances(before))
            if (field(b, id_key) == *id) old = &b;
        json change = object_changes(form, old ? *old : json::object(), inst);
        if (change.empty()) continue;
        change[id_key] = *id;
        out.push_back(std::move(change));
    }
    for (const auto& inst : instances(before)) {
        const json& id = field(inst, id_key);
        if (id.is_string() && !kept.count(id.get<std::string>()))
            out.push_back({{id_key, id}, {store::kDeleteInstanceKey, true}});
    }
    return out;
}

json object_changes(const form::Form& form, const json& before, const json& after) {
    json out = json::object();
    std::set<std::string> keys;
    for (const auto& [k, _] : before.items()) keys.insert(k);
    for (const auto& [k, _] : after.items()) keys.insert(k);
    for (const auto& key : keys) {
        if (key == store::kInstanceIdKey) continue;
        const form::Row* row = form.find(key);
        const json& was = field(before, key);
        const json& now = field(after, key);
        if (row && row->type == form::RowType::repeat) {
            json changes = repeat_changes(form, was, now);
            if (!changes.empty()) out[key] = std::move(changes);
        } else if (was != now) {
            out[key] = now;  // null when the answer was removed
        }
    }
    return out;
}

}  // namespace

json edit_changes(const form::Form& form, const json& before, const json& after) {
    return object_changes(form, before, after);
}

}  // namespace canvass::interview
