#include "app.hpp"

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>

namespace canvass::cli {

int run(const std::vector<std::string>& args, Context& ctx) {
    CLI::App app{"canvass: offline-first field survey collector", "canvass"};
    app.require_subcommand(1);
    app.set_version_flag("--version", CANVASS_VERSION);
    // Command families register here, one line each.

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
        // Help of the innermost subcommand that was reached, so the user sees the usage.
        const CLI::App* sub = &app;
        while (!sub->get_subcommands().empty()) sub = sub->get_subcommands().front();
        ctx.err << "Run 'canvass " << (sub == &app ? "" : sub->get_name() + " ")
                << "--help' for usage.\n";
        return exit_usage;
    } catch (const std::exception& e) {
        ctx.err << "canvass: " << e.what() << "\n";
        return exit_failure;
    }
    return ctx.exit_code;
}

}  // namespace canvass::cli
