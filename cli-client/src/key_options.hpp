// The coordinator key file and its passphrase, as every coordinator command takes them, and
// the coordinator's view (canvass/coordinator.hpp) they open. Built on the public API alone.
#pragma once

#include <optional>
#include <string>

#include "app.hpp"
#include "canvass/coordinator.hpp"
#include "device_options.hpp"

namespace CLI {
class App;
}

namespace canvass::cli {

// Where the coordinator key's passphrase comes from, first found wins:
// --key-passphrase-file, $CANVASS_KEY_PASSPHRASE, --passphrase-file, $CANVASS_PASSPHRASE,
// the terminal. So one passphrase can serve both the store and the key, and a script can
// still give two.
struct KeyOptions {
    std::string file;                            // --key FILE
    std::optional<std::string> passphrase_file;  // --key-passphrase-file
};

// Adds --key-passphrase-file to `cmd`.
void add_key_passphrase_option(CLI::App* cmd, KeyOptions& options);

// Adds --key FILE (to read answers other devices sealed to the project's coordinators) and
// --key-passphrase-file to `cmd`.
void add_record_key_options(CLI::App* cmd, KeyOptions& options);

Result<std::string> key_passphrase(const KeyOptions& key, const DeviceOptions& device,
                                   const std::string& prompt, bool confirm);

// The key's passphrase for opening it: the public half is read first, so a missing or
// foreign file fails before anything is asked.
Result<std::string> opening_passphrase(const KeyOptions& key, const DeviceOptions& device);

// A key that did not open (Error{crypto, wrong_key}), with a hint at --key-passphrase-file
// when the passphrase came from the store's source.
Error with_passphrase_hint(Error e, const KeyOptions& key);

// The coordinator's view over `device` with the key in `key.file`. On failure prints the
// reason on ctx.err, sets the failure exit code and returns nullopt.
std::optional<Coordinator> open_coordinator(Device& device, const KeyOptions& key,
                                            const DeviceOptions& options, Context& ctx);

}  // namespace canvass::cli
