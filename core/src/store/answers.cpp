#include "store/answers.hpp"

#include <optional>

#include "form/json_text.hpp"
#include "merge/path.hpp"

namespace canvass::store {

using nlohmann::json;

namespace {

Unexpected<Error> bad(std::string message) {
    return unexpected(Domain::form, errc::invalid_argument, std::move(message));
}

Result<merge::InstanceId> instance_id(json& instance, merge::Random& random,
                                      const std::string& where) {
    auto it = instance.find(kInstanceIdKey);
    if (it == instance.end()) {
        auto id = merge::new_uuid(random);
        instance[kInstanceIdKey] = merge::format_uuid(id);
        return id;
    }
    if (it->is_string()) {
        if (auto id = merge::parse_uuid(it->get<std::string>())) return *id;
    }
    return bad(where + "." + kInstanceIdKey + ": not an instance id (a lowercase UUID)");
}

Result<void> flatten_into(const form::Form& form, json& object, const std::string& parent,
                          const std::string& where, merge::Random& random, FlatAnswers& out) {
    for (auto& [key, value] : object.items()) {
        if (key == kInstanceIdKey) continue;
        const auto* row = form.find(key);
        std::string here = where.empty() ? key : where + "." + key;
        if (!row) return bad(here + ": the form has no field named '" + key + "'");
        if (row->type == form::RowType::group) return bad(here + ": '" + key + "' is a group");
        if (row->type != form::RowType::repeat) {
            if (!value.is_null()) out.fields[merge::field_path(parent, key)] = value;
            continue;
        }
        if (!value.is_array()) return bad(here + ": a repeat takes an array of objects");
        for (std::size_t i = 0; i < value.size(); ++i) {
            std::string inst_where = here + "[" + std::to_string(i + 1) + "]";
            json& instance = value[i];
            if (!instance.is_object()) return bad(inst_where + ": not an object");
            CANVASS_TRY(auto id, instance_id(instance, random, inst_where));
            std::string path = merge::instance_path(parent, key, id);
            if (!out.instance_set.insert(path).second) {
                return bad(inst_where + ": instance id used twice");
            }
            out.instances.push_back(path);
            CANVASS_TRY_VOID(flatten_into(form, instance, path, inst_where, random, out));
        }
    }
    return {};
}

// The JSON object holding the answers of instance path `parent` ("" is the root), or nullptr
// if that instance is not in `root` (deleted, or unknown to the form).
json* object_at(json& root, std::string_view parent) {
    json* node = &root;
    for (auto instance : merge::enclosing_instances(parent)) {
        auto ref = merge::split_instance(instance);
        if (!ref) return nullptr;
        auto slash = ref->repeat.rfind('/');
        std::string name = slash == std::string::npos ? ref->repeat : ref->repeat.substr(slash + 1);
        auto arr = node->find(name);
        if (arr == node->end() || !arr->is_array()) return nullptr;
        std::string id = merge::format_uuid(ref->id);
        json* found = nullptr;
        for (auto& inst : *arr) {
            if (inst.value(kInstanceIdKey, "") == id) found = &inst;
        }
        if (!found) return nullptr;
        node = found;
    }
    return node;
}

std::pair<std::string_view, std::string_view> split_field(std::string_view path) {
    auto slash = path.rfind('/');
    if (slash == std::string_view::npos) return {"", path};
    return {path.substr(0, slash), path.substr(slash + 1)};
}

Result<void> merge_changes(const form::Form& form, json& current, const json& changes,
                           const std::string& where) {
    if (!changes.is_object()) return bad((where.empty() ? "answers" : where) + ": not an object");
    for (const auto& [key, value] : changes.items()) {
        if (key == kInstanceIdKey || key == kDeleteInstanceKey) continue;
        std::string here = where.empty() ? key : where + "." + key;
        const auto* row = form.find(key);
        if (!row) return bad(here + ": the form has no field named '" + key + "'");
        if (row->type != form::RowType::repeat) {
            if (value.is_null())
                current.erase(key);
            else
                current[key] = value;
            continue;
        }
        if (!value.is_array()) return bad(here + ": a repeat takes an array of objects");
        json& list = current[key];
        if (!list.is_array()) list = json::array();
        for (std::size_t i = 0; i < value.size(); ++i) {
            const json& change = value[i];
            std::string inst_where = here + "[" + std::to_string(i + 1) + "]";
            if (!change.is_object()) return bad(inst_where + ": not an object");
            auto id = change.find(kInstanceIdKey);
            if (id == change.end()) {
                if (change.value(kDeleteInstanceKey, false)) {
                    return bad(inst_where + ": " + kDeleteInstanceKey + " needs the instance's " +
                               kInstanceIdKey);
                }
                json added = json::object();
                CANVASS_TRY_VOID(merge_changes(form, added, change, inst_where));
                list.push_back(std::move(added));
                continue;
            }
            auto target = std::find_if(list.begin(), list.end(), [&](const json& inst) {
                return inst.value(kInstanceIdKey, json()) == *id;
            });
            if (target == list.end()) {
                return bad(inst_where + ": the record has no instance " + id->dump());
            }
            if (change.value(kDeleteInstanceKey, false)) {
                list.erase(target);
                continue;
            }
            CANVASS_TRY_VOID(merge_changes(form, *target, change, inst_where));
        }
    }
    return {};
}

}  // namespace

Result<FlatAnswers> flatten(const form::Form& form, json& answers, merge::Random& random) {
    if (!answers.is_object()) return bad("answers: not an object");
    FlatAnswers out;
    CANVASS_TRY_VOID(flatten_into(form, answers, "", "", random, out));
    return out;
}

json to_answers(const merge::RecordView& view) {
    json root = json::object();
    // Repeats are sorted by path, so an enclosing instance's array is built before any array
    // nested in it.
    for (const auto& repeat : view.repeats) {
        auto [parent, name] = split_field(repeat.path);
        json* holder = object_at(root, parent);
        if (!holder) continue;
        json& list = (*holder)[std::string(name)];
        if (!list.is_array()) list = json::array();
        for (const auto& inst : repeat.instances) {
            if (inst.deleted) continue;
            list.push_back(json{{kInstanceIdKey, merge::format_uuid(inst.id)}});
        }
    }
    for (const auto& field : view.fields) {
        if (field.deleted || !field.winner().value) continue;
        auto value = form::parse_value(*field.winner().value);
        if (value.is_discarded() || value.is_null()) continue;
        auto [parent, name] = split_field(field.path);
        if (json* holder = object_at(root, parent)) (*holder)[std::string(name)] = std::move(value);
    }
    return root;
}

Result<void> apply_changes(const form::Form& form, json& current, const json& changes) {
    return merge_changes(form, current, changes, "");
}

void strip_calculations(const form::Form& form, json& answers) {
    if (!answers.is_object()) return;
    for (auto it = answers.begin(); it != answers.end();) {
        const auto* row = form.find(it.key());
        if (row && row->type == form::RowType::calculate && !row->kept_calculation()) {
            it = answers.erase(it);
            continue;
        }
        if (row && row->type == form::RowType::repeat && it->is_array()) {
            for (auto& instance : *it) strip_calculations(form, instance);
        }
        ++it;
    }
}

}  // namespace canvass::store
