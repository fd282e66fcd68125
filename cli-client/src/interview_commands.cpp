// `canvass interview FORM | --resume RECORD [--lang L]` and the interactive `canvass edit`:
// the terminal face of the interview engine (canvass/interview.hpp) on a canvass::Device,
// through the public API alone.
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

#include "interview/session.hpp"

namespace canvass::cli {
namespace {

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
void converse(Interview& opened, Device& device, Context& ctx) {
    cli::interview::Session session(
        opened.session(),
        {ctx.color, line_width(ctx), [&opened] { return opened.record_id().value_or(""); },
         // A kind of file the question does not take is refused before it is copied in.
         [&device](const std::string& path, const std::string& type) {
             return device.add_attachment_file(path, type);
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
        // A record's first 8 characters find it again (Device::find_record).
        if (auto id = opened.record_id())
            ctx.out << "Resume with: canvass interview --resume " << id->substr(0, 8) << "\n";
        else
            ctx.out << "No answer was given: nothing was saved.\n";
    }
    if (!opened.session().save_problem().empty()) ctx.exit_code = exit_failure;
}

// --home and --passphrase-file as given to the root app, where the device commands add them
// (device_options.hpp); read when the command runs.
DeviceOptions device_options(const CLI::App& root) {
    DeviceOptions device;
    if (const auto* home = root.get_option_no_throw("--home"); home && home->count())
        device.home = home->as<std::string>();
    if (const auto* file = root.get_option_no_throw("--passphrase-file"); file && file->count())
        device.passphrase_file = file->as<std::string>();
    return device;
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
    auto device = open_device(device_options(root), ctx);
    if (!device) return;
    auto opened = args.form.empty() ? device->resume_interview(args.resume, args.lang)
                                    : device->start_interview(args.form, args.lang);
    if (!opened) return fail(ctx, opened.error());
    converse(*opened, *device, ctx);
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

void edit_interactively(const DeviceOptions& options, const std::string& record,
                        const std::string& lang, const KeyOptions& key, Context& ctx) {
    auto device = open_device(options, ctx);
    if (!device) return;
    if (key.file.empty()) {
        auto opened = device->edit_interview(record, lang);
        if (!opened) return fail(ctx, opened.error());
        return converse(*opened, *device, ctx);
    }
    // Refused before the key is opened when the device may not change the record.
    auto id = device->find_record(record);
    if (!id) return fail(ctx, id.error());
    if (auto may = device->may_change(*id); !may) return fail(ctx, may.error());
    auto view = open_coordinator(*device, key, options, ctx);
    if (!view) return;
    auto opened = view->edit_interview(*id, lang);
    if (!opened) return fail(ctx, opened.error());
    converse(*opened, *device, ctx);
}

}  // namespace canvass::cli
