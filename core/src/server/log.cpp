#include "server/log.hpp"

#include <cstdio>
#include <string>

#include "canvass/clock.hpp"
#include "util/log_text.hpp"
#include "util/utc_text.hpp"

namespace canvass::server {

void StderrLogger::line(std::string_view text) {
    // Callers quote what peers chose (util::log_quoted); this keeps any line one line, and short.
    std::string out = util::utc_text(clock_.now_ms()) + " " + util::log_line_safe(text) + "\n";
    std::fwrite(out.data(), 1, out.size(), stderr);
    std::fflush(stderr);
}

}  // namespace canvass::server
