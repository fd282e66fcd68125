// `canvass show RECORD [--key FILE] [--json]`: one record with its open conflicts, as the
// device holds it (Device::record) or, with the coordinator key, decrypted
// (Coordinator::record). This file only words what the core returns.
#include <CLI/CLI.hpp>

#include <memory>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct ShowArgs {
    std::string record;
    bool json = false;
    KeyOptions key;
};

const std::string& str(const json& j, const char* key) {
    return j.at(key).get_ref<const std::string&>();
}

void print_conflicts(std::ostream& out, const json& conflicts) {
    for (const auto& c : conflicts) {
        const auto& path = str(c, "path");
        if (str(c, "conflict") == "delete")
            out << "  " << (path.empty() ? std::string("the record") : path)
                << " deleted on one device and edited or kept on another\n";
        else
            out << "  conflict at " << path << ":\n";
        for (const auto& cand : c.at("candidates"))
            out << "    " << str(cand, "text") << "  by device " << str(cand, "device").substr(0, 8)
                << " at " << str(cand, "time") << "\n";
    }
}

// The record decrypted with the coordinator key over what the device holds: its answers,
// its name and its open conflicts with every candidate readable.
bool decrypt_into(json& shown, Device& device, const ShowArgs& a, const DeviceOptions& dev,
                  Context& ctx) {
    auto view = open_coordinator(device, a.key, dev, ctx);
    if (!view) return false;
    auto text = view->record(str(shown, "id"));
    if (!text) {
        fail(ctx, text.error());
        return false;
    }
    auto read = json::parse(*text);
    if (!read.at("readable").get<bool>())
        ctx.err << "canvass: warning: record " << str(shown, "id") << " is " << str(read, "status")
                << " with " << a.key.file
                << ": answers of the changesets that did not open are missing\n";
    shown["readable"] = read.at("readable");
    shown["answers"] = std::move(read.at("answers"));
    shown["name"] = std::move(read.at("instance_name"));
    json open = json::array();
    for (auto& c : read.at("conflict_list"))
        if (!c.at("resolved").get<bool>()) open.push_back(std::move(c));
    shown["conflicts"] = std::move(open);
    return true;
}

void run_show(const ShowArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto id = device->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    auto text = device->record(*id);
    if (!text) return fail(ctx, text.error());
    auto shown = json::parse(*text);
    // A draft is this device's own, readable already; a deleted record has nothing to show.
    const auto& status = str(shown, "status");
    if (!a.key.file.empty() && status != "draft" && status != "deleted" &&
        !decrypt_into(shown, *device, a, dev, ctx))
        return;
    if (a.json) {
        ctx.out << shown.dump(2) << "\n";
        return;
    }
    ctx.out << "record " << str(shown, "id") << "\n";
    if (!str(shown, "name").empty()) ctx.out << "name " << str(shown, "name") << "\n";
    ctx.out << "form " << str(shown, "form") << " version " << str(shown, "form_version")
            << "\nstatus " << status << "\n";
    if (!shown.at("readable").get<bool>() && a.key.file.empty())
        ctx.out << "answers: encrypted for the project's coordinators "
                   "(--key FILE, a coordinator key, decrypts them)\n";
    else
        ctx.out << "answers:\n" << shown.at("answers").dump(2) << "\n";
    if (!shown.at("conflicts").empty()) {
        ctx.out << "conflicts:\n";
        print_conflicts(ctx.out, shown.at("conflicts"));
    }
}

}  // namespace

void add_show_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<ShowArgs>();
    auto* cmd = app.add_subcommand("show", "show one record, with its conflicts");
    cmd->add_option("RECORD", a->record, "record id (or its first characters)")->required();
    cmd->add_flag("--json", a->json, "machine-readable output");
    add_record_key_options(cmd, a->key);
    cmd->callback([a, dev, &ctx] { run_show(*a, *dev, ctx); });
}

}  // namespace canvass::cli
