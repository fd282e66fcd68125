// Records in the device store: drafts, finalized records, edits, deletes, and the changesets
// they produce.
#include <algorithm>

#include "crypto/aead.hpp"
#include "form/validate.hpp"
#include "merge/authority.hpp"
#include "merge/digest.hpp"
#include "merge/path.hpp"
#include "store/answers.hpp"
#include "store/device_store.hpp"
#include "store/device_store_impl.hpp"
#include "store/save_checks.hpp"
#include "store/values.hpp"

namespace canvass::store {

using nlohmann::json;

namespace {

// A coordinator's decryption (`readable`) must be of the record as this store holds it now:
// an edit or resolution made on a stale decryption would undo what arrived meanwhile.
Result<void> same_record(const merge::RecordId& id, const merge::RecordState* readable,
                         const merge::RecordState& held) {
    if (!readable) return {};
    if (readable->id() == id && merge::record_digest(*readable) == merge::record_digest(held))
        return {};
    return unexpected(Domain::store, errc::invalid_argument,
                      "the decrypted record " + merge::format_uuid(id) +
                          " is not the one this store holds (it changed meanwhile); nothing "
                          "was changed: run the command again");
}

Unexpected<Error> record_not_found(const merge::RecordId& id) {
    return unexpected(Domain::store, errc::not_found,
                      "no record " + merge::format_uuid(id) + " in this store");
}

// The number of conflicts coordinator::conflicts_of lists for the record (the one rule:
// nothing hidden inside a deleted instance counts), which `canvass records` and the status
// show and the listing uses to skip records with none.
std::size_t conflict_count(const merge::RecordView& view) {
    std::size_t n = 0;
    for (const auto& f : view.fields) n += (!f.deleted && f.conflict()) ? 1 : 0;
    for (const auto& r : view.repeats) {
        for (const auto& i : r.instances) n += (i.status.conflict && !i.deleted) ? 1 : 0;
    }
    return n + (view.status.conflict ? 1 : 0);
}

// Winner value of every visible field, by path.
std::map<std::string, std::string> current_values(const merge::RecordView& view) {
    std::map<std::string, std::string> out;
    for (const auto& f : view.fields) {
        if (f.deleted || !f.winner().value || *f.winner().value == "null") continue;
        out.emplace(f.path, *f.winner().value);
    }
    return out;
}

std::set<std::string> current_instances(const merge::RecordView& view) {
    std::set<std::string> out;
    for (const auto& r : view.repeats) {
        for (const auto& i : r.instances) {
            if (!i.deleted) out.insert(i.path);
        }
    }
    return out;
}

bool inside_any(const std::string& path, const std::set<std::string>& prefixes) {
    for (const auto& p : prefixes) {
        if (merge::is_inside(path, p)) return true;
    }
    return false;
}

}  // namespace

Result<LoadedRecord> DeviceStore::Impl::load_record(const merge::RecordId& id) {
    CANVASS_TRY(auto st,
                db.cached("SELECT form_id, finalized, state, draft FROM records WHERE id = ?"));
    st->bind(1, id);
    CANVASS_TRY(bool row, st->step());
    if (!row) return record_not_found(id);
    LoadedRecord r;
    r.form_id = st->text(0);
    r.finalized = st->int64(1) != 0;
    auto key = record_row_key(id);
    if (!st->is_null(2)) {
        CANVASS_TRY(auto bytes,
                    sealer.open(Purpose::record, as_bytes(key), st->blob(2), "a record"));
        CANVASS_TRY(auto state, merge::RecordState::deserialize(bytes));
        r.state = std::move(state);
    }
    if (!st->is_null(3)) {
        CANVASS_TRY(auto text, sealer.open_text(Purpose::draft, key, st->blob(3), "a draft"));
        auto j = json::parse(text, nullptr, false);
        if (j.is_discarded()) return unexpected(Domain::store, errc::corrupt, "a draft is damaged");
        r.draft = std::move(j);
    }
    return r;
}

Result<std::int64_t> DeviceStore::Impl::next_record_stamp() {
    if (!record_stamp) {
        CANVASS_TRY(auto st, db.cached("SELECT coalesce(max(updated), 0) FROM records"));
        CANVASS_TRY(bool row, st->step());
        record_stamp = row ? st->int64(0) : 0;
    }
    record_stamp = std::max(static_cast<std::int64_t>(clock->now_ms()), *record_stamp + 1);
    return *record_stamp;
}

Result<void> DeviceStore::Impl::write_record(const merge::RecordId& id, const std::string& form_id,
                                             const merge::RecordState* state,
                                             const std::optional<json>& draft) {
    auto key = record_row_key(id);
    CANVASS_TRY(auto stamp, next_record_stamp());
    // An upsert, not INSERT OR REPLACE: a replaced row would leave the table without firing
    // the delete trigger that keeps the tallies (schema version 10).
    CANVASS_TRY(auto st, db.cached("INSERT INTO records(id, form_id, finalized, deleted, "
                                   "conflicts, updated, digest, state, draft) "
                                   "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                                   "SET form_id = excluded.form_id, "
                                   "finalized = excluded.finalized, deleted = excluded.deleted, "
                                   "conflicts = excluded.conflicts, "
                                   "updated = excluded.updated, digest = excluded.digest, state = "
                                   "excluded.state, draft = excluded.draft"));
    st->bind(1, id).bind(2, form_id).bind(3, state ? 1 : 0).bind(6, stamp);
    if (state) {
        auto view = merge::make_view(*state);
        st->bind(4, view.deleted() ? 1 : 0)
            .bind(5, static_cast<std::int64_t>(conflict_count(view)));
        st->bind(7, merge::record_digest(*state));
        st->bind(8, sealer.seal(Purpose::record, as_bytes(key), state->serialize()));
    } else {
        st->bind(4, 0).bind(5, 0).bind_null(7).bind_null(8);
    }
    if (draft)
        st->bind(9, sealer.seal(Purpose::draft, key, draft->dump()));
    else
        st->bind_null(9);
    return st->run();
}

namespace {
std::string language_row_key(const merge::RecordId& id) {
    return record_row_key(id) + "/language";
}
}  // namespace

Result<std::string> DeviceStore::Impl::draft_language(const merge::RecordId& id) {
    CANVASS_TRY(auto st, db.cached("SELECT language FROM draft_languages WHERE record = ?"));
    st->bind(1, id);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::string();
    return sealer.open_text(Purpose::draft, language_row_key(id), st->blob(0),
                            "a draft's language");
}

Result<void> DeviceStore::Impl::keep_draft_language(const merge::RecordId& id,
                                                    std::string_view lang) {
    if (lang.empty()) {
        CANVASS_TRY(auto st, db.cached("DELETE FROM draft_languages WHERE record = ?"));
        return st->bind(1, id).run();
    }
    CANVASS_TRY(auto st,
                db.cached("INSERT OR REPLACE INTO draft_languages(record, language) VALUES(?, ?)"));
    return st->bind(1, id).bind(2, sealer.seal(Purpose::draft, language_row_key(id), lang)).run();
}

form::Validation DeviceStore::Impl::checked(const form::Form& form, const json& answers, bool final,
                                            std::string_view lang) {
    form::ValidateOptions options;
    options.mode = final ? form::Mode::final : form::Mode::draft;
    options.language = std::string(lang);
    options.clock = form::local_clock(*clock);  // today() in constraints: the store's clock
    auto result = form::validate_answers(form, answers, options);
    if (result.ok()) add_size_problems(result.completed, "", result.violations);
    return result;
}

Result<json> DeviceStore::Impl::validated(const form::Form& form, const json& answers, bool final,
                                          std::string_view lang) {
    auto result = checked(form, answers, final, lang);
    if (!result.ok()) {
        std::string msg = "the answers have " + std::to_string(result.violations.size()) +
                          " problem" + (result.violations.size() == 1 ? "" : "s") + ":";
        for (const auto& p : result.violations) msg += "\n  " + form::describe(p);
        return unexpected(Domain::form, errc::invalid_argument, msg);
    }
    return std::move(result.completed);
}

Result<bool> DeviceStore::Impl::commit_answers(const form::Form& form, merge::RecordState& state,
                                               json answers, const merge::RecordState* readable) {
    CANVASS_TRY(auto flat, flatten(form, answers, *random));
    auto view = merge::make_view(readable ? *readable : state);
    auto before = current_values(view);
    auto before_instances = current_instances(view);

    std::vector<merge::Op> ops;
    std::vector<std::optional<std::string>> values;
    std::set<std::string> removed;
    for (const auto& ip : before_instances) {
        if (!flat.instance_set.count(ip)) removed.insert(ip);
    }
    // An instance whose enclosing instance is removed is covered by that delete already.
    for (const auto& ip : removed) {
        if (inside_any(ip, removed)) continue;
        ops.push_back(merge::delete_instance_op(state, ip));
        values.emplace_back();
    }
    // New instances in the order of the answers, before any field op: instances are ordered by
    // their first op, so this keeps the interviewer's order (and position(..) with it).
    for (const auto& ip : flat.instances) {
        if (before_instances.count(ip)) continue;
        ops.push_back(merge::keep_op(state, ip));  // marks a new, possibly empty, instance
        values.emplace_back();
    }
    for (const auto& [path, value] : flat.fields) {
        auto text = value.dump();
        auto it = before.find(path);
        if (it != before.end() && it->second == text) continue;
        ops.push_back(merge::set_op(state, path));
        values.emplace_back(std::move(text));
    }
    for (const auto& [path, text] : before) {
        if (flat.fields.count(path) || inside_any(path, removed)) continue;
        ops.push_back(merge::set_op(state, path));  // the answer was cleared
        values.emplace_back("null");
    }
    if (ops.empty()) return false;
    CANVASS_TRY_VOID(append_changeset(form, state, std::move(ops), std::move(values)));
    return true;
}

Result<void> DeviceStore::Impl::append_changeset(const form::Form& form, merge::RecordState& state,
                                                 std::vector<merge::Op> ops,
                                                 std::vector<std::optional<std::string>> values) {
    CANVASS_TRY(auto config, [this]() -> Result<std::optional<std::string>> {
        CANVASS_TRY(auto raw, get_meta("project"));
        if (!raw) return std::optional<std::string>();
        auto j = json::parse(raw->begin(), raw->end(), nullptr, false);
        if (!j.is_object() || !j.contains("project")) return std::optional<std::string>();
        return std::optional<std::string>(j["project"].get<std::string>());
    }());
    CANVASS_TRY(auto epoch, current_epoch());

    merge::Hlc hlc(*clock, hlc_last);
    merge::Changeset cs;
    auto& h = cs.header;
    h.device = keys.id;
    h.seq = seq + 1;
    h.prev = head_hash;
    h.hlc = hlc.tick();
    h.project = config.value_or(std::string(kUnenrolledProject));
    h.form_id = form.settings().form_id;
    h.form_version = form.settings().version;
    h.record = state.id();
    h.ops = std::move(ops);
    h.epoch = epoch.first;
    CANVASS_TRY(auto creation, take_creation_nonce(h.record));  // the id derives from it
    h.nonce = creation.value_or(crypto::random_xnonce());
    if (h.ops.size() > merge::kMaxOps) {
        return unexpected(Domain::form, errc::limit_exceeded,
                          "this save changes " + std::to_string(h.ops.size()) +
                              " answers, and one save may change at most " +
                              std::to_string(merge::kMaxOps) +
                              " (what a server accepts): save it in parts. "
                              "Nothing was saved.");
    }
    merge::canonicalize(h);
    CANVASS_TRY_VOID(merge::validate(h));
    CANVASS_TRY_VOID(check_may_change(h));

    CANVASS_TRY_VOID(register_attachments(h, epoch.first, epoch.second, values));
    cs.ciphertext = encrypt_values(epoch.second, h, values);

    auto bytes = merge::encode(cs);
    if (bytes.size() > merge::kMaxChangesetBytes) return too_large_to_sync(h, values, bytes.size());
    auto hash = crypto::blake2b_256(bytes);
    CANVASS_TRY(auto applied, state.apply(h, std::move(values)));
    (void)applied;
    CANVASS_TRY(
        auto ins,
        db.cached("INSERT INTO changesets(device, seq, hash, record, body) VALUES(?, ?, ?, ?, ?)"));
    CANVASS_TRY_VOID(
        ins->bind(1, h.device).bind(2, h.seq).bind(3, hash).bind(4, h.record).bind(5, bytes).run());
    CANVASS_TRY_VOID(put_meta("hlc", std::to_string(hlc.last())));
    seq = h.seq;
    head_hash = hash;
    hlc_last = hlc.last();
    return {};
}

// ---- public record operations ----

Result<merge::RecordId> DeviceStore::Impl::save_new(const form::Form& form, json completed,
                                                    bool finalize) {
    CANVASS_TRY(const merge::RecordId id,
                mint_record_id());  // bound to this device (merge/authority.hpp)
    if (finalize) {
        merge::RecordState state(id);
        CANVASS_TRY_VOID(commit_answers(form, state, std::move(completed)));
        CANVASS_TRY_VOID(write_record(id, form.settings().form_id, &state, std::nullopt));
    } else {
        CANVASS_TRY_VOID(write_record(id, form.settings().form_id, nullptr, std::move(completed)));
    }
    return id;
}

Result<merge::RecordId> DeviceStore::create_record(std::string_view form_id, json answers,
                                                   bool finalize, std::string_view lang) {
    CANVASS_TRY(auto f, form(form_id));
    CANVASS_TRY(auto completed, impl_->validated(*f, answers, finalize, lang));
    const auto seq_before = impl_->seq;
    const auto hash_before = impl_->head_hash;
    const auto hlc_before = impl_->hlc_last;
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    auto id = impl_->save_new(*f, std::move(completed), finalize);
    Result<void> done = id ? Result<void>() : Result<void>(unexpected(id.error()));
    if (done && !finalize) done = impl_->keep_draft_language(*id, lang);
    if (done) done = tx.commit();
    if (!done) {  // the transaction rolls back: so must the in-memory chain head
        impl_->seq = seq_before;
        impl_->head_hash = hash_before;
        impl_->hlc_last = hlc_before;
        return unexpected(std::move(done).error());
    }
    return *id;
}

Result<void> DeviceStore::save_draft(const merge::RecordId& id, json answers,
                                     std::string_view lang) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    CANVASS_TRY(auto f, form(r.form_id));
    CANVASS_TRY(auto completed, impl_->validated(*f, answers, false, lang));
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    CANVASS_TRY_VOID(impl_->write_record(id, r.form_id, r.state ? &*r.state : nullptr, completed));
    CANVASS_TRY_VOID(impl_->keep_draft_language(id, lang));
    return tx.commit();
}

Result<void> DeviceStore::finalize(const merge::RecordId& id, std::string_view lang) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    if (!r.draft) {
        if (r.finalized) return {};  // nothing pending: already final
        return unexpected(Domain::store, errc::corrupt, "the record has neither draft nor state");
    }
    CANVASS_TRY(auto f, form(r.form_id));
    CANVASS_TRY(auto completed, impl_->validated(*f, *r.draft, true, lang));
    merge::RecordState state = r.state ? std::move(*r.state) : merge::RecordState(id);
    const auto seq_before = impl_->seq;
    const auto hash_before = impl_->head_hash;
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    auto committed = impl_->commit_answers(*f, state, std::move(completed));
    Result<void> written = committed ? impl_->write_record(id, r.form_id, &state, std::nullopt)
                                     : Result<void>(unexpected(committed.error()));
    if (written) written = impl_->keep_draft_language(id, {});
    if (written) written = tx.commit();
    if (!written) {
        impl_->seq = seq_before;
        impl_->head_hash = hash_before;
        return written;
    }
    return {};
}

Result<bool> DeviceStore::edit(const merge::RecordId& id, const json& changes,
                               std::string_view lang) {
    return edit(id, changes, lang, nullptr);
}

Result<bool> DeviceStore::edit(const merge::RecordId& id, const json& changes,
                               std::string_view lang, const merge::RecordState* readable) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    if (!r.finalized || !r.state) {
        return unexpected(
            Domain::store, errc::invalid_argument,
            "record " + merge::format_uuid(id) +
                " is a draft: change it with 'canvass interview --resume' or finalize it first");
    }
    CANVASS_TRY_VOID(same_record(id, readable, *r.state));
    const auto view = merge::make_view(readable ? *readable : *r.state);
    if (!readable && !is_readable(view)) {
        return unexpected(
            Domain::crypto, errc::wrong_key,
            "the answers of record " + merge::format_uuid(id) +
                " are encrypted for the project's coordinators: give --key FILE, a coordinator "
                "key, to change them, or correct one answer with 'canvass resolve " +
                merge::format_uuid(id) + " PATH --value V'");
    }
    CANVASS_TRY(auto f, form(r.form_id));
    auto answers = to_answers(view);
    strip_calculations(*f, answers);
    CANVASS_TRY_VOID(apply_changes(*f, answers, changes));
    CANVASS_TRY(auto completed, impl_->validated(*f, answers, true, lang));
    const auto seq_before = impl_->seq;
    const auto hash_before = impl_->head_hash;
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    auto changed = impl_->commit_answers(*f, *r.state, std::move(completed), readable);
    Result<void> written = changed ? impl_->write_record(id, r.form_id, &*r.state, r.draft)
                                   : Result<void>(unexpected(changed.error()));
    if (written) written = tx.commit();
    if (!written) {
        impl_->seq = seq_before;
        impl_->head_hash = hash_before;
        return unexpected(std::move(written).error());
    }
    return *changed;
}

Result<void> DeviceStore::resolve(const merge::RecordId& id, std::string_view path,
                                  const json& value) {
    return resolve(id, path, value, {}, nullptr);
}

Result<void> DeviceStore::resolve(const merge::RecordId& id, std::string_view path,
                                  const json& value, std::string_view lang,
                                  const merge::RecordState* readable) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    if (!r.state)
        return unexpected(Domain::store, errc::invalid_argument, "a draft has no conflicts");
    if (merge::path_kind(path) != merge::PathKind::field) {
        return unexpected(
            Domain::store, errc::invalid_argument,
            "'" + std::string(path) + "' is not a field path (see 'canvass conflicts')");
    }
    CANVASS_TRY_VOID(same_record(id, readable, *r.state));
    CANVASS_TRY(auto f, form(r.form_id));
    CANVASS_TRY_VOID(impl_->check_resolution(*f, merge::make_view(readable ? *readable : *r.state),
                                             std::string(path), value, lang));
    return impl_->set_field(id, *f, r, path, value);
}

Result<void> DeviceStore::Impl::set_field(const merge::RecordId& id, const form::Form& form,
                                          LoadedRecord& r, std::string_view path,
                                          const json& value) {
    auto seq_before = seq;
    auto hash_before = head_hash;
    CANVASS_TRY(auto tx, Transaction::begin(db));
    std::vector<merge::Op> ops{merge::set_op(*r.state, std::string(path))};
    std::vector<std::optional<std::string>> values{value.dump()};
    auto appended = append_changeset(form, *r.state, std::move(ops), std::move(values));
    if (appended) appended = write_record(id, r.form_id, &*r.state, r.draft);
    if (appended) appended = tx.commit();
    if (!appended) {
        seq = seq_before;
        head_hash = hash_before;
    }
    return appended;
}

Result<void> DeviceStore::set_review(const merge::RecordId& id, std::string_view value_json) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    if (!r.state || !r.finalized)
        return unexpected(Domain::store, errc::invalid_argument,
                          "record " + merge::format_uuid(id) +
                              " is a draft: only finalized records are reviewed");
    auto value = json::parse(value_json, nullptr, false);
    if (!value.is_object() || value_json.size() > 8192)
        return unexpected(Domain::form, errc::invalid_argument, "a review is a small JSON object");
    CANVASS_TRY(bool coordinator, impl_->is_coordinator());
    if (!coordinator)
        return unexpected(
            Domain::auth, errc::permission_denied,
            "only a coordinator reviews records (this device is not enrolled as one)");
    CANVASS_TRY(auto f, form(r.form_id));
    return impl_->set_field(id, *f, r, merge::kReviewPath, value);
}

Result<void> DeviceStore::delete_record(const merge::RecordId& id) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    if (!r.finalized) {  // never left the device: erase it
        CANVASS_TRY(auto st, impl_->db.prepare("DELETE FROM records WHERE id = ?"));
        CANVASS_TRY_VOID(st.bind(1, id).run());
        CANVASS_TRY_VOID(impl_->keep_draft_language(id, {}));
        CANVASS_TRY(auto nonce, impl_->take_creation_nonce(id));
        (void)nonce;
        return tx.commit();
    }
    CANVASS_TRY(auto f, form(r.form_id, r.state->meta().form_version));
    auto seq_before = impl_->seq;
    auto hash_before = impl_->head_hash;
    std::vector<merge::Op> ops{merge::delete_record_op(*r.state)};
    auto done = impl_->append_changeset(*f, *r.state, std::move(ops), {std::nullopt});
    if (done) done = impl_->write_record(id, r.form_id, &*r.state, std::nullopt);
    if (done) done = tx.commit();
    if (!done) {
        impl_->seq = seq_before;
        impl_->head_hash = hash_before;
    }
    return done;
}

Result<RecordSnapshot> DeviceStore::record(const merge::RecordId& id) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    RecordSnapshot snap;
    snap.summary.id = id;
    snap.summary.form_id = r.form_id;
    snap.summary.status = r.finalized ? RecordStatus::finalized : RecordStatus::draft;
    snap.summary.pending_edit = r.finalized && r.draft.has_value();
    if (r.state) {
        auto view = merge::make_view(*r.state);
        snap.form_version = view.meta.form_version;
        snap.summary.deleted = view.deleted();
        snap.summary.conflicts = conflict_count(view);
        snap.summary.updated_ms = merge::hlc_ms(view.meta.updated);
        snap.readable = is_readable(view);
        snap.answers = to_answers(view);
        snap.view = std::move(view);
        snap.state = std::move(r.state);
    } else {
        snap.answers = r.draft.value_or(json::object());
        CANVASS_TRY(snap.language, impl_->draft_language(id));
        CANVASS_TRY(auto f, form(r.form_id));
        snap.form_version = f->settings().version;
    }
    snap.summary.name = display_name(snap);
    return snap;
}

// settings.instance_name on the answers, as they were at the record's last change.
std::string DeviceStore::display_name(const RecordSnapshot& snap) {
    if (!snap.readable) return {};
    auto f = form(snap.summary.form_id, snap.form_version);
    if (!f || !(*f)->settings().instance_name) return {};
    // A draft is named as it is now; a finalized record as at its last saved change.
    std::uint64_t at = snap.view ? snap.summary.updated_ms : impl_->clock->now_ms();
    form::Instant when{static_cast<std::int64_t>(at), impl_->clock->utc_offset_minutes(at)};
    return form::record_name(**f, snap.answers, form::fixed_clock(when));
}

Result<std::vector<RecordSummary>> DeviceStore::records(std::string_view form_id) {
    std::string sql =
        "SELECT id, form_id, finalized, deleted, conflicts, updated, draft IS NOT NULL "
        "FROM records";
    if (!form_id.empty()) sql += " WHERE form_id = ?";
    sql += " ORDER BY updated, id";
    CANVASS_TRY(auto st, impl_->db.prepare(sql));
    if (!form_id.empty()) st.bind(1, form_id);
    std::vector<RecordSummary> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        RecordSummary s;
        st.blob_into(0, s.id);
        s.form_id = st.text(1);
        s.status = st.int64(2) ? RecordStatus::finalized : RecordStatus::draft;
        s.deleted = st.int64(3) != 0;
        s.conflicts = static_cast<std::size_t>(st.int64(4));
        s.updated_ms = static_cast<std::uint64_t>(st.int64(5));
        s.pending_edit = s.status == RecordStatus::finalized && st.int64(6) != 0;
        out.push_back(s);
    }
    // Display names need the answers: read only for forms that define one.
    for (auto& s : out) {
        auto f = form(s.form_id);
        if (!f || !(*f)->settings().instance_name) continue;
        CANVASS_TRY(auto snap, record(s.id));
        s.name = std::move(snap.summary.name);
    }
    return out;
}

Result<merge::RecordId> DeviceStore::find_record(std::string_view text) {
    if (auto full = merge::parse_uuid(text)) return *full;
    if (text.size() < 4 || text.size() > 36 ||
        text.find_first_not_of("0123456789abcdef-") != std::string_view::npos) {
        return unexpected(Domain::store, errc::invalid_argument,
                          "'" + std::string(text) +
                              "' is not a record id (a UUID, or its first 4 or more characters)");
    }
    CANVASS_TRY(auto all, records());
    std::optional<merge::RecordId> found;
    for (const auto& r : all) {
        if (merge::format_uuid(r.id).starts_with(text)) {
            if (found) {
                return unexpected(
                    Domain::store, errc::invalid_argument,
                    "'" + std::string(text) + "' matches several records; give more of the id");
            }
            found = r.id;
        }
    }
    if (!found)
        return unexpected(Domain::store, errc::not_found,
                          "no record starts with '" + std::string(text) + "'");
    return *found;
}

}  // namespace canvass::store
