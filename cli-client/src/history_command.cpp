// `canvass history RECORD --key FILE [--devices FILE] [--json]`: who changed which field of a
// record when, oldest first, with deletes, resolutions and coordinators' edits. The core's
// coordinator view (canvass/coordinator.hpp) gives the history; this file words it.
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct HistoryArgs {
    std::string record, devices;
    KeyOptions key;
    bool json = false;
};

std::string who(const json& e) {
    std::string out = "device " + e.at("device").get<std::string>().substr(0, 8);
    if (const auto& label = e.at("label").get_ref<const std::string&>(); !label.empty())
        out += " \"" + label + "\"";
    if (e.at("this_device").get<bool>()) out += " (this device)";
    return out;
}

std::string what(const json& e) {
    if (e.at("creates").get<bool>()) return "created the record";
    std::string out = e.at("coordinator_edit").get<bool>() ? "coordinator's edit" : "edited";
    if (e.at("resolves").get<bool>()) out += ", resolving a conflict";
    return out;
}

void print_change(Context& ctx, const json& c) {
    const auto& path = c.at("path").get_ref<const std::string&>();
    const auto& kind = c.at("kind").get_ref<const std::string&>();
    const std::string where = path.empty() ? std::string("the record") : path;
    if (kind == "answer")
        ctx.out << "    " << path << " = " << c.at("text").get<std::string>();
    else if (kind == "keep")
        ctx.out << "    kept " << where;
    else
        ctx.out << "    deleted " << where;  // a record or a repeat instance
    const auto& replaced = c.at("replaced");
    if (replaced.size() == 1 && kind == "answer") {
        ctx.out << "  (was " << replaced[0].at("text").get<std::string>() << ")";
    } else if (c.at("resolves").get<bool>()) {
        ctx.out << "  (settling " << replaced.size() << " candidates:";
        for (std::size_t i = 0; i < replaced.size(); ++i) {
            const auto& r = replaced[i];
            ctx.out << (i ? "; " : " ")
                    << (r.at("kind") == "answer" ? r.at("text").get<std::string>()
                                                 : r.at("kind").get<std::string>())
                    << " by " << r.at("device").get<std::string>().substr(0, 8);
        }
        ctx.out << ")";
    }
    ctx.out << "\n";
}

void print_text(Context& ctx, const json& h) {
    const auto& entries = h.at("entries");
    ctx.out << "record " << h.at("record").get<std::string>() << "  form "
            << h.at("form").get<std::string>() << "  " << entries.size() << " change"
            << (entries.size() == 1 ? "" : "s") << "\n";
    for (const auto& e : entries) {
        ctx.out << e.at("time").get<std::string>() << "  " << who(e) << "  " << what(e) << "  (seq "
                << e.at("seq").get<std::uint64_t>() << ", form version "
                << e.at("form_version").get<std::string>()
                << (e.at("readable").get<bool>() ? "" : ", not decrypted") << ")\n";
        for (const auto& c : e.at("changes")) print_change(ctx, c);
    }
}

void run_history(const HistoryArgs& a, const DeviceOptions& dev, Context& ctx) {
    std::optional<std::string> devices;
    if (!a.devices.empty()) {
        auto text = read_file(a.devices, ctx);
        if (!text) return fail(ctx, text.error());
        devices = std::move(text).value();
    }
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto id = device->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    auto view = open_coordinator(*device, a.key, dev, ctx);
    if (!view) return;
    if (devices) {
        if (auto labelled = view->label_devices(*devices); !labelled)
            return fail(ctx, a.devices + ": " + labelled.error().message);
    }
    auto text = view->history(*id);
    if (!text) return fail(ctx, text.error());
    const auto history = json::parse(*text);
    if (auto unreadable = history.at("unreadable").get<std::size_t>(); unreadable > 0) {
        ctx.err << "canvass: warning: " << unreadable << " of the " << history.at("entries").size()
                << " changes could not be decrypted with " << a.key.file
                << ": their values show as (not decrypted)\n";
    }
    if (a.json) {
        ctx.out << history.dump(2) << "\n";
        return;
    }
    print_text(ctx, history);
}

}  // namespace

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
