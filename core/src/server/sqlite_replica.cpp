#include "merge/authority.hpp"
#include "server/sqlite_store.hpp"

namespace canvass::server {
namespace {

// Resets a cached statement when the caller is done with it, whatever the outcome.
struct Done {
    store::Statement* st;
    ~Done() { st->reset(); }
};

}  // namespace

Result<store::Statement*> SqliteReplica::cached(const char* sql) {
    auto it = statements_.find(sql);
    if (it == statements_.end()) {
        CANVASS_TRY(auto st, db_.prepare(sql));
        it = statements_.emplace(sql, std::move(st)).first;
    }
    it->second.reset();
    return &it->second;
}

Result<merge::VersionVector> SqliteReplica::chains() {
    CANVASS_TRY(auto* st, cached("SELECT device, seq, hash FROM chains WHERE project = ?1"));
    Done done{st};
    st->bind(1, project_);
    merge::VersionVector vv;
    for (;;) {
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        vv.advance(st->fixed_blob<16>(0),
                   {static_cast<std::uint64_t>(st->int64(1)), st->fixed_blob<32>(2)});
    }
    return vv;
}

Result<std::optional<merge::ChainPoint>> SqliteReplica::admitted_point(
    const merge::DeviceId& device) {
    CANVASS_TRY(auto* st,
                cached("SELECT seq, hash FROM chains WHERE project = ?1 AND device = ?2"));
    Done done{st};
    st->bind(1, project_).bind(2, device);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::ChainPoint>{};
    return std::optional<merge::ChainPoint>{
        merge::ChainPoint{static_cast<std::uint64_t>(st->int64(0)), st->fixed_blob<32>(1)}};
}

Result<std::optional<merge::ChainPoint>> SqliteReplica::held_point(const merge::DeviceId& device) {
    CANVASS_TRY(auto* st, cached("SELECT seq, hash FROM held WHERE project = ?1 AND device = ?2 "
                                 "ORDER BY seq DESC LIMIT 1"));
    Done done{st};
    st->bind(1, project_).bind(2, device);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::ChainPoint>{};
    return std::optional<merge::ChainPoint>{
        merge::ChainPoint{static_cast<std::uint64_t>(st->int64(0)), st->fixed_blob<32>(1)}};
}

// Held changesets continue the admitted chain, so the point is the held one when there is.
// Relays see what they delivered as held (and stop sending it); verification places new runs
// after it; chains(), what coordinators receive and the digest cover, shows only what is admitted.
Result<std::optional<merge::ChainPoint>> SqliteReplica::chain_point(const merge::DeviceId& device) {
    CANVASS_TRY(auto held, held_point(device));
    if (held) return held;
    return admitted_point(device);
}

Result<std::optional<merge::Hash>> SqliteReplica::chain_hash(const merge::DeviceId& device,
                                                             std::uint64_t seq) {
    for (const char* sql :
         {"SELECT hash FROM changesets WHERE project = ?1 AND device = ?2 AND seq = ?3",
          "SELECT hash FROM held WHERE project = ?1 AND device = ?2 AND seq = ?3"}) {
        CANVASS_TRY(auto* st, cached(sql));
        Done done{st};
        st->bind(1, project_).bind(2, device).bind(3, seq);
        CANVASS_TRY(bool row, st->step());
        if (row) return std::optional<merge::Hash>{st->fixed_blob<32>(0)};
    }
    return std::optional<merge::Hash>{};
}

Result<std::optional<std::uint64_t>> SqliteReplica::admitted_until(const merge::DeviceId& device) {
    CANVASS_TRY(auto* st,
                cached("SELECT revoked, revoked_seq FROM devices WHERE id = ?1 AND project = ?2"));
    Done done{st};
    st->bind(1, device).bind(2, project_);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<std::uint64_t>{0};
    if (st->is_null(0)) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{
        static_cast<std::uint64_t>(st->is_null(1) ? 0 : st->int64(1))};
}

Result<std::vector<sync::Bytes>> SqliteReplica::changesets(const merge::DeviceId& device,
                                                           std::uint64_t first,
                                                           std::uint64_t last) {
    CANVASS_TRY(auto* st,
                cached("SELECT seq, body FROM changesets WHERE project = ?1 AND device = ?2 "
                       "AND seq BETWEEN ?3 AND ?4 ORDER BY seq"));
    Done done{st};
    st->bind(1, project_).bind(2, device).bind(3, first).bind(4, last);
    std::vector<sync::Bytes> out;
    for (;;) {
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        if (static_cast<std::uint64_t>(st->int64(0)) != first + out.size())
            return unexpected(Domain::store, errc::corrupt,
                              "a chain has a gap in the server database");
        out.push_back(st->blob(1));
    }
    if (out.size() != last - first + 1)
        return unexpected(Domain::store, errc::corrupt,
                          "changesets missing from the server database");
    return out;
}

Result<std::optional<sync::KeyedHead>> SqliteReplica::cover_head(const merge::DeviceId& device,
                                                                 std::uint64_t first,
                                                                 std::uint64_t last) {
    // The greatest head in [first, last], else the smallest above `last` within the chain.
    CANVASS_TRY(auto* st,
                cached("SELECT h.seq, h.hash, h.signature, c.key FROM heads h JOIN chains c "
                       "ON c.project = h.project AND c.device = h.device WHERE h.project = ?1 AND "
                       "h.device = ?2 "
                       "AND h.seq >= ?3 AND h.seq <= c.seq "
                       "ORDER BY CASE WHEN h.seq <= ?4 THEN 0 ELSE 1 END, "
                       "CASE WHEN h.seq <= ?4 THEN -h.seq ELSE h.seq END LIMIT 1"));
    Done done{st};
    st->bind(1, project_).bind(2, device).bind(3, first).bind(4, last);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<sync::KeyedHead>{};
    sync::KeyedHead k;
    k.head = merge::SignedHead{device, static_cast<std::uint64_t>(st->int64(0)),
                               st->fixed_blob<32>(1), st->fixed_blob<64>(2)};
    k.key = st->fixed_blob<32>(3);
    return std::optional<sync::KeyedHead>{k};
}

Result<std::vector<sync::Bytes>> SqliteReplica::grants(const merge::DeviceId& device) {
    CANVASS_TRY(auto* st, cached("SELECT body FROM grants WHERE project = ?1 AND device = ?2"));
    Done done{st};
    st->bind(1, project_).bind(2, device);
    std::vector<sync::Bytes> out;
    for (;;) {
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        out.push_back(st->blob(0));
    }
    return out;
}

Result<std::uint64_t> SqliteReplica::grant_count(const merge::DeviceId& device) {
    CANVASS_TRY(auto* st, cached("SELECT count(*) FROM grants WHERE project = ?1 AND device = ?2"));
    Done done{st};
    st->bind(1, project_).bind(2, device);
    CANVASS_TRY(bool row, st->step());
    return row ? static_cast<std::uint64_t>(st->int64(0)) : 0;
}

Result<void> SqliteReplica::store(const sync::VerifiedBatch& batch) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    auto now = now_unix();
    for (const auto& run : batch.runs) CANVASS_TRY_VOID(store_run(run, now));
    for (const auto& e : batch.evidence) CANVASS_TRY_VOID(store_evidence(e, now));
    return tx.commit();  // synchronous=FULL: durable when this returns
}

Result<void> SqliteReplica::store_run(const sync::VerifiedRun& run, std::int64_t now) {
    CANVASS_TRY(auto limit, admitted_until(run.device));
    CANVASS_TRY(auto point, admitted_point(run.device));
    CANVASS_TRY(auto held_at, held_point(run.device));
    std::uint64_t held = held_at ? held_at->seq : point ? point->seq : 0;
    CANVASS_TRY(
        auto* insert,
        cached("INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, "
               "received, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    CANVASS_TRY(auto* hold,
                cached("INSERT INTO held (project, device, seq, hash, record, hlc, far_future, "
                       "received, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"));
    for (const auto& in : run.changesets) {
        const auto& h = in.changeset.header;
        if (h.seq <= held) continue;  // already held: idempotent
        if (h.seq != held + 1)
            return unexpected(Domain::store, errc::invalid_argument,
                              "run does not continue the chain");
        // Once one changeset is held apart, every later one is too: the chain stays contiguous.
        bool admitted = !held_at && (!limit || h.seq <= *limit);
        auto* st = admitted ? insert : hold;
        Done done{st};
        st->bind(1, project_)
            .bind(2, run.device)
            .bind(3, h.seq)
            .bind(4, in.hash)
            .bind(5, h.record)
            .bind(6, h.hlc)
            .bind(7, in.far_future ? 1 : 0)
            .bind(8, now)
            .bind(9, in.encoded);
        CANVASS_TRY_VOID(st->run());
        // A creation proves its author (merge/authority.hpp), held apart or not: noted either
        // way, so the creator's later changes are known when its chain is admitted.
        if (merge::creates_record(h)) CANVASS_TRY_VOID(note_creator(h.record, run.device));
        held = h.seq;
        if (admitted) {
            CANVASS_TRY_VOID(mark_dirty(h.record));
            point = merge::ChainPoint{h.seq, in.hash};
        } else {
            held_at = merge::ChainPoint{h.seq, in.hash};
        }
    }
    if (point) {
        CANVASS_TRY(
            auto* chain,
            cached(
                "INSERT INTO chains (project, device, key, seq, hash) VALUES (?1, ?2, ?3, ?4, ?5) "
                "ON CONFLICT (project, device) DO UPDATE SET seq = excluded.seq, "
                "hash = excluded.hash WHERE excluded.seq > chains.seq"));
        Done done{chain};
        chain->bind(1, project_)
            .bind(2, run.device)
            .bind(3, run.key)
            .bind(4, point->seq)
            .bind(5, point->hash);
        CANVASS_TRY_VOID(chain->run());
    }
    CANVASS_TRY(auto* head,
                cached("INSERT OR IGNORE INTO heads (project, device, seq, hash, signature) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)"));
    {
        Done done{head};
        head->bind(1, project_)
            .bind(2, run.device)
            .bind(3, run.head.seq)
            .bind(4, run.head.hash)
            .bind(5, run.head.signature);
        CANVASS_TRY_VOID(head->run());
    }
    CANVASS_TRY(auto* grant,
                cached("INSERT OR IGNORE INTO grants (project, device, body) VALUES (?1, ?2, ?3)"));
    for (const auto& g : run.grants) {
        Done done{grant};
        grant->bind(1, project_).bind(2, run.device).bind(3, store::encode_grant(g));
        CANVASS_TRY_VOID(grant->run());
    }
    return {};
}

Result<std::optional<merge::DeviceId>> SqliteReplica::record_creator(
    const merge::RecordId& record) {
    CANVASS_TRY(auto* st,
                cached("SELECT device FROM record_creators WHERE project = ?1 AND record = ?2"));
    Done done{st};
    st->bind(1, project_).bind(2, record);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::DeviceId>{};
    return std::optional<merge::DeviceId>{st->fixed_blob<16>(0)};
}

Result<void> SqliteReplica::note_creator(const merge::RecordId& record,
                                         const merge::DeviceId& creator) {
    CANVASS_TRY(
        auto* st,
        cached(
            "INSERT OR IGNORE INTO record_creators (project, record, device) VALUES (?1, ?2, ?3)"));
    Done done{st};
    st->bind(1, project_).bind(2, record).bind(3, creator);
    return st->run();
}

// The record's merge state is brought up to date when a digest is asked for (stats), not
// here: a push then costs one small row per record instead of a merge and a state rewrite.
Result<void> SqliteReplica::mark_dirty(const merge::RecordId& record) {
    CANVASS_TRY(auto* st,
                cached("INSERT OR IGNORE INTO dirty_records (project, record) VALUES (?1, ?2)"));
    Done done{st};
    st->bind(1, project_).bind(2, record);
    return st->run();
}

Result<void> SqliteReplica::store_evidence(const sync::Evidence& e, std::int64_t now) {
    CANVASS_TRY(auto* insert, cached("INSERT OR IGNORE INTO evidence (project, device, seq, hash, "
                                     "fork_seq, held_hash, head_seq, head_hash, "
                                     "head_signature, received, body) VALUES (?1, ?2, ?3, ?4, ?5, "
                                     "?6, ?7, ?8, ?9, ?10, ?11)"));
    for (const auto& in : e.changesets) {
        Done done{insert};
        insert->bind(1, project_)
            .bind(2, e.device)
            .bind(3, in.changeset.header.seq)
            .bind(4, in.hash)
            .bind(5, e.seq)
            .bind(6, e.held)
            .bind(7, e.head.seq)
            .bind(8, e.head.hash)
            .bind(9, e.head.signature)
            .bind(10, now)
            .bind(11, in.encoded);
        CANVASS_TRY_VOID(insert->run());
    }
    CANVASS_TRY(auto* flag,
                cached("UPDATE chains SET equivocated = 1 WHERE project = ?1 AND device = ?2"));
    Done done{flag};
    flag->bind(1, project_).bind(2, e.device);
    return flag->run();
}

}  // namespace canvass::server
