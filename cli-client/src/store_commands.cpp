// Device commands that still work on the store itself: form add, edit, show (the others are
// in device_commands.cpp on canvass::Device, fill in fill_command.cpp).
#include <CLI/CLI.hpp>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "app.hpp"
#include "attachment_answers.hpp"
#include "coordinator/conflicts.hpp"
#include "coordinator_session.hpp"
#include "crypto/hash.hpp"
#include "device_session.hpp"
#include "export/cells.hpp"
#include "form/json_text.hpp"
#include "interview_commands.hpp"
#include "store/record_json.hpp"
#include "xlsform/import.hpp"

namespace canvass::cli {

using nlohmann::json;
using store::status_text;
using store::time_text;

namespace {

// A record's open conflicts, as the core's one listing gives them (coordinator/conflicts.hpp).
void print_conflicts(std::ostream& out, const std::vector<coordinator::Conflict>& conflicts) {
    for (const auto& c : conflicts) {
        if (c.delete_conflict) {
            out << "  " << (c.path.empty() ? std::string("the record") : c.path)
                << " deleted on one device and edited or kept on another\n";
        } else {
            out << "  conflict at " << c.path << ":\n";
        }
        for (const auto& cand : c.candidates) {
            out << "    " << exporting::candidate_text(cand, "(encrypted)") << "  by device "
                << crypto::to_hex(cand.device).substr(0, 8) << " at "
                << time_text(merge::hlc_ms(cand.hlc)) << "\n";
        }
    }
}

// The same as `show --json` gives them: [{path, kind, candidates: [{value, device, time}]}].
json conflicts_json(const std::vector<coordinator::Conflict>& conflicts) {
    json out = json::array();
    for (const auto& c : conflicts) {
        json item{{"path", c.path}, {"kind", c.delete_conflict ? "delete" : "value"}};
        json candidates = json::array();
        for (const auto& cand : c.candidates) {
            json value;
            if (cand.readable && cand.value) value = form::parse_value(*cand.value);
            if (value.is_discarded()) value = nullptr;
            candidates.push_back({{"value", value},
                                  {"device", crypto::to_hex(cand.device)},
                                  {"time", time_text(merge::hlc_ms(cand.hlc))}});
        }
        if (!c.delete_conflict || !candidates.empty()) item["candidates"] = std::move(candidates);
        out.push_back(std::move(item));
    }
    return out;
}

}  // namespace

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

    struct ShowArgs {
        std::string record;
        bool json = false;
        KeyOptions key;
    };
    auto sa = std::make_shared<ShowArgs>();
    auto* show = app.add_subcommand("show", "show one record, with its conflicts");
    show->add_option("RECORD", sa->record, "record id (or its first characters)")->required();
    show->add_flag("--json", sa->json, "machine-readable output");
    add_record_key_options(show, sa->key);
    show->callback([dev, sa, &ctx] {
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto id = store->find_record(sa->record);
        if (!id) return fail(ctx, id.error());
        auto snap = store->record(*id);
        if (!snap) return fail(ctx, snap.error());
        std::vector<coordinator::Conflict> conflicts;
        if (!sa->key.file.empty() && snap->view) {
            auto readable = open_record_with_key(*store, *id, sa->key, *dev, ctx);
            if (!readable) return;
            snap->readable = true;
            snap->answers = std::move(readable->answers);
            snap->view = std::move(readable->view);
            conflicts = std::move(readable->conflicts);
        } else if (snap->view) {
            conflicts = coordinator::conflicts_of(*snap->view, nullptr);
        }
        if (sa->json) {
            auto out = store::record_json(*snap);
            out["conflicts"] = conflicts_json(conflicts);
            ctx.out << out.dump(2) << "\n";
            return;
        }
        ctx.out << "record " << merge::format_uuid(*id) << "\n";
        if (!snap->summary.name.empty()) ctx.out << "name " << snap->summary.name << "\n";
        ctx.out << "form " << snap->summary.form_id << " version " << snap->form_version
                << "\nstatus " << status_text(snap->summary) << "\n";
        if (!snap->readable) {
            ctx.out << "answers: encrypted for the project's coordinators "
                       "(--key FILE, a coordinator key, decrypts them)\n";
        } else {
            ctx.out << "answers:\n" << snap->answers.dump(2) << "\n";
        }
        if (!conflicts.empty()) {
            ctx.out << "conflicts:\n";
            print_conflicts(ctx.out, conflicts);
        }
    });
}

}  // namespace canvass::cli
