#include "merge/hlc.hpp"

#include <algorithm>

namespace canvass::merge {

namespace {

// The stamp (ms, counter + 1), carrying into the milliseconds when the counter is full
// (65,536 events in one millisecond), so a stamp never wraps backwards.
std::uint64_t bump(std::uint64_t ms, std::uint64_t counter) {
    if (counter < kHlcMaxCounter) return make_hlc(ms, counter + 1);
    if (ms < kHlcMaxMs) return make_hlc(ms + 1, 0);
    return make_hlc(kHlcMaxMs, kHlcMaxCounter);  // saturated: year 10889
}

std::uint64_t physical_ms(Clock& clock) {
    return std::min(clock.now_ms(), kHlcMaxMs);
}

}  // namespace

std::uint64_t Hlc::tick() {
    const std::uint64_t pt = physical_ms(clock_);
    if (pt > hlc_ms(last_)) {
        last_ = make_hlc(pt, 0);
    } else {
        last_ = bump(hlc_ms(last_), hlc_counter(last_));
    }
    return last_;
}

std::uint64_t Hlc::observe(std::uint64_t remote) {
    const std::uint64_t pt = physical_ms(clock_);
    const std::uint64_t l = hlc_ms(last_);
    const std::uint64_t r = hlc_ms(remote);
    const std::uint64_t ms = std::max({l, r, pt});
    if (ms == pt && ms != l && ms != r) {
        last_ = make_hlc(ms, 0);
    } else {
        // The counter continues from whichever stamps share the new milliseconds.
        std::uint64_t counter = 0;
        if (ms == l) counter = hlc_counter(last_);
        if (ms == r) counter = std::max(counter, hlc_counter(remote));
        last_ = bump(ms, counter);
    }
    return last_;
}

}  // namespace canvass::merge
