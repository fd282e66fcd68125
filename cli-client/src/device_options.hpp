// The command line's global device options, and the device they open: what every command
// on the device shares. Built on the public API alone (canvass/device.hpp).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "app.hpp"
#include "canvass/device.hpp"
#include "canvass/result.hpp"

namespace canvass::cli {

// --home and --passphrase-file, shared by every device command.
struct DeviceOptions {
    std::string home;  // empty: $CANVASS_HOME, else ~/.canvass
    std::optional<std::string> passphrase_file;
};

// Adds --home and --passphrase-file to the root app the first time a command family asks, and
// returns the object they fill at parse (the same one for every family). Callbacks capture it.
std::shared_ptr<DeviceOptions> add_device_options(CLI::App& app, Context& ctx);

// The store's directory after applying the defaults.
std::string resolve_home(const DeviceOptions& options);

// The store's home and its passphrase (asked for if needed); nullopt, with the reason
// printed on ctx.err and ctx.exit_code set, when there is no store there or no passphrase.
struct Unlocked {
    std::string home;
    std::string passphrase;
};
std::optional<Unlocked> unlock_home(const DeviceOptions& options, Context& ctx);

// Opens the device, asking for the passphrase if needed. On failure prints the reason on
// ctx.err and sets ctx.exit_code.
std::optional<Device> open_device(const DeviceOptions& options, Context& ctx);

// Prints "canvass: <message>" on ctx.err and sets the failure exit code.
void fail(Context& ctx, const Error& e);
void fail(Context& ctx, const std::string& message);

// Reads a whole file, or standard input for "-". Errors name the file.
Result<std::string> read_file(const std::string& path, Context& ctx);

}  // namespace canvass::cli
