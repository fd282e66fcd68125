// `canvass keys create --out FILE` and `canvass keys show FILE`: the coordinator key whose
// public half the project's devices seal their data to (export/coordinator_key.hpp).
#include <CLI/CLI.hpp>

#include <memory>

#include "app.hpp"
#include "coordinator_session.hpp"
#include "export/coordinator_key.hpp"

namespace canvass::cli {

namespace {

void add_create(CLI::App* keys, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto k = std::make_shared<KeyOptions>();
    auto* create = keys->add_subcommand(
        "create", "make a new coordinator key file (passphrase-protected) and print its public key");
    create->add_option("--out", k->file, "the key file to write (never overwritten)")->required();
    add_key_passphrase_option(create, *k);
    create->callback([k, dev, &ctx] {
        auto pass = key_passphrase(*k, *dev, "New passphrase for coordinator key " + k->file + ": ", true);
        if (!pass) return fail(ctx, pass.error());
        auto pk = exporting::create_key_file(k->file, *pass);
        if (!pk) return fail(ctx, pk.error());
        // The key alone on stdout, so a script can capture it; the explanation beside it.
        ctx.out << exporting::recipient_text(*pk) << "\n";
        ctx.err << "created coordinator key " << k->file
                << ". Keep the file and its passphrase safe: without them nobody can decrypt the "
                   "project's data.\nThe line above is its public recipient key: "
                   "canvass-server project create NAME --recipient KEY\n";
    });
}

void add_show(CLI::App* keys, Context& ctx) {
    auto file = std::make_shared<std::string>();
    auto* show = keys->add_subcommand("show", "print the public recipient key of a coordinator key file");
    show->add_option("FILE", *file, "coordinator key file")->required();
    show->callback([file, &ctx] {
        auto pk = exporting::read_public_key(*file);
        if (!pk) return fail(ctx, pk.error());
        ctx.out << exporting::recipient_text(*pk) << "\n";
    });
}

}  // namespace

void add_keys_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto* keys = app.add_subcommand("keys", "coordinator keys: create one, show its public key");
    keys->require_subcommand(1);
    add_create(keys, dev, ctx);
    add_show(keys, ctx);
}

}  // namespace canvass::cli
