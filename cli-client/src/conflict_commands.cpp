// `canvass conflicts [--form F] [--record R] [--resolved] [--key FILE] [--json]` lists
// conflicts with every candidate, through the core's one listing (coordinator/conflicts.hpp);
// `canvass resolve RECORD PATH --value V` settles one with a coordinator edit that
// supersedes every candidate and syncs like any other (DESIGN.md section 5).
#include <CLI/CLI.hpp>

#include <memory>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "coordinator_commands.hpp"
#include "coordinator_session.hpp"
#include "coordinator/conflicts.hpp"
#include "coordinator/records.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/source.hpp"
#include "crypto/hash.hpp"
#include "export/cells.hpp"
#include "form/answer_types.hpp"
#include "form/json_text.hpp"
#include "merge/path.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct ListArgs {
    std::string form, record;
    bool resolved = false;
    KeyOptions key;
    bool json = false;
};

// Without the key: the store's own view, where only this device's values are readable and
// delete conflicts are listed without their candidates.
Result<std::vector<coordinator::RecordConflicts>> sealed_conflicts(
    store::DeviceStore& store, const coordinator::ConflictFilter& filter) {
    CANVASS_TRY(auto list, store.records(filter.form_id));
    std::vector<coordinator::Record> records;
    for (const auto& s : list) {
        if (filter.record && s.id != *filter.record) continue;
        // The store's count of a record's conflicts includes every one the listing could
        // find: a record it counts none for need not be read.
        if (s.conflicts == 0) continue;
        CANVASS_TRY(auto snap, store.record(s.id));
        if (!snap.view) continue;
        auto& r = records.emplace_back(s.id);
        r.state.reset();
        r.view = std::move(*snap.view);
        r.conflicts = coordinator::conflicts_of(r.view, nullptr);
    }
    return coordinator::list_conflicts(records, filter);
}

void print_json(Context& ctx, const std::vector<coordinator::RecordConflicts>& all,
                const char* unreadable) {
    ctx.out << coordinator::conflicts_json(all, unreadable).dump(2) << "\n";
}

void print_candidate(Context& ctx, const coordinator::ConflictCandidate& cand, const char* mark,
                     const char* unreadable) {
    ctx.out << "    " << mark << exporting::candidate_text(cand, unreadable) << "  by device "
            << crypto::to_hex(cand.device).substr(0, 8) << " at " << exporting::iso_time(cand.hlc)
            << "\n";
}

void print_text(Context& ctx, const std::vector<coordinator::RecordConflicts>& all,
                bool resolved_too, const char* unreadable) {
    if (all.empty()) {
        ctx.out << (resolved_too ? "no conflicts, open or resolved\n" : "no open conflicts\n");
        return;
    }
    bool open = false;
    for (const auto& r : all) {
        ctx.out << "record " << merge::format_uuid(r.record) << "  form " << r.form_id << "\n";
        for (const auto& c : r.conflicts) {
            std::string where = c.path.empty() ? std::string("the record") : c.path;
            if (c.resolved) {
                ctx.out << "  " << where << ": resolved, " << c.candidates.size()
                        << " candidates replaced by\n";
                print_candidate(ctx, *c.resolution, "= ", unreadable);
                for (const auto& cand : c.candidates) print_candidate(ctx, cand, "  ", unreadable);
                continue;
            }
            open = true;
            if (c.delete_conflict) {
                ctx.out << "  " << where << ": deleted on one device, kept or edited on another\n";
            } else {
                ctx.out << "  " << c.path << ": " << c.candidates.size() << " candidates\n";
            }
            for (const auto& cand : c.candidates)
                print_candidate(ctx, cand, cand.shown ? "* " : "  ", unreadable);
        }
    }
    if (open)
        ctx.out << "(* the value shown until resolved) settle one with: canvass resolve RECORD "
                   "PATH --value VALUE\n";
}

void run_list(const ListArgs& a, const DeviceOptions& d, Context& ctx) {
    auto store = open_store(d, ctx);
    if (!store) return;
    coordinator::ConflictFilter filter;
    filter.form_id = a.form;
    filter.scope =
        a.resolved ? coordinator::ConflictScope::resolved_too : coordinator::ConflictScope::open;
    if (!a.record.empty()) {
        auto id = store->find_record(a.record);
        if (!id) return fail(ctx, id.error());
        filter.record = *id;
    }
    if (a.key.file.empty()) {
        if (a.resolved)
            return fail(
                ctx,
                "--resolved reads every changeset's values: give --key FILE, a coordinator key");
        auto all = sealed_conflicts(*store, filter);
        if (!all) return fail(ctx, all.error());
        if (a.json) return print_json(ctx, *all, "(encrypted)");
        return print_text(ctx, *all, false, "(encrypted)");
    }
    auto key = open_coordinator_key(a.key, d, ctx);
    if (!key) return;
    coordinator::DeviceStoreSource source(*store);
    auto listing = coordinator::list_conflicts(source, *key, filter);
    if (!listing) return fail(ctx, listing.error());
    for (const auto& line : decryption_warnings(listing->report))
        ctx.err << "canvass: warning: " << line << "\n";
    if (a.json) return print_json(ctx, listing->records, "(not decrypted)");
    print_text(ctx, listing->records, a.resolved, "(not decrypted)");
}

void add_list(CLI::App& app, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<ListArgs>();
    auto* cmd = app.add_subcommand("conflicts", "list open conflicts with every candidate");
    cmd->add_option("--form", a->form, "only records of this form");
    cmd->add_option("--record", a->record, "only this record (its id or first characters)");
    cmd->add_flag("--resolved", a->resolved,
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
    auto store = open_store(dev, ctx);
    if (!store) return;
    auto id = store->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    std::optional<coordinator::Record> readable;
    if (!a.key.file.empty() && !(readable = open_record_with_key(*store, *id, a.key, dev, ctx)))
        return;
    auto value = coordinator::typed_value(a.value);
    auto settled = coordinator::resolve_field(*store, *id, a.path, value, a.lang,
                                              readable ? &*readable : nullptr);
    if (!settled) return fail(ctx, settled.error());
    if (*settled) {
        ctx.out << "resolved " << a.path << " of " << merge::format_uuid(*id) << " to "
                << form::short_json(value) << ", superseding " << (*settled)->candidates.size()
                << " candidates";
    } else {
        // No conflict: a coordinator's correction, which needs no key (the value replaces what
        // this device has seen, readable or not).
        ctx.out << "corrected " << a.path << " of " << merge::format_uuid(*id) << " to "
                << form::short_json(value) << " (no conflict was open there)";
    }
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
