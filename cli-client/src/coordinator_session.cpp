#include "coordinator_session.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include "export/coordinator_key.hpp"
#include "passphrase.hpp"

namespace canvass::cli {

void add_key_passphrase_option(CLI::App* cmd, KeyOptions& options) {
    cmd->add_option("--key-passphrase-file", options.passphrase_file,
                    "read the coordinator key's passphrase from this file (else "
                    "$CANVASS_KEY_PASSPHRASE, else the store's passphrase source)");
}

Result<std::string> key_passphrase(const KeyOptions& key, const DeviceOptions& device,
                                   const std::string& prompt, bool confirm) {
    if (key.passphrase_file) return read_passphrase({key.passphrase_file}, prompt, confirm);
    if (const char* env = std::getenv("CANVASS_KEY_PASSPHRASE"); env && *env) {
        return read_passphrase({std::nullopt, "CANVASS_KEY_PASSPHRASE"}, prompt, confirm);
    }
    return read_passphrase({device.passphrase_file}, prompt, confirm);
}

std::optional<crypto::DhKeyPair> open_coordinator_key(const KeyOptions& key,
                                                      const DeviceOptions& device, Context& ctx) {
    // Read the public half first: a missing or foreign file fails before asking anything.
    auto pk = exporting::read_public_key(key.file);
    if (!pk) {
        fail(ctx, pk.error());
        return std::nullopt;
    }
    auto pass = key_passphrase(key, device, "Passphrase for coordinator key " + key.file + ": ", false);
    if (!pass) {
        fail(ctx, pass.error());
        return std::nullopt;
    }
    auto pair = exporting::open_key_file(key.file, *pass);
    if (!pair) {
        auto e = pair.error();
        const char* env = std::getenv("CANVASS_KEY_PASSPHRASE");
        if (e.code == errc::wrong_key && !key.passphrase_file && !(env && *env)) {
            e.message += " (if the key's passphrase differs from the store's, give it with "
                         "--key-passphrase-file FILE or $CANVASS_KEY_PASSPHRASE)";
        }
        fail(ctx, e);
        return std::nullopt;
    }
    return std::move(pair).value();
}

}  // namespace canvass::cli
