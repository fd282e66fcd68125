#include "coordinator/resolve.hpp"

#include <algorithm>

#include "form/answer_types.hpp"
#include "form/json_text.hpp"
#include "merge/path.hpp"
#include "store/device_store.hpp"

namespace canvass::coordinator {

using nlohmann::json;

namespace {

// Refuses a path that is not a question of the newest form at its place in the record
// (a typo must not become a stray answer), and a value that is not a well-formed answer.
Result<void> check_answer(store::DeviceStore& store, const store::RecordSnapshot& snap,
                          const std::string& path, const json& value) {
    auto bad = [&](const std::string& why) {
        return unexpected(Domain::form, errc::invalid_argument, "'" + path + "': " + why);
    };
    if (merge::path_kind(path) != merge::PathKind::field) {
        return bad(
            "not a field path (a name, or repeat[<instance id>]/name as 'canvass conflicts' shows "
            "it)");
    }
    CANVASS_TRY(auto form, store.form(snap.summary.form_id));
    auto slash = path.rfind('/');
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    std::string parent = slash == std::string::npos ? std::string() : path.substr(0, slash);
    const auto* row = form->find(name);
    if (!row || !form::is_question(row->type))
        return bad("form " + form->settings().form_id + " has no question " + name);
    std::string repeat = row->repeats.empty() ? std::string() : form->row(row->repeats.back()).name;
    auto ref = merge::split_instance(parent);
    std::string given = ref ? ref->repeat.substr(ref->repeat.rfind('/') + 1) : std::string();
    if (given != repeat)
        return bad(name + " is " + (repeat.empty() ? "not in a repeat" : "in repeat " + repeat));
    if (ref) {
        bool exists = false;
        for (const auto& r : snap.view->repeats) {
            for (const auto& i : r.instances) exists = exists || (i.path == parent && !i.deleted);
        }
        if (!exists)
            return bad("record " + merge::format_uuid(snap.summary.id) + " has no instance " +
                       parent);
    }
    if (form::is_unanswered(value)) return {};
    auto problem = form::type_problem(*row, form->choices(row->list_name), value);
    if (!problem) return {};
    return unexpected(Domain::form, errc::invalid_argument,
                      form::short_json(value) + " is not an answer to " + name + ": " + *problem);
}

}  // namespace

json typed_value(std::string_view text) {
    auto j = form::parse_json(text);
    return j ? std::move(j).value() : json(std::string(text));
}

Result<Record> load_whole_record(ChainSource& source, const crypto::DhKeyPair& key,
                                 const merge::RecordId& id, std::string_view key_name) {
    CANVASS_TRY(auto record, load_record(source, key, id));
    if (record.readability() == Readability::full) return record;
    return unexpected(
        Domain::crypto, errc::wrong_key,
        std::to_string(record.unreadable) + " of the " + std::to_string(record.changesets) +
            " changesets of record " + merge::format_uuid(id) + " cannot be decrypted with " +
            std::string(key_name) +
            " (its device has not granted this key its epoch yet, or they are damaged); "
            "nothing was changed. Sync again to receive the device's grants, or use the "
            "key the device's project was created with");
}

Result<std::optional<Conflict>> resolve_field(store::DeviceStore& store, const merge::RecordId& id,
                                              const std::string& path, const json& value,
                                              const std::string& lang, const Record* readable) {
    CANVASS_TRY(auto snap, store.record(id));
    if (!snap.view)
        return unexpected(Domain::store, errc::invalid_argument,
                          "record " + merge::format_uuid(id) + " is a draft: finalize it first");
    CANVASS_TRY_VOID(store.may_change(id));
    auto conflicts = conflicts_of(*snap.view, nullptr);
    auto it = std::find_if(conflicts.begin(), conflicts.end(),
                           [&](const Conflict& c) { return c.path == path; });
    if (it != conflicts.end() && it->delete_conflict) {
        return unexpected(
            Domain::store, errc::invalid_argument,
            "'" + (path.empty() ? std::string("the record") : path) +
                "' was deleted on one device and kept or edited on another: delete it again "
                "('canvass delete') or edit it to keep it");
    }
    CANVASS_TRY_VOID(check_answer(store, snap, path, value));
    const merge::RecordState* state = readable && readable->state ? &*readable->state : nullptr;
    CANVASS_TRY_VOID(store.resolve(id, path, value, lang, state));
    if (it == conflicts.end()) return std::optional<Conflict>();
    return std::optional<Conflict>(*it);
}

}  // namespace canvass::coordinator
