#include "server/pg_schema.hpp"

namespace canvass::server::pg {
namespace {

// The advisory lock instances take while they check or apply migrations: "canvass" in ASCII.
constexpr std::int64_t kMigrationLock = 0x63616e76617373;

}  // namespace

Result<void> migrate(Connection& db, bool upgrade) {
    return db.transaction(Isolation::read_committed, [&]() -> Result<void> {
        CANVASS_TRY_VOID(db.run("SELECT pg_advisory_xact_lock($1)", Params().add(kMigrationLock)));
        CANVASS_TRY_VOID(
            db.script("CREATE TABLE IF NOT EXISTS canvass_schema (version BIGINT NOT NULL)"));
        CANVASS_TRY(auto rows, db.query("SELECT coalesce(max(version), 0) FROM canvass_schema"));
        const auto version = rows.int64(0, 0);
        const auto current = static_cast<std::int64_t>(migrations.size());
        if (version > current)
            return unexpected(
                Domain::store, errc::unsupported,
                "the PostgreSQL database was written by a newer canvass-server (schema " +
                    std::to_string(version) + "); upgrade canvass-server to use it");
        if (version < current && !upgrade && version > 0)
            return unexpected(Domain::store, errc::unsupported,
                              "the PostgreSQL database has schema " + std::to_string(version) +
                                  " of " + std::to_string(current) +
                                  "; start the server once (canvass-server run) to upgrade it");
        for (auto v = version; v < current; ++v)
            CANVASS_TRY_VOID(db.script(std::string(migrations[static_cast<std::size_t>(v)])));
        if (version < current) {
            CANVASS_TRY_VOID(db.run("DELETE FROM canvass_schema"));
            CANVASS_TRY_VOID(
                db.run("INSERT INTO canvass_schema (version) VALUES ($1)", Params().add(current)));
        }
        return {};
    });
}

}  // namespace canvass::server::pg
