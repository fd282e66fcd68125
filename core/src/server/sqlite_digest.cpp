// What the shared metadata merge (record_states.hpp) needs of the SQLite store, and the
// transactions around it: a digest is computed in one read transaction (WAL: pushes go on
// committing beside it), stored states are refreshed in one short write transaction. SQLite
// has one writer at a time, so no push can mark a record while its state is being stored:
// the dirty marks carry no counter here (Dirty::mark is 0).
#include "server/record_states.hpp"
#include "server/sqlite_store.hpp"

namespace canvass::server {

Result<void> SqliteStore::each_clean(std::int64_t project, bool with_state,
                                     const std::function<Result<void>(const Stored&)>& visit) {
    CANVASS_TRY(
        auto st,
        db_.prepare(
            std::string("SELECT r.record, r.digest") + (with_state ? ", r.state" : "") +
            " FROM records r WHERE r.project = ?1 AND NOT EXISTS "
            "(SELECT 1 FROM dirty_records d WHERE d.project = r.project AND d.record = r.record)"));
    st.bind(1, project);
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        Stored s;
        (void)st.blob_into(0, s.record);
        (void)st.blob_into(1, s.digest);
        if (with_state) s.state = st.blob(2);
        CANVASS_TRY_VOID(visit(s));
    }
    return {};
}

Result<std::vector<RecordStateStore::Dirty>> SqliteStore::dirty(std::int64_t project,
                                                                std::optional<std::size_t> limit) {
    CANVASS_TRY(auto st,
                db_.prepare("SELECT record FROM dirty_records WHERE project = ?1 LIMIT ?2"));
    st.bind(1, project).bind(2, limit ? static_cast<std::int64_t>(*limit) : std::int64_t{-1});
    std::vector<Dirty> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        Dirty d;
        (void)st.blob_into(0, d.record);
        out.push_back(d);
    }
    return out;
}

Result<std::optional<RecordStateStore::Stored>> SqliteStore::stored(std::int64_t project,
                                                                    const merge::RecordId& record) {
    CANVASS_TRY(auto load,
                db_.cached("SELECT state, digest FROM records WHERE project = ?1 AND record = ?2"));
    load->bind(1, project).bind(2, record);
    CANVASS_TRY(bool found, load->step());
    if (!found) return std::optional<Stored>{};
    Stored s;
    s.record = record;
    s.state = load->blob(0);
    (void)load->blob_into(1, s.digest);
    return std::optional<Stored>{std::move(s)};
}

Result<void> SqliteStore::each_changeset(
    std::int64_t project, const merge::RecordId& record,
    const std::function<Result<void>(const merge::DeviceId&, std::uint64_t, const Bytes&)>& visit) {
    CANVASS_TRY(
        auto st,
        db_.cached("SELECT device, seq, body FROM changesets WHERE project = ?1 AND record = ?2"));
    st->bind(1, project).bind(2, record);
    for (;;) {
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        merge::DeviceId device{};
        (void)st->blob_into(0, device);
        CANVASS_TRY_VOID(visit(device, static_cast<std::uint64_t>(st->int64(1)), st->blob(2)));
    }
    return {};
}

Result<void> SqliteStore::save(std::int64_t project, const Dirty& d, const Bytes& state,
                               const merge::Hash& digest) {
    CANVASS_TRY(
        auto put,
        db_.cached("INSERT INTO records (project, record, state, digest) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT (project, record) DO UPDATE SET state = excluded.state, digest = "
                   "excluded.digest"));
    put->bind(1, project).bind(2, d.record).bind(3, state).bind(4, digest);
    CANVASS_TRY_VOID(put->run());
    CANVASS_TRY(auto clear,
                db_.cached("DELETE FROM dirty_records WHERE project = ?1 AND record = ?2"));
    clear->bind(1, project).bind(2, d.record);
    return clear->run();
}

Result<void> SqliteStore::in_read_transaction(const std::function<Result<void>()>& body) {
    // One read transaction: the stored states and the dirty list come from one snapshot.
    CANVASS_TRY_VOID(db_.exec("BEGIN DEFERRED"));
    struct EndRead {
        store::Database& db;
        ~EndRead() { (void)db.exec("COMMIT"); }
    } end{db_};
    return body();
}

Result<ProjectDigest> SqliteStore::project_digest(std::int64_t project) {
    ProjectDigest out;
    CANVASS_TRY_VOID(in_read_transaction([&]() -> Result<void> {
        CANVASS_TRY(out, server::project_digest(*this, project));
        return {};
    }));
    return out;
}

Result<RecordCensus> SqliteStore::census(const std::string& project) {
    CANVASS_TRY(auto id, project_id(project));
    RecordCensus out;
    CANVASS_TRY_VOID(in_read_transaction([&]() -> Result<void> {
        CANVASS_TRY(out, record_census(*this, id));
        return {};
    }));
    return out;
}

Result<std::size_t> SqliteStore::catch_up_record_states(std::size_t max_records) {
    std::int64_t project = 0;
    {
        CANVASS_TRY(auto st, db_.prepare("SELECT project FROM dirty_records LIMIT 1"));
        CANVASS_TRY(bool row, st.step());
        if (!row) return std::size_t{0};
        project = st.int64(0);
    }
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto done, refresh_record_states(*this, project, max_records));
    CANVASS_TRY_VOID(tx.commit());
    return done;
}

}  // namespace canvass::server
