// Device commands that work fully offline and need nothing but canvass::Device: init, forms,
// records, finalize, delete, status. What they print is rendered here from the JSON the
// Device gives (docs/embedding.md has its shapes), so an app and the terminal see the same.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cctype>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app.hpp"
#include "device_options.hpp"
#include "passphrase.hpp"

namespace canvass::cli {

namespace {

using nlohmann::json;

// The Device's JSON text, parsed; it is the core's own output, so a failure is a bug.
Result<json> parsed(Result<std::string> text) {
    if (!text) return unexpected(std::move(text).error());
    auto j = json::parse(*text, nullptr, false);
    if (j.is_discarded())
        return unexpected(Domain::core, errc::corrupt, "the store gave text that is not JSON");
    return j;
}

std::string text_of(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::uint64_t count_of(const json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// Asks on the terminal before a delete; true on "y" or "yes". A record that is not found
// again is left to delete_record() to report.
bool confirm_delete(const Device& device, const std::string& id, Context& ctx) {
    std::string what = "record " + id;
    if (auto record = parsed(device.record(id))) {
        const auto status = text_of(*record, "status");
        what += " (" + text_of(*record, "form") + ", " + status + ")";
        what += status == "draft" ? ": the draft is erased from this device"
                                  : ": the delete syncs to the project like an edit";
    }
    ctx.out << "delete " << what << "? [y/N] " << std::flush;
    std::string answer;
    if (!std::getline(ctx.in, answer)) return false;
    for (auto& c : answer) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return answer == "y" || answer == "yes";
}

void print_records(const json& list, Context& ctx) {
    if (list.empty()) {
        ctx.out << "no records\n";
        return;
    }
    // The NAME column (the form's instance_name) only when some record has one.
    const bool named = std::any_of(list.begin(), list.end(),
                                   [](const json& s) { return !text_of(s, "name").empty(); });
    ctx.out << std::left << std::setw(38) << "RECORD" << std::setw(22) << "FORM" << std::setw(26)
            << "STATUS" << std::setw(10) << "CONFLICTS" << (named ? std::setw(22) : std::setw(0))
            << "UPDATED" << (named ? "NAME\n" : "\n");
    for (const auto& s : list) {
        ctx.out << std::setw(38) << text_of(s, "id") << std::setw(22) << text_of(s, "form")
                << std::setw(26) << text_of(s, "status") << std::setw(10)
                << count_of(s, "conflicts") << (named ? std::setw(22) : std::setw(0))
                << text_of(s, "updated") << (named ? text_of(s, "name") : "") << "\n";
    }
}

void print_status(const json& s, Context& ctx) {
    const bool enrolled = s.at("project").is_string();
    const auto role = text_of(s, "role");
    ctx.out << "device      " << text_of(s, "device");
    if (!text_of(s, "label").empty()) ctx.out << " (" << text_of(s, "label") << ")";
    ctx.out << "\n";
    if (enrolled) {
        ctx.out << "project     " << text_of(s, "project") << " (" << role << ") at "
                << text_of(s, "server") << "\n";
    } else {
        ctx.out << "project     none (not enrolled: canvass enroll TOKEN)\n";
    }
    const auto unsent_records = count_of(s, "unsent_records");
    ctx.out << "forms       " << count_of(s, "forms") << "\nrecords     "
            << count_of(s, "finalized") << " finalized, " << count_of(s, "drafts") << " drafts, "
            << count_of(s, "records_with_conflicts") << " with conflicts\nto sync     "
            << unsent_records << (unsent_records == 1 ? " interview (" : " interviews (")
            << count_of(s, "unsent_changesets") << " of " << count_of(s, "own_changesets")
            << " changesets)\n";
    if (const auto carried = count_of(s, "carried_changesets")) {
        const bool forwards = enrolled && (role == "organizer" || role == "coordinator");
        ctx.out << "carried     " << carried << " changesets of other devices, ";
        if (forwards)
            ctx.out << count_of(s, "carried_unsent_changesets")
                    << " not yet delivered to the server\n";
        else
            ctx.out << "kept here (only an organizer delivers others' work)\n";
    }
    for (const auto& r : s.at("refused_chains"))
        ctx.out << "REFUSED     " << count_of(r, "changesets") << " carried changesets of device "
                << text_of(r, "device") << " from seq " << count_of(r, "from_seq")
                << ": the server refused them (" << text_of(r, "reason")
                << "). They stay here and are not sent again; tell your coordinator\n";
    if (const auto forks = count_of(s, "equivocations"))
        ctx.out << "WARNING     " << forks << " forked chains kept as evidence\n";
    const auto& a = s.at("attachments");
    const auto held = count_of(a, "held"), unsent = count_of(a, "unsent"),
               received = count_of(a, "received"), partial = count_of(a, "partial"),
               carried = count_of(a, "carried"), waiting = count_of(a, "records_waiting");
    if (held || received || partial || carried) {
        ctx.out << "attachments " << held << " held here";
        if (unsent)
            ctx.out << ", " << unsent << " not yet delivered (" << waiting
                    << (waiting == 1 ? " record waits" : " records wait")
                    << " for its attachments to reach the server: canvass sync)";
        if (received || partial)
            ctx.out << "; " << received << " received whole, " << partial << " still arriving";
        if (carried)
            ctx.out << "; " << carried << " carried for other devices, to deliver at the next sync";
        ctx.out << "\n";
    }
    ctx.out << "digest      " << text_of(s, "digest") << "\n";
}

}  // namespace

void add_device_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);

    auto* init = app.add_subcommand("init", "create the device store (keys, passphrase)");
    init->callback([dev, &ctx] {
        auto home = resolve_home(*dev);
        if (Device::exists(home)) return fail(ctx, "a canvass store already exists in " + home);
        auto pass =
            read_passphrase({dev->passphrase_file}, "New passphrase for " + home + ": ", true);
        if (!pass) return fail(ctx, pass.error());
        auto created = Device::create(home, *pass);
        if (!created) return fail(ctx, created.error());
        auto status = parsed(created->status());
        if (!status) return fail(ctx, status.error());
        ctx.out << "created a canvass store in " << home << "\ndevice "
                << text_of(*status, "device") << "\n";
    });

    auto* forms = app.add_subcommand("forms", "list the forms installed on this device");
    auto forms_json = std::make_shared<bool>(false);
    forms->add_flag("--json", *forms_json, "machine-readable output");
    forms->callback([dev, forms_json, &ctx] {
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto list = parsed(device->forms());
        if (!list) return fail(ctx, list.error());
        if (*forms_json) {
            ctx.out << list->dump(2) << "\n";
            return;
        }
        for (const auto& f : *list) {
            ctx.out << text_of(f, "form_id") << "  version " << text_of(f, "version") << "  "
                    << count_of(f, "questions") << " questions  " << text_of(f, "title") << "\n";
        }
        if (list->empty()) ctx.out << "no forms installed (canvass form add FILE, or enroll)\n";
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
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto list = parsed(device->records(la->form));
        if (!list) return fail(ctx, list.error());
        if (la->json) {
            ctx.out << list->dump(2) << "\n";
            return;
        }
        print_records(*list, ctx);
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
        auto device = open_device(*dev, ctx);
        if (!device) return;
        std::vector<std::string> ids;
        if (fz->all) {
            auto list = parsed(device->records());
            if (!list) return fail(ctx, list.error());
            for (const auto& s : *list) {
                const auto status = text_of(s, "status");
                if (status == "draft" || status == "finalized, edit pending")
                    ids.push_back(text_of(s, "id"));
            }
        } else {
            auto id = device->find_record(fz->record);
            if (!id) return fail(ctx, id.error());
            ids.push_back(*id);
        }
        std::size_t done = 0;
        for (const auto& id : ids) {
            auto r = device->finalize(id);
            if (!r) {
                ctx.err << "canvass: " << id << ": " << r.error().message << "\n";
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
    auto* del = app.add_subcommand(
        "delete",
        "delete a record (a draft is erased; a finalized record is deleted by an edit that syncs)");
    del->add_option("RECORD", da->record, "record id (or its first characters)")->required();
    del->add_flag(
        "--yes,-y", da->yes,
        "do not ask for confirmation (it is asked only when stdin and stdout are a terminal)");
    del->callback([dev, da, &ctx] {
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto id = device->find_record(da->record);
        if (!id) return fail(ctx, id.error());
        if (auto may = device->may_change(*id); !may) return fail(ctx, may.error());
        if (ctx.interactive && !da->yes && !confirm_delete(*device, *id, ctx)) {
            ctx.out << "nothing deleted\n";
            return;
        }
        if (auto r = device->delete_record(*id); !r) return fail(ctx, r.error());
        ctx.out << "deleted " << *id << "\n";
    });

    auto status_json = std::make_shared<bool>(false);
    auto* status =
        app.add_subcommand("status", "what this device holds and what is waiting to sync");
    status->add_flag("--json", *status_json, "machine-readable output");
    status->callback([dev, status_json, &ctx] {
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto s = parsed(device->status());
        if (!s) return fail(ctx, s.error());
        if (*status_json) {
            ctx.out << s->dump(2) << "\n";
            return;
        }
        print_status(*s, ctx);
    });
}

}  // namespace canvass::cli
