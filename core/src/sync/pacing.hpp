// Batches sized to the link (schemas/protocol/sync.md, "Batches"). On 2G a 1 MiB batch needs
// minutes of unbroken signal before its acknowledgement, and a cut before then loses all of
// it. The pacer sizes each batch to about `target_ms` of transfer at the rate measured from
// the acknowledgements so far, starting small, so that an acknowledgement comes every few
// seconds whatever the link and a cut loses at most the batches in flight.
#pragma once

#include <cstdint>
#include <deque>
#include <utility>

#include "sync/messages.hpp"

namespace canvass::sync {

class BatchPacer {
  public:
    static constexpr std::uint32_t first_bytes = 8 * 1024;  // about 1.3 s at 50 kbit/s
    static constexpr std::uint32_t least_bytes = 4 * 1024;
    static constexpr std::uint64_t target_ms = 2000;

    // `caps`: the peer's limits; a batch is never larger than caps.batch_bytes.
    explicit BatchPacer(const SyncLimits& caps) : cap_(caps.batch_bytes) {}

    // The byte budget of the next batch.
    std::uint32_t next_bytes() const;
    // Batch `number` of `bytes` went out at `now_ms`.
    void sent(std::uint64_t number, std::uint64_t bytes, std::uint64_t now_ms);
    // Batch `number` was acknowledged at `now_ms` (acknowledgements come in order).
    void acknowledged(std::uint64_t number, std::uint64_t now_ms);
    // Bytes per second measured so far (0 before the first acknowledgement).
    double rate() const { return rate_; }

  private:
    std::uint32_t cap_;
    std::uint32_t next_ = first_bytes;
    double rate_ = 0;  // bytes per second, smoothed
    std::uint64_t last_ack_ms_ = 0;
    bool acked_any_ = false;
    struct InFlight {
        std::uint64_t number, bytes, sent_ms;
    };
    std::deque<InFlight> in_flight_;
};

}  // namespace canvass::sync
