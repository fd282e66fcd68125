#include "util/utc_text.hpp"

#include <chrono>
#include <cstdio>

namespace canvass::util {

std::string utc_text(std::uint64_t at_ms, bool with_ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> at{milliseconds{static_cast<std::int64_t>(at_ms)}};
    const auto day = floor<days>(at);
    const year_month_day date{day};
    const hh_mm_ss time{at - day};
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(time.hours().count()), static_cast<int>(time.minutes().count()),
                  static_cast<int>(time.seconds().count()));
    std::string out = text;
    if (with_ms) {
        std::snprintf(text, sizeof text, ".%03d", static_cast<int>(time.subseconds().count()));
        out += text;
    }
    return out + "Z";
}

}  // namespace canvass::util
