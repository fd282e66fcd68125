// `canvass edit RECORD [--answers CHANGES.json] [--key FILE] [--lang L]`: changes a
// finalized record, from a file of the fields to change or question by question
// (interview_commands.cpp), saving what changed as one edit that syncs and merges like any
// change. With --key, over the answers the coordinator key decrypts.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app.hpp"
#include "device_options.hpp"
#include "interview_commands.hpp"
#include "key_options.hpp"

namespace canvass::cli {

using nlohmann::json;

namespace {

struct EditArgs {
    std::string record, answers, lang;
    KeyOptions key;
};

void run_edit(const EditArgs& a, const DeviceOptions& dev, Context& ctx) {
    if (a.answers.empty()) return edit_interactively(dev, a.record, a.lang, a.key, ctx);
    auto changes = read_file(a.answers, ctx);
    if (!changes) return fail(ctx, changes.error());
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto id = device->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    if (auto may = device->may_change(*id); !may) return fail(ctx, may.error());
    auto held = device->record(*id);
    if (!held) return fail(ctx, held.error());
    const auto record = json::parse(*held);
    // A path at a media question is the file to attach, as in `fill`.
    const auto base = a.answers == "-" ? std::filesystem::path(".")
                                       : std::filesystem::path(a.answers).parent_path();
    auto attached =
        device->attach_files(record.at("form").get<std::string>(), *changes, base.string(),
                             record.at("form_version").get<std::string>());
    if (!attached) return fail(ctx, a.answers + ": " + attached.error().message);
    if (!attached->problems.empty()) {
        for (const auto& p : attached->problems)
            ctx.err << "canvass: " << a.answers << ": " << p.path << ": " << p.message << "\n";
        return fail(
            ctx, "nothing was saved: attach the files named above, or leave those questions out");
    }
    std::optional<Coordinator> view;
    if (!a.key.file.empty() && !(view = open_coordinator(*device, a.key, dev, ctx))) return;
    auto changed = view ? view->edit(*id, attached->answers, a.lang)
                        : device->edit(*id, attached->answers, a.lang);
    if (!changed) return fail(ctx, changed.error());
    ctx.out << (*changed ? "saved the edit of " : "nothing changed in ") << *id << "\n";
}

}  // namespace

void add_edit_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<EditArgs>();
    auto* cmd = app.add_subcommand("edit", "change a finalized record; the edit syncs and merges");
    cmd->add_option("RECORD", a->record, "record id (or its first characters)")->required();
    cmd->add_option(
        "--answers", a->answers,
        "JSON with only the fields to change ('-': stdin); without it, edit question by question");
    cmd->add_option("--lang", a->lang,
                    "language of the questions (edited one by one) and of the messages");
    add_record_key_options(cmd, a->key);
    cmd->callback([a, dev, &ctx] { run_edit(*a, *dev, ctx); });
}

}  // namespace canvass::cli
