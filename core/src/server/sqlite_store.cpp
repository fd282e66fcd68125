#include "server/sqlite_store.hpp"

#include <algorithm>
#include <cctype>

#include "crypto/hash.hpp"
#include "server/id_prefix.hpp"
#include "store/device_store.hpp"
#include "merge/codec.hpp"
#include "server/media_vault.hpp"
#include "merge/digest.hpp"
#include "server/sqlite_schema.hpp"

namespace canvass::server {
namespace {

constexpr const char* kDeviceColumns =
    "SELECT d.id, p.name, d.role, d.signing_key, d.transport_key, d.enrolled, d.revoked, d.label, "
    "d.last_seen "
    "FROM devices d JOIN projects p ON p.id = d.project ";

sync::DeviceRecord read_device(const store::Statement& st) {
    sync::DeviceRecord d;
    d.id = st.fixed_blob<16>(0);
    d.project = st.text(1);
    d.role = sync::parse_role(st.text(2)).value_or(sync::Role::collector);
    d.signing_key = st.fixed_blob<32>(3);
    d.transport_key = st.fixed_blob<32>(4);
    d.enrolled_unix = static_cast<std::uint64_t>(st.int64(5));
    d.revoked = !st.is_null(6);
    d.label = st.text(7);
    d.last_seen_unix = st.is_null(8) ? 0 : static_cast<std::uint64_t>(st.int64(8));
    return d;
}

Result<std::uint64_t> count(store::Database& db, const std::string& sql, std::int64_t project) {
    CANVASS_TRY(auto st, db.prepare(sql));
    st.bind(1, project);
    CANVASS_TRY(bool row, st.step());
    return row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

}  // namespace

Result<std::unique_ptr<ServerMediaVault>> ServerStore::database_media() {
    return std::unique_ptr<ServerMediaVault>();
}

Result<void> check_project_name(std::string_view name) {
    auto ok_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    };
    bool ok = !name.empty() && name.size() <= 64 &&
              std::isalnum(static_cast<unsigned char>(name.front())) &&
              std::all_of(name.begin(), name.end(), ok_char);
    if (!ok)
        return unexpected(
            Domain::store, errc::invalid_argument,
            "a project name is 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or "
            "digit (\"" +
                std::string(name.substr(0, 64)) + "\" is not)");
    if (name == store::kUnenrolledProject)
        return unexpected(
            Domain::store, errc::invalid_argument,
            "\"" + std::string(name) + "\" is reserved for work saved before a device enrolls");
    return {};
}

Result<void> check_device_label(std::string_view label) {
    bool ok = label.size() <= 64 && std::none_of(label.begin(), label.end(), [](char c) {
                  auto u = static_cast<unsigned char>(c);
                  return u < 0x20 || u == 0x7f || c == '"' || c == '\\';
              });
    if (!ok || !merge::is_valid_utf8(label))
        return unexpected(
            Domain::store, errc::invalid_argument,
            "a device label is up to 64 bytes of text without control characters, quotes or "
            "backslashes, e.g. --label \"Amina (market team)\"");
    return {};
}

Result<std::unique_ptr<ServerStore>> open_sqlite_store(const std::string& path, bool create) {
    CANVASS_TRY(auto db, store::Database::open(path, create));
    // A 64 MB page cache rather than SQLite's 2 MB: the chain tails, the indexes and the
    // record states of a busy project stay in memory between batches.
    CANVASS_TRY_VOID(db.exec("PRAGMA cache_size=-65536"));
    CANVASS_TRY_VOID(db.migrate(server_migrations));
    return std::unique_ptr<ServerStore>(std::make_unique<SqliteStore>(std::move(db)));
}

Result<void> SqliteStore::limit_size(std::uint64_t bytes) {
    CANVASS_TRY(auto st, db_.prepare("PRAGMA page_size"));
    CANVASS_TRY(bool row, st.step());
    const auto page = row ? static_cast<std::uint64_t>(st.int64(0)) : 4096;
    // SQLite's own quota: allocating a page beyond it fails with SQLITE_FULL, like a full disk.
    return db_.exec("PRAGMA max_page_count=" +
                    std::to_string(std::max<std::uint64_t>(1, bytes / page)));
}

Result<std::unique_ptr<ServerStore>> open_sqlite_store_read_only(const std::string& path) {
    CANVASS_TRY(auto db, store::Database::open_read_only(path));
    CANVASS_TRY(auto version, db.schema_version());
    auto current = static_cast<std::int64_t>(server_migrations.size());
    if (version > current)
        return unexpected(Domain::store, errc::unsupported,
                          path + " was written by a newer canvass-server (schema " +
                              std::to_string(version) + "); upgrade canvass-server to read it");
    if (version < current)
        return unexpected(
            Domain::store, errc::unsupported,
            path + " has schema " + std::to_string(version) + " of " + std::to_string(current) +
                "; start the server once (canvass-server run) to upgrade it, then run this again");
    return std::unique_ptr<ServerStore>(std::make_unique<SqliteStore>(std::move(db)));
}

Result<std::vector<sync::DeviceRecord>> SqliteStore::query_devices(
    const char* where, std::span<const std::uint8_t> key) {
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

Result<std::optional<sync::DeviceRecord>> SqliteStore::device_by_transport_key(
    const crypto::DhPublicKey& key) {
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

Result<void> SqliteStore::device_seen(const merge::DeviceId& id, std::uint64_t now_unix) {
    CANVASS_TRY(auto st, db_.cached("UPDATE devices SET last_seen = ?2 WHERE id = ?1"));
    st->bind(1, id).bind(2, now_unix);
    return st->run();
}

Result<std::optional<sync::TokenRecord>> SqliteStore::token(const sync::TokenId& id) {
    // Expired secrets are erased as they are met (a no-op write when there is none).
    CANVASS_TRY_VOID(
        db_.exec("UPDATE tokens SET secret = zeroblob(0) WHERE length(secret) > 0 "
                 "AND expires <= CAST(strftime('%s', 'now') AS INTEGER)"));
    CANVASS_TRY(
        auto st,
        db_.prepare("SELECT t.secret, p.name, t.role, t.expires, t.used_by IS NOT NULL, t.label "
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
    t.label = st.text(5);
    return std::optional<sync::TokenRecord>{std::move(t)};
}

Result<void> SqliteStore::enroll_device(const sync::TokenId& token, const sync::DeviceRecord& d) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto use,
                db_.prepare("UPDATE tokens SET used_by = ?2, used_at = ?3, secret = zeroblob(0) "
                            "WHERE id = ?1 AND used_by IS NULL"));
    use.bind(1, token).bind(2, d.id).bind(3, d.enrolled_unix);
    CANVASS_TRY_VOID(use.run());
    if (db_.changes() != 1)
        return unexpected(Domain::auth, errc::already_exists,
                          "this enrollment token was already used");
    CANVASS_TRY(auto existing, device(d.id));
    if (existing)
        return unexpected(Domain::auth, errc::permission_denied, "this device is already enrolled");
    CANVASS_TRY(auto by_key, device_by_transport_key(d.transport_key));
    if (by_key)
        return unexpected(Domain::auth, errc::permission_denied,
                          "this device key is already enrolled");
    CANVASS_TRY(auto project, project_id(d.project));
    // The label is the token's, whatever the session says.
    CANVASS_TRY(
        auto insert,
        db_.prepare("INSERT INTO devices (id, project, role, signing_key, transport_key, enrolled, "
                    "last_seen, label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, "
                    "(SELECT label FROM tokens WHERE id = ?7))"));
    insert.bind(1, d.id)
        .bind(2, project)
        .bind(3, sync::role_name(d.role))
        .bind(4, d.signing_key)
        .bind(5, d.transport_key)
        .bind(6, d.enrolled_unix)
        .bind(7, token);
    CANVASS_TRY_VOID(insert.run());
    CANVASS_TRY_VOID(admit_held(project, d));
    return tx.commit();
}

Result<void> SqliteStore::admit_held(std::int64_t project, const sync::DeviceRecord& d) {
    // The held chain was verified on arrival against a key that derives this device id; the
    // enrolled signing key derives it too, so it is the same key.
    for (const char* sql :
         {"INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, received, "
          "body) "
          "SELECT project, device, seq, hash, record, hlc, far_future, received, body FROM held "
          "WHERE project = ?1 AND device = ?2 ORDER BY seq",
          "INSERT OR IGNORE INTO dirty_records (project, record) "
          "SELECT DISTINCT project, record FROM held WHERE project = ?1 AND device = ?2",
          "INSERT INTO chains (project, device, key, seq, hash) "
          "SELECT project, device, ?3, seq, hash FROM held WHERE project = ?1 AND device = ?2 "
          "ORDER BY seq DESC LIMIT 1",
          "DELETE FROM held WHERE project = ?1 AND device = ?2"}) {
        CANVASS_TRY(auto st, db_.prepare(sql));
        st.bind(1, project).bind(2, d.id);
        if (std::string_view(sql).find("?3") != std::string_view::npos) st.bind(3, d.signing_key);
        CANVASS_TRY_VOID(st.run());
    }
    return {};
}

Result<std::int64_t> SqliteStore::project_id(const std::string& name) {
    CANVASS_TRY(auto st, db_.prepare("SELECT id FROM projects WHERE name = ?1"));
    st.bind(1, name);
    CANVASS_TRY(bool row, st.step());
    if (!row)
        return unexpected(Domain::store, errc::not_found, "no project named \"" + name + "\"");
    return st.int64(0);
}

Result<sync::ProjectInfo> SqliteStore::project(const std::string& name) {
    CANVASS_TRY(auto id, project_id(name));
    sync::ProjectInfo info;
    info.name = name;
    CANVASS_TRY(info.recipients, recipient_statements(id));
    CANVASS_TRY(auto f, db_.prepare("SELECT form_id, version, hash FROM forms WHERE project = ?1 "
                                    "ORDER BY form_id, published, version"));
    f.bind(1, id);
    for (;;) {
        CANVASS_TRY(bool row, f.step());
        if (!row) break;
        info.forms.push_back(sync::FormRef{f.text(0), f.text(1), f.fixed_blob<32>(2)});
    }
    return info;
}

Result<std::optional<std::string>> SqliteStore::form_body(const std::string& project,
                                                          const std::string& id,
                                                          const std::string& version) {
    CANVASS_TRY(auto pid, project_id(project));
    CANVASS_TRY(
        auto st,
        db_.prepare("SELECT body FROM forms WHERE project = ?1 AND form_id = ?2 AND version = ?3"));
    st.bind(1, pid).bind(2, id).bind(3, version);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<std::string>{};
    return std::optional<std::string>{st.text(0)};
}

Result<sync::Replica*> SqliteStore::replica(const std::string& project) {
    CANVASS_TRY(auto id, project_id(project));
    auto& r = replicas_[id];
    if (!r) r = std::make_unique<SqliteReplica>(db_, id, clock_);
    return static_cast<sync::Replica*>(r.get());
}

Result<std::vector<store::RecipientStatement>> SqliteStore::recipient_statements(
    std::int64_t project) {
    CANVASS_TRY(
        auto st,
        db_.prepare("SELECT body FROM recipient_statements WHERE project = ?1 ORDER BY serial"));
    st.bind(1, project);
    std::vector<store::RecipientStatement> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        CANVASS_TRY(auto s, store::decode_statement(st.blob(0)));
        out.push_back(std::move(s));
    }
    return out;
}

Result<void> SqliteStore::insert_statement(std::int64_t project,
                                           const store::RecipientStatement& s) {
    CANVASS_TRY(
        auto st,
        db_.prepare(
            "INSERT INTO recipient_statements (project, serial, body) VALUES (?1, ?2, ?3)"));
    st.bind(1, project)
        .bind(2, static_cast<std::int64_t>(s.serial))
        .bind(3, store::encode_statement(s));
    return st.run();
}

Result<void> SqliteStore::create_project(const std::string& name,
                                         const store::RecipientStatement& genesis,
                                         std::uint64_t now_unix) {
    CANVASS_TRY_VOID(check_project_name(name));
    if (genesis.project != name)
        return unexpected(Domain::store, errc::invalid_argument,
                          "the recipient statement is for project \"" + genesis.project +
                              "\", not \"" + name + "\"");
    std::vector chain{genesis};
    CANVASS_TRY_VOID(store::verify_chain(chain, store::statement_digest(genesis), name));
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto exists, db_.prepare("SELECT 1 FROM projects WHERE name = ?1"));
    exists.bind(1, name);
    CANVASS_TRY(bool taken, exists.step());
    if (taken)
        return unexpected(Domain::store, errc::already_exists,
                          "a project named \"" + name + "\" exists already");
    CANVASS_TRY(auto insert, db_.prepare("INSERT INTO projects (name, created) VALUES (?1, ?2)"));
    insert.bind(1, name).bind(2, now_unix);
    CANVASS_TRY_VOID(insert.run());
    CANVASS_TRY_VOID(insert_statement(db_.last_insert_rowid(), genesis));
    return tx.commit();
}

Result<void> SqliteStore::add_recipient_statement(const std::string& project,
                                                  const store::RecipientStatement& next) {
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(auto id, project_id(project));
    CANVASS_TRY(auto chain, recipient_statements(id));
    if (chain.empty())
        return unexpected(
            Domain::store, errc::invalid_argument,
            "project " + project + " has no recipient statement yet; create it with one");
    CANVASS_TRY_VOID(store::verify_successor(chain.back(), next));
    CANVASS_TRY_VOID(insert_statement(id, next));
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

Result<std::vector<ProjectSummary>> SqliteStore::projects() {
    CANVASS_TRY(
        auto st,
        db_.prepare(
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
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        auto n = [&](int col) { return static_cast<std::uint64_t>(st.int64(col)); };
        out.push_back(ProjectSummary{st.text(0), n(1), n(2), n(3), n(4), n(5), n(6)});
    }
    return out;
}

Result<std::vector<FormInfo>> SqliteStore::forms(const std::string& project) {
    if (!project.empty()) {
        CANVASS_TRY(auto id, project_id(project));  // names a project that does not exist
        (void)id;
    }
    CANVASS_TRY(
        auto st,
        db_.prepare(
            "SELECT p.name, f.form_id, f.version, f.hash, f.published "
            "FROM forms f JOIN projects p ON p.id = f.project "
            "WHERE ?1 = '' OR p.name = ?1 ORDER BY p.name, f.form_id, f.published, f.version"));
    st.bind(1, project);
    std::vector<FormInfo> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back(FormInfo{st.text(0), st.text(1), st.text(2), st.fixed_blob<32>(3),
                               static_cast<std::uint64_t>(st.int64(4))});
    }
    return out;
}

Result<sync::FormRef> SqliteStore::publish_form(const std::string& project,
                                                const std::string& form_id,
                                                const std::string& version, const std::string& body,
                                                std::uint64_t now_unix) {
    CANVASS_TRY(auto pid, project_id(project));
    sync::FormRef ref{form_id, version, crypto::blake2b_256(body)};
    CANVASS_TRY(auto tx, store::Transaction::begin(db_));
    CANVASS_TRY(
        auto existing,
        db_.prepare("SELECT hash FROM forms WHERE project = ?1 AND form_id = ?2 AND version = ?3"));
    existing.bind(1, pid).bind(2, form_id).bind(3, version);
    CANVASS_TRY(bool row, existing.step());
    if (row) {
        if (existing.fixed_blob<32>(0) == ref.hash) return ref;  // the same form again
        return unexpected(
            Domain::store, errc::already_exists,
            "form " + form_id + " version " + version +
                " is already published with other content; give the new form a new version");
    }
    CANVASS_TRY(auto insert,
                db_.prepare("INSERT INTO forms (project, form_id, version, hash, body, published) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
    insert.bind(1, pid)
        .bind(2, form_id)
        .bind(3, version)
        .bind(4, ref.hash)
        .bind(5, body)
        .bind(6, now_unix);
    CANVASS_TRY_VOID(insert.run());
    CANVASS_TRY_VOID(tx.commit());
    return ref;
}

Result<void> SqliteStore::create_token(const sync::TokenRecord& t, std::uint64_t now_unix) {
    CANVASS_TRY_VOID(check_device_label(t.label));
    CANVASS_TRY(auto pid, project_id(t.project));
    CANVASS_TRY(
        auto st,
        db_.prepare("INSERT INTO tokens (id, secret, project, role, expires, created, label) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    st.bind(1, t.id)
        .bind(2, t.secret.span())
        .bind(3, pid)
        .bind(4, sync::role_name(t.role))
        .bind(5, t.expires_unix)
        .bind(6, now_unix)
        .bind(7, t.label);
    return st.run();
}

std::string TokenInfo::status(std::uint64_t now_unix) const {
    if (used_by) return "used";
    if (revoked) return "revoked";
    return expires_unix <= now_unix ? "expired" : "open";
}

Result<std::vector<TokenInfo>> SqliteStore::tokens(const std::string& project, std::uint64_t) {
    CANVASS_TRY(
        auto st,
        db_.prepare(
            "SELECT t.id, p.name, t.role, t.created, t.expires, t.used_by, t.used_at, t.revoked IS "
            "NOT NULL, t.label "
            "FROM tokens t JOIN projects p ON p.id = t.project WHERE ?1 = '' OR p.name = ?1 "
            "ORDER BY t.created DESC, t.id"));
    st.bind(1, project);
    std::vector<TokenInfo> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        TokenInfo t;
        t.id = st.fixed_blob<16>(0);
        t.project = st.text(1);
        t.role = sync::parse_role(st.text(2)).value_or(sync::Role::collector);
        t.created_unix = static_cast<std::uint64_t>(st.int64(3));
        t.expires_unix = static_cast<std::uint64_t>(st.int64(4));
        if (!st.is_null(5)) t.used_by = st.fixed_blob<16>(5);
        t.used_unix = st.is_null(6) ? 0 : static_cast<std::uint64_t>(st.int64(6));
        t.revoked = st.int64(7) != 0;
        t.label = st.text(8);
        out.push_back(std::move(t));
    }
    return out;
}

Result<TokenInfo> SqliteStore::revoke_token(const std::string& id_prefix, std::uint64_t now_unix) {
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
    CANVASS_TRY(auto st,
                db_.prepare("UPDATE tokens SET revoked = coalesce(revoked, ?2), "
                            "expires = min(expires, ?2), secret = zeroblob(0) WHERE id = ?1"));
    st.bind(1, t.id).bind(2, now_unix);
    CANVASS_TRY_VOID(st.run());
    t.revoked = true;
    t.expires_unix = std::min(t.expires_unix, now_unix);
    return t;
}

Result<sync::DeviceRecord> SqliteStore::revoke(const std::string& id_prefix,
                                               std::uint64_t now_unix) {
    CANVASS_TRY(auto prefix, hex_prefix(id_prefix, "a device id", "`devices`"));
    CANVASS_TRY(auto all, devices());
    CANVASS_TRY(auto d,
                one_with_prefix(
                    std::move(all), prefix, [](const sync::DeviceRecord& r) { return r.id; },
                    "no enrolled device " + prefix + " (see `devices`)", "devices"));
    // What it delivered until now stays; whatever arrives later is held apart.
    CANVASS_TRY(auto st, db_.prepare("UPDATE devices SET revoked = coalesce(revoked, ?2), "
                                     "revoked_seq = coalesce(revoked_seq, "
                                     "(SELECT seq FROM chains WHERE chains.project = "
                                     "devices.project AND chains.device = devices.id), 0) "
                                     "WHERE id = ?1"));
    st.bind(1, d.id).bind(2, now_unix);
    CANVASS_TRY_VOID(st.run());
    d.revoked = true;
    return d;
}

Result<void> SqliteStore::flag_unauthorized(const std::string& project,
                                            const sync::UnauthorizedChange& change,
                                            const merge::DeviceId& delivered_by) {
    CANVASS_TRY(auto id, project_id(project));
    CANVASS_TRY(auto st, db_.prepare("INSERT INTO refused_changes (project, device, seq, record, "
                                     "delivered_by, received, reason) "
                                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (project, "
                                     "device, seq, record) DO UPDATE SET "
                                     "times = times + 1, received = excluded.received, "
                                     "delivered_by = excluded.delivered_by"));
    const auto now = clock_.now_ms() / 1000;
    st.bind(1, id)
        .bind(2, change.device)
        .bind(3, change.seq)
        .bind(4, change.record)
        .bind(5, delivered_by)
        .bind(6, static_cast<std::int64_t>(now))
        .bind(7, change.message);
    return st.run();
}

Result<std::vector<FlaggedDevice>> SqliteStore::flagged_devices() {
    CANVASS_TRY(auto st,
                db_.prepare("SELECT r.device, p.name, count(*), (SELECT reason FROM "
                            "refused_changes l WHERE l.project = r.project "
                            "AND l.device = r.device ORDER BY l.received DESC, l.seq DESC LIMIT 1) "
                            "FROM refused_changes r JOIN projects p ON p.id = r.project GROUP BY "
                            "r.project, r.device "
                            "ORDER BY p.name, r.device"));
    std::vector<FlaggedDevice> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back({st.fixed_blob<16>(0), st.text(1), static_cast<std::uint64_t>(st.int64(2)),
                       st.text(3)});
    }
    return out;
}

Result<ProjectStats> SqliteStore::stats(const std::string& project, std::uint64_t now_unix) {
    CANVASS_TRY(auto id, project_id(project));
    CANVASS_TRY(auto merged, project_digest(id));
    ProjectStats s;
    s.project = project;
    CANVASS_TRY(s.devices, count(db_, "SELECT count(*) FROM devices WHERE project = ?1", id));
    CANVASS_TRY(
        s.revoked_devices,
        count(db_, "SELECT count(*) FROM devices WHERE project = ?1 AND revoked IS NOT NULL", id));
    s.records = merged.records;
    CANVASS_TRY(s.changesets, count(db_, "SELECT count(*) FROM changesets WHERE project = ?1", id));
    CANVASS_TRY(s.equivocations,
                count(db_, "SELECT count(*) FROM evidence WHERE project = ?1", id));
    CANVASS_TRY(s.equivocating_devices,
                count(db_, "SELECT count(*) FROM chains WHERE project = ?1 AND equivocated", id));
    CANVASS_TRY(
        s.future_clock,
        count(db_, "SELECT count(*) FROM changesets WHERE project = ?1 AND far_future", id));
    CANVASS_TRY(s.held_changesets, count(db_, "SELECT count(*) FROM held WHERE project = ?1", id));
    CANVASS_TRY(s.held_devices,
                count(db_, "SELECT count(DISTINCT device) FROM held WHERE project = ?1", id));
    CANVASS_TRY(s.refused_changes,
                count(db_, "SELECT count(*) FROM refused_changes WHERE project = ?1", id));
    CANVASS_TRY(
        s.refusing_devices,
        count(db_, "SELECT count(DISTINCT device) FROM refused_changes WHERE project = ?1", id));
    CANVASS_TRY(
        s.open_tokens,
        count(db_,
              "SELECT count(*) FROM tokens WHERE project = ?1 AND used_by IS NULL AND expires > " +
                  std::to_string(now_unix),
              id));
    s.state_digest = merged.digest;
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
