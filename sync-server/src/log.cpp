#include "log.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

#include "util/log_text.hpp"

namespace canvass::server {

void StderrLogger::line(std::string_view text) {
    auto now = std::chrono::system_clock::now();
    std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &utc);
    // Callers quote what peers chose (util::log_quoted); this keeps any line one line, and short.
    std::string out = std::string(stamp) + " " + util::log_line_safe(text) + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace canvass::server
