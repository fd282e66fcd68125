// `canvass keys create|show|recipients`: the coordinator key whose public half the project's
// devices seal their data to (coordinator/key_file.hpp), and the signed statements that
// name a project's recipients (store/recipients.hpp).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>

#include "app.hpp"
#include "coordinator_session.hpp"
#include "crypto/hash.hpp"
#include "coordinator/key_file.hpp"
#include "store/recipients.hpp"

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
        auto pk = coordinator::create_key_file(k->file, *pass);
        if (!pk) return fail(ctx, pk.error());
        auto signing = coordinator::read_signing_key(k->file);
        // The key alone on stdout, so a script can capture it; the explanation beside it.
        ctx.out << coordinator::recipient_text(*pk) << "\n";
        ctx.err << "created coordinator key " << k->file
                << ". Keep the file and its passphrase safe: without them nobody can decrypt the "
                   "project's data.\nThe line above is its public recipient key";
        if (signing && *signing) ctx.err << "; its signing key is " << crypto::to_hex(**signing);
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
        auto pk = coordinator::read_public_key(k->file);
        if (!pk) return fail(ctx, pk.error());
        auto signing = coordinator::read_signing_key(k->file);
        if (!signing) return fail(ctx, signing.error());
        if (!*signing) {  // a file written before it named its signing key: derive it
            auto pair = open_coordinator_key(*k, *dev, ctx);
            if (!pair) return;
            *signing = store::coordinator_signing_key(pair->secret_key).public_key;
        }
        ctx.out << coordinator::recipient_text(*pk) << "\n";
        ctx.err << "recipient key (above): devices seal the project's data to it\n"
                << "signing key: " << crypto::to_hex(**signing)
                << " (give it to a coordinator who adds you with --add-signer)\n";
    });
}

template <class Key>
Result<std::vector<Key>> parse_keys(const std::vector<std::string>& texts, const char* option) {
    std::vector<Key> out;
    for (const auto& t : texts) {
        Key k{};
        if (!crypto::from_hex(t, k))
            return unexpected(Domain::core, errc::invalid_argument,
                              std::string(option) + " \"" + t +
                                  "\" is not 64 hex digits (see canvass keys show)");
        out.push_back(k);
    }
    return out;
}

// `set` with `add` appended and `remove` taken out, keeping order; each named key must make a
// difference, so a typo does not pass silently.
template <class Key>
Result<std::vector<Key>> changed(std::vector<Key> set, const std::vector<Key>& add,
                                 const std::vector<Key>& remove, const char* what) {
    for (const auto& k : add) {
        if (std::find(set.begin(), set.end(), k) != set.end())
            return unexpected(Domain::core, errc::invalid_argument,
                              std::string(what) + " " + crypto::to_hex(k) + " is already listed");
        set.push_back(k);
    }
    for (const auto& k : remove) {
        auto it = std::find(set.begin(), set.end(), k);
        if (it == set.end())
            return unexpected(Domain::core, errc::invalid_argument,
                              std::string(what) + " " + crypto::to_hex(k) + " is not listed");
        set.erase(it);
    }
    if (set.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          std::string("a project needs at least one ") + what +
                              "; add another before removing the last");
    return set;
}

struct RecipientsArgs {
    KeyOptions key;
    std::string project, from, out;
    std::vector<std::string> add_recipient, remove_recipient, add_signer, remove_signer;
    bool share_past = false;
};

void run_recipients(const RecipientsArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto add_r = parse_keys<crypto::DhPublicKey>(a.add_recipient, "--add-recipient");
    auto rm_r = parse_keys<crypto::DhPublicKey>(a.remove_recipient, "--remove-recipient");
    auto add_s = parse_keys<crypto::SigningPublicKey>(a.add_signer, "--add-signer");
    auto rm_s = parse_keys<crypto::SigningPublicKey>(a.remove_signer, "--remove-signer");
    for (const auto* r : {&add_r, &rm_r})
        if (!*r) return fail(ctx, r->error());
    for (const auto* r : {&add_s, &rm_s})
        if (!*r) return fail(ctx, r->error());
    auto pair = open_coordinator_key(a.key, dev, ctx);
    if (!pair) return;
    auto signing = store::coordinator_signing_key(pair->secret_key);

    store::RecipientStatement next;
    if (a.from.empty()) {
        if (a.project.empty())
            return usage_error(ctx, "give --project NAME for a new project's first statement");
        if (!rm_r->empty() || !rm_s->empty())
            return usage_error(
                ctx, "a first statement removes nothing; give --from CURRENT to change a project");
        next.project = a.project;
        auto r = changed<crypto::DhPublicKey>({pair->public_key}, *add_r, {}, "recipient");
        auto s = changed<crypto::SigningPublicKey>({signing.public_key}, *add_s, {}, "signer");
        if (!r) return fail(ctx, r.error());
        if (!s) return fail(ctx, s.error());
        next.recipients = std::move(r).value();
        next.signers = std::move(s).value();
    } else {
        auto current = store::read_statement(a.from);
        if (!current) return fail(ctx, current.error());
        if (!a.project.empty() && a.project != current->project)
            return fail(ctx, a.from + " is project " + current->project + "'s statement, not " +
                                 a.project + "'s");
        if (std::find(current->signers.begin(), current->signers.end(), signing.public_key) ==
            current->signers.end())
            return fail(ctx, "this key is not a signer of " + current->project +
                                 "'s recipient statement " + std::to_string(current->serial) +
                                 ": devices would refuse what it signs. Ask one of its signers to "
                                 "make the change");
        auto r = changed(current->recipients, *add_r, *rm_r, "recipient");
        auto s = changed(current->signers, *add_s, *rm_s, "signer");
        if (!r) return fail(ctx, r.error());
        if (!s) return fail(ctx, s.error());
        next.project = current->project;
        next.serial = current->serial + 1;
        next.prev = store::statement_digest(*current);
        next.recipients = std::move(r).value();
        next.signers = std::move(s).value();
    }
    next.share_past = a.share_past;
    try {
        store::sign_statement(next, signing);
    } catch (const std::invalid_argument& e) {
        return fail(ctx, std::string("cannot sign this statement: ") + e.what());
    }
    auto text = store::statement_text(next);
    if (a.out.empty()) {
        ctx.out << text << "\n";
    } else {
        std::ofstream out(a.out, std::ios::binary | std::ios::trunc);
        out << text << "\n";
        out.close();
        if (!out) return fail(ctx, "cannot write " + a.out);
    }
    ctx.err << "recipient statement " << next.serial << " of " << next.project << ": "
            << next.recipients.size() << " recipient(s), " << next.signers.size() << " signer(s)"
            << (next.share_past ? "; added recipients also read earlier work" : "") << "\n";
    if (next.serial == 1)
        ctx.err << "fingerprint " << crypto::to_hex(store::statement_digest(next))
                << "\nthen: canvass-server project create " << next.project << " --recipients "
                << (a.out.empty() ? "FILE" : a.out) << "\n";
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
    cmd->add_option("--project", a->project, "project name (for a new project's first statement)");
    cmd->add_option(
        "--from", a->from,
        "the current statement (file or text, from `canvass-server project recipients NAME`)");
    cmd->add_option("--add-recipient", a->add_recipient, "a recipient key to add (64 hex digits)");
    cmd->add_option("--remove-recipient", a->remove_recipient, "a recipient key to remove");
    cmd->add_option("--add-signer", a->add_signer,
                    "a coordinator's signing key to trust for later changes");
    cmd->add_option("--remove-signer", a->remove_signer, "a signing key to trust no longer");
    cmd->add_flag("--share-past", a->share_past,
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
