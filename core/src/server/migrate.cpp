// `canvass-server migrate`: an embedded server's state copied into an empty PostgreSQL
// database, table by table, in one transaction, then checked by equal state digests.
#include "server/migrate.hpp"

#include "server/media_vault.hpp"
#include "server/pg_connection.hpp"
#include "server/pg_store.hpp"
#include "server/sqlite_schema.hpp"
#include "store/sqlite.hpp"

namespace canvass::server {
namespace {

enum class Type { integer, blob, text, boolean };

struct Column {
    const char* name;
    Type type;
};

struct Table {
    const char* name;
    std::vector<Column> columns;
    const char* order;  // the order rows are copied in (changesets: as they arrived)
};

constexpr Type I = Type::integer, B = Type::blob, T = Type::text, BOOL = Type::boolean;

// Every table of the SQLite schema at its last version (sqlite_schema.hpp), in an order
// that respects the foreign keys.
const std::vector<Table>& tables() {
    static const std::vector<Table> all = {
        {"settings", {{"name", T}, {"value", T}}, "name"},
        {"projects", {{"id", I}, {"name", T}, {"created", I}}, "id"},
        {"recipient_statements", {{"project", I}, {"serial", I}, {"body", B}}, "project, serial"},
        {"forms",
         {{"project", I},
          {"form_id", T},
          {"version", T},
          {"hash", B},
          {"body", T},
          {"published", I}},
         "project, form_id, version"},
        {"tokens",
         {{"id", B},
          {"secret", B},
          {"project", I},
          {"role", T},
          {"expires", I},
          {"created", I},
          {"used_by", B},
          {"used_at", I},
          {"revoked", I},
          {"label", T}},
         "id"},
        {"devices",
         {{"id", B},
          {"project", I},
          {"role", T},
          {"signing_key", B},
          {"transport_key", B},
          {"enrolled", I},
          {"revoked", I},
          {"revoked_seq", I},
          {"label", T},
          {"last_seen", I}},
         "id"},
        {"chains",
         {{"project", I},
          {"device", B},
          {"key", B},
          {"seq", I},
          {"hash", B},
          {"equivocated", BOOL}},
         "project, device"},
        {"changesets",
         {{"project", I},
          {"device", B},
          {"seq", I},
          {"hash", B},
          {"record", B},
          {"hlc", I},
          {"far_future", BOOL},
          {"received", I},
          {"body", B}},
         "id"},
        {"held",
         {{"project", I},
          {"device", B},
          {"seq", I},
          {"hash", B},
          {"record", B},
          {"hlc", I},
          {"far_future", BOOL},
          {"received", I},
          {"body", B}},
         "id"},
        {"heads",
         {{"project", I}, {"device", B}, {"seq", I}, {"hash", B}, {"signature", B}},
         "project, device, seq"},
        {"grants", {{"project", I}, {"device", B}, {"body", B}}, "project, device, body"},
        {"evidence",
         {{"project", I},
          {"device", B},
          {"seq", I},
          {"hash", B},
          {"fork_seq", I},
          {"held_hash", B},
          {"head_seq", I},
          {"head_hash", B},
          {"head_signature", B},
          {"received", I},
          {"body", B}},
         "project, device, seq, hash"},
        {"dirty_records", {{"project", I}, {"record", B}}, "project, record"},
        {"records",
         {{"project", I}, {"record", B}, {"state", B}, {"digest", B}},
         "project, record"},
        {"record_creators", {{"project", I}, {"record", B}, {"device", B}}, "project, record"},
        {"refused_changes",
         {{"project", I},
          {"device", B},
          {"seq", I},
          {"record", B},
          {"delivered_by", B},
          {"received", I},
          {"times", I},
          {"reason", T}},
         "project, device, seq, record"},
    };
    return all;
}

Result<std::uint64_t> copy_table(store::Database& from, pg::Connection& to, const Table& t) {
    std::string names, placeholders;
    for (std::size_t i = 0; i < t.columns.size(); ++i) {
        names += (i ? ", " : "") + std::string(t.columns[i].name);
        placeholders += (i ? ", $" : "$") + std::to_string(i + 1);
    }
    const std::string insert =
        "INSERT INTO " + std::string(t.name) + " (" + names + ") VALUES (" + placeholders + ")";
    CANVASS_TRY(auto st,
                from.prepare("SELECT " + names + " FROM " + t.name + " ORDER BY " + t.order));
    std::uint64_t rows = 0;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        pg::Params p;
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
            const int col = static_cast<int>(i);
            const bool null = st.is_null(col);
            switch (t.columns[i].type) {
                case Type::integer:
                    null ? p.null_int64() : p.add(st.int64(col));
                    break;
                case Type::boolean:
                    p.add(!null && st.int64(col) != 0);
                    break;
                case Type::blob:
                    null ? p.null_bytes() : p.add(st.blob(col));
                    break;
                case Type::text:
                    p.text(st.text(col));
                    break;
            }
        }
        CANVASS_TRY_VOID(to.run(insert, p));
        ++rows;
    }
    return rows;
}

// Whole attachments under DIR/media, copied into the database's vault; partial ones are left
// (their devices send the rest again). Returns how many were copied.
Result<std::uint64_t> copy_media(const std::filesystem::path& dir,
                                 const std::vector<std::string>& projects, ServerMediaVault& to) {
    FileMediaVault from(dir / "media");
    CANVASS_TRY_VOID(from.upgrade_layout());  // a directory this version's server never ran on
    std::uint64_t copied = 0;
    for (const auto& project : projects) {
        CANVASS_TRY(auto items, from.complete(project));
        for (const auto& item : items) {
            CANVASS_TRY_VOID(to.open(project, item));
            for (std::uint64_t i = 0; i < item.chunks; ++i) {
                CANVASS_TRY(auto chunk, from.get(project, item.media_id(), i));
                CANVASS_TRY_VOID(to.put(project, item.media_id(), i, chunk));
            }
            ++copied;
        }
    }
    return copied;
}

}  // namespace

Result<MigrationReport> migrate_to_postgres(const std::filesystem::path& dir,
                                            const std::string& url, std::uint64_t now_unix) {
    const auto path = (dir / "server.db").string();
    CANVASS_TRY(auto from, store::Database::open_read_only(path));
    CANVASS_TRY(auto version, from.schema_version());
    if (version != static_cast<std::int64_t>(server_migrations.size()))
        return unexpected(Domain::store, errc::unsupported,
                          path + " has schema " + std::to_string(version) + ", not " +
                              std::to_string(server_migrations.size()) +
                              "; start this version of canvass-server on it once, then migrate");
    CANVASS_TRY(auto target, open_postgres_store(url));
    CANVASS_TRY(auto existing, target->project_names());
    if (!existing.empty())
        return unexpected(
            Domain::store, errc::already_exists,
            "the PostgreSQL database already holds projects; migrate into an empty database");
    CANVASS_TRY(auto to, pg::Connection::open(url));
    MigrationReport report;
    CANVASS_TRY_VOID(to.transaction(pg::Isolation::serializable, [&]() -> Result<void> {
        report.rows.clear();
        for (const auto& t : tables()) {
            CANVASS_TRY(auto n, copy_table(from, to, t));
            report.rows.emplace_back(t.name, n);
        }
        // Projects kept their ids: the next one created continues after them.
        return to.run(
            "SELECT setval('projects_id_seq', coalesce((SELECT max(id) FROM projects), 0) + 1, "
            "false)");
    }));
    // Attachments, then the check: the same digest and counts on both sides.
    CANVASS_TRY(auto source, open_sqlite_store_read_only(path));
    CANVASS_TRY(auto names, source->project_names());
    CANVASS_TRY(auto vault, target->database_media());
    CANVASS_TRY(report.attachments, copy_media(dir, names, *vault));
    for (const auto& name : names) {
        CANVASS_TRY(auto before, source->stats(name, now_unix));
        CANVASS_TRY(auto after, target->stats(name, now_unix));
        report.projects.push_back(
            {name, before.changesets, before.state_digest,
             after.state_digest == before.state_digest && after.changesets == before.changesets &&
                 after.held_changesets == before.held_changesets &&
                 after.equivocations == before.equivocations && after.devices == before.devices});
    }
    return report;
}

}  // namespace canvass::server
