// `canvass interview FORM | --resume RECORD [--lang L]` and the interactive `canvass edit`:
// the terminal face of the interview engine (canvass/interview.hpp) over the device
// store (interview/device_sink.hpp).
#include "interview_commands.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <istream>
#include <memory>
#include <optional>

#include "form/attachment_ref.hpp"
#include "interview/device_sink.hpp"
#include "interview/session.hpp"

namespace canvass::cli {
namespace {

using canvass::interview::DeviceInterview;

// Where lines wrap: $COLUMNS when set, else the terminal's width; no wrapping when the
// output is not a terminal (a transcript or a pipe keeps its lines whole).
std::size_t line_width(const Context& ctx) {
    if (const char* columns = std::getenv("COLUMNS"); columns && *columns) {
        std::size_t n = 0;
        std::string_view text(columns);
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
        if (ec == std::errc() && end == text.data() + text.size() && n >= 20) return n;
    }
    if (!ctx.interactive) return 0;
    winsize size{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20) return size.ws_col;
    return 0;
}

// Feeds the session one line at a time until it is done or the input ends.
void converse(DeviceInterview& opened, store::DeviceStore& store, Context& ctx) {
    cli::interview::Session session(
        *opened.session,
        {ctx.color, line_width(ctx),
         [&opened] {
             auto id = opened.record();
             return id ? merge::format_uuid(*id) : std::string();
         },
         [&store](const std::string& path, const std::string& type) -> Result<std::string> {
             CANVASS_TRY(auto ref, store.add_attachment_file(path));
             if (auto problem = form::attachment_problem(ref.to_json(), type))
                 return unexpected(Domain::form, errc::invalid_argument, path + ": " + *problem);
             return ref.to_json().dump();
         }});
    ctx.out << session.start() << std::flush;
    std::string line;
    while (!session.done()) {
        if (!std::getline(ctx.in, line)) {
            ctx.out << session.end_of_input() << std::flush;
            break;
        }
        // Without a terminal nothing echoes what was typed: a transcript should read like the
        // screen.
        if (!ctx.interactive) ctx.out << line << "\n";
        ctx.out << session.respond(line) << std::flush;
    }
    if (session.outcome() == cli::interview::Outcome::draft_kept) {
        if (auto id = opened.record())
            ctx.out << "Resume with: canvass interview --resume "
                    << canvass::interview::short_id(*id) << "\n";
        else
            ctx.out << "No answer was given: nothing was saved.\n";
    }
    if (!opened.session->save_problem().empty()) ctx.exit_code = exit_failure;
}

// --home and --passphrase-file as given to the root app, where the store commands add them
// (device_session.hpp); read when the command runs.
DeviceOptions device_options(const CLI::App& root) {
    DeviceOptions device;
    if (const auto* home = root.get_option_no_throw("--home"); home && home->count())
        device.home = home->as<std::string>();
    if (const auto* file = root.get_option_no_throw("--passphrase-file"); file && file->count())
        device.passphrase_file = file->as<std::string>();
    return device;
}

// The form's languages, to name them when --lang is not one.
Result<void> language_ok(store::DeviceStore& store, const std::string& form_id,
                         const std::string& lang) {
    if (lang.empty()) return {};
    auto form = store.form(form_id);
    if (!form) return {};  // opening says which form is missing
    const auto& langs = (*form)->languages();
    if (std::find(langs.begin(), langs.end(), lang) != langs.end()) return {};
    std::string list;
    for (const auto& l : langs) list += " " + l;
    return unexpected(Domain::form, errc::invalid_argument,
                      "form " + form_id + " has no language " + lang + " (it has:" + list + ")");
}

struct InterviewArgs {
    std::string form, resume, lang;
};

void run_interview(const CLI::App& root, const InterviewArgs& args, Context& ctx) {
    if (args.form.empty() == args.resume.empty()) {
        ctx.err << "canvass: interview needs FORM, or --resume RECORD\n"
                   "Run 'canvass interview --help' for usage.\n";
        ctx.exit_code = exit_usage;
        return;
    }
    auto store = open_store(device_options(root), ctx);
    if (!store) return;
    std::string form_id = args.form;
    if (!args.resume.empty()) {
        auto id = store->find_record(args.resume);
        auto snap = id ? store->record(*id) : Result<store::RecordSnapshot>(unexpected(id.error()));
        if (snap) form_id = snap->summary.form_id;
    }
    if (auto ok = language_ok(*store, form_id, args.lang); !ok) return fail(ctx, ok.error());
    auto opened =
        canvass::interview::open_interview(*store, {args.form, args.resume, args.lang, {}});
    if (!opened) return fail(ctx, opened.error());
    converse(**opened, *store, ctx);
}

}  // namespace

void add_interview_commands(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<InterviewArgs>();
    auto* cmd = app.add_subcommand(
        "interview", "interview someone question by question (saved at every answer)");
    auto* form_opt = cmd->add_option("FORM", args->form, "form id ('canvass forms' lists them)");
    auto* resume_opt = cmd->add_option("--resume", args->resume,
                                       "continue the draft RECORD (its id or first characters) "
                                       "in the language it was left in");
    form_opt->excludes(resume_opt);
    cmd->add_option("--lang", args->lang,
                    "language of the questions (default: the form's, or the draft's)");
    cmd->callback([&app, args, &ctx] { run_interview(app, *args, ctx); });
}

void edit_interactively(const DeviceOptions& device, const std::string& record,
                        const std::string& lang, const KeyOptions& key, Context& ctx) {
    auto store = open_store(device, ctx);
    if (!store) return;
    auto id = store->find_record(record);
    if (!id) return fail(ctx, id.error());
    canvass::interview::EditStart start{record, lang, {}, std::nullopt, nullptr};
    std::optional<exporting::ExportRecord> readable;
    if (!key.file.empty()) {
        // Refused before the key is opened when the device may not change the record.
        if (auto may = store->may_change(*id); !may) return fail(ctx, may.error());
        if (!(readable = open_record_with_key(*store, *id, key, device, ctx))) return;
        start.readable_answers = readable->answers;
        start.readable_state = &*readable->state;
    }
    auto snap = store->record(*id);
    if (!snap) return fail(ctx, snap.error());
    if (auto ok = language_ok(*store, snap->summary.form_id, lang); !ok)
        return fail(ctx, ok.error());
    auto opened = canvass::interview::open_edit(*store, start);
    if (!opened) return fail(ctx, opened.error());
    converse(**opened, *store, ctx);
}

}  // namespace canvass::cli
