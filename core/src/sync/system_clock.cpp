#include "sync/system_clock.hpp"

#include <chrono>

namespace canvass::sync {
namespace {

class SystemClock final : public merge::Clock {
public:
    std::uint64_t now_ms() override {
        auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
        return static_cast<std::uint64_t>(
            std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch).count());
    }
};

}  // namespace

merge::Clock& system_clock() {
    static SystemClock clock;
    return clock;
}

}  // namespace canvass::sync
