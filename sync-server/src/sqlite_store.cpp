#include "sqlite_store.hpp"

#include <chrono>

#include "crypto/hash.hpp"
#include "merge/digest.hpp"
#include "sqlite_schema.hpp"

namespace canvass::server {
namespace {

template <std::size_t N>
std::array<std::uint8_t, N> fixed_blob(const store::Statement& st, int col) {
    std::array<std::uint8_t, N> out{};
    (void)st.blob_into(col, out);
    return out;
}

constexpr const char* kDeviceColumns =
    "SELECT d.id, p.name, d.role, d.signing_key, d.transport_key, d.enrolled, d.revoked "
    "FROM devices d JOIN projects p ON p.id = d.project ";

sync::DeviceRecord read_device(const store::Statement& st) {
    sync::DeviceRecord d;
    d.id = fixed_blob<16>(st, 0);
    d.project = st.text(1);
    d.role = sync::parse_role(st.text(2)).value_or(sync::Role::collector);
    d.signing_key = fixed_blob<32>(st, 3);
    d.transport_key = fixed_blob<32>(st, 4);
    d.enrolled_unix = static_cast<std::uint64_t>(st.int64(5));
    d.revoked = !st.is_null(6);
    return d;
}

Result<std::uint64_t> count(store::Database& db, const std::string& sql, std::int64_t project) {
    CANVASS_TRY(auto st, db.prepare(sql));
    st.bind(1, project);
    CANVASS_TRY(bool row, st.step());
    return row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

}  // namespace

Result<std::unique_ptr<ServerStore>> open_sqlite_store(const std::string& path, bool create) {
    CANVASS_TRY(auto db, store::Database::open(path, create));
    // A 64 MB page cache rather than SQLite's 2 MB: the chain tails, the indexes and the
    // record states of a busy project stay in memory between batches.
    CANVASS_TRY_VOID(db.exec("PRAGMA cache_size=-65536"));
    CANVASS_TRY_VOID(db.migrate(server_migrations));
    return std::unique_ptr<ServerStore>(std::make_unique<SqliteStore>(std::move(db)));
}

Result<std::vector<sync::DeviceRecord>> SqliteStore::query_devices(const char* where,
                                                                   std::span<const std::uint8_t> key) {
    CANVASS_TRY(auto st, db_.prepare(std::string(kDeviceColumns) + where));
    if (!key.empty()) st.bind(1, key);
    std::vector<sync::DeviceRecord> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back(read_device(st));
    }
    return out;
}

Result<std::optional<sync::DeviceRecord>> SqliteStore::device_by_transport_key(const crypto::DhPublicKey& key) {
    CANVASS_TRY(auto found, query_devices("WHERE d.transport_key = ?1", key));
    if (found.empty()) return std::optional<sync::DeviceRecord>{};
    return std::optional<sync::DeviceRecord>{found.front()};
}

Result<std::optional<sync::DeviceRecord>> SqliteStore::device(const merge::DeviceId& id) {
    CANVASS_TRY(auto found, query_devices("WHERE d.id = ?1", id));
    if (found.empty()) return std::optional<sync::DeviceRecord>{};
    return std::optional<sync::DeviceRecord>{found.front()};
}

Result<std::vector<sync::DeviceRecord>> SqliteStore::devices() {
    return query_devices("ORDER BY p.name, d.enrolled, d.id", {});
}

Result<std::optional<sync::TokenRecord>> SqliteStore::token(const sync::TokenId& id) {
    CANVASS_TRY(auto st, db_.prepare("SELECT t.secret, p.name, t.role, t.expires, t.used_by IS NOT NULL "
                                     "FROM tokens t JOIN projects p ON p.id = t.project WHERE t.id = ?1"));
    st.bind(1, id);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<sync::TokenRecord>{};
    sync::TokenRecord t;
    t.id = id;
    auto secret = st.blob(0);
    t.secret = crypto::SecretBytes(secret);
    crypto::wipe(secret);
    t.project = st.text(1);
    t.role = sync::parse_role(st.text(2)).value_or(sync::Role::collector);
    t.expires_unix = static_cast<std::uint64_t>(st.int64(3));
    t.used = st.int64(4) != 0;
    return std::optional<sync::TokenRecord>{std::move(t)};
}

Result<void> SqliteStore::enroll_device(const sync::TokenId& token, const sync::DeviceRecord& d) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto use, db_.prepare("UPDATE tokens SET used_by = ?2, used_at = ?3 WHERE id = ?1 AND used_by IS NULL"));
    use.bind(1, token).bind(2, d.id).bind(3, d.enrolled_unix);
    CANVASS_TRY_VOID(use.run());
    if (db_.changes() != 1) return unexpected(Domain::auth, errc::already_exists, "this enrollment token was already used");
    CANVASS_TRY(auto existing, device(d.id));
    if (existing) return unexpected(Domain::auth, errc::permission_denied, "this device is already enrolled");
    CANVASS_TRY(auto by_key, device_by_transport_key(d.transport_key));
    if (by_key) return unexpected(Domain::auth, errc::permission_denied, "this device key is already enrolled");
    CANVASS_TRY(auto project, project_id(d.project));
    CANVASS_TRY(auto insert, db_.prepare("INSERT INTO devices (id, project, role, signing_key, transport_key, enrolled) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.bind(1, d.id).bind(2, project).bind(3, sync::role_name(d.role)).bind(4, d.signing_key)
        .bind(5, d.transport_key).bind(6, d.enrolled_unix);
    CANVASS_TRY_VOID(insert.run());
    return tx.commit();
}

Result<std::int64_t> SqliteStore::project_id(const std::string& name) {
    CANVASS_TRY(auto st, db_.prepare("SELECT id FROM projects WHERE name = ?1"));
    st.bind(1, name);
    CANVASS_TRY(bool row, st.step());
    if (!row) return unexpected(Domain::store, errc::not_found, "no project named \"" + name + "\"");
    return st.int64(0);
}

Result<sync::ProjectInfo> SqliteStore::project(const std::string& name) {
    CANVASS_TRY(auto id, project_id(name));
    sync::ProjectInfo info;
    info.name = name;
    CANVASS_TRY(auto r, db_.prepare("SELECT key FROM recipients WHERE project = ?1 ORDER BY key"));
    r.bind(1, id);
    for (;;) {
        CANVASS_TRY(bool row, r.step());
        if (!row) break;
        info.recipients.push_back(fixed_blob<32>(r, 0));
    }
    CANVASS_TRY(auto f, db_.prepare("SELECT form_id, version, hash FROM forms WHERE project = ?1 "
                                    "ORDER BY form_id, published, version"));
    f.bind(1, id);
    for (;;) {
        CANVASS_TRY(bool row, f.step());
        if (!row) break;
        info.forms.push_back(sync::FormRef{f.text(0), f.text(1), fixed_blob<32>(f, 2)});
    }
    return info;
}

Result<std::optional<std::string>> SqliteStore::form_body(const std::string& project, const std::string& id,
                                                          const std::string& version) {
    CANVASS_TRY(auto pid, project_id(project));
    CANVASS_TRY(auto st, db_.prepare("SELECT body FROM forms WHERE project = ?1 AND form_id = ?2 AND version = ?3"));
    st.bind(1, pid).bind(2, id).bind(3, version);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<std::string>{};
    return std::optional<std::string>{st.text(0)};
}

Result<sync::Replica*> SqliteStore::replica(const std::string& project) {
    CANVASS_TRY(auto id, project_id(project));
    auto& r = replicas_[id];
    if (!r) r = std::make_unique<SqliteReplica>(db_, id);
    return static_cast<sync::Replica*>(r.get());
}

Result<void> SqliteStore::create_project(const std::string& name, const std::vector<crypto::DhPublicKey>& recipients,
                                         std::uint64_t now_unix) {
    if (name.empty() || name.size() > 256)
        return unexpected(Domain::store, errc::invalid_argument, "a project name is 1 to 256 bytes");
    if (recipients.empty())
        return unexpected(Domain::store, errc::invalid_argument,
                          "a project needs at least one recipient key (a coordinator's public key)");
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto exists, db_.prepare("SELECT 1 FROM projects WHERE name = ?1"));
    exists.bind(1, name);
    CANVASS_TRY(bool taken, exists.step());
    if (taken) return unexpected(Domain::store, errc::already_exists, "a project named \"" + name + "\" exists already");
    CANVASS_TRY(auto insert, db_.prepare("INSERT INTO projects (name, created) VALUES (?1, ?2)"));
    insert.bind(1, name).bind(2, now_unix);
    CANVASS_TRY_VOID(insert.run());
    auto id = db_.last_insert_rowid();
    CANVASS_TRY(auto key, db_.prepare("INSERT OR IGNORE INTO recipients (project, key) VALUES (?1, ?2)"));
    for (const auto& r : recipients) {
        key.bind(1, id).bind(2, r);
        CANVASS_TRY_VOID(key.run());
    }
    return tx.commit();
}

Result<std::vector<std::string>> SqliteStore::project_names() {
    CANVASS_TRY(auto st, db_.prepare("SELECT name FROM projects ORDER BY name"));
    std::vector<std::string> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back(st.text(0));
    }
    return out;
}

Result<sync::FormRef> SqliteStore::publish_form(const std::string& project, const std::string& form_id,
                                                const std::string& version, const std::string& body,
                                                std::uint64_t now_unix) {
    CANVASS_TRY(auto pid, project_id(project));
    sync::FormRef ref{form_id, version, crypto::blake2b_256(body)};
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto existing, db_.prepare("SELECT hash FROM forms WHERE project = ?1 AND form_id = ?2 AND version = ?3"));
    existing.bind(1, pid).bind(2, form_id).bind(3, version);
    CANVASS_TRY(bool row, existing.step());
    if (row) {
        if (fixed_blob<32>(existing, 0) == ref.hash) return ref;  // the same form again
        return unexpected(Domain::store, errc::already_exists,
                          "form " + form_id + " version " + version +
                              " is already published with other content; give the new form a new version");
    }
    CANVASS_TRY(auto insert, db_.prepare("INSERT INTO forms (project, form_id, version, hash, body, published) "
                                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.bind(1, pid).bind(2, form_id).bind(3, version).bind(4, ref.hash).bind(5, body).bind(6, now_unix);
    CANVASS_TRY_VOID(insert.run());
    CANVASS_TRY_VOID(tx.commit());
    return ref;
}

Result<void> SqliteStore::create_token(const sync::TokenRecord& t, std::uint64_t now_unix) {
    CANVASS_TRY(auto pid, project_id(t.project));
    CANVASS_TRY(auto st, db_.prepare("INSERT INTO tokens (id, secret, project, role, expires, created) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    st.bind(1, t.id).bind(2, t.secret.span()).bind(3, pid).bind(4, sync::role_name(t.role))
        .bind(5, t.expires_unix).bind(6, now_unix);
    return st.run();
}

Result<void> SqliteStore::revoke(const merge::DeviceId& device, std::uint64_t now_unix) {
    CANVASS_TRY(auto st, db_.prepare("UPDATE devices SET revoked = coalesce(revoked, ?2) WHERE id = ?1"));
    st.bind(1, device).bind(2, now_unix);
    CANVASS_TRY_VOID(st.run());
    if (db_.changes() != 1)
        return unexpected(Domain::store, errc::not_found, "no enrolled device " + crypto::to_hex(device));
    return {};
}

Result<void> SqliteStore::flag_unauthorized(const std::string& project, const sync::UnauthorizedChange& change,
                                            const merge::DeviceId& delivered_by) {
    CANVASS_TRY(auto id, project_id(project));
    CANVASS_TRY(auto st, db_.prepare(
        "INSERT INTO refused_changes (project, device, seq, record, delivered_by, received, reason) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (project, device, seq, record) DO UPDATE SET "
        "times = times + 1, received = excluded.received, delivered_by = excluded.delivered_by"));
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    st.bind(1, id).bind(2, change.device).bind(3, change.seq).bind(4, change.record).bind(5, delivered_by)
        .bind(6, static_cast<std::int64_t>(now)).bind(7, change.message);
    return st.run();
}

Result<std::vector<FlaggedDevice>> SqliteStore::flagged_devices() {
    CANVASS_TRY(auto st, db_.prepare(
        "SELECT r.device, p.name, count(*), (SELECT reason FROM refused_changes l WHERE l.project = r.project "
        "AND l.device = r.device ORDER BY l.received DESC, l.seq DESC LIMIT 1) "
        "FROM refused_changes r JOIN projects p ON p.id = r.project GROUP BY r.project, r.device "
        "ORDER BY p.name, r.device"));
    std::vector<FlaggedDevice> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back({fixed_blob<16>(st, 0), st.text(1), static_cast<std::uint64_t>(st.int64(2)), st.text(3)});
    }
    return out;
}

Result<ProjectStats> SqliteStore::stats(const std::string& project, std::uint64_t now_unix) {
    CANVASS_TRY(auto id, project_id(project));
    CANVASS_TRY_VOID(refresh_record_states(id));
    ProjectStats s;
    s.project = project;
    CANVASS_TRY(s.devices, count(db_, "SELECT count(*) FROM devices WHERE project = ?1", id));
    CANVASS_TRY(s.revoked_devices, count(db_, "SELECT count(*) FROM devices WHERE project = ?1 AND revoked IS NOT NULL", id));
    CANVASS_TRY(s.records, count(db_, "SELECT count(*) FROM records WHERE project = ?1", id));
    CANVASS_TRY(s.changesets, count(db_, "SELECT count(*) FROM changesets WHERE project = ?1", id));
    CANVASS_TRY(s.equivocations, count(db_, "SELECT count(*) FROM evidence WHERE project = ?1", id));
    CANVASS_TRY(s.equivocating_devices, count(db_, "SELECT count(*) FROM chains WHERE project = ?1 AND equivocated", id));
    CANVASS_TRY(s.future_clock, count(db_, "SELECT count(*) FROM changesets WHERE project = ?1 AND far_future", id));
    CANVASS_TRY(s.refused_changes, count(db_, "SELECT count(*) FROM refused_changes WHERE project = ?1", id));
    CANVASS_TRY(s.refusing_devices,
                count(db_, "SELECT count(DISTINCT device) FROM refused_changes WHERE project = ?1", id));
    CANVASS_TRY(s.open_tokens, count(db_, "SELECT count(*) FROM tokens WHERE project = ?1 AND used_by IS NULL AND expires > " +
                                              std::to_string(now_unix), id));
    CANVASS_TRY(auto st, db_.prepare("SELECT record, digest FROM records WHERE project = ?1"));
    st.bind(1, id);
    merge::StoreDigest digest;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        digest.add(fixed_blob<16>(st, 0), fixed_blob<32>(st, 1));
    }
    s.state_digest = digest.value();
    return s;
}

Result<std::optional<std::string>> SqliteStore::setting(const std::string& name) {
    CANVASS_TRY(auto st, db_.prepare("SELECT value FROM settings WHERE name = ?1"));
    st.bind(1, name);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<std::string>{};
    return std::optional<std::string>{st.text(0)};
}

Result<void> SqliteStore::set_setting(const std::string& name, const std::string& value) {
    CANVASS_TRY(auto st, db_.prepare("INSERT INTO settings (name, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (name) DO UPDATE SET value = excluded.value"));
    st.bind(1, name).bind(2, value);
    return st.run();
}

}  // namespace canvass::server
