// Device commands that still work on the store itself: form add, edit --answers (the others
// are in device_commands.cpp and show_command.cpp on canvass::Device, fill in fill_command.cpp).
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "attachment_answers.hpp"
#include "coordinator_session.hpp"
#include "device_session.hpp"
#include "form/json_text.hpp"
#include "interview_commands.hpp"
#include "xlsform/import.hpp"

namespace canvass::cli {

using nlohmann::json;

void add_store_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);

    CLI::App* form_cmd = nullptr;
    try {
        form_cmd = app.get_subcommand("form");
    } catch (const CLI::OptionNotFound&) {
        form_cmd = app.add_subcommand("form", "check, validate and install forms");
    }
    auto* add = form_cmd->add_subcommand("add", "install a form on this device (no server needed)");
    auto add_file = std::make_shared<std::string>();
    add->add_option("FILE", *add_file, "form file: JSON, .xlsx or .xls")->required();
    add->callback([dev, add_file, &ctx] {
        std::string text;
        if (*add_file != "-" && xlsform::is_spreadsheet_file(*add_file)) {
            auto imported = xlsform::import_file(*add_file);
            for (const auto& w : imported.warnings)
                ctx.err << *add_file << ": warning: " << xlsform::describe(w) << "\n";
            if (!imported.ok()) {
                for (const auto& p : imported.problems)
                    ctx.err << *add_file << ": " << xlsform::describe(p) << "\n";
                return fail(ctx, *add_file + " is not a valid form; nothing was installed");
            }
            text = std::move(imported.twin_text);
        } else {
            auto read = read_file(*add_file, ctx);
            if (!read) return fail(ctx, read.error());
            text = std::move(read).value();
        }
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto info = store->add_form(text);
        if (!info) return fail(ctx, *add_file + ": " + info.error().message);
        ctx.out << "installed " << info->form_id << " version " << info->version << " ("
                << info->questions << " questions)\n";
    });

    struct EditArgs {
        std::string record, answers, lang;
        KeyOptions key;
    };
    auto ea = std::make_shared<EditArgs>();
    auto* edit = app.add_subcommand("edit", "change a finalized record; the edit syncs and merges");
    edit->add_option("RECORD", ea->record, "record id (or its first characters)")->required();
    edit->add_option(
        "--answers", ea->answers,
        "JSON with only the fields to change ('-': stdin); without it, edit question by question");
    edit->add_option("--lang", ea->lang,
                     "language of the questions (edited one by one) and of the messages");
    add_record_key_options(edit, ea->key);
    edit->callback([dev, ea, &ctx] {
        if (ea->answers.empty())
            return edit_interactively(*dev, ea->record, ea->lang, ea->key, ctx);
        auto text = read_file(ea->answers, ctx);
        if (!text) return fail(ctx, text.error());
        auto changes = form::parse_json(*text);
        if (!changes) return fail(ctx, ea->answers + ": " + changes.error().message);
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto id = store->find_record(ea->record);
        if (!id) return fail(ctx, id.error());
        if (auto may = store->may_change(*id); !may) return fail(ctx, may.error());
        {
            // A path at a media question is the file to attach, as in `fill`.
            auto snapshot = store->record(*id);
            if (!snapshot) return fail(ctx, snapshot.error());
            auto form = store->form(snapshot->summary.form_id, snapshot->form_version);
            if (!form) return fail(ctx, form.error());
            const auto base = ea->answers == "-" ? std::filesystem::path(".")
                                                 : std::filesystem::path(ea->answers).parent_path();
            auto problems = attach_files(*store, **form, *changes, base);
            if (!problems.empty()) {
                for (const auto& p : problems)
                    ctx.err << "canvass: " << ea->answers << ": " << p.path << ": " << p.message
                            << "\n";
                return fail(ctx,
                            "nothing was saved: attach the files named above, or leave those "
                            "questions out");
            }
        }
        std::optional<coordinator::Record> readable;
        if (!ea->key.file.empty() &&
            !(readable = open_record_with_key(*store, *id, ea->key, *dev, ctx)))
            return;
        auto changed = store->edit(*id, *changes, ea->lang, readable ? &*readable->state : nullptr);
        if (!changed) return fail(ctx, changed.error());
        ctx.out << (*changed ? "saved the edit of " : "nothing changed in ")
                << merge::format_uuid(*id) << "\n";
    });
}

}  // namespace canvass::cli
