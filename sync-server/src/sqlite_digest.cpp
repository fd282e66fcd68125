// The server's metadata-only merge: it cannot read a value, but it keeps each record's merge
// state (merge/record_state.hpp) so that its state digest can be compared with a
// coordinator's.
//
// Neither reporting nor the digest may hold up a push. So the digest is computed without
// writing: the stored states, with the records that received changesets since (the dirty
// ones) merged in memory. The stored states are brought up to date separately, a bounded
// number of records per transaction (refresh_record_states), so the write lock is held for
// milliseconds at a time and the WAL grows by one small transaction at a time.
#include <functional>

#include "merge/digest.hpp"
#include "merge/record_state.hpp"
#include "sqlite_store.hpp"

namespace canvass::server {
namespace {

constexpr const char* kLoadState = "SELECT state, digest FROM records WHERE project = ?1 AND record = ?2";
constexpr const char* kRecordChangesets = "SELECT device, seq, body FROM changesets WHERE project = ?1 AND record = ?2";

Result<std::vector<merge::RecordId>> dirty_records(store::Database& db, std::int64_t project, std::int64_t limit) {
    CANVASS_TRY(auto dirty, db.prepare("SELECT record FROM dirty_records WHERE project = ?1 LIMIT ?2"));
    dirty.bind(1, project).bind(2, limit);
    std::vector<merge::RecordId> records;
    for (;;) {
        CANVASS_TRY(bool row, dirty.step());
        if (!row) break;
        merge::RecordId id{};
        (void)dirty.blob_into(0, id);
        records.push_back(id);
    }
    return records;
}

}  // namespace

Result<SqliteStore::MergedRecord> SqliteStore::merged_record(std::int64_t project, const merge::RecordId& record) {
    CANVASS_TRY(auto load, db_.cached(kLoadState));
    load->bind(1, project).bind(2, record);
    CANVASS_TRY(bool found, load->step());
    MergedRecord out{merge::RecordState(record), std::nullopt};
    if (found) {
        CANVASS_TRY(auto s, merge::RecordState::deserialize(load->blob(0)));
        out.state = std::move(s);
        merge::Hash old{};
        (void)load->blob_into(1, old);
        out.stored_digest = old;
    }
    CANVASS_TRY(auto changesets, db_.cached(kRecordChangesets));
    changesets->bind(1, project).bind(2, record);
    for (;;) {
        CANVASS_TRY(bool row, changesets->step());
        if (!row) break;
        merge::DeviceId device{};
        (void)changesets->blob_into(0, device);
        if (out.state.has_changeset(device, static_cast<std::uint64_t>(changesets->int64(1)))) continue;
        CANVASS_TRY(auto cs, merge::decode(changesets->blob(2)));
        CANVASS_TRY_VOID(out.state.apply(cs.header));
    }
    return out;
}

Result<void> SqliteStore::each_record(std::int64_t project, bool with_state,
                                      const std::function<Result<void>(const RecordView&)>& visit) {
    // One read transaction: the stored states and the dirty list come from the same
    // snapshot, while pushes go on committing beside it (WAL).
    CANVASS_TRY_VOID(db_.exec("BEGIN DEFERRED"));
    struct EndRead {
        store::Database& db;
        ~EndRead() { (void)db.exec("COMMIT"); }
    } end{db_};
    {
        CANVASS_TRY(auto st, db_.prepare(
            std::string("SELECT r.record, r.digest") + (with_state ? ", r.state" : "") +
            " FROM records r WHERE r.project = ?1 AND NOT EXISTS "
            "(SELECT 1 FROM dirty_records d WHERE d.project = r.project AND d.record = r.record)"));
        st.bind(1, project);
        for (;;) {
            CANVASS_TRY(bool row, st.step());
            if (!row) break;
            RecordView view;
            (void)st.blob_into(0, view.record);
            (void)st.blob_into(1, view.digest);
            std::optional<merge::RecordState> state;
            if (with_state) {
                CANVASS_TRY(auto s, merge::RecordState::deserialize(st.blob(2)));
                state.emplace(std::move(s));
                view.state = &*state;
            }
            CANVASS_TRY_VOID(visit(view));
        }
    }
    CANVASS_TRY(auto dirty, dirty_records(db_, project, -1));
    for (const auto& record : dirty) {
        CANVASS_TRY(auto merged, merged_record(project, record));
        RecordView view{record, merge::record_digest(merged.state), &merged.state};
        CANVASS_TRY_VOID(visit(view));
    }
    return {};
}

Result<SqliteStore::ProjectDigest> SqliteStore::project_digest(std::int64_t project) {
    ProjectDigest out;
    merge::StoreDigest digest;
    CANVASS_TRY_VOID(each_record(project, false, [&](const RecordView& r) -> Result<void> {
        digest.add(r.record, r.digest);
        ++out.records;
        return {};
    }));
    out.digest = digest.value();
    return out;
}

Result<RecordCensus> SqliteStore::census(const std::string& project) {
    CANVASS_TRY(auto id, project_id(project));
    RecordCensus out;
    CANVASS_TRY_VOID(each_record(id, true, [&](const RecordView& r) -> Result<void> {
        ++out.records;
        const auto& meta = r.state->meta();
        ++out.by_form_version[{meta.form_id, meta.form_version}];
        for (const auto& d : r.state->devices()) ++out.by_device[d];
        return {};
    }));
    return out;
}

Result<std::size_t> SqliteStore::refresh_record_states(std::int64_t project, std::size_t max_records) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto records, dirty_records(db_, project, static_cast<std::int64_t>(max_records)));
    CANVASS_TRY(auto save, db_.prepare(
        "INSERT INTO records (project, record, state, digest) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (project, record) DO UPDATE SET state = excluded.state, digest = excluded.digest"));
    CANVASS_TRY(auto clear, db_.prepare("DELETE FROM dirty_records WHERE project = ?1 AND record = ?2"));
    for (const auto& record : records) {
        CANVASS_TRY(auto merged, merged_record(project, record));
        save.reset();
        save.bind(1, project).bind(2, record).bind(3, merged.state.serialize()).bind(4, merge::record_digest(merged.state));
        CANVASS_TRY_VOID(save.run());
        clear.reset();
        clear.bind(1, project).bind(2, record);
        CANVASS_TRY_VOID(clear.run());
    }
    CANVASS_TRY_VOID(tx.commit());
    return records.size();
}

Result<std::size_t> SqliteStore::catch_up_record_states(std::size_t max_records) {
    std::int64_t project = 0;
    {
        CANVASS_TRY(auto st, db_.prepare("SELECT project FROM dirty_records LIMIT 1"));
        CANVASS_TRY(bool row, st.step());
        if (!row) return std::size_t{0};
        project = st.int64(0);
    }
    return refresh_record_states(project, max_records);
}

}  // namespace canvass::server
