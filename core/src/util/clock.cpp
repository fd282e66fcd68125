#include "util/clock.hpp"

#include <chrono>
#include <ctime>

namespace canvass {
namespace {

class SystemClock final : public Clock {
  public:
    std::uint64_t now_ms() override {
        auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
    }
};

}  // namespace

int Clock::utc_offset_minutes(std::uint64_t at_ms) {
    const auto t = static_cast<std::time_t>(at_ms / 1000);
    std::tm local{};
    localtime_r(&t, &local);
    return static_cast<int>(local.tm_gmtoff / 60);
}

Clock& system_clock() {
    static SystemClock clock;
    return clock;
}

}  // namespace canvass
