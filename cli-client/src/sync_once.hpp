// One sync with the project's server, as `canvass sync` runs it, for every face that syncs
// (the desk's sync button too) (sync_commands.cpp).
#pragma once

#include "app.hpp"
#include "canvass/result.hpp"
#include "store/device_store.hpp"
#include "sync/client.hpp"

namespace canvass::cli {

// Connects to the server of `config`, exchanges changesets and attachments, closes.
// Progress goes to ctx.err when it is a terminal.
Result<sync::SyncReport> sync_once(store::DeviceStore& store, const store::ProjectConfig& config,
                                   Context& ctx);
// What the sync did, in the words `canvass sync` prints, on ctx.out.
void print_report(const sync::SyncReport& report, const store::ProjectConfig& config, Context& ctx);

}  // namespace canvass::cli
