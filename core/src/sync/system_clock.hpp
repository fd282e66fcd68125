// The operating system's wall clock as a merge::Clock, for production code paths that take
// an injected clock (tests pass a merge::ManualClock instead).
#pragma once

#include "merge/hlc.hpp"

namespace canvass::sync {

// A process-wide clock reading std::chrono::system_clock. Thread-safe.
merge::Clock& system_clock();

}  // namespace canvass::sync
