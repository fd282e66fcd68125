// The server's metadata-only merge, above its storage: it cannot read a value, but it keeps
// each record's merge state (merge/record_state.hpp) so that its state digest can be compared
// with a coordinator's. Both stores (SQLite, PostgreSQL) share this code; each gives it the
// few reads and writes below.
//
// Neither reporting nor the digest may hold up a push. So the digest is computed without
// writing: the stored states, with the records that received changesets since (the dirty
// ones) merged in memory. The stored states are brought up to date separately, a bounded
// number of records per transaction (refresh_record_states), so that a store's write lock is
// held for milliseconds at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "canvass/result.hpp"
#include "merge/ids.hpp"
#include "merge/record_state.hpp"
#include "server/server_store.hpp"

namespace canvass::server {

// What the merge needs of a store, for one project. Every call runs inside the transaction
// the caller opened (a snapshot for reading, a write transaction for refreshing).
class RecordStateStore {
  public:
    using Bytes = std::vector<std::uint8_t>;
    virtual ~RecordStateStore() = default;

    struct Stored {
        merge::RecordId record{};
        merge::Hash digest{};
        Bytes state;  // empty unless asked for
    };
    // Every stored state of a record that is not dirty.
    virtual Result<void> each_clean(std::int64_t project, bool with_state,
                                    const std::function<Result<void>(const Stored&)>& visit) = 0;
    // Dirty records (changesets arrived since their state was stored), at most `limit` of
    // them if given, with the mark each had when read.
    struct Dirty {
        merge::RecordId record{};
        std::int64_t mark = 0;
    };
    virtual Result<std::vector<Dirty>> dirty(std::int64_t project,
                                             std::optional<std::size_t> limit) = 0;
    // The stored state of a record and its digest; nullopt if none is stored.
    virtual Result<std::optional<Stored>> stored(std::int64_t project,
                                                 const merge::RecordId& record) = 0;
    // Every changeset of the project's data (not what is held apart) on `record`.
    virtual Result<void> each_changeset(
        std::int64_t project, const merge::RecordId& record,
        const std::function<Result<void>(const merge::DeviceId& device, std::uint64_t seq,
                                         const Bytes& body)>& visit) = 0;
    // Stores a record's state and digest, and clears its dirty mark if it is still `mark`
    // (a record marked again meanwhile stays dirty).
    virtual Result<void> save(std::int64_t project, const Dirty& dirty, const Bytes& state,
                              const merge::Hash& digest) = 0;
};

struct MergedRecord {
    merge::RecordState state;
    std::optional<merge::Hash> stored_digest;  // nullopt: no state stored yet
};
// A record's stored state with the changesets it has not merged yet.
Result<MergedRecord> merged_record(RecordStateStore& store, std::int64_t project,
                                   const merge::RecordId& record);

struct RecordView {
    merge::RecordId record{};
    merge::Hash digest{};
    const merge::RecordState* state = nullptr;  // only when asked for
};
// Visits every record of the project as merged now, without writing: the stored states, and
// the dirty records merged in memory. The caller holds one snapshot around it.
Result<void> each_record(RecordStateStore& store, std::int64_t project, bool with_state,
                         const std::function<Result<void>(const RecordView&)>& visit);

struct ProjectDigest {
    std::uint64_t records = 0;
    crypto::Hash digest{};
};
Result<ProjectDigest> project_digest(RecordStateStore& store, std::int64_t project);
Result<RecordCensus> record_census(RecordStateStore& store, std::int64_t project);

// Stores the merged state of at most `max_records` dirty records of `project`; returns how
// many. The caller holds one write transaction around it.
Result<std::size_t> refresh_record_states(RecordStateStore& store, std::int64_t project,
                                          std::size_t max_records);

}  // namespace canvass::server
