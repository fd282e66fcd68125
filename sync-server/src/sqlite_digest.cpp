// The server's metadata-only merge: it cannot read a value, but it keeps each record's merge
// state (merge/record_state.hpp) so that its state digest can be compared with a
// coordinator's. States are brought up to date lazily, for the records that received
// changesets since the last time a digest was asked for.
#include "merge/digest.hpp"
#include "merge/record_state.hpp"
#include "sqlite_store.hpp"

namespace canvass::server {

Result<void> SqliteStore::refresh_record_states(std::int64_t project) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto dirty, db_.prepare("SELECT record FROM dirty_records WHERE project = ?1"));
    dirty.bind(1, project);
    std::vector<merge::RecordId> records;
    for (;;) {
        CANVASS_TRY(bool row, dirty.step());
        if (!row) break;
        merge::RecordId id{};
        (void)dirty.blob_into(0, id);
        records.push_back(id);
    }
    RecordStatements st{
        db_.prepare("SELECT state FROM records WHERE project = ?1 AND record = ?2"),
        db_.prepare("SELECT device, seq, body FROM changesets WHERE project = ?1 AND record = ?2"),
        db_.prepare("INSERT INTO records (project, record, state, digest) VALUES (?1, ?2, ?3, ?4) "
                    "ON CONFLICT (project, record) DO UPDATE SET state = excluded.state, digest = excluded.digest")};
    if (!st.load) return unexpected(st.load.error());
    if (!st.changesets) return unexpected(st.changesets.error());
    if (!st.save) return unexpected(st.save.error());
    for (const auto& r : records) CANVASS_TRY_VOID(refresh_record(st, project, r));
    CANVASS_TRY(auto clear, db_.prepare("DELETE FROM dirty_records WHERE project = ?1"));
    clear.bind(1, project);
    CANVASS_TRY_VOID(clear.run());
    return tx.commit();
}

Result<void> SqliteStore::refresh_record(RecordStatements& st, std::int64_t project, const merge::RecordId& record) {
    auto& load = *st.load;
    load.reset();
    load.bind(1, project).bind(2, record);
    CANVASS_TRY(bool found, load.step());
    std::optional<merge::RecordState> state;
    if (found) {
        CANVASS_TRY(auto s, merge::RecordState::deserialize(load.blob(0)));
        state.emplace(std::move(s));
    } else {
        state.emplace(record);
    }
    load.reset();
    auto& changesets = *st.changesets;
    changesets.reset();
    changesets.bind(1, project).bind(2, record);
    for (;;) {
        CANVASS_TRY(bool row, changesets.step());
        if (!row) break;
        merge::DeviceId device{};
        (void)changesets.blob_into(0, device);
        if (state->has_changeset(device, static_cast<std::uint64_t>(changesets.int64(1)))) continue;
        CANVASS_TRY(auto cs, merge::decode(changesets.blob(2)));
        CANVASS_TRY_VOID(state->apply(cs.header));
    }
    changesets.reset();
    auto& save = *st.save;
    save.bind(1, project).bind(2, record).bind(3, state->serialize()).bind(4, merge::record_digest(*state));
    return save.run();
}

}  // namespace canvass::server
