// Who may change a record, on the device (merge/authority.hpp): ids bound to their creator,
// and the same rule the server applies, checked before anything is saved.
#include "merge/authority.hpp"
#include "store/device_store.hpp"
#include "store/device_store_impl.hpp"

namespace canvass::store {

using nlohmann::json;

Result<merge::RecordId> DeviceStore::Impl::mint_record_id() {
    merge::ChangesetNonce nonce{};
    random->fill(nonce);
    const auto id = merge::record_id_for(keys.id, nonce);
    CANVASS_TRY(auto st, db.cached("INSERT INTO record_nonces(record, nonce) VALUES(?, ?)"));
    CANVASS_TRY_VOID(st->bind(1, id).bind(2, nonce).run());
    return id;
}

Result<std::optional<merge::ChangesetNonce>> DeviceStore::Impl::take_creation_nonce(
    const merge::RecordId& id) {
    CANVASS_TRY(auto st, db.cached("SELECT nonce FROM record_nonces WHERE record = ?"));
    st->bind(1, id);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::ChangesetNonce>();
    merge::ChangesetNonce nonce{};
    if (!st->blob_into(0, nonce))
        return unexpected(Domain::store, errc::corrupt, "a record nonce is damaged");
    st->reset();
    CANVASS_TRY(auto del, db.cached("DELETE FROM record_nonces WHERE record = ?"));
    CANVASS_TRY_VOID(del->bind(1, id).run());
    return std::optional<merge::ChangesetNonce>(nonce);
}

Result<std::optional<merge::DeviceId>> DeviceStore::Impl::record_creator(
    const merge::RecordId& id) {
    CANVASS_TRY(auto st,
                db.cached("SELECT device, body FROM changesets WHERE record = ? ORDER BY n"));
    st->bind(1, id);
    std::optional<merge::DeviceId> first_writer;
    for (;;) {
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        CANVASS_TRY(auto cs, merge::decode(st->blob(1)));
        if (merge::creates_record(cs.header))
            return std::optional<merge::DeviceId>(cs.header.device);
        if (!first_writer) first_writer = cs.header.device;
    }
    // No creation held: a record minted before ids were bound to their creator, whose first
    // writer here is taken as its creator, as the server takes the first it received.
    return first_writer;
}

Result<bool> DeviceStore::Impl::is_coordinator() {
    CANVASS_TRY(auto raw, get_meta("project"));
    if (!raw) return false;
    auto j = json::parse(raw->begin(), raw->end(), nullptr, false);
    return j.is_object() && j.value("role", std::string()) == "coordinator";
}

Result<void> DeviceStore::Impl::check_may_change(const merge::ChangesetHeader& h) {
    merge::RecordAuthority known;
    if (!merge::creates_record(h)) {
        CANVASS_TRY(known.creator, record_creator(h.record));
        CANVASS_TRY(known.author_is_coordinator, is_coordinator());
    }
    CANVASS_TRY(auto right, merge::may_change(h, known));
    (void)right;
    return {};
}

Result<void> DeviceStore::Impl::rekey_legacy_drafts() {
    // Drafts never left the device, so a draft minted before ids were bound to their creator
    // can take a bound id now: its first changeset then proves this device created it.
    CANVASS_TRY(auto st,
                db.prepare("SELECT id FROM records WHERE finalized = 0 AND state IS NULL AND "
                           "id NOT IN (SELECT record FROM record_nonces)"));
    std::vector<merge::RecordId> legacy;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        merge::RecordId id{};
        st.blob_into(0, id);
        legacy.push_back(id);
    }
    if (legacy.empty()) return {};
    CANVASS_TRY(auto tx, Transaction::begin(db));
    for (const auto& old_id : legacy) {
        CANVASS_TRY(auto r, load_record(old_id));
        CANVASS_TRY(auto id, mint_record_id());
        CANVASS_TRY_VOID(write_record(id, r.form_id, nullptr, r.draft));
        CANVASS_TRY(auto del, db.prepare("DELETE FROM records WHERE id = ?"));
        CANVASS_TRY_VOID(del.bind(1, old_id).run());
    }
    return tx.commit();
}

Result<std::optional<merge::DeviceId>> DeviceStore::record_creator(const merge::RecordId& id) {
    return impl_->record_creator(id);
}

Result<void> DeviceStore::may_change(const merge::RecordId& id) {
    CANVASS_TRY(auto r, impl_->load_record(id));
    if (!r.state) return {};  // a draft: its first changeset creates it
    merge::ChangesetHeader h;
    h.device = impl_->keys.id;
    h.record = id;
    h.seq = impl_->seq + 1;
    auto checked = impl_->check_may_change(h);
    if (checked) return {};
    CANVASS_TRY(auto creator, impl_->record_creator(id));
    std::string who = creator ? "its creator's device (" + merge::short_device(*creator) + ")"
                              : "the device that created it";
    return unexpected(Domain::auth, errc::permission_denied,
                      "record " + merge::format_uuid(id) + " may be changed only by " + who +
                          " or by a coordinator with the project's key (this device is " +
                          merge::short_device(impl_->keys.id) + "); nothing was saved");
}

}  // namespace canvass::store
