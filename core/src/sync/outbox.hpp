// The sending half of an exchange: what the peer lacks, cut into batches.
#pragma once

#include <cstdint>
#include <cstddef>
#include <deque>
#include <optional>
#include <set>

#include "canvass/result.hpp"
#include "merge/version_vector.hpp"
#include "sync/messages.hpp"
#include "sync/replica.hpp"

namespace canvass::sync {

class Outbox {
  public:
    // `plan`: the seq ranges to send, per device, as merge::missing() computes them.
    Outbox(Replica& replica, std::vector<merge::SeqRange> plan, SyncLimits limits)
        : replica_(replica), plan_(plan.begin(), plan.end()), limits_(limits) {}

    bool empty() const { return plan_.empty(); }
    std::uint64_t planned_changesets() const;

    // The next batch, oldest changesets first: at most limits.batch_changesets changesets and
    // min(limits.batch_bytes, max_bytes) bytes (sync/pacing.hpp sizes it to the link), cut
    // where the replica has signed heads, at most one run per device. A single run may exceed
    // the caps only when the replica's heads leave no smaller cut (a relayed chain signed in
    // larger batches). Precondition: !empty().
    Result<Changesets> next_batch(std::uint64_t batch_number, std::size_t max_bytes = SIZE_MAX);

  private:
    // Adds the next run of the front range to `batch`; false if it does not fit anymore.
    Result<bool> add_run(Changesets& batch, std::size_t& count, std::size_t& bytes);

    Replica& replica_;
    std::deque<merge::SeqRange> plan_;
    SyncLimits limits_;
    std::size_t budget_ = 0;             // the byte budget of the batch being made
    std::set<merge::DeviceId> granted_;  // devices whose grants went out in this session
};

}  // namespace canvass::sync
