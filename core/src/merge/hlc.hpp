// Hybrid logical clock (Kulkarni et al. 2014, "Logical Physical Clocks"): a 64-bit stamp of
// 48 bits of milliseconds since the Unix epoch and a 16-bit counter. Stamps order
// concurrent values only; causality (supersedes) always wins over clocks.
#pragma once

#include <cstdint>

#include "canvass/clock.hpp"

namespace canvass::merge {

// Wall-clock time, injected so tests and simulations are deterministic (canvass/clock.hpp).
using Clock = canvass::Clock;
using ManualClock = canvass::ManualClock;

inline constexpr std::uint64_t kHlcMaxMs = (std::uint64_t{1} << 48) - 1;
inline constexpr std::uint64_t kHlcMaxCounter = 0xffff;

constexpr std::uint64_t hlc_ms(std::uint64_t stamp) {
    return stamp >> 16;
}
constexpr std::uint64_t hlc_counter(std::uint64_t stamp) {
    return stamp & kHlcMaxCounter;
}
// ms is clamped to 48 bits and counter to 16 bits.
constexpr std::uint64_t make_hlc(std::uint64_t ms, std::uint64_t counter) {
    return (ms > kHlcMaxMs ? kHlcMaxMs : ms) << 16 |
           (counter > kHlcMaxCounter ? kHlcMaxCounter : counter);
}

// True when `stamp` is more than `threshold_ms` ahead of `now_ms`: a phone whose clock is
// wrong. Such a stamp is flagged, never a reason to drop the data that carries it.
constexpr bool hlc_far_ahead(std::uint64_t stamp, std::uint64_t now_ms,
                             std::uint64_t threshold_ms) {
    return hlc_ms(stamp) > now_ms && hlc_ms(stamp) - now_ms > threshold_ms;
}

// One device's clock. Every stamp it returns is strictly greater than every stamp it
// returned or observed before (until the 48-bit millisecond range is exhausted, in the
// year 10889, where it saturates). Not thread-safe: one per device store.
class Hlc {
  public:
    // `last` is the greatest stamp this device has issued or observed, persisted by the
    // caller so a restart never goes backwards.
    explicit Hlc(Clock& clock, std::uint64_t last = 0) : clock_(clock), last_(last) {}

    // A local event (a save): max(physical time, last) with the counter bumped on a tie.
    std::uint64_t tick();
    // A received stamp: the result is greater than both `remote` and last. Callers should
    // first test hlc_far_ahead(remote, ...) and not observe far-ahead stamps, so one phone
    // set to 2099 cannot drag every clock it meets into the future; the data is kept anyway.
    std::uint64_t observe(std::uint64_t remote);
    // Whether `stamp` is far ahead of this device's physical time.
    bool far_ahead(std::uint64_t stamp, std::uint64_t threshold_ms) {
        return hlc_far_ahead(stamp, clock_.now_ms(), threshold_ms);
    }
    std::uint64_t last() const { return last_; }

  private:
    Clock& clock_;
    std::uint64_t last_;
};

}  // namespace canvass::merge
