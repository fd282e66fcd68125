#include "app.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace canvass::cli {

int run(const std::vector<std::string>& args, Context& ctx) {
    CLI::App app{"canvass: offline-first field survey collector", "canvass"};
    app.require_subcommand(1);
    app.set_version_flag("--version", CANVASS_VERSION);
    // Options of the root (--home) may also follow a subcommand: `canvass records --home D`.
    app.fallthrough();
    ctx.device_options.reset();  // a Context may serve several runs (tests)
    // Command families register here, one line each.
    add_form_commands(app, ctx);
    add_xlsform_commands(app, ctx);
    add_device_commands(app, ctx);
    add_edit_command(app, ctx);
    add_show_command(app, ctx);
    add_fill_command(app, ctx);
    add_sync_commands(app, ctx);
    add_interview_commands(app, ctx);
    add_export_commands(app, ctx);
    add_desk_command(app, ctx);
    add_review_command(app, ctx);

    // CLI11 wants the arguments in reverse order when given as a vector.
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
        app.parse(reversed);
    } catch (const CLI::CallForHelp&) {
        ctx.out << app.help();
        return exit_ok;
    } catch (const CLI::CallForAllHelp&) {
        ctx.out << app.help("", CLI::AppFormatMode::All);
        return exit_ok;
    } catch (const CLI::CallForVersion& e) {
        ctx.out << CANVASS_VERSION << "\n";
        return exit_ok;
    } catch (const CLI::ParseError& e) {
        ctx.err << "canvass: " << e.what() << "\n";
        // Point at the help of the innermost subcommand reached, named by its whole chain
        // ("canvass form check --help"), so the user sees the usage that applies.
        std::string chain = "canvass";
        for (const CLI::App* sub = &app; !sub->get_subcommands().empty();) {
            sub = sub->get_subcommands().front();
            chain += " " + sub->get_name();
        }
        ctx.err << "Run '" << chain << " --help' for usage.\n";
        return exit_usage;
    } catch (const std::exception& e) {
        ctx.err << "canvass: " << e.what() << "\n";
        return exit_failure;
    }
    return ctx.exit_code;
}

}  // namespace canvass::cli
