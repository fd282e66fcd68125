// `canvass conflicts [--form F] [--record R] [--resolved] [--key FILE] [--json]` lists
// conflicts with every candidate, and `canvass resolve RECORD PATH --value V` settles one
// with a coordinator edit that supersedes every candidate and syncs like any other
// (DESIGN.md section 5). The core lists and settles (Device and Coordinator, one listing
// for both); this file words what they return.
#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "coordinator_commands.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct ListArgs {
    ConflictQuery query;
    KeyOptions key;
    bool json = false;
};

const std::string& str(const json& j, const char* key) {
    return j.at(key).get_ref<const std::string&>();
}

void print_candidate(Context& ctx, const json& cand, const char* mark) {
    ctx.out << "    " << mark << str(cand, "text") << "  by device "
            << str(cand, "device").substr(0, 8) << " at " << str(cand, "time") << "\n";
}

void print_text(Context& ctx, const json& all, bool resolved_too) {
    if (all.empty()) {
        ctx.out << (resolved_too ? "no conflicts, open or resolved\n" : "no open conflicts\n");
        return;
    }
    bool open = false;
    const std::string* record = nullptr;
    for (const auto& c : all) {
        if (!record || *record != str(c, "record")) {
            record = &str(c, "record");
            ctx.out << "record " << *record << "  form " << str(c, "form") << "\n";
        }
        const auto& path = str(c, "path");
        const std::string where = path.empty() ? std::string("the record") : path;
        const auto& candidates = c.at("candidates");
        if (c.at("resolved").get<bool>()) {
            ctx.out << "  " << where << ": resolved, " << candidates.size()
                    << " candidates replaced by\n";
            print_candidate(ctx, c.at("resolution"), "= ");
            for (const auto& cand : candidates) print_candidate(ctx, cand, "  ");
            continue;
        }
        open = true;
        if (str(c, "conflict") == "delete")
            ctx.out << "  " << where << ": deleted on one device, kept or edited on another\n";
        else
            ctx.out << "  " << path << ": " << candidates.size() << " candidates\n";
        for (const auto& cand : candidates)
            print_candidate(ctx, cand, cand.at("shown").get<bool>() ? "* " : "  ");
    }
    if (open)
        ctx.out << "(* the value shown until resolved) settle one with: canvass resolve RECORD "
                   "PATH --value VALUE\n";
}

void run_list(const ListArgs& a, const DeviceOptions& d, Context& ctx) {
    if (a.query.resolved_too && a.key.file.empty())
        return fail(
            ctx, "--resolved reads every changeset's values: give --key FILE, a coordinator key");
    auto device = open_device(d, ctx);
    if (!device) return;
    json listed;
    if (a.key.file.empty()) {
        auto text = device->conflicts(a.query);
        if (!text) return fail(ctx, text.error());
        listed = json::parse(*text);
    } else {
        auto view = open_coordinator(*device, a.key, d, ctx);
        if (!view) return;
        auto text = view->conflicts(a.query);
        if (!text) return fail(ctx, text.error());
        auto both = json::parse(*text);
        for (const auto& line : both.at("unreadable").at("warnings"))
            ctx.err << "canvass: warning: " << line.get<std::string>() << "\n";
        listed = std::move(both.at("conflicts"));
    }
    if (a.json) {
        ctx.out << listed.dump(2) << "\n";
        return;
    }
    print_text(ctx, listed, a.query.resolved_too);
}

void add_list(CLI::App& app, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<ListArgs>();
    auto* cmd = app.add_subcommand("conflicts", "list open conflicts with every candidate");
    cmd->add_option("--form", a->query.form_id, "only records of this form");
    cmd->add_option("--record", a->query.record, "only this record (its id or first characters)");
    cmd->add_flag("--resolved", a->query.resolved_too,
                  "resolved conflicts too, with what settled them (needs --key)");
    cmd->add_option("--key", a->key.file, "coordinator key file: show every value decrypted");
    add_key_passphrase_option(cmd, a->key);
    cmd->add_flag("--json", a->json, "machine-readable output");
    cmd->callback([a, dev, &ctx] { run_list(*a, *dev, ctx); });
}

struct ResolveArgs {
    std::string record, path, value, lang;
    KeyOptions key;
};

void run_resolve(const ResolveArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto id = device->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    // Without the key a correction still works: the value replaces what this device has
    // seen, readable or not, checked where the question's rules allow (the core says when
    // they need --key).
    std::optional<Coordinator> view;
    if (!a.key.file.empty() && !(view = open_coordinator(*device, a.key, dev, ctx))) return;
    const auto value = typed_answer(a.value);
    auto done = view ? view->resolve(*id, a.path, value, a.lang)
                     : device->resolve(*id, a.path, value, a.lang);
    if (!done) return fail(ctx, done.error());
    if (done->settled)
        ctx.out << "resolved " << a.path << " of " << done->record << " to " << done->value
                << ", superseding " << done->superseded << " candidates";
    else
        ctx.out << "corrected " << a.path << " of " << done->record << " to " << done->value
                << " (no conflict was open there)";
    ctx.out << "; the edit syncs like any other\n";
}

void add_resolve(CLI::App& app, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<ResolveArgs>();
    auto* cmd = app.add_subcommand(
        "resolve",
        "settle a conflict (or correct one answer): the value replaces every value seen there");
    cmd->add_option("RECORD", a->record, "record id (or its first characters)")->required();
    cmd->add_option("PATH", a->path, "field path as 'canvass conflicts' shows it")->required();
    cmd->add_option("--value", a->value, "the answer: JSON, or plain text")->required();
    cmd->add_option("--lang", a->lang, "language of the messages");
    add_record_key_options(cmd, a->key);
    cmd->callback([a, dev, &ctx] { run_resolve(*a, *dev, ctx); });
}

}  // namespace

void add_conflict_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    add_list(app, dev, ctx);
    add_resolve(app, dev, ctx);
}

}  // namespace canvass::cli
