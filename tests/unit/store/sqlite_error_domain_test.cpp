// SQLite's result codes live in their own error domain and are translated to canvass codes by
// meaning: SQLITE_BUSY (5) once reached apps as permission denied (canvass's 5) and
// SQLITE_READONLY (8) as a wrong key (canvass's 8).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "store/sqlite.hpp"
#include "temp_dir.hpp"

namespace canvass::store {
namespace {

TEST(SqliteErrorDomain, ALockedDatabaseIsBusyInTheSqliteDomain) {
    canvass::testing::TempDir dir;
    auto first = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(first.exec("CREATE TABLE t(x)"));
    auto second = *Database::open(dir / "a.db", false);
    ASSERT_TRUE(second.exec("PRAGMA busy_timeout = 0"));
    ASSERT_TRUE(first.exec("BEGIN IMMEDIATE"));
    auto r = second.exec("INSERT INTO t VALUES (1)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::sqlite) << r.error().describe();
    EXPECT_EQ(r.error().code & 0xff, SQLITE_BUSY);
    EXPECT_EQ(errc_for_sqlite(r.error().code), errc::busy);
    EXPECT_NE(errc_for_sqlite(r.error().code), errc::permission_denied);
    EXPECT_EQ(r.error().describe().rfind("sqlite: ", 0), 0u) << r.error().describe();
    ASSERT_TRUE(first.exec("ROLLBACK"));
}

TEST(SqliteErrorDomain, EveryFamilyOfSqliteCodeMeansWhatItSays) {
    EXPECT_EQ(errc_for_sqlite(SQLITE_BUSY), errc::busy);
    EXPECT_EQ(errc_for_sqlite(SQLITE_BUSY_RECOVERY), errc::busy);
    EXPECT_EQ(errc_for_sqlite(SQLITE_LOCKED), errc::busy);
    EXPECT_EQ(errc_for_sqlite(SQLITE_READONLY), errc::read_only);
    EXPECT_EQ(errc_for_sqlite(SQLITE_READONLY_DBMOVED), errc::read_only);
    EXPECT_NE(errc_for_sqlite(SQLITE_READONLY), errc::wrong_key);
    EXPECT_EQ(errc_for_sqlite(SQLITE_FULL), errc::disk_full);
    EXPECT_EQ(errc_for_sqlite(SQLITE_CORRUPT), errc::corrupt);
    EXPECT_EQ(errc_for_sqlite(SQLITE_NOTADB), errc::corrupt);
    EXPECT_EQ(errc_for_sqlite(SQLITE_IOERR_FSYNC), errc::io);
    EXPECT_EQ(errc_for_sqlite(SQLITE_CANTOPEN), errc::io);
    EXPECT_EQ(errc_for_sqlite(SQLITE_PERM), errc::permission_denied);
    EXPECT_EQ(errc_for_sqlite(SQLITE_TOOBIG), errc::limit_exceeded);
    EXPECT_EQ(errc_for_sqlite(SQLITE_CONSTRAINT_UNIQUE), errc::already_exists);
    EXPECT_EQ(errc_for_sqlite(SQLITE_CONSTRAINT_FOREIGNKEY), errc::invalid_argument);
    // canvass misusing SQLite is canvass's bug, not the caller's: no code of its own.
    EXPECT_EQ(errc_for_sqlite(SQLITE_ERROR), 0);
    EXPECT_EQ(errc_for_sqlite(SQLITE_MISUSE), 0);
}

TEST(SqliteErrorDomain, CanvassStoreCodesStayInTheStoreDomain) {
    canvass::testing::TempDir dir;
    auto missing = Database::open(dir / "none.db", false);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().domain, Domain::sqlite);
    EXPECT_EQ(errc_for_sqlite(missing.error().code), errc::io);
    EXPECT_STREQ(domain_name(Domain::sqlite), "sqlite");
    EXPECT_STREQ(domain_name(Domain::store), "store");
}

}  // namespace
}  // namespace canvass::store
