#include "device_options.hpp"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>

#include "passphrase.hpp"

namespace canvass::cli {

std::shared_ptr<DeviceOptions> add_device_options(CLI::App& app, Context& ctx) {
    if (ctx.device_options) return ctx.device_options;
    auto options = std::make_shared<DeviceOptions>();
    ctx.device_options = options;
    app.add_option("--home", options->home,
                   "directory of the device store (default: $CANVASS_HOME, else ~/.canvass)");
    app.add_option("--passphrase-file", options->passphrase_file,
                   "read the store passphrase from this file (else $CANVASS_PASSPHRASE, else ask)");
    return options;
}

std::string resolve_home(const DeviceOptions& options) {
    if (!options.home.empty()) return options.home;
    if (const char* env = std::getenv("CANVASS_HOME"); env && *env) return env;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.canvass";
}

void fail(Context& ctx, const std::string& message) {
    ctx.err << "canvass: " << message << "\n";
    ctx.exit_code = exit_failure;
}

void fail(Context& ctx, const Error& e) {
    fail(ctx, e.message);
}

std::optional<Unlocked> unlock_home(const DeviceOptions& options, Context& ctx) {
    auto home = resolve_home(options);
    if (!Device::exists(home)) {
        fail(ctx, "no canvass store in " + home + " (run 'canvass init' first, or give --home)");
        return std::nullopt;
    }
    auto pass = read_passphrase({options.passphrase_file}, "Passphrase for " + home + ": ", false);
    if (!pass) {
        fail(ctx, pass.error());
        return std::nullopt;
    }
    return Unlocked{std::move(home), std::move(pass).value()};
}

std::optional<Device> open_device(const DeviceOptions& options, Context& ctx) {
    auto u = unlock_home(options, ctx);
    if (!u) return std::nullopt;
    auto opened = Device::open(u->home, u->passphrase);
    if (!opened) {
        fail(ctx, opened.error());
        return std::nullopt;
    }
    return std::move(opened).value();
}

Result<std::string> read_file(const std::string& path, Context& ctx) {
    std::ostringstream buffer;
    if (path == "-") {
        buffer << ctx.in.rdbuf();
        return buffer.str();
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(Domain::core, errc::io, "cannot read " + path);
    buffer << in.rdbuf();
    return buffer.str();
}

}  // namespace canvass::cli
