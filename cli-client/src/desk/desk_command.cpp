// `canvass desk --key FILE [--port N] [--devices FILE]`: the coordinator's web page on this
// machine (docs/desk.md). Unlocks the coordinator key once, decrypts the store's records
// into memory, listens on 127.0.0.1 and prints the one URL that opens a session.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <sstream>

#include "app.hpp"
#include "desk/desk.hpp"
#include "desk/server.hpp"
#include "key_options.hpp"
#include "sync_once.hpp"

namespace canvass::cli {

namespace {

struct DeskArgs {
    KeyOptions key;
    unsigned port = 0;
    std::string devices;
};

// The sync button: `canvass sync` once, its report as text.
desk::SyncAction sync_action(Device& device) {
    return [&device]() -> Result<std::string> {
        CANVASS_TRY(auto project, device.project());
        if (!project)
            return unexpected(Domain::core, errc::invalid_argument,
                              "this store is not enrolled in a project (canvass enroll TOKEN)");
        std::ostringstream out, err;
        std::istringstream in;
        Context quiet{out, err, in};
        CANVASS_TRY(auto outcome, sync_once(device, quiet));
        print_report(outcome, quiet);
        return out.str();
    };
}

void run_desk(const DeskArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto device = open_device(dev, ctx);
    if (!device) return;
    std::optional<std::string> devices_text;
    if (!a.devices.empty()) {
        auto text = read_file(a.devices, ctx);
        if (!text) return fail(ctx, text.error());
        devices_text = std::move(text).value();
    }
    auto coordinator = open_coordinator(*device, a.key, dev, ctx);
    if (!coordinator) return;
    if (devices_text)
        if (auto read = coordinator->label_devices(*devices_text); !read)
            return fail(ctx, a.devices + ": " + read.error().message);
    auto server = desk::DeskServer::bind(a.port);
    if (!server) return fail(ctx, server.error());
    desk::Desk page(*device, *coordinator, desk::Guard::random(server->port()),
                    desk::DeskSetup{sync_action(*device)});
    if (auto loaded = page.load(); !loaded) return fail(ctx, loaded.error());
    std::size_t records = 0;
    for (const auto& t : page.tables()) records += t.rows().size();
    ctx.out
        << "canvass desk: " << records << " record" << (records == 1 ? "" : "s") << " of "
        << page.tables().size() << " form" << (page.tables().size() == 1 ? "" : "s")
        << " decrypted in memory\n"
        << "open " << page.guard().first_url() << "\n"
        << "(the link works once, in one browser; it listens on 127.0.0.1 only; stop with Ctrl-C)\n"
        << std::flush;
    auto served = server->run([&page](const desk::Request& r) { return page.handle(r); });
    if (!served) return fail(ctx, served.error());
    ctx.out << "canvass desk: stopped\n";
}

}  // namespace

void add_desk_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<DeskArgs>();
    auto* cmd =
        app.add_subcommand("desk", "the coordinator's web page on this machine (127.0.0.1 only)");
    cmd->add_option("--key", a->key.file, "coordinator key file (canvass keys create)")->required();
    cmd->add_option("--port", a->port, "port on 127.0.0.1 (default: one the system chooses)")
        ->check(CLI::Range(0u, 65535u));
    cmd->add_option("--devices", a->devices,
                    "names of the devices: the JSON 'canvass-server devices --json' prints");
    add_key_passphrase_option(cmd, a->key);
    cmd->callback([a, dev, &ctx] { run_desk(*a, *dev, ctx); });
}

}  // namespace canvass::cli
