#include "store/sqlite.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string_view>

#include "fault_vfs.hpp"
#include "temp_dir.hpp"

namespace canvass::store {
namespace {

using canvass::testing::TempDir;

TEST(Sqlite, OpensInWalModeWithFullSync) {
    TempDir dir;
    auto db = Database::open(dir / "a.db", true);
    ASSERT_TRUE(db) << db.error().message;
    auto mode = db->prepare("PRAGMA journal_mode");
    ASSERT_TRUE(mode);
    ASSERT_TRUE(*mode->step());
    EXPECT_EQ(mode->text(0), "wal");
    auto sync = db->prepare("PRAGMA synchronous");
    ASSERT_TRUE(*sync->step());
    EXPECT_EQ(sync->int64(0), 2);  // FULL
}

TEST(Sqlite, OpenWithoutCreateFailsOnMissingFile) {
    TempDir dir;
    auto db = Database::open(dir / "missing.db", false);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().domain, Domain::sqlite);
    EXPECT_NE(db.error().message.find("missing.db"), std::string::npos);
}

TEST(Sqlite, BindsAndReadsEveryType) {
    TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(i INTEGER, s TEXT, b BLOB, n)"));
    std::array<std::uint8_t, 3> bytes{1, 0, 255};
    auto ins = *db.prepare("INSERT INTO t VALUES(?,?,?,?)");
    ASSERT_TRUE(ins.bind(1, std::int64_t{-5}).bind(2, "héllo").bind(3, bytes).bind_null(4).run());
    auto sel = *db.prepare("SELECT i, s, b, n FROM t");
    ASSERT_TRUE(*sel.step());
    EXPECT_EQ(sel.int64(0), -5);
    EXPECT_EQ(sel.text(1), "héllo");
    std::array<std::uint8_t, 3> back{};
    EXPECT_TRUE(sel.blob_into(2, back));
    EXPECT_EQ(back, bytes);
    EXPECT_TRUE(sel.is_null(3));
    EXPECT_FALSE(*sel.step());
}

TEST(Sqlite, EmptyBlobIsNotNull) {
    TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(b BLOB NOT NULL)"));
    std::vector<std::uint8_t> empty;
    EXPECT_TRUE(db.prepare("INSERT INTO t VALUES(?)")->bind(1, empty).run());
}

TEST(Sqlite, TransactionRollsBackUnlessCommitted) {
    TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(x)"));
    {
        auto tx = *Transaction::begin(db);
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)"));
    }
    {
        auto tx = *Transaction::begin(db);
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES(2)"));
        ASSERT_TRUE(tx.commit());
    }
    auto sel = *db.prepare("SELECT group_concat(x) FROM t");
    ASSERT_TRUE(*sel.step());
    EXPECT_EQ(sel.text(0), "2");
}

TEST(Sqlite, NestedTransactionsAreSavepoints) {
    TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(x)"));
    {
        auto outer = *Transaction::begin(db);
        ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)"));
        {
            auto inner = *Transaction::begin(db);
            ASSERT_TRUE(db.exec("INSERT INTO t VALUES(2)"));
        }  // rolls back to its savepoint only
        {
            auto inner = *Transaction::begin(db);
            ASSERT_TRUE(db.exec("INSERT INTO t VALUES(3)"));
            ASSERT_TRUE(inner.commit());
        }
        ASSERT_TRUE(outer.commit());
    }
    auto sel = *db.prepare("SELECT group_concat(x) FROM t");
    ASSERT_TRUE(*sel.step());
    EXPECT_EQ(sel.text(0), "1,3");
}

// A failing disk makes SQLite roll a transaction back itself: what follows must not commit
// statement by statement outside it (half a change saved), but fail, saying so.
TEST(Sqlite, NothingRunsOutsideATransactionSqliteRolledBack) {
    TempDir dir;
    const std::string path = dir / "a.db";
    canvass::testing::FaultVfs disk;
    auto db = *Database::open(path, true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(x BLOB); PRAGMA cache_size = 2"));
    {
        auto tx = *Transaction::begin(db);
        // A cache of two pages spills to the WAL long before the commit: the write fails.
        disk.arm(canvass::testing::FaultVfs::Op::write, 1, true);
        Result<void> insert;
        for (int i = 0; i < 50 && insert; ++i)
            insert = db.exec("INSERT INTO t VALUES(zeroblob(3000))");
        ASSERT_FALSE(insert);
        ASSERT_TRUE(disk.fired());
        disk.disarm();
        if (sqlite3_get_autocommit(db.handle()) == 0)
            GTEST_SKIP() << "this SQLite kept the transaction open after the failed write";
        auto after = db.exec("INSERT INTO t VALUES(zeroblob(10))");
        ASSERT_FALSE(after);
        EXPECT_EQ(after.error().code, SQLITE_ABORT_ROLLBACK);
        EXPECT_EQ(errc_for_sqlite(after.error().code), errc::io);
        EXPECT_NE(after.error().message.find(path), std::string::npos) << after.error().message;
        EXPECT_NE(after.error().message.find("nothing of it was saved"), std::string::npos);
        auto statement = db.prepare("INSERT INTO t VALUES(1)");
        ASSERT_TRUE(statement);
        EXPECT_FALSE(statement->run());
        EXPECT_FALSE(tx.commit());
    }
    auto sel = *db.prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(*sel.step());
    EXPECT_EQ(sel.int64(0), 0);
    // The connection works again once the transaction is over.
    ASSERT_TRUE(db.exec("INSERT INTO t VALUES(1)"));
}

TEST(Sqlite, MigratesOnceAndRefusesNewerSchema) {
    TempDir dir;
    constexpr std::string_view v1[] = {"CREATE TABLE a(x);"};
    constexpr std::string_view v2[] = {"CREATE TABLE a(x);", "CREATE TABLE b(y);"};
    {
        auto db = *Database::open(dir / "m.db", true);
        ASSERT_TRUE(db.migrate(v1));
        ASSERT_TRUE(db.migrate(v2));  // applies only the second step
        ASSERT_TRUE(db.migrate(v2));  // nothing to do
    }
    auto db = *Database::open(dir / "m.db", false);
    auto r = db.migrate(v1);
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("newer canvass"), std::string::npos);
    EXPECT_EQ(*db.integrity_check(), "ok");
}

TEST(Sqlite, SyntaxErrorIsAnErrorValue) {
    TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    auto r = db.exec("CREATE TABLEX t(x)");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::sqlite);
    EXPECT_FALSE(db.prepare("SELEC 1"));
}

}  // namespace
}  // namespace canvass::store
