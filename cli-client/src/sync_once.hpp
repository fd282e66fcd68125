// One sync with the project's server, as `canvass sync` runs it, for every face that syncs
// (the desk's sync button too) (sync_commands.cpp).
#pragma once

#include "app.hpp"
#include "canvass/device.hpp"
#include "canvass/result.hpp"

namespace canvass::cli {

// Device::sync with the pinned server, progress on ctx.err when it is a terminal.
Result<SyncOutcome> sync_once(Device& device, Context& ctx);
// What the sync did, in the words `canvass sync` prints, on ctx.out.
void print_report(const SyncOutcome& outcome, Context& ctx);

}  // namespace canvass::cli
