#include "coordinator_session.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include "coordinator/key_file.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/source.hpp"
#include "crypto/hash.hpp"
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
    auto pk = coordinator::read_public_key(key.file);
    if (!pk) {
        fail(ctx, pk.error());
        return std::nullopt;
    }
    auto pass =
        key_passphrase(key, device, "Passphrase for coordinator key " + key.file + ": ", false);
    if (!pass) {
        fail(ctx, pass.error());
        return std::nullopt;
    }
    auto pair = coordinator::open_key_file(key.file, *pass);
    if (!pair) {
        auto e = pair.error();
        const char* env = std::getenv("CANVASS_KEY_PASSPHRASE");
        if (e.code == errc::wrong_key && !key.passphrase_file && !(env && *env)) {
            e.message +=
                " (if the key's passphrase differs from the store's, give it with "
                "--key-passphrase-file FILE or $CANVASS_KEY_PASSPHRASE)";
        }
        fail(ctx, e);
        return std::nullopt;
    }
    return std::move(pair).value();
}

std::vector<std::string> decryption_warnings(const coordinator::DecryptionReport& report) {
    std::vector<std::string> lines;
    auto list = [&](const std::map<merge::DeviceId, std::size_t>& tally, const std::string& why) {
        for (const auto& [device, count] : tally) {
            lines.push_back(std::to_string(count) + " changeset" + (count == 1 ? "" : "s") +
                            " of device " + crypto::to_hex(device) + " " + why);
        }
    };
    list(
        report.no_grant,
        "could not be decrypted: the device never sealed that epoch's key to this coordinator "
        "key (it was not a recipient when the device enrolled, or its grants have not synced yet)");
    list(report.damaged,
         "could not be decrypted: the grant or the ciphertext does not open (damaged)");
    return lines;
}

void add_record_key_options(CLI::App* cmd, KeyOptions& options) {
    cmd->add_option("--key", options.file,
                    "coordinator key file: read the answers other devices encrypted for the "
                    "project's coordinators");
    add_key_passphrase_option(cmd, options);
}

std::optional<exporting::ExportRecord> open_record_with_key(store::DeviceStore& store,
                                                            const merge::RecordId& id,
                                                            const KeyOptions& key,
                                                            const DeviceOptions& device,
                                                            Context& ctx) {
    auto pair = open_coordinator_key(key, device, ctx);
    if (!pair) return std::nullopt;
    coordinator::DeviceStoreSource source(store);
    auto record = coordinator::load_whole_record(source, *pair, id, key.file);
    if (!record) {
        fail(ctx, record.error());
        return std::nullopt;
    }
    return std::move(record).value();
}

}  // namespace canvass::cli
