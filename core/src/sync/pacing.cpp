#include "sync/pacing.hpp"

#include <algorithm>

namespace canvass::sync {

std::uint32_t BatchPacer::next_bytes() const {
    return std::min(next_, cap_);
}

void BatchPacer::sent(std::uint64_t number, std::uint64_t bytes, std::uint64_t now_ms) {
    in_flight_.push_back({number, bytes, now_ms});
}

void BatchPacer::acknowledged(std::uint64_t number, std::uint64_t now_ms) {
    while (!in_flight_.empty() && in_flight_.front().number < number) in_flight_.pop_front();
    if (in_flight_.empty() || in_flight_.front().number != number) return;
    const InFlight b = in_flight_.front();
    in_flight_.pop_front();
    // The batch had the link from when it was sent, or from the previous acknowledgement if
    // batches before it were still going through then.
    const std::uint64_t from = acked_any_ ? std::max(b.sent_ms, last_ack_ms_) : b.sent_ms;
    const double seconds =
        static_cast<double>(std::max<std::uint64_t>(now_ms - std::min(now_ms, from), 1)) / 1000.0;
    const double measured = static_cast<double>(b.bytes) / seconds;
    // A slower link is believed at once (too large a batch costs a long wait, and a cut
    // loses it); a faster one by halves.
    rate_ = !acked_any_ || measured < rate_ ? measured : 0.5 * rate_ + 0.5 * measured;
    acked_any_ = true;
    last_ack_ms_ = now_ms;
    // About target_ms of transfer at that rate; growing at most fourfold per batch, so one
    // fast measurement does not send a batch the link cannot carry in time.
    const double want = rate_ * static_cast<double>(target_ms) / 1000.0;
    const double grown = std::min(want, 4.0 * next_);
    next_ = static_cast<std::uint32_t>(
        std::clamp(grown, static_cast<double>(least_bytes), static_cast<double>(cap_)));
}

}  // namespace canvass::sync
