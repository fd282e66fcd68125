// The canvass command line as a library: main() and the tests call run().
#pragma once

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace canvass::cli {

struct DeviceOptions;  // device_options.hpp

// What every command may use: where to print, and how the user wants it printed.
struct Context {
    std::ostream& out;
    std::ostream& err;
    std::istream& in;
    bool color = false;        // stdout is a terminal and NO_COLOR is unset
    bool interactive = false;  // stdin and stdout are terminals
    int exit_code = 0;         // set by the command that ran
    // --home and --passphrase-file, shared by every command family (device_options.hpp).
    std::shared_ptr<DeviceOptions> device_options{};
};

// Exit codes of every command (DESIGN.md section 8).
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;
inline constexpr int exit_usage = 2;

// Runs canvass with `args` (without the program name). Never throws.
int run(const std::vector<std::string>& args, Context& ctx);

// Each command family adds its subcommands to the root app (declared below, one per family).

// `form check FILE...`, `form validate FILE --answers FILE` and `form add FILE`
// (form_commands.cpp).
void add_form_commands(CLI::App& app, Context& ctx);
// init, forms, records, finalize, delete, status (device_commands.cpp).
void add_device_commands(CLI::App& app, Context& ctx);
void add_edit_command(CLI::App& app, Context& ctx);        // edit_command.cpp
void add_show_command(CLI::App& app, Context& ctx);        // show_command.cpp
void add_fill_command(CLI::App& app, Context& ctx);        // fill_command.cpp
void add_sync_commands(CLI::App& app, Context& ctx);       // sync_commands.cpp
void add_interview_commands(CLI::App& app, Context& ctx);  // interview_commands.cpp
void add_export_commands(CLI::App& app, Context& ctx);     // keys, export, conflicts, resolve
// `canvass desk`, the coordinator's web page (desk/desk_command.cpp), and `canvass review`
// (review_command.cpp).
void add_desk_command(CLI::App& app, Context& ctx);
void add_review_command(CLI::App& app, Context& ctx);
// `form import FILE.xlsx` and `form export FORM --out FILE.xlsx` (xlsform_commands.cpp).
void add_xlsform_commands(CLI::App& app, Context& ctx);

}  // namespace canvass::cli
