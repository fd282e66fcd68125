// `canvass desk --key FILE [--port N] [--devices FILE]`: the coordinator's web page on this
// machine (docs/desk.md). Unlocks the coordinator key once, decrypts the store's records
// into memory, listens on 127.0.0.1 and prints the one URL that opens a session.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <sstream>

#include "app.hpp"
#include "coordinator_commands.hpp"
#include "coordinator_session.hpp"
#include "desk/desk.hpp"
#include "desk/server.hpp"
#include "coordinator/view_json.hpp"
#include "device/access.hpp"
#include "sync_once.hpp"

namespace canvass::cli {

namespace {

struct DeskArgs {
    KeyOptions key;
    unsigned port = 0;
    std::string devices;
};

// The sync button: `canvass sync` once, its report as text.
desk::SyncAction sync_action(store::DeviceStore& store) {
    return [&store]() -> Result<std::string> {
        CANVASS_TRY(auto project, store.project());
        if (!project)
            return unexpected(Domain::core, errc::invalid_argument,
                              "this store is not enrolled in a project (canvass enroll TOKEN)");
        std::ostringstream out, err;
        std::istringstream in;
        Context quiet{out, err, in};
        auto device = device_over(store);
        CANVASS_TRY(auto outcome, sync_once(device, quiet));
        print_report(outcome, quiet);
        return out.str();
    };
}

void run_desk(const DeskArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto store = open_store(dev, ctx);
    if (!store) return;
    coordinator::DeviceLabels labels;
    if (!a.devices.empty()) {
        auto text = read_file(a.devices, ctx);
        if (!text) return fail(ctx, text.error());
        auto read = coordinator::parse_device_labels(*text);
        if (!read) return fail(ctx, a.devices + ": " + read.error().message);
        labels = std::move(read).value();
    }
    auto key = open_coordinator_key(a.key, dev, ctx);
    if (!key) return;
    auto server = desk::DeskServer::bind(a.port);
    if (!server) return fail(ctx, server.error());
    desk::Desk page(*store, *key, desk::Guard::random(server->port()),
                    desk::DeskSetup{std::move(labels), sync_action(*store)});
    if (auto loaded = page.load(); !loaded) return fail(ctx, loaded.error());
    std::size_t records = 0;
    for (const auto& f : page.forms()) records += f.records.size();
    ctx.out
        << "canvass desk: " << records << " record" << (records == 1 ? "" : "s") << " of "
        << page.forms().size() << " form" << (page.forms().size() == 1 ? "" : "s")
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
