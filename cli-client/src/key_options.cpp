#include "key_options.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include "passphrase.hpp"

namespace canvass::cli {

void add_key_passphrase_option(CLI::App* cmd, KeyOptions& options) {
    cmd->add_option("--key-passphrase-file", options.passphrase_file,
                    "read the coordinator key's passphrase from this file (else "
                    "$CANVASS_KEY_PASSPHRASE, else the store's passphrase source)");
}

void add_record_key_options(CLI::App* cmd, KeyOptions& options) {
    cmd->add_option("--key", options.file,
                    "coordinator key file: read the answers other devices encrypted for the "
                    "project's coordinators");
    add_key_passphrase_option(cmd, options);
}

Result<std::string> key_passphrase(const KeyOptions& key, const DeviceOptions& device,
                                   const std::string& prompt, bool confirm) {
    if (key.passphrase_file) return read_passphrase({key.passphrase_file}, prompt, confirm);
    if (const char* env = std::getenv("CANVASS_KEY_PASSPHRASE"); env && *env) {
        return read_passphrase({std::nullopt, "CANVASS_KEY_PASSPHRASE"}, prompt, confirm);
    }
    return read_passphrase({device.passphrase_file}, prompt, confirm);
}

Result<std::string> opening_passphrase(const KeyOptions& key, const DeviceOptions& device) {
    CANVASS_TRY_VOID(inspect_coordinator_key(key.file));
    return key_passphrase(key, device, "Passphrase for coordinator key " + key.file + ": ", false);
}

Error with_passphrase_hint(Error e, const KeyOptions& key) {
    const char* env = std::getenv("CANVASS_KEY_PASSPHRASE");
    if (e.code == errc::wrong_key && !key.passphrase_file && !(env && *env)) {
        e.message +=
            " (if the key's passphrase differs from the store's, give it with "
            "--key-passphrase-file FILE or $CANVASS_KEY_PASSPHRASE)";
    }
    return e;
}

std::optional<Coordinator> open_coordinator(Device& device, const KeyOptions& key,
                                            const DeviceOptions& options, Context& ctx) {
    auto pass = opening_passphrase(key, options);
    if (!pass) {
        fail(ctx, pass.error());
        return std::nullopt;
    }
    auto view = Coordinator::open(device, key.file, *pass);
    if (!view) {
        fail(ctx, with_passphrase_hint(view.error(), key));
        return std::nullopt;
    }
    return std::move(view).value();
}

}  // namespace canvass::cli
