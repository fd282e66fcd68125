// Times as people read them in listings, exports and logs.
#pragma once

#include <cstdint>
#include <string>

namespace canvass::util {

// `at_ms` (milliseconds since 1970-01-01T00:00:00Z) as ISO 8601 UTC text,
// "2026-12-01T17:31:13Z", or with `with_ms` "2026-12-01T17:31:13.250Z". Counted in days,
// never through time_t: that is 32 bits on 32-bit ARM, where it ends in January 2038.
std::string utc_text(std::uint64_t at_ms, bool with_ms = false);

}  // namespace canvass::util
