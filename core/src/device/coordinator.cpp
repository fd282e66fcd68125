// canvass::Coordinator (canvass/coordinator.hpp) over the coordinator's view in the core
// (coordinator/): the key file, records rebuilt and decrypted, conflicts, history,
// settlement and attachments, in the JSON shapes the command line's --json gives.
#include "canvass/coordinator.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>
#include <utility>

#include "coordinator/key_file.hpp"
#include "coordinator/media.hpp"
#include "coordinator/records.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/review.hpp"
#include "coordinator/source.hpp"
#include "coordinator/view_json.hpp"
#include "crypto/hash.hpp"
#include "device/access.hpp"
#include "form/json_text.hpp"
#include "merge/authority.hpp"
#include "merge/path.hpp"
#include "store/recipients.hpp"

namespace canvass {

struct Coordinator::Impl {
    store::DeviceStore& store;  // the Device's: it outlives the view
    crypto::DhKeyPair key;
    std::string key_path;
    coordinator::DeviceLabels labels;
};

namespace {

using nlohmann::json;

Result<CoordinatorKeyInfo> key_info(const std::string& path) {
    CANVASS_TRY(auto pk, coordinator::read_public_key(path));
    CANVASS_TRY(auto signing, coordinator::read_signing_key(path));
    CoordinatorKeyInfo info{coordinator::recipient_text(pk), std::nullopt};
    if (signing) info.signing_key = crypto::to_hex(*signing);
    return info;
}

// The form a record names, by id, read once per call.
class Forms {
  public:
    explicit Forms(store::DeviceStore& store) : store_(store) {}
    const form::Form* operator()(const std::string& form_id) {
        auto [it, fresh] = forms_.try_emplace(form_id);
        if (fresh) {
            auto f = store_.form(form_id);
            if (f)
                it->second = std::move(f).value();  // a form not installed: the record has no name
        }
        return it->second.get();
    }

  private:
    store::DeviceStore& store_;
    std::map<std::string, std::shared_ptr<const form::Form>> forms_;
};

// Decrypted text from other devices may hold invalid UTF-8: replaced, never thrown on.
std::string text(const json& j) {
    return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

Result<CoordinatorKeyInfo> create_coordinator_key(const std::string& path,
                                                  std::string_view passphrase) {
    if (passphrase.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          "a coordinator key needs a passphrase");
    CANVASS_TRY(auto made, coordinator::create_key_file(path, std::string(passphrase)));
    (void)made;
    return key_info(path);
}

Result<CoordinatorKeyInfo> inspect_coordinator_key(const std::string& path) {
    return key_info(path);
}

Result<CoordinatorKeyInfo> unlock_coordinator_key(const std::string& path,
                                                  std::string_view passphrase) {
    CANVASS_TRY(auto info, key_info(path));
    CANVASS_TRY(auto pair, coordinator::open_key_file(path, std::string(passphrase)));
    if (!info.signing_key)
        info.signing_key =
            crypto::to_hex(store::coordinator_signing_key(pair.secret_key).public_key);
    return info;
}

namespace {

template <class Key>
Result<std::vector<Key>> parse_keys(const std::vector<std::string>& texts, const char* what) {
    std::vector<Key> out;
    for (const auto& t : texts) {
        Key k{};
        if (!crypto::from_hex(t, k))
            return unexpected(
                Domain::core, errc::invalid_argument,
                std::string(what) + " \"" + t + "\" is not 64 hex digits (see canvass keys show)");
        out.push_back(k);
    }
    return out;
}

// `set` with the keys of `add` appended and those of `remove` taken out, keeping order; each
// named key must make a difference, so a typo does not pass silently.
template <class Key>
Result<std::vector<Key>> changed(std::vector<Key> set, const std::vector<std::string>& add_text,
                                 const std::vector<std::string>& remove_text, const char* what) {
    CANVASS_TRY(auto add, parse_keys<Key>(add_text, what));
    CANVASS_TRY(auto remove, parse_keys<Key>(remove_text, what));
    for (const auto& k : add) {
        if (std::find(set.begin(), set.end(), k) != set.end())
            return unexpected(Domain::core, errc::invalid_argument,
                              std::string(what) + " " + crypto::to_hex(k) + " is already listed");
        set.push_back(k);
    }
    for (const auto& k : remove) {
        auto it = std::find(set.begin(), set.end(), k);
        if (it == set.end())
            return unexpected(Domain::core, errc::invalid_argument,
                              std::string(what) + " " + crypto::to_hex(k) + " is not listed");
        set.erase(it);
    }
    if (set.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          std::string("a project needs at least one ") + what +
                              "; add another before removing the last");
    return set;
}

}  // namespace

Result<SignedStatement> sign_recipients(const std::string& key_path, std::string_view passphrase,
                                        const RecipientChange& change) {
    CANVASS_TRY(auto pair, coordinator::open_key_file(key_path, std::string(passphrase)));
    auto signing = store::coordinator_signing_key(pair.secret_key);
    store::RecipientStatement next;
    if (change.from.empty()) {
        if (change.project.empty())
            return unexpected(Domain::core, errc::invalid_argument,
                              "a new project's first statement needs the project's name");
        if (!change.remove_recipients.empty() || !change.remove_signers.empty())
            return unexpected(Domain::core, errc::invalid_argument,
                              "a first statement removes nothing; start from the current "
                              "statement to change a project");
        next.project = change.project;
        CANVASS_TRY(next.recipients,
                    changed<crypto::DhPublicKey>({pair.public_key}, change.add_recipients, {},
                                                 "recipient"));
        CANVASS_TRY(next.signers, changed<crypto::SigningPublicKey>(
                                      {signing.public_key}, change.add_signers, {}, "signer"));
    } else {
        CANVASS_TRY(auto current, store::read_statement(change.from));
        if (!change.project.empty() && change.project != current.project)
            return unexpected(Domain::core, errc::invalid_argument,
                              "the current statement is project " + current.project + "'s, not " +
                                  change.project + "'s");
        if (std::find(current.signers.begin(), current.signers.end(), signing.public_key) ==
            current.signers.end())
            return unexpected(Domain::auth, errc::permission_denied,
                              "this key is not a signer of " + current.project +
                                  "'s recipient statement " + std::to_string(current.serial) +
                                  ": devices would refuse what it signs. Ask one of its signers "
                                  "to make the change");
        next.project = current.project;
        next.serial = current.serial + 1;
        next.prev = store::statement_digest(current);
        CANVASS_TRY(next.recipients, changed(current.recipients, change.add_recipients,
                                             change.remove_recipients, "recipient"));
        CANVASS_TRY(next.signers,
                    changed(current.signers, change.add_signers, change.remove_signers, "signer"));
    }
    next.share_past = change.share_past;
    try {
        store::sign_statement(next, signing);
    } catch (const std::invalid_argument& e) {
        return unexpected(Domain::core, errc::invalid_argument,
                          std::string("cannot sign this statement: ") + e.what());
    }
    return SignedStatement{store::statement_text(next),
                           next.project,
                           next.serial,
                           next.recipients.size(),
                           next.signers.size(),
                           next.share_past,
                           crypto::to_hex(store::statement_digest(next))};
}

Coordinator::Coordinator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Coordinator::Coordinator(Coordinator&&) noexcept = default;
Coordinator& Coordinator::operator=(Coordinator&&) noexcept = default;
Coordinator::~Coordinator() = default;

store::DeviceStore& coordinator_store(Coordinator& coordinator) {
    return coordinator.impl_->store;
}

const crypto::DhKeyPair& coordinator_key(const Coordinator& coordinator) {
    return coordinator.impl_->key;
}

Result<Coordinator> Coordinator::open(Device& device, const std::string& key_path,
                                      std::string_view passphrase) {
    CANVASS_TRY(auto pair, coordinator::open_key_file(key_path, std::string(passphrase)));
    return Coordinator(
        std::make_unique<Impl>(Impl{device_store(device), std::move(pair), key_path, {}}));
}

Result<std::string> Coordinator::records(std::string_view form_id) const {
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto data, coordinator::load_dataset(source, impl_->key, form_id));
    Forms forms(impl_->store);
    json records = json::array();
    for (const auto& r : data.records) {
        if (r.view.deleted()) continue;
        records.push_back(coordinator::record_json(forms(r.view.meta.form_id), r));
    }
    return text({{"records", records}, {"unreadable", coordinator::report_json(data.report)}});
}

Result<std::string> Coordinator::record(std::string_view id) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto r,
                coordinator::load_record(source, impl_->key, rid,
                                         {false, true, coordinator::ConflictScope::resolved_too}));
    Forms forms(impl_->store);
    json j = coordinator::record_json(forms(r.view.meta.form_id), r);
    j["deleted"] = r.view.deleted();
    j["readable"] = coordinator::status_text(r).empty();
    j["conflict_list"] = coordinator::conflicts_json(
        {{r.view.id, r.view.meta.form_id, r.conflicts}}, coordinator::kNotDecrypted);
    return text(j);
}

Result<RecordDetail> Coordinator::record_detail(std::string_view id) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto r, coordinator::load_record(source, impl_->key, rid, coordinator::Keep{}));
    CANVASS_TRY(auto h, coordinator::record_history(source, impl_->key, rid, {}));
    using coordinator::iso_time;
    RecordDetail d;
    d.id = merge::format_uuid(rid);
    d.form_id = r.view.meta.form_id;
    d.device = crypto::to_hex(r.creator);
    d.submitted = iso_time(r.view.meta.created);
    d.deleted = r.view.deleted();

    // Answers in form order; paths the form does not name (a newer version's) last.
    Forms forms(impl_->store);
    const form::Form* form = forms(d.form_id);
    auto position = [&](const std::string& path) {
        const auto* row = form ? form->find(merge::field_name(path)) : nullptr;
        return row ? row->id : std::numeric_limits<std::size_t>::max();
    };
    std::vector<const merge::FieldView*> fields;
    for (const auto& f : r.view.fields)
        if (!f.deleted) fields.push_back(&f);
    std::stable_sort(fields.begin(), fields.end(),
                     [&](auto* a, auto* b) { return position(a->path) < position(b->path); });
    for (const auto* f : fields) d.fields.push_back({f->path, f->winner().value, f->conflict()});

    for (const auto& c : r.conflicts) {
        if (c.resolved) continue;
        RecordConflict out{c.path, c.delete_conflict, {}};
        for (const auto& cand : c.candidates)
            out.candidates.push_back({cand.value, cand.readable, crypto::to_hex(cand.device),
                                      iso_time(cand.hlc), cand.shown});
        d.conflicts.push_back(std::move(out));
    }

    auto review_text = [](const coordinator::Review& review, bool contested) {
        return RecordReview{std::string(coordinator::central_name(review.state)),
                            review.comment,
                            crypto::to_hex(review.by),
                            iso_time(review.hlc),
                            review.readable,
                            contested};
    };
    if (auto current = coordinator::review_of(r.view))
        d.review = review_text(*current, current->contested);
    for (const auto& e : h.entries) {
        RecordChangeset changeset{
            crypto::to_hex(e.device), iso_time(e.hlc), e.creates, e.by_creator, {}};
        for (const auto& change : e.changes) {
            if (change.path == merge::kReviewPath) {
                auto written =
                    coordinator::read_review(change.readable ? change.value : std::nullopt);
                written.by = e.device;
                written.hlc = e.hlc;
                d.reviews.push_back(review_text(written, false));
                continue;
            }
            changeset.changes.push_back(
                {change.path, change.value, change.readable, change.resolves()});
        }
        if (!changeset.changes.empty()) d.history.push_back(std::move(changeset));
    }
    return d;
}

Result<std::string> Coordinator::history(std::string_view id) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto h, coordinator::record_history(source, impl_->key, rid, impl_->labels));
    return text(coordinator::history_json(h, impl_->store.keys().id));
}

Result<void> Coordinator::label_devices(std::string_view devices_json) {
    CANVASS_TRY(impl_->labels, coordinator::parse_device_labels(devices_json));
    return {};
}

std::string Coordinator::device_label(std::string_view device_hex) const {
    merge::DeviceId device{};
    if (!crypto::from_hex(device_hex, device)) return {};
    auto it = impl_->labels.find(device);
    return it == impl_->labels.end() ? std::string() : it->second;
}

Result<std::string> Coordinator::conflicts(const ConflictQuery& query) const {
    CANVASS_TRY(auto filter, conflict_filter(impl_->store, query));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto listing, coordinator::list_conflicts(source, impl_->key, filter));
    return text(
        {{"conflicts", coordinator::conflicts_json(listing.records, coordinator::kNotDecrypted)},
         {"unreadable", coordinator::report_json(listing.report)}});
}

Result<Resolution> Coordinator::resolve(std::string_view id, std::string_view path,
                                        std::string_view value_json, std::string_view language) {
    if (path.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          "the path of the conflict is required");
    CANVASS_TRY(auto rid, record_id_of(id));
    CANVASS_TRY(auto value, form::parse_json(value_json));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto readable,
                coordinator::load_whole_record(source, impl_->key, rid, impl_->key_path));
    CANVASS_TRY(auto settled, coordinator::resolve_field(impl_->store, rid, std::string(path),
                                                         value, std::string(language), &readable));
    return resolution(rid, value, settled);
}

Result<bool> Coordinator::edit(std::string_view id, std::string_view changes_json,
                               std::string_view language) {
    CANVASS_TRY(auto rid, impl_->store.find_record(id));
    CANVASS_TRY(auto changes, form::parse_json(changes_json));
    CANVASS_TRY_VOID(impl_->store.may_change(rid));
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto readable,
                coordinator::load_whole_record(source, impl_->key, rid, impl_->key_path));
    return impl_->store.edit(rid, changes, language, &*readable.state);
}

Result<Interview> Coordinator::edit_interview(std::string_view id, std::string_view language) {
    CANVASS_TRY(auto rid, impl_->store.find_record(id));
    CANVASS_TRY(auto snapshot, impl_->store.record(rid));
    interview::EditStart start;
    start.record = merge::format_uuid(rid);
    start.language = language;
    // A draft or a deleted record has nothing to decrypt: open_edit says what to do instead.
    if (snapshot.summary.status == store::RecordStatus::finalized && !snapshot.summary.deleted) {
        CANVASS_TRY_VOID(impl_->store.may_change(rid));
        coordinator::DeviceStoreSource source(impl_->store);
        CANVASS_TRY(auto readable,
                    coordinator::load_whole_record(source, impl_->key, rid, impl_->key_path));
        start.readable_answers = std::move(readable.answers);
        start.readable_state = std::move(readable.state);
    }
    CANVASS_TRY(auto opened, interview::open_edit(impl_->store, std::move(start)));
    return interview_over(std::move(opened));
}

Result<std::vector<std::uint8_t>> Coordinator::attachment(std::string_view id,
                                                          std::string_view attachment) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    crypto::Hash hash{};
    if (attachment.size() != 64 || !crypto::from_hex(attachment, hash))
        return unexpected(
            Domain::core, errc::invalid_argument,
            "attachment must be the 64 hex digits of an attachment reference's \"attachment\"");
    coordinator::DeviceStoreSource source(impl_->store);
    CANVASS_TRY(auto data, coordinator::load_record_data(source, impl_->key, rid));
    const auto& record = data.records.front();
    Forms forms(impl_->store);
    bool referenced = false;
    if (const auto* form = forms(record.view.meta.form_id)) {
        for (const auto& ref : coordinator::attachments_in(*form, record.answers))
            referenced |= ref.hash == hash;
    }
    const std::string name(attachment);
    if (!referenced)
        return unexpected(Domain::store, errc::not_found,
                          "record " + merge::format_uuid(rid) + " has no attachment " + name +
                              " among its decrypted answers");
    CANVASS_TRY(auto opened, coordinator::open_attachment(impl_->store, data.media, hash));
    if (!opened)
        return unexpected(
            Domain::store, errc::not_found,
            "attachment " + name + " has not arrived yet: sync again once its author has synced");
    return std::move(*opened);
}

}  // namespace canvass
