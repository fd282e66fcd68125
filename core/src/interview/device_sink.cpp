#include "interview/device_sink.hpp"

#include <algorithm>
#include <array>

#include "crypto/hash.hpp"
#include "interview/edit_changes.hpp"
#include "store/answers.hpp"

namespace canvass::interview {
namespace {

using nlohmann::json;

Unexpected<Error> store_refuses(std::string message) {
    return unexpected(Domain::store, errc::invalid_argument, std::move(message));
}

Result<json> parsed(std::string_view answers_json) {
    json answers = json::parse(answers_json, nullptr, false);
    if (answers.is_discarded() || !answers.is_object())
        return store_refuses("the answers to save are not a JSON object");
    return answers;
}

Result<std::shared_ptr<const form::Form>> installed_form(store::DeviceStore& store,
                                                         const std::string& form_id) {
    auto form = store.form(form_id);
    if (!form)
        return unexpected(Domain::form, errc::not_found,
                          "no form " + form_id +
                              " on this device ('canvass forms' lists them; "
                              "'canvass form add FILE' installs one)");
    return *form;
}

}  // namespace

std::string short_id(const merge::RecordId& id) {
    return merge::format_uuid(id).substr(0, 8);
}

DeviceDraftSink::DeviceDraftSink(store::DeviceStore& store, std::string form_id,
                                 std::optional<merge::RecordId> id)
    : store_(store), form_id_(std::move(form_id)), id_(id) {}

Result<void> DeviceDraftSink::save(std::string_view answers_json, std::string_view language) {
    CANVASS_TRY(json answers, parsed(answers_json));
    if (id_) return store_.save_draft(*id_, std::move(answers), language);
    CANVASS_TRY(auto id, store_.create_record(form_id_, std::move(answers), false, language));
    id_ = id;
    return {};
}

Result<void> DeviceDraftSink::finish(std::string_view answers_json, std::string_view language) {
    CANVASS_TRY_VOID(save(answers_json, language));
    return store_.finalize(*id_, language);
}

DeviceEditSink::DeviceEditSink(store::DeviceStore& store, const form::Form& form,
                               merge::RecordId id, json before, const merge::RecordState* readable)
    : store_(store), form_(form), id_(id), before_(std::move(before)), readable_(readable) {}

Result<void> DeviceEditSink::save(std::string_view, std::string_view) {
    return {};
}

Result<void> DeviceEditSink::finish(std::string_view answers_json, std::string_view language) {
    CANVASS_TRY(json after, parsed(answers_json));
    CANVASS_TRY(bool changed,
                store_.edit(id_, edit_changes(form_, before_, after), language, readable_));
    (void)changed;  // nothing differed: nothing was written, which is what an edit means then
    return {};
}

std::optional<merge::RecordId> DeviceInterview::record() const {
    if (const auto* draft = dynamic_cast<const DeviceDraftSink*>(sink.get()))
        return draft->record();
    if (const auto* edit = dynamic_cast<const DeviceEditSink*>(sink.get())) return edit->record();
    return std::nullopt;
}

form::RandomBits random_bits(store::DeviceStore& store) {
    merge::Random* random = &store.random();
    return [random] {
        std::array<std::uint8_t, 8> bytes{};
        random->fill(bytes);
        std::uint64_t v = 0;
        for (auto b : bytes) v = (v << 8) | b;
        return v;
    };
}

Result<DeviceMetadata> device_metadata(store::DeviceStore& store) {
    // No phone number or e-mail address: a host that has them adds them (docs/forms.md
    // "Metadata").
    DeviceMetadata m;
    m.deviceid = "canvass:" + crypto::to_hex(store.keys().id);
    CANVASS_TRY(auto project, store.project());
    if (project) m.username = project->label;
    return m;
}

// The answers of the record of `form_id` saved last on this device (a draft or finalized,
// as ODK Collect's last-saved), other than `self`; "" when there is none this device reads.
Result<std::string> last_saved_answers(store::DeviceStore& store, const std::string& form_id,
                                       const std::optional<merge::RecordId>& self) {
    CANVASS_TRY(auto records, store.records(form_id));
    std::erase_if(records, [&](const store::RecordSummary& r) {
        return r.deleted || (self && r.id == *self);
    });
    // records() lists in the order saved (stamps only grow): the newest is last. (Not
    // std::views::reverse: clang 14 cannot compile libstdc++ 12's ranges.)
    for (auto r = records.rbegin(); r != records.rend(); ++r) {
        CANVASS_TRY(auto snap, store.record(r->id));
        if (snap.readable && snap.answers.is_object()) return snap.answers.dump();
    }
    return std::string();
}

Result<std::unique_ptr<DeviceInterview>> open_interview(store::DeviceStore& store,
                                                        const InterviewStart& start) {
    if (start.form_id.empty() == start.resume.empty())
        return store_refuses(
            "an interview starts from a form, or resumes a draft: give one of them");
    auto out = std::make_unique<DeviceInterview>();
    CANVASS_TRY(auto metadata, device_metadata(store));
    SessionOptions options{Purpose::interview,
                           "{}",
                           start.language,
                           start.clock ? start.clock : form::local_clock(store.clock()),
                           std::move(metadata),
                           random_bits(store),
                           {}};
    std::string form_id = start.form_id;
    std::optional<merge::RecordId> id;
    if (!start.resume.empty()) {
        CANVASS_TRY(id, store.find_record(start.resume));
        CANVASS_TRY(auto snap, store.record(*id));
        std::string name = merge::format_uuid(*id);
        if (snap.summary.deleted) return store_refuses("record " + name + " is deleted");
        if (snap.summary.status != store::RecordStatus::draft)
            return store_refuses("record " + name + " is finalized: change it with 'canvass edit " +
                                 short_id(*id) + "'");
        form_id = snap.summary.form_id;
        options.purpose = Purpose::resume;
        options.answers_json = snap.answers.dump();
        if (options.language.empty()) options.language = snap.language;
    }
    CANVASS_TRY(out->form, installed_form(store, form_id));
    // A language kept with a draft that a newer form version no longer has: the default.
    const auto& langs = out->form->languages();
    if (start.language.empty() &&
        std::find(langs.begin(), langs.end(), options.language) == langs.end())
        options.language.clear();
    if (out->form->reads_last_saved()) {
        CANVASS_TRY(options.last_saved_json, last_saved_answers(store, form_id, id));
    }
    out->sink = std::make_unique<DeviceDraftSink>(store, form_id, id);
    CANVASS_TRY(auto session, FormSession::open(*out->form, *out->sink, std::move(options)));
    out->session.emplace(std::move(session));
    return out;
}

Result<std::unique_ptr<DeviceInterview>> open_edit(store::DeviceStore& store, EditStart start) {
    CANVASS_TRY(auto id, store.find_record(start.record));
    CANVASS_TRY(auto snap, store.record(id));
    std::string name = merge::format_uuid(id);
    if (snap.summary.deleted) return store_refuses("record " + name + " is deleted");
    if (snap.summary.status == store::RecordStatus::draft)
        return store_refuses("record " + name +
                             " is a draft: continue it with 'canvass interview --resume " +
                             short_id(id) + "'");
    // Before any question: an edit this device may not save is refused now, not at the end.
    CANVASS_TRY_VOID(store.may_change(id));
    if (start.readable_answers) {
        snap.answers = *start.readable_answers;
    } else if (!snap.readable) {
        return unexpected(Domain::crypto, errc::wrong_key,
                          "record " + name +
                              " holds answers encrypted for the project's coordinators: give "
                              "--key FILE, a coordinator key, to edit it, or correct one answer "
                              "with 'canvass resolve " +
                              short_id(id) + " PATH --value V'");
    }
    auto out = std::make_unique<DeviceInterview>();
    CANVASS_TRY(out->form, installed_form(store, snap.summary.form_id));
    json before = snap.answers;
    store::strip_calculations(*out->form, before);
    SessionOptions options{Purpose::edit,
                           before.dump(),
                           start.language,
                           start.clock ? start.clock : form::local_clock(store.clock()),
                           {},
                           random_bits(store),
                           {}};
    out->readable = std::move(start.readable_state);
    out->sink = std::make_unique<DeviceEditSink>(store, *out->form, id, std::move(before),
                                                 out->readable ? &*out->readable : nullptr);
    CANVASS_TRY(auto session, FormSession::open(*out->form, *out->sink, std::move(options)));
    out->session.emplace(std::move(session));
    return out;
}

}  // namespace canvass::interview
