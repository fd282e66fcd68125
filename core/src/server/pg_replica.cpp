// The changesets of one project in PostgreSQL. The queries are those of sqlite_replica.cpp;
// store() differs: it re-checks inside its transaction what another instance may have
// written since verification read the chain (pg_store.hpp).
#include "merge/authority.hpp"
#include "server/pg_store.hpp"
#include "store/grant.hpp"

namespace canvass::server::pg {

Result<merge::VersionVector> PgReplica::chains() {
    CANVASS_TRY(auto rows, db_.query("SELECT device, seq, hash FROM chains WHERE project = $1",
                                     Params().add(project_)));
    merge::VersionVector vv;
    for (int i = 0; i < rows.size(); ++i)
        vv.advance(rows.fixed<16>(i, 0), {rows.uint64(i, 1), rows.fixed<32>(i, 2)});
    return vv;
}

Result<std::optional<merge::ChainPoint>> PgReplica::admitted_point(const merge::DeviceId& device,
                                                                   bool lock) {
    // Locking the chain row makes two instances appending to one chain take turns.
    CANVASS_TRY(
        auto rows,
        db_.query(lock
                      ? "SELECT seq, hash FROM chains WHERE project = $1 AND device = $2 FOR UPDATE"
                      : "SELECT seq, hash FROM chains WHERE project = $1 AND device = $2",
                  Params().add(project_).add(device)));
    if (rows.empty()) return std::optional<merge::ChainPoint>{};
    return std::optional<merge::ChainPoint>{
        merge::ChainPoint{rows.uint64(0, 0), rows.fixed<32>(0, 1)}};
}

Result<std::optional<merge::ChainPoint>> PgReplica::held_point(const merge::DeviceId& device) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT seq, hash FROM held WHERE project = $1 AND device = $2 "
                          "ORDER BY seq DESC LIMIT 1",
                          Params().add(project_).add(device)));
    if (rows.empty()) return std::optional<merge::ChainPoint>{};
    return std::optional<merge::ChainPoint>{
        merge::ChainPoint{rows.uint64(0, 0), rows.fixed<32>(0, 1)}};
}

// As in sqlite_replica.cpp: the point is the held one when changesets are held apart.
Result<std::optional<merge::ChainPoint>> PgReplica::chain_point(const merge::DeviceId& device) {
    CANVASS_TRY(auto held, held_point(device));
    if (held) return held;
    return admitted_point(device, false);
}

Result<std::optional<merge::Hash>> PgReplica::chain_hash(const merge::DeviceId& device,
                                                         std::uint64_t seq) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT hash FROM changesets WHERE project = $1 AND device = $2 AND seq = $3 "
                  "UNION ALL SELECT hash FROM held WHERE project = $1 AND device = $2 AND seq = $3",
                  Params().add(project_).add(device).add(seq)));
    if (rows.empty()) return std::optional<merge::Hash>{};
    return std::optional<merge::Hash>{rows.fixed<32>(0, 0)};
}

Result<std::optional<std::uint64_t>> PgReplica::admitted_until(const merge::DeviceId& device) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT revoked, revoked_seq FROM devices WHERE id = $1 AND project = $2",
                          Params().add(device).add(project_)));
    if (rows.empty()) return std::optional<std::uint64_t>{0};
    if (rows.is_null(0, 0)) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{rows.is_null(0, 1) ? 0 : rows.uint64(0, 1)};
}

Result<std::vector<sync::Bytes>> PgReplica::changesets(const merge::DeviceId& device,
                                                       std::uint64_t first, std::uint64_t last) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT seq, body FROM changesets WHERE project = $1 AND device = $2 "
                          "AND seq BETWEEN $3 AND $4 ORDER BY seq",
                          Params().add(project_).add(device).add(first).add(last)));
    std::vector<sync::Bytes> out;
    for (int i = 0; i < rows.size(); ++i) {
        if (rows.uint64(i, 0) != first + out.size())
            return unexpected(Domain::store, errc::corrupt,
                              "a chain has a gap in the server database");
        out.push_back(rows.bytes(i, 1));
    }
    if (out.size() != last - first + 1)
        return unexpected(Domain::store, errc::corrupt,
                          "changesets missing from the server database");
    return out;
}

Result<std::optional<sync::KeyedHead>> PgReplica::cover_head(const merge::DeviceId& device,
                                                             std::uint64_t first,
                                                             std::uint64_t last) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT h.seq, h.hash, h.signature, c.key FROM heads h JOIN chains c "
                          "ON c.project = h.project AND c.device = h.device WHERE h.project = $1 "
                          "AND h.device = $2 "
                          "AND h.seq >= $3 AND h.seq <= c.seq "
                          "ORDER BY CASE WHEN h.seq <= $4 THEN 0 ELSE 1 END, "
                          "CASE WHEN h.seq <= $4 THEN -h.seq ELSE h.seq END LIMIT 1",
                          Params().add(project_).add(device).add(first).add(last)));
    if (rows.empty()) return std::optional<sync::KeyedHead>{};
    sync::KeyedHead k;
    k.head =
        merge::SignedHead{device, rows.uint64(0, 0), rows.fixed<32>(0, 1), rows.fixed<64>(0, 2)};
    k.key = rows.fixed<32>(0, 3);
    return std::optional<sync::KeyedHead>{k};
}

Result<std::vector<sync::Bytes>> PgReplica::grants(const merge::DeviceId& device) {
    CANVASS_TRY(auto rows, db_.query("SELECT body FROM grants WHERE project = $1 AND device = $2",
                                     Params().add(project_).add(device)));
    std::vector<sync::Bytes> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.bytes(i, 0));
    return out;
}

Result<std::uint64_t> PgReplica::grant_count(const merge::DeviceId& device) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT count(*) FROM grants WHERE project = $1 AND device = $2",
                          Params().add(project_).add(device)));
    return rows.uint64(0, 0);
}

Result<std::optional<merge::DeviceId>> PgReplica::record_creator(const merge::RecordId& record) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT device FROM record_creators WHERE project = $1 AND record = $2",
                          Params().add(project_).add(record)));
    if (rows.empty()) return std::optional<merge::DeviceId>{};
    return std::optional<merge::DeviceId>{rows.fixed<16>(0, 0)};
}

Result<void> PgReplica::store(const sync::VerifiedBatch& batch) {
    auto now = now_unix();
    return db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        for (const auto& run : batch.runs) CANVASS_TRY_VOID(store_run(run, now));
        for (const auto& e : batch.evidence)
            CANVASS_TRY_VOID(store_evidence(e.device, e.seq, e.held, e.changesets, e.head, now));
        return {};
    });
}

Result<void> PgReplica::store_run(const sync::VerifiedRun& run, std::int64_t now) {
    CANVASS_TRY(auto limit, admitted_until(run.device));
    CANVASS_TRY(auto point, admitted_point(run.device, true));
    CANVASS_TRY(auto held_at, held_point(run.device));
    // The top of the chain as committed now, admitted or held apart.
    auto top = held_at ? held_at : point;
    for (std::size_t i = 0; i < run.changesets.size(); ++i) {
        const auto& in = run.changesets[i];
        const auto& h = in.changeset.header;
        const std::uint64_t top_seq = top ? top->seq : 0;
        std::optional<std::uint64_t> fork;  // as verify.cpp's place_run() would find it now
        if (h.seq <= top_seq) {
            CANVASS_TRY(auto held_hash, chain_hash(run.device, h.seq));
            if (held_hash && *held_hash == in.hash)
                continue;  // stored by another instance: idempotent
            fork = h.seq;
        } else if (h.seq != top_seq + 1) {
            return unexpected(Domain::store, errc::invalid_argument,
                              "run does not continue the chain");
        } else if (h.prev != (top ? top->hash : merge::Hash{})) {
            fork = h.seq - 1;
        }
        if (fork) {
            // Another instance stored a different history meanwhile: what is left of the run
            // is evidence, as it would be had it arrived after that one.
            merge::Hash held{};
            if (*fork >= 1) {
                CANVASS_TRY(auto at, chain_hash(run.device, *fork));
                held = at.value_or(merge::Hash{});
            }
            return store_evidence(run.device, *fork, held, std::span(run.changesets).subspan(i),
                                  run.head, now);
        }
        // Once one changeset is held apart, every later one is too: the chain stays contiguous.
        const bool admitted = !held_at && (!limit || h.seq <= *limit);
        CANVASS_TRY_VOID(db_.run(
            admitted
                ? "INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, "
                  "received, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
                : "INSERT INTO held (project, device, seq, hash, record, hlc, far_future, "
                  "received, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            Params()
                .add(project_)
                .add(run.device)
                .add(h.seq)
                .add(in.hash)
                .add(h.record)
                .add(h.hlc)
                .add(in.far_future)
                .add(now)
                .add(in.encoded)));
        if (merge::creates_record(h))
            CANVASS_TRY_VOID(
                db_.run("INSERT INTO record_creators (project, record, device) VALUES ($1, $2, $3) "
                        "ON CONFLICT DO NOTHING",
                        Params().add(project_).add(h.record).add(run.device)));
        if (admitted) {
            // A counter, not a flag: a record marked again while its state is being stored
            // stays dirty (record_states.hpp).
            CANVASS_TRY_VOID(
                db_.run("INSERT INTO dirty_records (project, record) VALUES ($1, $2) "
                        "ON CONFLICT (project, record) DO UPDATE SET mark = dirty_records.mark + 1",
                        Params().add(project_).add(h.record)));
            point = merge::ChainPoint{h.seq, in.hash};
        } else {
            held_at = merge::ChainPoint{h.seq, in.hash};
        }
        top = merge::ChainPoint{h.seq, in.hash};
    }
    if (point)
        CANVASS_TRY_VOID(db_.run(
            "INSERT INTO chains (project, device, key, seq, hash) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (project, device) DO UPDATE SET seq = excluded.seq, "
            "hash = excluded.hash WHERE excluded.seq > chains.seq",
            Params().add(project_).add(run.device).add(run.key).add(point->seq).add(point->hash)));
    CANVASS_TRY_VOID(db_.run(
        "INSERT INTO heads (project, device, seq, hash, signature) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT DO NOTHING",
        Params()
            .add(project_)
            .add(run.device)
            .add(run.head.seq)
            .add(run.head.hash)
            .add(run.head.signature)));
    for (const auto& g : run.grants)
        CANVASS_TRY_VOID(db_.run(
            "INSERT INTO grants (project, device, body) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            Params().add(project_).add(run.device).add(store::encode_grant(g))));
    return {};
}

Result<void> PgReplica::store_evidence(const merge::DeviceId& device, std::uint64_t fork,
                                       const merge::Hash& held,
                                       std::span<const sync::IncomingChangeset> changesets,
                                       const merge::SignedHead& head, std::int64_t now) {
    for (const auto& in : changesets)
        CANVASS_TRY_VOID(db_.run(
            "INSERT INTO evidence (project, device, seq, hash, fork_seq, held_hash, head_seq, "
            "head_hash, "
            "head_signature, received, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
            "ON CONFLICT DO NOTHING",
            Params()
                .add(project_)
                .add(device)
                .add(in.changeset.header.seq)
                .add(in.hash)
                .add(fork)
                .add(held)
                .add(head.seq)
                .add(head.hash)
                .add(head.signature)
                .add(now)
                .add(in.encoded)));
    return db_.run("UPDATE chains SET equivocated = true WHERE project = $1 AND device = $2",
                   Params().add(project_).add(device));
}

}  // namespace canvass::server::pg
