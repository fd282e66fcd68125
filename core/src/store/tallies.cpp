#include "store/tallies.hpp"

#include <sqlite3.h>

#include <cstring>

namespace canvass::store {

namespace {

bool blob_of(sqlite3_value* v, std::span<std::uint8_t> out) {
    if (sqlite3_value_type(v) != SQLITE_BLOB ||
        static_cast<std::size_t>(sqlite3_value_bytes(v)) != out.size())
        return false;
    std::memcpy(out.data(), sqlite3_value_blob(v), out.size());
    return true;
}

void digest_toggle(sqlite3_context* ctx, int, sqlite3_value** args) {
    if (sqlite3_value_type(args[0]) == SQLITE_NULL) return sqlite3_result_null(ctx);
    merge::Hash acc{}, record_digest{};
    merge::RecordId record{};
    if (!blob_of(args[0], acc))
        return sqlite3_result_error(ctx, "canvass_digest_toggle: a damaged store digest", -1);
    if (sqlite3_value_type(args[2]) != SQLITE_NULL) {
        if (!blob_of(args[1], record) || !blob_of(args[2], record_digest))
            return sqlite3_result_error(ctx, "canvass_digest_toggle: a damaged record digest", -1);
        merge::StoreDigest entry;  // the record's entry alone
        entry.add(record, record_digest);
        for (std::size_t i = 0; i < acc.size(); ++i) acc[i] ^= entry.value()[i];
    }
    sqlite3_result_blob(ctx, acc.data(), static_cast<int>(acc.size()), SQLITE_TRANSIENT);
}

}  // namespace

Result<void> prepare_tallies(Database& db) {
    const int rc = sqlite3_create_function_v2(db.handle(), "canvass_digest_toggle", 3,
                                              SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                              nullptr, digest_toggle, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        return unexpected(
            Domain::sqlite, rc,
            "cannot register canvass_digest_toggle: " + std::string(sqlite3_errmsg(db.handle())));
    {
        CANVASS_TRY(auto st, db.prepare("SELECT digest IS NULL FROM record_tally"));
        CANVASS_TRY(bool row, st.step());
        if (!row)
            return unexpected(Domain::store, errc::corrupt, "the store's record tally is missing");
        if (st.int64(0) == 0) return {};
    }
    CANVASS_TRY(auto tx, Transaction::begin(db));
    merge::StoreDigest digest;
    {
        CANVASS_TRY(auto st, db.prepare("SELECT id, digest FROM records WHERE digest IS NOT NULL"));
        for (;;) {
            CANVASS_TRY(bool row, st.step());
            if (!row) break;
            merge::RecordId id{};
            merge::Hash h{};
            if (st.blob_into(0, id) && st.blob_into(1, h)) digest.add(id, h);
        }
    }
    CANVASS_TRY(auto up, db.prepare("UPDATE record_tally SET digest = ?"));
    CANVASS_TRY_VOID(up.bind(1, digest.value()).run());
    return tx.commit();
}

Result<RecordTally> record_tally(Database& db) {
    CANVASS_TRY(auto st,
                db.cached("SELECT drafts, finalized, conflicted, digest FROM record_tally"));
    CANVASS_TRY(bool row, st->step());
    RecordTally t;
    if (!row || !st->blob_into(3, t.digest))
        return unexpected(Domain::store, errc::corrupt, "the store's record tally is damaged");
    t.drafts = static_cast<std::uint64_t>(st->int64(0));
    t.finalized = static_cast<std::uint64_t>(st->int64(1));
    t.conflicted = static_cast<std::uint64_t>(st->int64(2));
    return t;
}

}  // namespace canvass::store
