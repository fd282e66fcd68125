// The coordinator's command families; app.cpp registers them all through
// add_export_commands() (export_commands.cpp).
#pragma once

#include "app.hpp"

namespace canvass::cli {

// keys create, keys show (keys_commands.cpp).
void add_keys_commands(CLI::App& app, Context& ctx);
// conflicts, resolve (conflict_commands.cpp).
void add_conflict_commands(CLI::App& app, Context& ctx);
// history (history_command.cpp).
void add_history_command(CLI::App& app, Context& ctx);

}  // namespace canvass::cli
