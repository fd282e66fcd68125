// The figures DeviceStore::status() reads from the tallies its triggers keep (schema version
// 10), recounted by scanning the tables as status() did before: a tally that drifted from its
// recount is a bug however it got there.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "merge/digest.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"

namespace canvass::testing {

struct StatusRecount {
    std::uint64_t drafts = 0, finalized = 0, conflicts = 0, carried = 0, carried_unsent = 0;
    std::uint64_t held = 0, held_bytes = 0, unsent = 0, unsent_bytes = 0, received = 0, partial = 0,
                  forward = 0;
    merge::Hash digest{};
};

inline StatusRecount recount_status(const std::string& home, const merge::DeviceId& self) {
    StatusRecount r;
    auto db = store::Database::open_read_only(home + "/device.db");
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    if (!db) return r;
    auto count = [&](const std::string& sql, bool bind_self = false) -> std::uint64_t {
        auto st = db->prepare(sql);
        EXPECT_TRUE(st) << sql;
        if (!st) return 0;
        if (bind_self) st->bind(1, self);
        auto row = st->step();
        EXPECT_TRUE(row && *row) << sql;
        return row && *row ? static_cast<std::uint64_t>(st->int64(0)) : 0;
    };
    r.drafts = count("SELECT count(*) FROM records WHERE finalized = 0");
    r.finalized = count("SELECT count(*) FROM records WHERE finalized = 1");
    r.conflicts = count("SELECT count(*) FROM records WHERE conflicts > 0");
    r.carried = count("SELECT count(*) FROM changesets WHERE device != ?", true);
    r.carried_unsent = count(
        "SELECT count(*) FROM changesets c LEFT JOIN devices d ON d.device = c.device "
        "WHERE c.device != ? AND c.seq > coalesce(d.acked, 0) AND c.seq < coalesce(d.refused_seq, "
        "c.seq + 1)",
        true);
    r.held = count("SELECT count(*) FROM attachments");
    r.held_bytes = count("SELECT coalesce(sum(size), 0) FROM attachments");
    r.unsent = count("SELECT count(*) FROM attachment_outbox WHERE sent = 0");
    r.unsent_bytes = count("SELECT coalesce(sum(size), 0) FROM attachment_outbox WHERE sent = 0");
    r.received = count(
        "SELECT count(*) FROM attachment_inbox i WHERE chunks = (SELECT count(*) FROM "
        "attachment_inbox_chunks c WHERE c.author = i.author AND c.id = i.id)");
    r.partial = count(
        "SELECT count(*) FROM attachment_inbox i WHERE chunks > (SELECT count(*) FROM "
        "attachment_inbox_chunks c WHERE c.author = i.author AND c.id = i.id)");
    r.forward = count("SELECT count(*) FROM attachment_inbox WHERE forward = 1");
    merge::StoreDigest digest;
    auto st = db->prepare("SELECT id, digest FROM records WHERE digest IS NOT NULL");
    EXPECT_TRUE(st);
    while (st && *st->step()) {
        merge::RecordId id{};
        merge::Hash h{};
        if (st->blob_into(0, id) && st->blob_into(1, h)) digest.add(id, h);
    }
    r.digest = digest.value();
    return r;
}

// Checks every figure of `store`'s status() against a recount of its tables.
inline void expect_status_recounts(store::DeviceStore& store, const std::string& home,
                                   const std::string& when) {
    SCOPED_TRACE(when);
    auto s = store.status();
    ASSERT_TRUE(s) << s.error().message;
    const auto r = recount_status(home, store.keys().id);
    EXPECT_EQ(s->drafts, r.drafts);
    EXPECT_EQ(s->finalized, r.finalized);
    EXPECT_EQ(s->conflicts, r.conflicts);
    EXPECT_EQ(s->carried, r.carried);
    EXPECT_EQ(s->carried_unsent, r.carried_unsent);
    EXPECT_EQ(s->digest, r.digest);
    EXPECT_EQ(s->attachments.held, r.held);
    EXPECT_EQ(s->attachments.held_bytes, r.held_bytes);
    EXPECT_EQ(s->attachments.unsent, r.unsent);
    EXPECT_EQ(s->attachments.unsent_bytes, r.unsent_bytes);
    EXPECT_EQ(s->attachments.received, r.received);
    EXPECT_EQ(s->attachments.partial, r.partial);
    EXPECT_EQ(s->attachments.carried, r.forward);
}

}  // namespace canvass::testing
