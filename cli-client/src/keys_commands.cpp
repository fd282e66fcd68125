// `canvass keys create|show|recipients`: the coordinator key whose public half the project's
// devices seal their data to, and the signed statements that name a project's recipients
// (canvass/coordinator.hpp: the core makes and signs them, this file words it).
#include <CLI/CLI.hpp>

#include <fstream>
#include <memory>

#include "app.hpp"
#include "coordinator_commands.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

namespace {

void usage_error(Context& ctx, const std::string& message) {
    ctx.err << "canvass: " << message << "\n";
    ctx.exit_code = exit_usage;
}

void add_create(CLI::App* keys, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto k = std::make_shared<KeyOptions>();
    auto* create = keys->add_subcommand(
        "create",
        "make a new coordinator key file (passphrase-protected) and print its public key");
    create->add_option("--out", k->file, "the key file to write (never overwritten)")->required();
    add_key_passphrase_option(create, *k);
    create->callback([k, dev, &ctx] {
        auto pass =
            key_passphrase(*k, *dev, "New passphrase for coordinator key " + k->file + ": ", true);
        if (!pass) return fail(ctx, pass.error());
        auto made = create_coordinator_key(k->file, *pass);
        if (!made) return fail(ctx, made.error());
        // The key alone on stdout, so a script can capture it; the explanation beside it.
        ctx.out << made->public_key << "\n";
        ctx.err << "created coordinator key " << k->file
                << ". Keep the file and its passphrase safe: without them nobody can decrypt the "
                   "project's data.\nThe line above is its public recipient key";
        if (made->signing_key) ctx.err << "; its signing key is " << *made->signing_key;
        ctx.err << ".\nName the project's recipients with it: canvass keys recipients --key "
                << k->file << " --project NAME --out recipients.txt\n";
    });
}

void add_show(CLI::App* keys, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto k = std::make_shared<KeyOptions>();
    auto* show = keys->add_subcommand(
        "show", "print the public recipient key of a coordinator key file, and its signing key");
    show->add_option("FILE", k->file, "coordinator key file")->required();
    add_key_passphrase_option(show, *k);
    show->callback([k, dev, &ctx] {
        auto info = inspect_coordinator_key(k->file);
        if (!info) return fail(ctx, info.error());
        if (!info->signing_key) {  // a file written before it named its signing key: derive it
            auto pass = opening_passphrase(*k, *dev);
            if (!pass) return fail(ctx, pass.error());
            info = unlock_coordinator_key(k->file, *pass);
            if (!info) return fail(ctx, with_passphrase_hint(info.error(), *k));
        }
        ctx.out << info->public_key << "\n";
        ctx.err << "recipient key (above): devices seal the project's data to it\n"
                << "signing key: " << *info->signing_key
                << " (give it to a coordinator who adds you with --add-signer)\n";
    });
}

struct RecipientsArgs {
    KeyOptions key;
    RecipientChange change;
    std::string out;
};

void run_recipients(const RecipientsArgs& a, const DeviceOptions& dev, Context& ctx) {
    if (a.change.from.empty() && a.change.project.empty())
        return usage_error(ctx, "give --project NAME for a new project's first statement");
    if (a.change.from.empty() &&
        (!a.change.remove_recipients.empty() || !a.change.remove_signers.empty()))
        return usage_error(
            ctx, "a first statement removes nothing; give --from CURRENT to change a project");
    auto pass = opening_passphrase(a.key, dev);
    if (!pass) return fail(ctx, pass.error());
    auto signed_ = sign_recipients(a.key.file, *pass, a.change);
    if (!signed_) return fail(ctx, with_passphrase_hint(signed_.error(), a.key));
    const auto& next = *signed_;
    if (a.out.empty()) {
        ctx.out << next.text << "\n";
    } else {
        std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
        out << next.text << "\n";
        out.close();
        if (!out) return fail(ctx, "cannot write " + a.out);
    }
    ctx.err << "recipient statement " << next.serial << " of " << next.project << ": "
            << next.recipients << " recipient(s), " << next.signers << " signer(s)"
            << (next.share_past ? "; added recipients also read earlier work" : "") << "\n";
    if (next.serial == 1)
        ctx.err << "fingerprint " << next.fingerprint << "\nthen: canvass-server project create "
                << next.project << " --recipients " << (a.out.empty() ? "FILE" : a.out) << "\n";
    else
        ctx.err << "then: canvass-server project recipients " << next.project << " --update "
                << (a.out.empty() ? "FILE" : a.out) << "\n";
}

void add_recipients(CLI::App* keys, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<RecipientsArgs>();
    auto* cmd = keys->add_subcommand(
        "recipients",
        "sign the statement naming who may read a project's answers (a new project, or a change)");
    cmd->add_option("--key", a->key.file, "your coordinator key file")->required();
    add_key_passphrase_option(cmd, a->key);
    cmd->add_option("--project", a->change.project,
                    "project name (for a new project's first statement)");
    cmd->add_option(
        "--from", a->change.from,
        "the current statement (file or text, from `canvass-server project recipients NAME`)");
    cmd->add_option("--add-recipient", a->change.add_recipients,
                    "a recipient key to add (64 hex digits)");
    cmd->add_option("--remove-recipient", a->change.remove_recipients, "a recipient key to remove");
    cmd->add_option("--add-signer", a->change.add_signers,
                    "a coordinator's signing key to trust for later changes");
    cmd->add_option("--remove-signer", a->change.remove_signers,
                    "a signing key to trust no longer");
    cmd->add_flag("--share-past", a->change.share_past,
                  "added recipients may also read what devices saved before this change (default: "
                  "only new work)");
    cmd->add_option("--out", a->out, "file to write the statement to (default: standard output)");
    cmd->callback([a, dev, &ctx] { run_recipients(*a, *dev, ctx); });
}

}  // namespace

void add_keys_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto* keys = app.add_subcommand(
        "keys", "coordinator keys and the signed list of a project's recipients");
    keys->require_subcommand(1);
    add_create(keys, dev, ctx);
    add_show(keys, dev, ctx);
    add_recipients(keys, dev, ctx);
}

}  // namespace canvass::cli
