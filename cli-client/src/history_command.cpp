// `canvass history RECORD --key FILE [--devices FILE] [--json]`: who changed which field of a
// record when, oldest first, with deletes, resolutions and coordinators' edits
// (coordinator/records.hpp, record_history). The core gives the history; this file words it.
#include <CLI/CLI.hpp>

#include <memory>

#include <nlohmann/json.hpp>

#include "app.hpp"
#include "coordinator/records.hpp"
#include "coordinator/source.hpp"
#include "coordinator_commands.hpp"
#include "coordinator_session.hpp"
#include "crypto/hash.hpp"
#include "export/cells.hpp"
#include "form/json_text.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

constexpr const char* kUnreadable = "(not decrypted)";
constexpr std::size_t kMaxDevicesFileBytes = 16u << 20;

struct HistoryArgs {
    std::string record, devices;
    KeyOptions key;
    bool json = false;
};

// Device labels from the JSON `canvass-server devices --json` prints: an array of objects
// with "device" (32 hex digits) and "label".
Result<coordinator::DeviceLabels> read_labels(const std::string& path, Context& ctx) {
    auto text = read_file(path, ctx);
    if (!text) return unexpected(text.error());
    auto bad = [&](const std::string& why) {
        return unexpected(
            Domain::core, errc::invalid_argument,
            path + ": " + why + " (give the file 'canvass-server devices --json' writes)");
    };
    if (text->size() > kMaxDevicesFileBytes) return bad("too large for a device list");
    auto doc = form::parse_json(*text);
    if (!doc) return bad(doc.error().message);
    if (!doc->is_array()) return bad("not a JSON array of devices");
    coordinator::DeviceLabels labels;
    for (std::size_t i = 0; i < doc->size(); ++i) {
        const auto& d = (*doc)[i];
        merge::DeviceId id{};
        auto where = "device " + std::to_string(i + 1);
        if (!d.is_object() || !d.contains("device") || !d["device"].is_string() ||
            !crypto::from_hex(d["device"].get<std::string>(), id))
            return bad(where + " has no \"device\" of 32 hex digits");
        if (d.contains("label") && !d["label"].is_string())
            return bad(where + ": \"label\" is not text");
        auto label = d.value("label", std::string());
        if (!label.empty()) labels[id] = label;
    }
    return labels;
}

std::string who(const coordinator::HistoryEntry& e, const merge::DeviceId& me) {
    std::string out = "device " + crypto::to_hex(e.device).substr(0, 8);
    if (!e.label.empty()) out += " \"" + e.label + "\"";
    if (e.device == me) out += " (this device)";
    return out;
}

std::string what(const coordinator::HistoryEntry& e) {
    if (e.creates) return "created the record";
    std::string out = e.by_creator ? "edited" : "coordinator's edit";
    if (e.resolves()) out += ", resolving a conflict";
    return out;
}

std::string value_text(const std::optional<std::string>& value, bool readable) {
    return exporting::answer_text(value, readable, kUnreadable);
}

void print_change(Context& ctx, const coordinator::FieldChange& c) {
    using coordinator::ChangeKind;
    std::string where = c.path.empty() ? std::string("the record") : c.path;
    switch (c.kind) {
        case ChangeKind::answer:
            ctx.out << "    " << c.path << " = " << value_text(c.value, c.readable);
            break;
        case ChangeKind::delete_record:
        case ChangeKind::delete_instance:
            ctx.out << "    deleted " << where;
            break;
        case ChangeKind::keep:
            ctx.out << "    kept " << where;
            break;
    }
    if (c.replaced.size() == 1 && c.kind == ChangeKind::answer) {
        ctx.out << "  (was " << value_text(c.replaced[0].value, c.replaced[0].readable) << ")";
    } else if (c.resolves()) {
        ctx.out << "  (settling " << c.replaced.size() << " candidates:";
        for (std::size_t i = 0; i < c.replaced.size(); ++i) {
            const auto& r = c.replaced[i];
            ctx.out << (i ? "; " : " ")
                    << (r.kind == ChangeKind::answer ? value_text(r.value, r.readable)
                                                     : exporting::change_kind_name(r.kind))
                    << " by " << crypto::to_hex(r.op.device).substr(0, 8);
        }
        ctx.out << ")";
    }
    ctx.out << "\n";
}

void print_text(Context& ctx, const coordinator::History& h, const merge::DeviceId& me) {
    ctx.out << "record " << merge::format_uuid(h.record) << "  form " << h.form_id << "  "
            << h.entries.size() << " change" << (h.entries.size() == 1 ? "" : "s") << "\n";
    for (const auto& e : h.entries) {
        ctx.out << exporting::iso_time(e.hlc) << "  " << who(e, me) << "  " << what(e) << "  (seq "
                << e.seq << ", form version " << e.form_version
                << (e.readable ? "" : ", not decrypted") << ")\n";
        for (const auto& c : e.changes) print_change(ctx, c);
    }
}

void run_history(const HistoryArgs& a, const DeviceOptions& dev, Context& ctx) {
    coordinator::DeviceLabels labels;
    if (!a.devices.empty()) {
        auto read = read_labels(a.devices, ctx);
        if (!read) return fail(ctx, read.error());
        labels = std::move(read).value();
    }
    auto store = open_store(dev, ctx);
    if (!store) return;
    auto id = store->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    auto key = open_coordinator_key(a.key, dev, ctx);
    if (!key) return;
    coordinator::DeviceStoreSource source(*store);
    auto history = coordinator::record_history(source, *key, *id, labels);
    if (!history) return fail(ctx, history.error());
    if (history->unreadable > 0) {
        ctx.err << "canvass: warning: " << history->unreadable << " of the "
                << history->entries.size() << " changes could not be decrypted with " << a.key.file
                << ": their values show as " << kUnreadable << "\n";
    }
    const auto& me = store->keys().id;
    if (a.json) {
        ctx.out << coordinator::history_json(*history, me).dump(2) << "\n";
        return;
    }
    print_text(ctx, *history, me);
}

}  // namespace

Result<coordinator::DeviceLabels> read_device_labels(const std::string& path, Context& ctx) {
    return read_labels(path, ctx);
}

void add_history_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<HistoryArgs>();
    auto* cmd = app.add_subcommand(
        "history",
        "who changed which field of a record when: edits, deletes, resolutions (coordinator)");
    cmd->add_option("RECORD", a->record, "record id (or its first characters)")->required();
    cmd->add_option("--key", a->key.file, "coordinator key file (canvass keys create)")->required();
    add_key_passphrase_option(cmd, a->key);
    cmd->add_option(
        "--devices", a->devices,
        "device names: the JSON 'canvass-server devices --json' prints, to label each device");
    cmd->add_flag("--json", a->json, "machine-readable output");
    cmd->callback([a, dev, &ctx] { run_history(*a, *dev, ctx); });
}

}  // namespace canvass::cli
