// When a failed sync is worth trying again, and how long to wait first: what
// `canvass sync --until-done` (and an app's own loop) follows on a field link.
#pragma once

#include <cstdint>

#include "canvass/result.hpp"
#include "merge/ids.hpp"

namespace canvass::sync {

// True for what passes: the link dropped or timed out, the server was unreachable, busy or
// out of room, its name could not be looked up. False for what waiting does not change: a revoked
// or unknown device, a wrong server key, a refused or damaged batch, a store that cannot be
// written.
bool worth_retrying(const Error& e);

// The wait before retry number `retry` (1 for the first): 2 s, doubling, at most 60 s, each
// between 75 % and 125 % of that so many devices cut off together do not return together.
std::uint64_t retry_delay_ms(unsigned retry, merge::Random& random);

}  // namespace canvass::sync
