// The coordinator's command families; app.cpp registers them all through
// add_export_commands() (export_commands.cpp).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "app.hpp"
#include "coordinator/history.hpp"
#include "coordinator/records.hpp"
#include "device_session.hpp"

namespace canvass::cli {

// keys create, keys show (keys_commands.cpp).
void add_keys_commands(CLI::App& app, Context& ctx);
// conflicts, resolve (conflict_commands.cpp).
void add_conflict_commands(CLI::App& app, Context& ctx);
// history (history_command.cpp).
void add_history_command(CLI::App& app, Context& ctx);

// What `canvass resolve` writes, for every face that settles a conflict (the desk too):
// checks that `path` is a question of the record's form at its place and `value` an answer
// to it, then writes the coordinator edit that supersedes every value seen there (messages
// in `lang`). `readable` is the record decrypted with the coordinator key, or nullptr.
// Returns the open conflict it settled, or nullopt for a correction where none was open.
// Errors: a draft, a delete conflict, a device that may not change the record, a bad path
// or value, the store's checks (conflict_commands.cpp).
Result<std::optional<coordinator::Conflict>> resolve_field(store::DeviceStore& store, const merge::RecordId& id,
                                                           const std::string& path, const nlohmann::json& value,
                                                           const std::string& lang,
                                                           const coordinator::Record* readable);

// Device labels from the JSON `canvass-server devices --json` prints (history_command.cpp).
Result<coordinator::DeviceLabels> read_device_labels(const std::string& path, Context& ctx);

}  // namespace canvass::cli
