// The device store's status figures kept as they change (schema version 10): the SQL function
// its triggers call to keep the store digest, and the reading of every tally. Each figure is
// read in constant time, or as an index range over what is still to deliver.
#pragma once

#include "canvass/result.hpp"
#include "merge/digest.hpp"
#include "store/sqlite.hpp"

namespace canvass::store {

// Registers canvass_digest_toggle(digest, record, record_digest) on `db`: `digest` (a store
// digest, 32 bytes) with the entry of (record, record_digest) toggled; NULL `digest` stays NULL
// (not yet computed), NULL `record_digest` (a draft) leaves it as it is. Then, if the store
// digest is still NULL (a store upgraded from version 9), computes it by one pass over the
// records and keeps it. Call after migrating and before any write.
Result<void> prepare_tallies(Database& db);

struct RecordTally {
    std::uint64_t drafts = 0;
    std::uint64_t finalized = 0;
    std::uint64_t conflicted = 0;
    merge::Hash digest{};
};
Result<RecordTally> record_tally(Database& db);

}  // namespace canvass::store
