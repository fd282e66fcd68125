// Checks of a save beyond the form's rules: its size against what a server accepts, and a
// resolution against the whole record.
#include "store/save_checks.hpp"

#include <algorithm>

#include "form/answer_types.hpp"
#include "form/json_text.hpp"
#include "store/answers.hpp"
#include "store/device_store_impl.hpp"

namespace canvass::store {

using nlohmann::json;

namespace {

// The question a changeset path names: its last segment ("members[<id>]/age" -> "age").
std::string question_of(const std::string& path) {
    auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

bool is_readable(const merge::RecordView& view) {
    return std::all_of(view.fields.begin(), view.fields.end(),
                       [](const auto& f) { return f.winner().value.has_value(); });
}

void add_size_problems(const json& answers, const std::string& prefix,
                       std::vector<form::Problem>& out) {
    for (const auto& [name, value] : answers.items()) {
        std::string path = prefix.empty() ? name : prefix + "." + name;
        if (value.is_array() && !value.empty() && value.front().is_object()) {  // a repeat
            for (std::size_t i = 0; i < value.size(); ++i)
                add_size_problems(value[i], path + "[" + std::to_string(i + 1) + "]", out);
            continue;
        }
        auto bytes = value.dump().size();
        if (bytes <= merge::kMaxAnswerBytes) continue;
        out.push_back({path, "the answer is " + std::to_string(bytes) +
                                 " bytes long; one answer may hold at most " +
                                 std::to_string(merge::kMaxAnswerBytes) +
                                 " bytes, so that the save can sync: shorten it"});
    }
}

Unexpected<Error> too_large_to_sync(const merge::ChangesetHeader& h,
                                    const std::vector<std::optional<std::string>>& values,
                                    std::size_t bytes) {
    std::size_t largest = 0;
    for (std::size_t i = 1; i < values.size(); ++i) {
        if (values[i].value_or("").size() > values[largest].value_or("").size()) largest = i;
    }
    std::string msg = "this save is too large to sync: it would be a changeset of " +
                      std::to_string(bytes) + " bytes, and a server accepts at most " +
                      std::to_string(merge::kMaxChangesetBytes) + " bytes (1 MiB) in one save";
    if (!values.empty() && values[largest]) {
        msg += "; the largest answer is to " + question_of(h.ops[largest].path) + " (" +
               std::to_string(values[largest]->size()) + " bytes): shorten it";
    }
    return unexpected(Domain::form, errc::limit_exceeded, msg + ". Nothing was saved.");
}

bool set_answer(json& answers, const std::string& path, const json& value, std::string& at) {
    json* holder = &answers;
    std::size_t start = 0;
    at.clear();
    for (;;) {
        auto slash = path.find('/', start);
        std::string part =
            path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (slash == std::string::npos) {
            at += part;
            if (form::is_unanswered(value))
                holder->erase(part);
            else
                (*holder)[part] = value;
            return true;
        }
        auto open = part.find('[');
        if (open == std::string::npos || part.back() != ']') return false;
        std::string name = part.substr(0, open), id = part.substr(open + 1, part.size() - open - 2);
        auto list = holder->find(name);
        if (list == holder->end() || !list->is_array()) return false;
        std::size_t i = 0;
        for (; i < list->size(); ++i) {
            if ((*list)[i].value(kInstanceIdKey, "") == id) break;
        }
        if (i == list->size()) return false;
        at += name + "[" + std::to_string(i + 1) + "].";
        holder = &(*list)[i];
        start = slash + 1;
    }
}

// A resolution is a save like any other: the record with the new value must pass the form's
// checks (constraints, required, relevance, types, size). When some answers are another
// device's, which this store cannot read, only what does not depend on them is checked, and a
// rule that does depend on them needs the coordinator's key.
Result<void> DeviceStore::Impl::check_resolution(const form::Form& form,
                                                 const merge::RecordView& view,
                                                 const std::string& path, const json& value,
                                                 std::string_view lang) {
    auto answers = to_answers(view);
    strip_calculations(form, answers);
    std::string at;
    if (!set_answer(answers, path, value, at)) {
        return unexpected(
            Domain::form, errc::invalid_argument,
            "record " + merge::format_uuid(view.id) + " has no instance on the path " + path);
    }
    auto checked = this->checked(form, answers, true, lang);
    if (!is_readable(view)) {
        const form::Row* row = form.find(question_of(path));
        std::vector<std::string> refs;
        for (const form::Row* r = row; r; r = r->parent ? &form.row(*r->parent) : nullptr) {
            for (const auto* e : {&r->relevant, r == row ? &r->constraint : nullptr,
                                  r == row ? &r->required : nullptr}) {
                if (!e || !*e) continue;
                for (auto& name : (*e)->field_references()) refs.push_back(name);
            }
        }
        if (!refs.empty()) {
            return unexpected(
                Domain::crypto, errc::wrong_key,
                "whether " + std::string(question_of(path)) + " may be " + form::short_json(value) +
                    " depends on other answers (${" + refs.front() +
                    "}...) encrypted for the project's coordinators: give --key FILE, a "
                    "coordinator key, to check it. Nothing was changed.");
        }
        // Only the question itself can be judged here: the rest is others' answers, unread.
        std::erase_if(checked.violations, [&](const form::Problem& p) { return p.path != at; });
    }
    if (checked.violations.empty()) return {};
    std::string msg = "nothing was changed: with " + form::short_json(value) + " at " + path +
                      " the record has " + std::to_string(checked.violations.size()) + " problem" +
                      (checked.violations.size() == 1 ? "" : "s") + ":";
    for (const auto& p : checked.violations) msg += "\n  " + form::describe(p);
    msg += "\n(to change several answers together: canvass edit " + merge::format_uuid(view.id) +
           " --answers FILE --key FILE)";
    return unexpected(Domain::form, errc::invalid_argument, msg);
}

}  // namespace canvass::store
