// The PostgreSQL ServerStore: the statements of sqlite_store.cpp in PostgreSQL's dialect,
// every multi-statement write in a SERIALIZABLE transaction (pg_store.hpp).
#include "server/pg_store.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/hash.hpp"
#include "server/id_prefix.hpp"
#include "server/pg_schema.hpp"
#include "store/grant.hpp"

namespace canvass::server::pg {
namespace {

const std::string kDeviceColumns =
    "SELECT d.id, p.name, d.role, d.signing_key, d.transport_key, d.enrolled, d.revoked, d.label, "
    "d.last_seen "
    "FROM devices d JOIN projects p ON p.id = d.project ";

sync::DeviceRecord read_device(const Rows& rows, int i) {
    sync::DeviceRecord d;
    d.id = rows.fixed<16>(i, 0);
    d.project = rows.text(i, 1);
    d.role = sync::parse_role(rows.text(i, 2)).value_or(sync::Role::collector);
    d.signing_key = rows.fixed<32>(i, 3);
    d.transport_key = rows.fixed<32>(i, 4);
    d.enrolled_unix = rows.uint64(i, 5);
    d.revoked = !rows.is_null(i, 6);
    d.label = rows.text(i, 7);
    d.last_seen_unix = rows.is_null(i, 8) ? 0 : rows.uint64(i, 8);
    return d;
}

}  // namespace

Result<std::vector<sync::DeviceRecord>> PgStore::query_devices(const std::string& where,
                                                               const Params& params) {
    CANVASS_TRY(auto rows, db_.query(kDeviceColumns + where, params));
    std::vector<sync::DeviceRecord> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(read_device(rows, i));
    return out;
}

Result<std::optional<sync::DeviceRecord>> PgStore::device_by_transport_key(
    const crypto::DhPublicKey& key) {
    CANVASS_TRY(auto found, query_devices("WHERE d.transport_key = $1", Params().add(key)));
    if (found.empty()) return std::optional<sync::DeviceRecord>{};
    return std::optional<sync::DeviceRecord>{found.front()};
}

Result<std::optional<sync::DeviceRecord>> PgStore::device(const merge::DeviceId& id) {
    CANVASS_TRY(auto found, query_devices("WHERE d.id = $1", Params().add(id)));
    if (found.empty()) return std::optional<sync::DeviceRecord>{};
    return std::optional<sync::DeviceRecord>{found.front()};
}

Result<std::vector<sync::DeviceRecord>> PgStore::devices() {
    return query_devices("ORDER BY p.name, d.enrolled, d.id", Params());
}

Result<void> PgStore::device_seen(const merge::DeviceId& id, std::uint64_t now_unix) {
    return db_.run("UPDATE devices SET last_seen = $2 WHERE id = $1",
                   Params().add(id).add(now_unix));
}

Result<std::optional<sync::TokenRecord>> PgStore::token(const sync::TokenId& id) {
    CANVASS_TRY_VOID(
        db_.run("UPDATE tokens SET secret = ''::bytea WHERE length(secret) > 0 "
                "AND expires <= extract(epoch FROM now())::bigint"));
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT t.secret, p.name, t.role, t.expires, t.used_by IS NOT NULL, t.label "
                  "FROM tokens t JOIN projects p ON p.id = t.project WHERE t.id = $1",
                  Params().add(id)));
    if (rows.empty()) return std::optional<sync::TokenRecord>{};
    sync::TokenRecord t;
    t.id = id;
    auto secret = rows.bytes(0, 0);
    t.secret = crypto::SecretBytes(secret);
    crypto::wipe(secret);
    t.project = rows.text(0, 1);
    t.role = sync::parse_role(rows.text(0, 2)).value_or(sync::Role::collector);
    t.expires_unix = rows.uint64(0, 3);
    t.used = rows.boolean(0, 4);
    t.label = rows.text(0, 5);
    return std::optional<sync::TokenRecord>{std::move(t)};
}

Result<void> PgStore::enroll_device(const sync::TokenId& token, const sync::DeviceRecord& d) {
    return db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        CANVASS_TRY(auto used,
                    db_.query("UPDATE tokens SET used_by = $2, used_at = $3, secret = ''::bytea "
                              "WHERE id = $1 AND used_by IS NULL",
                              Params().add(token).add(d.id).add(d.enrolled_unix)));
        if (used.affected() != 1)
            return unexpected(Domain::auth, errc::already_exists,
                              "this enrollment token was already used");
        CANVASS_TRY(auto existing, device(d.id));
        if (existing)
            return unexpected(Domain::auth, errc::permission_denied,
                              "this device is already enrolled");
        CANVASS_TRY(auto by_key, device_by_transport_key(d.transport_key));
        if (by_key)
            return unexpected(Domain::auth, errc::permission_denied,
                              "this device key is already enrolled");
        CANVASS_TRY(auto project, project_id(d.project));
        CANVASS_TRY_VOID(
            db_.run("INSERT INTO devices (id, project, role, signing_key, transport_key, enrolled, "
                    "last_seen, label) VALUES ($1, $2, $3, $4, $5, $6, $6, "
                    "(SELECT label FROM tokens WHERE id = $7))",
                    Params()
                        .add(d.id)
                        .add(project)
                        .text(sync::role_name(d.role))
                        .add(d.signing_key)
                        .add(d.transport_key)
                        .add(d.enrolled_unix)
                        .add(token)));
        return admit_held(project, d);
    });
}

Result<void> PgStore::admit_held(std::int64_t project, const sync::DeviceRecord& d) {
    auto p = Params().add(project).add(d.id);
    CANVASS_TRY_VOID(db_.run(
        "INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, received, "
        "body) "
        "SELECT project, device, seq, hash, record, hlc, far_future, received, body FROM held "
        "WHERE project = $1 AND device = $2 ORDER BY seq",
        p));
    CANVASS_TRY_VOID(
        db_.run("INSERT INTO dirty_records (project, record) "
                "SELECT DISTINCT project, record FROM held WHERE project = $1 AND device = $2 "
                "ON CONFLICT (project, record) DO UPDATE SET mark = dirty_records.mark + 1",
                p));
    CANVASS_TRY_VOID(db_.run(
        "INSERT INTO chains (project, device, key, seq, hash) "
        "SELECT project, device, $3, seq, hash FROM held WHERE project = $1 AND device = $2 "
        "ORDER BY seq DESC LIMIT 1",
        Params().add(project).add(d.id).add(d.signing_key)));
    return db_.run("DELETE FROM held WHERE project = $1 AND device = $2", p);
}

Result<std::int64_t> PgStore::project_id(const std::string& name) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT id FROM projects WHERE name = $1", Params().text(name)));
    if (rows.empty())
        return unexpected(Domain::store, errc::not_found, "no project named \"" + name + "\"");
    return rows.int64(0, 0);
}

Result<std::vector<store::RecipientStatement>> PgStore::recipient_statements(std::int64_t project) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT body FROM recipient_statements WHERE project = $1 ORDER BY serial",
                  Params().add(project)));
    std::vector<store::RecipientStatement> out;
    for (int i = 0; i < rows.size(); ++i) {
        CANVASS_TRY(auto s, store::decode_statement(rows.bytes(i, 0)));
        out.push_back(std::move(s));
    }
    return out;
}

Result<sync::ProjectInfo> PgStore::project(const std::string& name) {
    CANVASS_TRY(auto id, project_id(name));
    sync::ProjectInfo info;
    info.name = name;
    CANVASS_TRY(info.recipients, recipient_statements(id));
    CANVASS_TRY(auto rows, db_.query("SELECT form_id, version, hash FROM forms WHERE project = $1 "
                                     "ORDER BY form_id, published, version",
                                     Params().add(id)));
    for (int i = 0; i < rows.size(); ++i)
        info.forms.push_back(sync::FormRef{rows.text(i, 0), rows.text(i, 1), rows.fixed<32>(i, 2)});
    return info;
}

Result<std::optional<std::string>> PgStore::form_body(const std::string& project,
                                                      const std::string& id,
                                                      const std::string& version) {
    CANVASS_TRY(auto pid, project_id(project));
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT body FROM forms WHERE project = $1 AND form_id = $2 AND version = $3",
                  Params().add(pid).text(id).text(version)));
    if (rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>{rows.text(0, 0)};
}

Result<sync::Replica*> PgStore::replica(const std::string& project) {
    CANVASS_TRY(auto id, project_id(project));
    auto& r = replicas_[id];
    if (!r) r = std::make_unique<PgReplica>(db_, id, clock_);
    return static_cast<sync::Replica*>(r.get());
}

Result<void> PgStore::create_project(const std::string& name,
                                     const store::RecipientStatement& genesis,
                                     std::uint64_t now_unix) {
    CANVASS_TRY_VOID(check_project_name(name));
    if (genesis.project != name)
        return unexpected(Domain::store, errc::invalid_argument,
                          "the recipient statement is for project \"" + genesis.project +
                              "\", not \"" + name + "\"");
    std::vector chain{genesis};
    CANVASS_TRY_VOID(store::verify_chain(chain, store::statement_digest(genesis), name));
    return db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        CANVASS_TRY(auto taken,
                    db_.query("SELECT 1 FROM projects WHERE name = $1", Params().text(name)));
        if (!taken.empty())
            return unexpected(Domain::store, errc::already_exists,
                              "a project named \"" + name + "\" exists already");
        CANVASS_TRY(auto id,
                    db_.query("INSERT INTO projects (name, created) VALUES ($1, $2) RETURNING id",
                              Params().text(name).add(now_unix)));
        return db_.run(
            "INSERT INTO recipient_statements (project, serial, body) VALUES ($1, $2, $3)",
            Params().add(id.int64(0, 0)).add(genesis.serial).add(store::encode_statement(genesis)));
    });
}

Result<void> PgStore::add_recipient_statement(const std::string& project,
                                              const store::RecipientStatement& next) {
    return db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        CANVASS_TRY(auto id, project_id(project));
        CANVASS_TRY(auto chain, recipient_statements(id));
        if (chain.empty())
            return unexpected(
                Domain::store, errc::invalid_argument,
                "project " + project + " has no recipient statement yet; create it with one");
        CANVASS_TRY_VOID(store::verify_successor(chain.back(), next));
        return db_.run(
            "INSERT INTO recipient_statements (project, serial, body) VALUES ($1, $2, $3)",
            Params().add(id).add(next.serial).add(store::encode_statement(next)));
    });
}

Result<std::vector<std::string>> PgStore::project_names() {
    CANVASS_TRY(auto rows, db_.query("SELECT name FROM projects ORDER BY name"));
    std::vector<std::string> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back(rows.text(i, 0));
    return out;
}

Result<std::vector<ProjectSummary>> PgStore::projects() {
    CANVASS_TRY(
        auto rows,
        db_.query(
            "SELECT p.name, p.created, "
            "(SELECT count(*) FROM devices d WHERE d.project = p.id), "
            "(SELECT count(*) FROM devices d WHERE d.project = p.id AND d.revoked IS NOT NULL), "
            "(SELECT count(*) FROM records r WHERE r.project = p.id) + "
            "(SELECT count(*) FROM dirty_records y WHERE y.project = p.id AND NOT EXISTS "
            "  (SELECT 1 FROM records r WHERE r.project = y.project AND r.record = y.record)), "
            "(SELECT count(DISTINCT form_id) FROM forms f WHERE f.project = p.id), "
            "(SELECT count(*) FROM forms f WHERE f.project = p.id) "
            "FROM projects p ORDER BY p.name"));
    std::vector<ProjectSummary> out;
    for (int i = 0; i < rows.size(); ++i)
        out.push_back(ProjectSummary{rows.text(i, 0), rows.uint64(i, 1), rows.uint64(i, 2),
                                     rows.uint64(i, 3), rows.uint64(i, 4), rows.uint64(i, 5),
                                     rows.uint64(i, 6)});
    return out;
}

Result<std::vector<FormInfo>> PgStore::forms(const std::string& project) {
    if (!project.empty()) {
        CANVASS_TRY(auto id, project_id(project));  // names a project that does not exist
        (void)id;
    }
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT p.name, f.form_id, f.version, f.hash, f.published "
                  "FROM forms f JOIN projects p ON p.id = f.project "
                  "WHERE $1 = '' OR p.name = $1 ORDER BY p.name, f.form_id, f.published, f.version",
                  Params().text(project)));
    std::vector<FormInfo> out;
    for (int i = 0; i < rows.size(); ++i)
        out.push_back(FormInfo{rows.text(i, 0), rows.text(i, 1), rows.text(i, 2),
                               rows.fixed<32>(i, 3), rows.uint64(i, 4)});
    return out;
}

Result<sync::FormRef> PgStore::publish_form(const std::string& project, const std::string& form_id,
                                            const std::string& version, const std::string& body,
                                            std::uint64_t now_unix) {
    CANVASS_TRY(auto pid, project_id(project));
    sync::FormRef ref{form_id, version, crypto::blake2b_256(body)};
    CANVASS_TRY_VOID(db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        CANVASS_TRY(
            auto existing,
            db_.query("SELECT hash FROM forms WHERE project = $1 AND form_id = $2 AND version = $3",
                      Params().add(pid).text(form_id).text(version)));
        if (!existing.empty()) {
            if (existing.fixed<32>(0, 0) == ref.hash) return {};  // the same form again
            return unexpected(
                Domain::store, errc::already_exists,
                "form " + form_id + " version " + version +
                    " is already published with other content; give the new form a new version");
        }
        return db_.run(
            "INSERT INTO forms (project, form_id, version, hash, body, published) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            Params().add(pid).text(form_id).text(version).add(ref.hash).text(body).add(now_unix));
    }));
    return ref;
}

Result<void> PgStore::create_token(const sync::TokenRecord& t, std::uint64_t now_unix) {
    CANVASS_TRY_VOID(check_device_label(t.label));
    CANVASS_TRY(auto pid, project_id(t.project));
    return db_.run(
        "INSERT INTO tokens (id, secret, project, role, expires, created, label) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Params()
            .add(t.id)
            .add(t.secret.span())
            .add(pid)
            .text(sync::role_name(t.role))
            .add(t.expires_unix)
            .add(now_unix)
            .text(t.label));
}

Result<std::vector<TokenInfo>> PgStore::tokens(const std::string& project, std::uint64_t) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT t.id, p.name, t.role, t.created, t.expires, t.used_by, t.used_at, "
                  "t.revoked IS NOT NULL, t.label "
                  "FROM tokens t JOIN projects p ON p.id = t.project WHERE $1 = '' OR p.name = $1 "
                  "ORDER BY t.created DESC, t.id",
                  Params().text(project)));
    std::vector<TokenInfo> out;
    for (int i = 0; i < rows.size(); ++i) {
        TokenInfo t;
        t.id = rows.fixed<16>(i, 0);
        t.project = rows.text(i, 1);
        t.role = sync::parse_role(rows.text(i, 2)).value_or(sync::Role::collector);
        t.created_unix = rows.uint64(i, 3);
        t.expires_unix = rows.uint64(i, 4);
        if (!rows.is_null(i, 5)) t.used_by = rows.fixed<16>(i, 5);
        t.used_unix = rows.is_null(i, 6) ? 0 : rows.uint64(i, 6);
        t.revoked = rows.boolean(i, 7);
        t.label = rows.text(i, 8);
        out.push_back(std::move(t));
    }
    return out;
}

Result<TokenInfo> PgStore::revoke_token(const std::string& id_prefix, std::uint64_t now_unix) {
    CANVASS_TRY(auto prefix, hex_prefix(id_prefix, "a token id", "`token list`"));
    CANVASS_TRY(auto all, tokens("", now_unix));
    CANVASS_TRY(auto t, one_with_prefix(
                            std::move(all), prefix, [](const TokenInfo& i) { return i.id; },
                            "no token " + prefix, "tokens"));
    if (t.used_by)
        return unexpected(Domain::store, errc::invalid_argument,
                          "token " + prefix + " was already used by device " +
                              crypto::to_hex(*t.used_by) +
                              "; revoke the device instead (canvass-server revoke DEVICE)");
    CANVASS_TRY_VOID(
        db_.run("UPDATE tokens SET revoked = coalesce(revoked, $2), expires = least(expires, $2), "
                "secret = ''::bytea WHERE id = $1",
                Params().add(t.id).add(now_unix)));
    t.revoked = true;
    t.expires_unix = std::min(t.expires_unix, now_unix);
    return t;
}

Result<sync::DeviceRecord> PgStore::revoke(const std::string& id_prefix, std::uint64_t now_unix) {
    CANVASS_TRY(auto prefix, hex_prefix(id_prefix, "a device id", "`devices`"));
    CANVASS_TRY(auto all, devices());
    CANVASS_TRY(auto d,
                one_with_prefix(
                    std::move(all), prefix, [](const sync::DeviceRecord& r) { return r.id; },
                    "no enrolled device " + prefix + " (see `devices`)", "devices"));
    // Serializable: the seq fixed is the chain's point as committed, whatever instance appends.
    CANVASS_TRY_VOID(db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        return db_.run(
            "UPDATE devices SET revoked = coalesce(revoked, $2), revoked_seq = "
            "coalesce(revoked_seq, "
            "(SELECT seq FROM chains WHERE chains.project = devices.project AND chains.device = "
            "devices.id), 0) "
            "WHERE id = $1",
            Params().add(d.id).add(now_unix));
    }));
    d.revoked = true;
    return d;
}

Result<void> PgStore::flag_unauthorized(const std::string& project,
                                        const sync::UnauthorizedChange& change,
                                        const merge::DeviceId& delivered_by) {
    CANVASS_TRY(auto id, project_id(project));
    const auto now = static_cast<std::int64_t>(clock_.now_ms() / 1000);
    return db_.run(
        "INSERT INTO refused_changes (project, device, seq, record, delivered_by, received, "
        "reason) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (project, device, seq, record) DO UPDATE "
        "SET "
        "times = refused_changes.times + 1, received = excluded.received, "
        "delivered_by = excluded.delivered_by",
        Params()
            .add(id)
            .add(change.device)
            .add(change.seq)
            .add(change.record)
            .add(delivered_by)
            .add(now)
            .text(change.message));
}

Result<std::vector<FlaggedDevice>> PgStore::flagged_devices() {
    CANVASS_TRY(auto rows,
                db_.query("SELECT r.device, p.name, count(*), (SELECT reason FROM refused_changes "
                          "l WHERE l.project = r.project "
                          "AND l.device = r.device ORDER BY l.received DESC, l.seq DESC LIMIT 1) "
                          "FROM refused_changes r JOIN projects p ON p.id = r.project GROUP BY "
                          "r.project, r.device, p.name "
                          "ORDER BY p.name, r.device"));
    std::vector<FlaggedDevice> out;
    for (int i = 0; i < rows.size(); ++i)
        out.push_back({rows.fixed<16>(i, 0), rows.text(i, 1), rows.uint64(i, 2), rows.text(i, 3)});
    return out;
}

Result<std::uint64_t> PgStore::count(const std::string& sql, std::int64_t project) {
    CANVASS_TRY(auto rows, db_.query(sql, Params().add(project)));
    return rows.uint64(0, 0);
}

Result<ProjectStats> PgStore::stats(const std::string& project, std::uint64_t now_unix) {
    ProjectStats s;
    // One snapshot: the counts and the digest describe the same moment.
    CANVASS_TRY_VOID(db_.transaction(
        Isolation::repeatable_read,
        [&]() -> Result<void> {
            s = ProjectStats{};
            s.project = project;
            CANVASS_TRY(auto id, project_id(project));
            CANVASS_TRY(auto merged, project_digest(*this, id));
            s.records = merged.records;
            s.state_digest = merged.digest;
            CANVASS_TRY(s.devices, count("SELECT count(*) FROM devices WHERE project = $1", id));
            CANVASS_TRY(
                s.revoked_devices,
                count("SELECT count(*) FROM devices WHERE project = $1 AND revoked IS NOT NULL",
                      id));
            CANVASS_TRY(s.changesets,
                        count("SELECT count(*) FROM changesets WHERE project = $1", id));
            CANVASS_TRY(s.equivocations,
                        count("SELECT count(*) FROM evidence WHERE project = $1", id));
            CANVASS_TRY(
                s.equivocating_devices,
                count("SELECT count(*) FROM chains WHERE project = $1 AND equivocated", id));
            CANVASS_TRY(
                s.future_clock,
                count("SELECT count(*) FROM changesets WHERE project = $1 AND far_future", id));
            CANVASS_TRY(s.held_changesets,
                        count("SELECT count(*) FROM held WHERE project = $1", id));
            CANVASS_TRY(s.held_devices,
                        count("SELECT count(DISTINCT device) FROM held WHERE project = $1", id));
            CANVASS_TRY(s.refused_changes,
                        count("SELECT count(*) FROM refused_changes WHERE project = $1", id));
            CANVASS_TRY(
                s.refusing_devices,
                count("SELECT count(DISTINCT device) FROM refused_changes WHERE project = $1", id));
            CANVASS_TRY(s.open_tokens, count("SELECT count(*) FROM tokens WHERE project = $1 AND "
                                             "used_by IS NULL AND expires > " +
                                                 std::to_string(now_unix),
                                             id));
            return {};
        },
        true));
    return s;
}

Result<RecordCensus> PgStore::census(const std::string& project) {
    RecordCensus out;
    CANVASS_TRY_VOID(db_.transaction(
        Isolation::repeatable_read,
        [&]() -> Result<void> {
            CANVASS_TRY(auto id, project_id(project));
            CANVASS_TRY(out, record_census(*this, id));
            return {};
        },
        true));
    return out;
}

Result<std::size_t> PgStore::catch_up_record_states(std::size_t max_records) {
    std::size_t done = 0;
    CANVASS_TRY_VOID(db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        done = 0;
        CANVASS_TRY(auto rows, db_.query("SELECT project FROM dirty_records LIMIT 1"));
        if (rows.empty()) return {};
        CANVASS_TRY(done, refresh_record_states(*this, rows.int64(0, 0), max_records));
        return {};
    }));
    return done;
}

Result<void> PgStore::each_clean(std::int64_t project, bool with_state,
                                 const std::function<Result<void>(const Stored&)>& visit) {
    CANVASS_TRY(
        auto rows,
        db_.query(
            with_state
                ? "SELECT r.record, r.digest, r.state FROM records r WHERE r.project = $1 AND NOT "
                  "EXISTS "
                  "(SELECT 1 FROM dirty_records d WHERE d.project = r.project AND d.record = "
                  "r.record)"
                : "SELECT r.record, r.digest FROM records r WHERE r.project = $1 AND NOT EXISTS "
                  "(SELECT 1 FROM dirty_records d WHERE d.project = r.project AND d.record = "
                  "r.record)",
            Params().add(project)));
    for (int i = 0; i < rows.size(); ++i) {
        Stored s{rows.fixed<16>(i, 0), rows.fixed<32>(i, 1),
                 with_state ? rows.bytes(i, 2) : Bytes{}};
        CANVASS_TRY_VOID(visit(s));
    }
    return {};
}

Result<std::vector<RecordStateStore::Dirty>> PgStore::dirty(std::int64_t project,
                                                            std::optional<std::size_t> limit) {
    // Refreshing (a limit): rows another instance is refreshing are skipped, not waited for.
    CANVASS_TRY(auto rows,
                limit ? db_.query("SELECT record, mark FROM dirty_records WHERE project = $1 "
                                  "ORDER BY record LIMIT $2 FOR UPDATE SKIP LOCKED",
                                  Params().add(project).add(static_cast<std::uint64_t>(*limit)))
                      : db_.query("SELECT record, mark FROM dirty_records WHERE project = $1",
                                  Params().add(project)));
    std::vector<Dirty> out;
    for (int i = 0; i < rows.size(); ++i) out.push_back({rows.fixed<16>(i, 0), rows.int64(i, 1)});
    return out;
}

Result<std::optional<RecordStateStore::Stored>> PgStore::stored(std::int64_t project,
                                                                const merge::RecordId& record) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT state, digest FROM records WHERE project = $1 AND record = $2",
                          Params().add(project).add(record)));
    if (rows.empty()) return std::optional<Stored>{};
    return std::optional<Stored>{Stored{record, rows.fixed<32>(0, 1), rows.bytes(0, 0)}};
}

Result<void> PgStore::each_changeset(
    std::int64_t project, const merge::RecordId& record,
    const std::function<Result<void>(const merge::DeviceId&, std::uint64_t, const Bytes&)>& visit) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT device, seq, body FROM changesets WHERE project = $1 AND record = $2",
                  Params().add(project).add(record)));
    for (int i = 0; i < rows.size(); ++i)
        CANVASS_TRY_VOID(visit(rows.fixed<16>(i, 0), rows.uint64(i, 1), rows.bytes(i, 2)));
    return {};
}

Result<void> PgStore::save(std::int64_t project, const Dirty& d, const Bytes& state,
                           const merge::Hash& digest) {
    CANVASS_TRY_VOID(
        db_.run("INSERT INTO records (project, record, state, digest) VALUES ($1, $2, $3, $4) "
                "ON CONFLICT (project, record) DO UPDATE SET state = excluded.state, digest = "
                "excluded.digest",
                Params().add(project).add(d.record).add(state).add(digest)));
    return db_.run("DELETE FROM dirty_records WHERE project = $1 AND record = $2 AND mark = $3",
                   Params().add(project).add(d.record).add(d.mark));
}

Result<std::string> PgStore::integrity_check() {
    // What PostgreSQL's own pages need it checks itself; this checks canvass's invariant: every
    // chain is gap-free, its point the last of its changesets.
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT count(*) FROM chains c WHERE c.seq <> (SELECT count(*) FROM changesets s "
                  "WHERE s.project = c.project AND s.device = c.device) OR c.hash IS DISTINCT FROM "
                  "(SELECT s.hash "
                  "FROM changesets s WHERE s.project = c.project AND s.device = c.device AND s.seq "
                  "= c.seq)"));
    auto broken = rows.uint64(0, 0);
    if (broken == 0) return std::string("ok");
    return std::to_string(broken) +
           " chain(s) whose point is not the end of a gap-free run of changesets";
}

Result<void> PgStore::limit_size(std::uint64_t) {
    return unexpected(
        Domain::store, errc::unsupported,
        "--max-db-size is a quota on the embedded SQLite database; with PostgreSQL, size its disk "
        "or tablespace instead");
}

Result<std::optional<std::string>> PgStore::setting(const std::string& name) {
    CANVASS_TRY(auto rows,
                db_.query("SELECT value FROM settings WHERE name = $1", Params().text(name)));
    if (rows.empty()) return std::optional<std::string>{};
    return std::optional<std::string>{rows.text(0, 0)};
}

Result<void> PgStore::set_setting(const std::string& name, const std::string& value) {
    return db_.run(
        "INSERT INTO settings (name, value) VALUES ($1, $2) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        Params().text(name).text(value));
}

Result<std::unique_ptr<ServerMediaVault>> PgStore::database_media() {
    CANVASS_TRY(auto db, Connection::open(url_));
    return std::unique_ptr<ServerMediaVault>(std::make_unique<PgMediaVault>(std::move(db)));
}

}  // namespace canvass::server::pg

namespace canvass::server {

Result<std::unique_ptr<ServerStore>> open_postgres_store(const std::string& url, bool upgrade) {
    CANVASS_TRY(auto db, pg::Connection::open(url));
    CANVASS_TRY_VOID(pg::migrate(db, upgrade));
    return std::unique_ptr<ServerStore>(std::make_unique<pg::PgStore>(std::move(db), url));
}

}  // namespace canvass::server
