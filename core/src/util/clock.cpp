#include "canvass/clock.hpp"

#include <chrono>
#include <ctime>
#include <limits>

namespace canvass {
namespace {

class SystemClock final : public Clock {
  public:
    std::uint64_t now_ms() override {
        auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
    }
};

}  // namespace

int Clock::utc_offset_minutes(std::uint64_t at_ms) {
    // Where time_t is 32 bits (32-bit ARM), a time past January 2038 would wrap to 1901 and
    // take that year's offset (no daylight saving time then). Every 28 years from 1901 to
    // 2099 the calendar repeats, weekdays and leap days included, so the zone's rules give
    // the same offset 28 years earlier.
    constexpr std::uint64_t cycle_s = (365ull * 28 + 7) * 86400;
    std::uint64_t s = at_ms / 1000;
    while (s > static_cast<std::uint64_t>(std::numeric_limits<std::time_t>::max())) s -= cycle_s;
    const auto t = static_cast<std::time_t>(s);
    std::tm local{};
    localtime_r(&t, &local);
    return static_cast<int>(local.tm_gmtoff / 60);
}

Clock& system_clock() {
    static SystemClock clock;
    return clock;
}

}  // namespace canvass
