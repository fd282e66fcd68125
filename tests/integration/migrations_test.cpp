// Schema migrations keep every row: a database written by an earlier canvass is filled at its
// old version, migrated by the current program, and read back column by column.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "crypto/hash.hpp"
#include "server/media_vault.hpp"
#include "server/sqlite_schema.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"
#include "temp_dir.hpp"

namespace canvass {
namespace {

using canvass::testing::TempDir;
using Blob = std::vector<std::uint8_t>;

Blob blob(int seed, std::size_t size) {
    Blob b(size);
    for (std::size_t i = 0; i < size; ++i) b[i] = static_cast<std::uint8_t>(seed * 31 + i * 7);
    return b;
}

// Every row of `sql`, its `columns` written with SQL's quote(): what must not change.
std::vector<std::string> rows(store::Database& db, const std::string& columns,
                              const std::string& rest) {
    std::string select = "SELECT ";
    std::size_t n = 0;
    for (std::size_t at = 0; at <= columns.size(); ++n) {
        auto comma = std::min(columns.find(',', at), columns.size());
        select +=
            std::string(n ? " || '|' || " : "") + "quote(" + columns.substr(at, comma - at) + ")";
        at = comma + 1;
    }
    auto st = db.prepare(select + " " + rest);
    EXPECT_TRUE(st) << select;
    std::vector<std::string> out;
    while (st && *st->step()) out.push_back(st->text(0));
    return out;
}

// Changesets 1..seqs of device number `device`, bodies of `body_bytes`, as an older schema holds
// them.
bool insert_chain(store::Database& db, int device, int seqs, std::size_t body_bytes) {
    auto cs =
        db.prepare("INSERT INTO changesets(device, seq, hash, record, body) VALUES(?, ?, ?, ?, ?)");
    if (!cs) return false;
    for (int seq = 1; seq <= seqs; ++seq) {
        cs->reset();
        if (!cs->bind(1, blob(device, 16))
                 .bind(2, seq)
                 .bind(3, blob(seq, 32))
                 .bind(4, blob(seq % 7, 16))
                 .bind(5, blob(device + seq, body_bytes))
                 .run())
            return false;
    }
    return true;
}

// A device store's database at schema version `version`, as an older canvass left it.
store::Database device_database_at(const TempDir& dir, std::size_t version) {
    auto all = store::device_store_migrations();
    EXPECT_GT(all.size(), version);
    auto db = *store::Database::open(dir / "device.db", true);
    EXPECT_TRUE(db.migrate(all.first(version)));
    return db;
}

std::int64_t user_version(store::Database& db) {
    auto st = db.prepare("PRAGMA user_version");
    EXPECT_TRUE(*st->step());
    return st->int64(0);
}

TEST(Migrations, DeviceStoreVersion2RowsSurviveTheMoveToRowidTables) {
    TempDir dir;
    auto all = store::device_store_migrations();
    auto db = device_database_at(dir, 2);
    auto rec = *db.prepare(
        "INSERT INTO records(id, form_id, finalized, deleted, conflicts, updated, digest, "
        "state, draft) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (int d = 0; d < 3; ++d) ASSERT_TRUE(insert_chain(db, d, 40, 1500));
    for (int r = 0; r < 30; ++r) {
        rec.reset();
        rec.bind(1, blob(100 + r, 16))
            .bind(2, r % 2 ? "household" : "vendor")
            .bind(3, r % 3 ? 1 : 0)
            .bind(4, r % 5 == 0 ? 1 : 0)
            .bind(5, r % 4)
            .bind(6, 1'700'000'000'000 + r);
        if (r % 3)
            rec.bind(7, blob(r, 32)).bind(8, blob(r, 3000)).bind_null(9);
        else
            rec.bind_null(7).bind_null(8).bind(9, blob(r, 900));
        ASSERT_TRUE(rec.run());
    }
    auto changesets = [&] {
        return rows(db, "device,seq,hash,record,body", "FROM changesets ORDER BY device, seq");
    };
    auto records = [&] {
        return rows(db, "id,form_id,finalized,deleted,conflicts,updated,digest,state,draft",
                    "FROM records ORDER BY id");
    };
    auto changesets_before = changesets();
    auto records_before = records();
    ASSERT_EQ(changesets_before.size(), 120u);
    ASSERT_EQ(records_before.size(), 30u);

    ASSERT_TRUE(db.migrate(all));
    EXPECT_EQ(user_version(db), static_cast<std::int64_t>(all.size()));
    EXPECT_EQ(changesets(), changesets_before);
    EXPECT_EQ(records(), records_before);
    EXPECT_EQ(*db.integrity_check(), "ok");
    // The keys still refuse duplicates.
    EXPECT_FALSE(
        db.exec("INSERT INTO changesets(device, seq, hash, record, body) "
                "SELECT device, seq, hash, record, body FROM changesets LIMIT 1"));
    EXPECT_FALSE(
        db.exec("INSERT INTO records(id, form_id, finalized, updated) "
                "SELECT id, form_id, finalized, updated FROM records LIMIT 1"));
}

// Issue 13: attachments held for other devices are kept by author and id from version 9 on.
// Rows of version 8 keep every column and chunk; a row received before its author was known
// (a pull before version 8) is dropped, to be fetched again with its author.
TEST(Migrations, DeviceStoreVersion8AttachmentsHeldForOthersAreKeptByAuthorAndId) {
    TempDir dir;
    auto all = store::device_store_migrations();
    auto db = device_database_at(dir, 8);
    auto item = *db.prepare(
        "INSERT INTO attachment_inbox(id, size, chunks, author, root, signature, forward) "
        "VALUES(?, ?, ?, ?, ?, ?, ?)");
    auto chunk = *db.prepare("INSERT INTO attachment_inbox_chunks(id, idx, body) VALUES(?, ?, ?)");
    for (int i = 0; i < 4; ++i) {
        item.reset();
        item.bind(1, blob(i, 32)).bind(2, 70000 + i).bind(3, 2);
        if (i == 3)
            item.bind_null(4).bind_null(5).bind_null(6);
        else
            item.bind(4, blob(50 + i, 16)).bind(5, blob(60 + i, 32)).bind(6, blob(70 + i, 64));
        ASSERT_TRUE(item.bind(7, i % 2).run());
        for (int c = 0; c < 2; ++c) {
            chunk.reset();
            ASSERT_TRUE(chunk.bind(1, blob(i, 32)).bind(2, c).bind(3, blob(i + c, 300)).run());
        }
    }
    const std::string kept = "WHERE author IS NOT NULL ORDER BY id";
    auto items_before =
        rows(db, "author,id,size,chunks,root,signature,forward", "FROM attachment_inbox " + kept);
    auto chunks_before =
        rows(db, "i.author,c.id,c.idx,c.body",
             "FROM attachment_inbox_chunks c JOIN attachment_inbox i ON i.id = c.id "
             "WHERE i.author IS NOT NULL ORDER BY c.id, c.idx");
    ASSERT_EQ(items_before.size(), 3u);
    ASSERT_EQ(chunks_before.size(), 6u);

    ASSERT_TRUE(db.migrate(all));
    EXPECT_EQ(user_version(db), static_cast<std::int64_t>(all.size()));
    EXPECT_EQ(rows(db, "author,id,size,chunks,root,signature,forward",
                   "FROM attachment_inbox ORDER BY id"),
              items_before);
    EXPECT_EQ(rows(db, "author,id,idx,body", "FROM attachment_inbox_chunks ORDER BY id, idx"),
              chunks_before);
    EXPECT_EQ(*db.integrity_check(), "ok");
    // Another author's item under the same id is another row; the same author's is refused.
    EXPECT_TRUE(db.exec(
        "INSERT INTO attachment_inbox(author, id, size, chunks, root, signature) "
        "SELECT zeroblob(16), id, size, chunks, root, signature FROM attachment_inbox LIMIT 1"));
    EXPECT_FALSE(
        db.exec("INSERT INTO attachment_inbox(author, id, size, chunks, root, signature) "
                "SELECT author, id, size, chunks, root, signature FROM attachment_inbox LIMIT 1"));
}

// Issue 15: version 10 keeps status() figures in tallies that triggers maintain. A database of
// version 9 is tallied as it is migrated, every row kept; the store digest is left for the store
// to compute at its open, and a connection without the store's digest function cannot write a
// record behind the tallies' back, while the other tallies follow raw writes.
TEST(Migrations, DeviceStoreVersion9RowsAreTalliedWhenMigrated) {
    TempDir dir;
    auto all = store::device_store_migrations();
    auto db = device_database_at(dir, 9);
    for (int d = 0; d < 2; ++d) ASSERT_TRUE(insert_chain(db, d, 5 + d, 100));
    auto rec = *db.prepare(
        "INSERT INTO records(id, form_id, finalized, conflicts, updated, digest) "
        "VALUES(?, 'household', ?, ?, 1, ?)");
    for (int r = 0; r < 7; ++r) {
        rec.reset();
        rec.bind(1, blob(100 + r, 16)).bind(2, r % 3 ? 1 : 0).bind(3, r == 4 ? 2 : 0);
        if (r % 3)
            rec.bind(4, blob(r, 32));
        else
            rec.bind_null(4);
        ASSERT_TRUE(rec.run());
    }
    ASSERT_TRUE(db.exec(
        "INSERT INTO attachments(key, size, chunks, header) VALUES(x'01', 1000, 1, x'00'), "
        "(x'02', 2500, 1, x'00');"
        "INSERT INTO attachment_outbox(id, key, content, epoch, seq, size, sent) VALUES "
        "(x'0a', x'01', x'00', x'00', 1, 1000, 0), (x'0b', x'02', x'00', x'00', 2, 2500, 1);"
        "INSERT INTO attachment_inbox(author, id, size, chunks, root, signature, forward) VALUES "
        "(x'05', x'0c', 10, 2, x'00', x'00', 1), (x'05', x'0d', 10, 1, x'00', x'00', 0);"
        "INSERT INTO attachment_inbox_chunks(author, id, idx, body) VALUES "
        "(x'05', x'0c', 0, x'00'), (x'05', x'0d', 0, x'00');"));
    auto records_before =
        rows(db, "id,form_id,finalized,conflicts,digest", "FROM records ORDER BY id");

    ASSERT_TRUE(db.migrate(all));
    EXPECT_EQ(user_version(db), static_cast<std::int64_t>(all.size()));
    EXPECT_EQ(rows(db, "id,form_id,finalized,conflicts,digest", "FROM records ORDER BY id"),
              records_before);
    EXPECT_EQ(rows(db, "drafts,finalized,conflicted,digest", "FROM record_tally"),
              std::vector<std::string>{"3|4|1|NULL"});
    EXPECT_EQ(rows(db, "held", "FROM chain_tally ORDER BY device"),
              (std::vector<std::string>{"5", "6"}));
    EXPECT_EQ(rows(db, "held,held_bytes,unsent,unsent_bytes,received,partial,carried",
                   "FROM attachment_tally"),
              std::vector<std::string>{"2|3500|1|1000|1|1|1"});
    EXPECT_EQ(*db.integrity_check(), "ok");

    // The other tallies follow writes made on any connection...
    ASSERT_TRUE(
        db.exec("INSERT INTO attachment_inbox_chunks(author, id, idx, body) VALUES (x'05', x'0c', "
                "1, x'00');"
                "UPDATE attachment_outbox SET sent = 1 WHERE id = x'0a';"
                "DELETE FROM changesets WHERE device = (SELECT device FROM chain_tally LIMIT 1) "
                "AND seq = 5;"));
    EXPECT_EQ(rows(db, "held,held_bytes,unsent,unsent_bytes,received,partial,carried",
                   "FROM attachment_tally"),
              std::vector<std::string>{"2|3500|0|0|2|0|1"});
    EXPECT_EQ(rows(db, "held", "FROM chain_tally ORDER BY device"),
              (std::vector<std::string>{"4", "6"}));
    // ...but a record is written only where the store's digest function is registered.
    EXPECT_FALSE(db.exec("UPDATE records SET conflicts = 0"));
    EXPECT_EQ(rows(db, "drafts,finalized,conflicted", "FROM record_tally"),
              std::vector<std::string>{"3|4|1"});
}

// Issue 13: the embedded server keeps attachments under their authors' folders; an item of the
// layout before (DIR/media/<project>/<id>/) is moved there whole when the server starts.
TEST(Migrations, ServerAttachmentsOfTheLayoutBeforeAuthorsMoveUnderTheirAuthors) {
    namespace fs = std::filesystem;
    TempDir dir;
    const fs::path root = dir.path() / "media";
    server::FileMediaVault vault(root);
    sync::MediaItem item;
    item.id[0] = 0xab;
    item.size = 10;
    item.chunks = 1;
    item.author[0] = 0xcd;
    const Blob chunk = blob(3, 26);
    ASSERT_TRUE(vault.open("demo", item));
    ASSERT_TRUE(vault.put("demo", item.media_id(), 0, chunk));
    // Put back where the server before authors kept it.
    const auto project = fs::directory_iterator(root)->path();
    const auto author_dir = project / crypto::to_hex(item.author);
    fs::rename(author_dir / crypto::to_hex(item.id), project / crypto::to_hex(item.id));
    fs::remove(author_dir);
    ASSERT_FALSE(*vault.find("demo", item.media_id()));

    ASSERT_TRUE(vault.upgrade_layout());
    auto held = vault.find("demo", item.media_id());
    ASSERT_TRUE(held && *held);
    EXPECT_EQ((*held)->item, item);
    EXPECT_EQ((*held)->chunks_held, 1u);
    EXPECT_EQ(*vault.get("demo", item.media_id(), 0), chunk);
    EXPECT_FALSE(fs::exists(project / crypto::to_hex(item.id)));
    ASSERT_TRUE(vault.upgrade_layout());  // again: nothing to move
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

TEST(Migrations, ServerVersion1ChangesetsSurviveTheMoveToARowidTable) {
    TempDir dir;
    std::span<const std::string_view> all = server::server_migrations;
    ASSERT_GE(all.size(), 2u);
    auto db = *store::Database::open(dir / "server.db", true);
    ASSERT_TRUE(db.migrate(all.first(1)));
    ASSERT_TRUE(db.exec("INSERT INTO projects(id, name, created) VALUES(1, 'p', 0), (2, 'q', 0)"));
    auto ins = *db.prepare(
        "INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, received, "
        "body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    for (int p = 1; p <= 2; ++p) {
        for (int seq = 1; seq <= 50; ++seq) {
            ins.reset();
            ASSERT_TRUE(ins.bind(1, p)
                            .bind(2, blob(p, 16))
                            .bind(3, seq)
                            .bind(4, blob(seq, 32))
                            .bind(5, blob(seq % 9, 16))
                            .bind(6, 1000 + seq)
                            .bind(7, seq % 11 == 0 ? 1 : 0)
                            .bind(8, 17 + seq)
                            .bind(9, blob(p * seq, 1200))
                            .run());
        }
    }
    auto changesets = [&] {
        return rows(db, "project,device,seq,hash,record,hlc,far_future,received,body",
                    "FROM changesets ORDER BY project, device, seq");
    };
    auto before = changesets();
    ASSERT_EQ(before.size(), 100u);

    ASSERT_TRUE(db.migrate(all));
    EXPECT_EQ(user_version(db), static_cast<std::int64_t>(all.size()));
    EXPECT_EQ(changesets(), before);
    EXPECT_EQ(rows(db, "name", "FROM sqlite_master WHERE name = 'changesets_by_record'").size(),
              1u);
    EXPECT_EQ(*db.integrity_check(), "ok");
    EXPECT_FALSE(
        db.exec("INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, "
                "received, body) "
                "SELECT project, device, seq, hash, record, hlc, far_future, received, body "
                "FROM changesets LIMIT 1"));
}

TEST(Migrations, ServerRecordsHeldBeforeIdsWereBoundGetTheirFirstWriterAsCreator) {
    TempDir dir;
    std::span<const std::string_view> all = server::server_migrations;
    ASSERT_GE(all.size(), 3u);
    auto db = *store::Database::open(dir / "server.db", true);
    ASSERT_TRUE(db.migrate(all.first(2)));
    ASSERT_TRUE(db.exec("INSERT INTO projects(id, name, created) VALUES(1, 'p', 0), (2, 'q', 0)"));
    auto ins = *db.prepare(
        "INSERT INTO changesets (project, device, seq, hash, record, hlc, far_future, received, "
        "body) VALUES (?1, ?2, ?3, ?4, ?5, 0, 0, ?6, x'00')");
    // (project, device, seq, record, received): record 1 of project 1 was written by device 7
    // first, then edited by device 8 with a lower seq but later; project 2 holds it by 8 only.
    struct Row {
        int project, device, seq, record, received;
    };
    for (const Row& r :
         std::vector<Row>{{1, 8, 1, 1, 30}, {1, 7, 5, 1, 20}, {1, 7, 6, 2, 40}, {2, 8, 1, 1, 10}}) {
        ins.reset();
        ASSERT_TRUE(ins.bind(1, r.project)
                        .bind(2, blob(r.device, 16))
                        .bind(3, r.seq)
                        .bind(4, blob(r.seq, 32))
                        .bind(5, blob(r.record, 16))
                        .bind(6, r.received)
                        .run());
    }
    ASSERT_TRUE(db.migrate(all));
    auto creators =
        rows(db, "project,record,device", "FROM record_creators ORDER BY project, record");
    auto quoted = [&](int seed) {
        auto st = *db.prepare("SELECT quote(?1)");
        st.bind(1, blob(seed, 16));
        EXPECT_TRUE(*st.step());
        return st.text(0);
    };
    EXPECT_EQ(creators, (std::vector<std::string>{"1|" + quoted(1) + "|" + quoted(7),
                                                  "1|" + quoted(2) + "|" + quoted(7),
                                                  "2|" + quoted(1) + "|" + quoted(8)}));
}

}  // namespace
}  // namespace canvass
