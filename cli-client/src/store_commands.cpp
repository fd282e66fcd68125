// Device commands that work fully offline: init, form add, forms, edit, records, show,
// finalize, delete, status (fill is in fill_command.cpp).
#include <algorithm>
#include <CLI/CLI.hpp>
#include <ctime>
#include <iomanip>
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
#include "passphrase.hpp"
#include "store/record_json.hpp"
#include "xlsform/import.hpp"

namespace canvass::cli {

using nlohmann::json;
using store::status_text;
using store::summary_json;
using store::time_text;

namespace {

// Asks on the terminal before a delete; true on "y" or "yes". A record that is not found
// again is left to delete_record() to report.
bool confirm_delete(store::DeviceStore& store, const merge::RecordId& id, Context& ctx) {
    auto snap = store.record(id);
    std::string what = "record " + merge::format_uuid(id);
    if (snap) {
        what += " (" + snap->summary.form_id + ", " + status_text(snap->summary) + ")";
        what += snap->summary.status == store::RecordStatus::draft
                    ? ": the draft is erased from this device"
                    : ": the delete syncs to the project like an edit";
    }
    ctx.out << "delete " << what << "? [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(ctx.in, answer)) return false;
    for (auto& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return answer == "y" || answer == "yes";
}

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
                << crypto::to_hex(cand.device).substr(0, 8) << " at " << time_text(merge::hlc_ms(cand.hlc)) << "\n";
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

    auto* init = app.add_subcommand("init", "create the device store (keys, passphrase)");
    init->callback([dev, &ctx] {
        auto home = resolve_home(*dev);
        if (store::DeviceStore::exists(home)) return fail(ctx, "a canvass store already exists in " + home);
        auto pass = read_passphrase({dev->passphrase_file}, "New passphrase for " + home + ": ", true);
        if (!pass) return fail(ctx, pass.error());
        auto created = store::DeviceStore::create(home, store::Passphrase{std::move(pass).value()});
        if (!created) return fail(ctx, created.error());
        ctx.out << "created a canvass store in " << home << "\ndevice "
                << crypto::to_hex(created->keys().id) << "\n";
    });

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
                for (const auto& p : imported.problems) ctx.err << *add_file << ": " << xlsform::describe(p) << "\n";
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

    auto* forms = app.add_subcommand("forms", "list the forms installed on this device");
    auto forms_json = std::make_shared<bool>(false);
    forms->add_flag("--json", *forms_json, "machine-readable output");
    forms->callback([dev, forms_json, &ctx] {
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto list = store->forms();
        if (!list) return fail(ctx, list.error());
        if (*forms_json) {
            ctx.out << store::forms_json(*list).dump(2) << "\n";
            return;
        }
        for (const auto& f : *list) {
            ctx.out << f.form_id << "  version " << f.version << "  " << f.questions
                    << " questions  " << f.title << "\n";
        }
        if (list->empty()) ctx.out << "no forms installed (canvass form add FILE, or enroll)\n";
    });

    struct EditArgs {
        std::string record, answers, lang;
        KeyOptions key;
    };
    auto ea = std::make_shared<EditArgs>();
    auto* edit = app.add_subcommand("edit", "change a finalized record; the edit syncs and merges");
    edit->add_option("RECORD", ea->record, "record id (or its first characters)")->required();
    edit->add_option("--answers", ea->answers,
                     "JSON with only the fields to change ('-': stdin); without it, edit question by question");
    edit->add_option("--lang", ea->lang, "language of the questions (edited one by one) and of the messages");
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
                for (const auto& p : problems) ctx.err << "canvass: " << ea->answers << ": " << p.path << ": " << p.message << "\n";
                return fail(ctx, "nothing was saved: attach the files named above, or leave those questions out");
            }
        }
        std::optional<coordinator::Record> readable;
        if (!ea->key.file.empty() &&
            !(readable = open_record_with_key(*store, *id, ea->key, *dev, ctx)))
            return;
        auto changed = store->edit(*id, *changes, ea->lang, readable ? &*readable->state : nullptr);
        if (!changed) return fail(ctx, changed.error());
        ctx.out << (*changed ? "saved the edit of " : "nothing changed in ") << merge::format_uuid(*id) << "\n";
    });

    struct ListArgs {
        std::string form;
        bool json = false;
    };
    auto la = std::make_shared<ListArgs>();
    auto* records = app.add_subcommand("records", "list the records on this device");
    records->add_option("--form", la->form, "only records of this form");
    records->add_flag("--json", la->json, "machine-readable output");
    records->callback([dev, la, &ctx] {
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto list = store->records(la->form);
        if (!list) return fail(ctx, list.error());
        if (la->json) {
            json out = json::array();
            for (const auto& s : *list) out.push_back(summary_json(s));
            ctx.out << out.dump(2) << "\n";
            return;
        }
        if (list->empty()) {
            ctx.out << "no records\n";
            return;
        }
        // The NAME column (the form's instance_name) only when some record has one.
        bool named = std::any_of(list->begin(), list->end(), [](const auto& s) { return !s.name.empty(); });
        ctx.out << std::left << std::setw(38) << "RECORD" << std::setw(22) << "FORM" << std::setw(26)
                << "STATUS" << std::setw(10) << "CONFLICTS" << (named ? std::setw(22) : std::setw(0))
                << "UPDATED" << (named ? "NAME\n" : "\n");
        for (const auto& s : *list) {
            ctx.out << std::setw(38) << merge::format_uuid(s.id) << std::setw(22) << s.form_id
                    << std::setw(26) << status_text(s) << std::setw(10) << s.conflicts
                    << (named ? std::setw(22) : std::setw(0)) << time_text(s.updated_ms)
                    << (named ? s.name : "") << "\n";
        }
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

    struct FinalizeArgs {
        std::string record;
        bool all = false;
    };
    auto fz = std::make_shared<FinalizeArgs>();
    auto* fin = app.add_subcommand("finalize", "finalize a draft (it then syncs)");
    auto* rec_opt = fin->add_option("RECORD", fz->record, "record id (or its first characters)");
    auto* all_opt = fin->add_flag("--all", fz->all, "finalize every draft");
    rec_opt->excludes(all_opt);
    fin->callback([dev, fz, &ctx] {
        if (fz->record.empty() && !fz->all) {
            ctx.err << "canvass: finalize needs RECORD or --all\n";
            ctx.exit_code = exit_usage;
            return;
        }
        auto store = open_store(*dev, ctx);
        if (!store) return;
        std::vector<merge::RecordId> ids;
        if (fz->all) {
            auto list = store->records();
            if (!list) return fail(ctx, list.error());
            for (const auto& s : *list) {
                if (s.status == store::RecordStatus::draft || s.pending_edit) ids.push_back(s.id);
            }
        } else {
            auto id = store->find_record(fz->record);
            if (!id) return fail(ctx, id.error());
            ids.push_back(*id);
        }
        std::size_t done = 0;
        for (const auto& id : ids) {
            auto r = store->finalize(id);
            if (!r) {
                ctx.err << "canvass: " << merge::format_uuid(id) << ": " << r.error().message << "\n";
                ctx.exit_code = exit_failure;
                continue;
            }
            ++done;
        }
        ctx.out << "finalized " << done << " record" << (done == 1 ? "" : "s") << "\n";
    });

    struct DeleteArgs {
        std::string record;
        bool yes = false;
    };
    auto da = std::make_shared<DeleteArgs>();
    auto* del = app.add_subcommand("delete", "delete a record (a draft is erased; a finalized record is deleted by an edit that syncs)");
    del->add_option("RECORD", da->record, "record id (or its first characters)")->required();
    del->add_flag("--yes,-y", da->yes,
                  "do not ask for confirmation (it is asked only when stdin and stdout are a terminal)");
    del->callback([dev, da, &ctx] {
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto id = store->find_record(da->record);
        if (!id) return fail(ctx, id.error());
        if (auto may = store->may_change(*id); !may) return fail(ctx, may.error());
        if (ctx.interactive && !da->yes && !confirm_delete(*store, *id, ctx)) {
            ctx.out << "nothing deleted\n";
            return;
        }
        auto r = store->delete_record(*id);
        if (!r) return fail(ctx, r.error());
        ctx.out << "deleted " << merge::format_uuid(*id) << "\n";
    });

    auto status_json = std::make_shared<bool>(false);
    auto* status = app.add_subcommand("status", "what this device holds and what is waiting to sync");
    status->add_flag("--json", *status_json, "machine-readable output");
    status->callback([dev, status_json, &ctx] {
        auto store = open_store(*dev, ctx);
        if (!store) return;
        auto s = store->status();
        if (!s) return fail(ctx, s.error());
        json out = store::status_json(*s);
        if (*status_json) {
            ctx.out << out.dump(2) << "\n";
            return;
        }
        ctx.out << "device      " << out["device"].get<std::string>();
        if (s->project && !s->project->label.empty()) ctx.out << " (" << s->project->label << ")";
        ctx.out << "\n";
        if (s->project) {
            ctx.out << "project     " << s->project->project << " (" << s->project->role << ") at "
                    << s->project->server_address << "\n";
        } else {
            ctx.out << "project     none (not enrolled: canvass enroll TOKEN)\n";
        }
        ctx.out << "forms       " << s->forms << "\nrecords     " << s->finalized << " finalized, "
                << s->drafts << " drafts, " << s->conflicts << " with conflicts\nto sync     "
                << s->unsent_records << (s->unsent_records == 1 ? " interview (" : " interviews (") << s->unsent
                << " of " << s->own_changesets << " changesets)\n";
        if (s->carried) {
            const bool forwards = s->project && (s->project->role == "organizer" || s->project->role == "coordinator");
            ctx.out << "carried     " << s->carried << " changesets of other devices, ";
            if (forwards) ctx.out << s->carried_unsent << " not yet delivered to the server\n";
            else ctx.out << "kept here (only an organizer delivers others' work)\n";
        }
        for (const auto& r : s->refused)
            ctx.out << "REFUSED     " << r.changesets << " carried changesets of device " << crypto::to_hex(r.device)
                    << " from seq " << r.seq << ": the server refused them (" << r.why
                    << "). They stay here and are not sent again; tell your coordinator\n";
        if (s->equivocations) ctx.out << "WARNING     " << s->equivocations << " forked chains kept as evidence\n";
        const auto& a = s->attachments;
        if (a.held || a.received || a.partial || a.carried) {
            ctx.out << "attachments " << a.held << " held here";
            if (a.unsent)
                ctx.out << ", " << a.unsent << " not yet delivered (" << a.records_waiting
                        << (a.records_waiting == 1 ? " record waits" : " records wait")
                        << " for its attachments to reach the server: canvass sync)";
            if (a.received || a.partial)
                ctx.out << "; " << a.received << " received whole, " << a.partial << " still arriving";
            if (a.carried) ctx.out << "; " << a.carried << " carried for other devices, to deliver at the next sync";
            ctx.out << "\n";
        }
        ctx.out << "digest      " << out["digest"].get<std::string>() << "\n";
    });
}

}  // namespace canvass::cli
