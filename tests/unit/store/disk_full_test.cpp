// A full disk is told apart from other storage failures, so a device can be told that the
// server's disk is full rather than that the server failed.
#include <gtest/gtest.h>

#include "store/sqlite.hpp"
#include "temp_dir.hpp"

namespace canvass::store {
namespace {

TEST(DiskFull, SqliteRefusingToGrowIsADiskFull) {
    canvass::testing::TempDir dir;
    auto db = *Database::open(dir / "a.db", true);
    ASSERT_TRUE(db.exec("CREATE TABLE t(b BLOB)"));
    // The database may not grow past its pages now: SQLite answers as it does on a full disk.
    ASSERT_TRUE(db.exec("PRAGMA max_page_count = 8"));
    Result<void> last;
    for (int i = 0; i < 100 && last; ++i) last = db.exec("INSERT INTO t VALUES (zeroblob(4000))");
    ASSERT_FALSE(last);
    EXPECT_TRUE(is_disk_full(last.error())) << last.error().describe();
    EXPECT_FALSE(is_disk_full(Error{Domain::store, errc::io, "cannot read"}));
    EXPECT_FALSE(is_disk_full(Error{Domain::store, 13, "a canvass store code, not SQLite's"}));
    EXPECT_FALSE(is_disk_full(Error{Domain::net, 13, "not a store error"}));
}

}  // namespace
}  // namespace canvass::store
