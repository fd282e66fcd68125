#include "cli.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "commands.hpp"

namespace canvass::server {
namespace {

// "500M", "20G", "65536", "64K": bytes, at least 64 KiB.
std::optional<std::uint64_t> parse_size(const std::string& text) {
    std::uint64_t value = 0;
    std::size_t i = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        if (value > (std::uint64_t{1} << 50)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (i == 0) return std::nullopt;
    std::string unit = text.substr(i);
    int shift = unit.empty()  ? 0
                : unit == "K" ? 10
                : unit == "M" ? 20
                : unit == "G" ? 30
                : unit == "T" ? 40
                              : -1;
    if (shift < 0 || value > (std::uint64_t{1} << (62 - shift))) return std::nullopt;
    value <<= shift;
    if (value < (std::uint64_t{64} << 10)) return std::nullopt;
    return value;
}

std::string size_help(const std::string& text) {
    return "--max-db-size " + text +
           ": give a size of at least 64K, as a number of bytes or with K, M, G or T "
           "(e.g. 500M, 20G)";
}

// Adds the flags that tune `run`: deadlines and caps, shortened by tests.
void add_run_options(CLI::App& run, ServeOptions& o, std::uint64_t (&ms)[4]) {
    run.add_option("--listen", o.listen, "address to listen on, HOST:PORT (port 0: any free port)")
        ->required();
    run.add_option("--handshake-timeout", ms[0],
                   "milliseconds a client has to finish the handshake")
        ->capture_default_str();
    run.add_option("--idle-timeout", ms[1], "milliseconds of silence before a session is closed")
        ->capture_default_str();
    run.add_option("--read-timeout", ms[2], "milliseconds to receive the rest of a frame")
        ->capture_default_str();
    run.add_option("--write-timeout", ms[3], "milliseconds for a client to take what is sent")
        ->capture_default_str();
    run.add_option("--max-sessions", o.max_sessions,
                   "authenticated sessions at once; more are told the server is busy")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    run.add_option("--max-sessions-per-device", o.max_sessions_per_device,
                   "authenticated sessions one device may hold at once; more are refused")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    run.add_option("--assembly-per-device", o.assembly_per_device,
                   "bytes of the assembly budget one device's sessions together may hold")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1} << 20, std::size_t{1} << 34));
    run.add_option("--max-handshakes", o.max_handshakes,
                   "unfinished handshakes at once; beyond it the oldest is closed to make room")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    run.add_option("--max-handshakes-per-address", o.max_handshakes_per_address,
                   "unfinished handshakes from one source address")
        ->capture_default_str()
        ->check(CLI::Range(1, 100000));
    run.add_option("--assembly-budget", o.assembly_budget,
                   "bytes all sessions together may hold in messages still arriving")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1} << 20, std::size_t{1} << 34));
    run.add_option("--batch-changesets", o.batch_changesets, "changesets per batch")
        ->capture_default_str()
        ->check(CLI::Range(1, 1024));
    run.add_option("--batch-bytes", o.batch_bytes, "bytes of changesets per batch")
        ->capture_default_str()
        ->check(CLI::Range(1024, 4 << 20));
    run.add_option("--window", o.window, "batches in flight before an acknowledgement")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    run.add_option("--max-attachment-bytes", o.max_attachment_bytes,
                   "bytes one attachment (photo, recording, file) may have; told to devices, "
                   "checked before upload")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
    run.add_option("--max-device-attachment-bytes", o.max_device_attachment_bytes,
                   "bytes of attachments one device may deliver in all; told to devices, checked "
                   "before upload")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 50));
}

}  // namespace

int run_cli(int argc, char** argv) {
    // The data directory holds the server key and token secrets: nothing it creates (the
    // database and its -wal and -shm files included) is for other users to read.
    ::umask(077);
    CLI::App app{"canvass-server: the sync server of a canvass survey project"};
    app.require_subcommand(1);
    // Answered before anything else is checked: no --data needed.
    app.set_version_flag("--version", std::string("canvass-server ") + CANVASS_VERSION);
    ServerPaths data;
    app.add_option("--data", data.dir, "the server's data directory (every command but migrate)");
    bool needs_data = true;
    app.add_option("--database", data.database,
                   "a PostgreSQL store shared by several instances, postgresql://USER@HOST:PORT/DB "
                   "(with init: "
                   "saved in the data directory; default: DIR/database if present, else the "
                   "embedded DIR/server.db)");
    bool json = false;
    std::function<int()> command;

    auto* init = app.add_subcommand(
        "init", "create the data directory and the server key; print the public key");
    std::string init_address;
    init->add_option(
        "--address", init_address,
        "HOST:PORT where devices will reach this server (put in tokens); several instances: "
        "HOST:PORT,HOST:PORT, tried in turn");
    init->add_flag("--json", json, "print JSON");
    init->callback([&] { command = [&] { return cmd_init(data, init_address, json); }; });

    auto* project = app.add_subcommand("project", "manage projects");
    project->require_subcommand(1);
    auto* create = project->add_subcommand(
        "create", "create a project with its recipients, as a coordinator signed them");
    std::string project_name, statement_file;
    std::vector<std::string> bare_keys;
    create->add_option("NAME", project_name, "project name: letters, digits, - _ .")->required();
    create->add_option(
        "--recipients", statement_file,
        "the signed recipient statement from `canvass keys recipients` (a file or its text)");
    create->add_option("--recipient", bare_keys)->group("");  // the old form, explained below
    create->callback([&] {
        command = [&] {
            if (!bare_keys.empty() || statement_file.empty()) {
                std::cerr
                    << "canvass-server: a project's recipients must be signed by a coordinator, so "
                       "that "
                       "devices can check them without trusting this server.\nThe coordinator runs "
                       "`canvass keys recipients --key FILE --project "
                    << (project_name.empty() ? "NAME" : project_name)
                    << " --out recipients.txt`; then give --recipients recipients.txt\n";
                return 2;
            }
            return cmd_project_create(data, project_name, statement_file);
        };
    });
    auto* project_list =
        project->add_subcommand("list", "list projects with their device, record and form counts");
    project_list->add_flag("--json", json, "print JSON");
    project_list->callback([&] { command = [&] { return cmd_project_list(data, json); }; });
    auto* recipients = project->add_subcommand(
        "recipients",
        "print a project's current recipient statement, or --update it with the next one");
    std::string recipients_project, update_file;
    recipients->add_option("NAME", recipients_project, "project name")->required();
    recipients->add_option("--update", update_file,
                           "the next statement, signed by a coordinator the current one trusts");
    recipients->callback([&] {
        command = [&] { return cmd_project_recipients(data, recipients_project, update_file); };
    });

    auto* form = app.add_subcommand("form", "manage forms");
    form->require_subcommand(1);
    auto* publish =
        form->add_subcommand("publish", "check a form file and publish it to a project's devices");
    std::string form_project, form_file;
    publish->add_option("--project", form_project, "project name")->required();
    publish->add_option("FILE", form_file, "the form: a JSON file, or an XLSForm .xlsx or .xls")
        ->required()
        ->check(CLI::ExistingFile);
    publish->callback(
        [&] { command = [&] { return cmd_form_publish(data, form_project, form_file); }; });
    auto* form_list =
        form->add_subcommand("list", "list published forms: versions, dates, records per version");
    std::string form_list_project;
    form_list->add_option("--project", form_list_project, "only this project");
    form_list->add_flag("--json", json, "print JSON");
    form_list->callback(
        [&] { command = [&] { return cmd_form_list(data, form_list_project, json); }; });

    auto* token = app.add_subcommand("token", "manage enrollment tokens");
    token->require_subcommand(1);
    auto* token_create =
        token->add_subcommand("create", "make a single-use enrollment token (text and QR code)");
    TokenRequest request;
    token_create->add_option("--project", request.project, "project name")->required();
    token_create->add_option("--role", request.role, "collector, organizer or coordinator")
        ->required()
        ->check(CLI::IsMember({"collector", "organizer", "coordinator"}));
    token_create->add_option("--expires", request.expires, "validity, e.g. 72h, 7d, 30m")
        ->capture_default_str();
    token_create->add_option("--address", request.address,
                             "HOST:PORT devices connect to, or several separated by commas, tried "
                             "in turn (default: from init)");
    token_create->add_option(
        "--label", request.label,
        "a name for the device it enrolls (who carries it), shown in lists and logs");
    token_create->add_flag("--json", request.json, "print JSON");
    token_create->add_flag("--dark-on-light", request.dark_on_light,
                           "draw the QR code for a light terminal");
    token_create->callback([&] { command = [&] { return cmd_token_create(data, request); }; });
    auto* token_list = token->add_subcommand(
        "list", "list tokens: open, used (by which device), expired, revoked");
    std::string token_project;
    token_list->add_option("--project", token_project, "only this project");
    token_list->add_flag("--json", json, "print JSON");
    token_list->callback(
        [&] { command = [&] { return cmd_token_list(data, token_project, json); }; });
    auto* token_revoke = token->add_subcommand(
        "revoke", "end an unused token now (a token handed to the wrong person)");
    std::string token_id;
    token_revoke
        ->add_option("ID", token_id, "the token's id, or its first hex digits, from `token list`")
        ->required();
    token_revoke->callback([&] { command = [&] { return cmd_token_revoke(data, token_id); }; });

    auto* run = app.add_subcommand("run", "serve devices until SIGINT or SIGTERM");
    ServeOptions listen;
    auto millis = [](std::chrono::milliseconds d) { return static_cast<std::uint64_t>(d.count()); };
    std::uint64_t ms[4] = {millis(listen.handshake_timeout), millis(listen.idle_timeout),
                           millis(listen.read_timeout), millis(listen.write_timeout)};
    add_run_options(*run, listen, ms);
    std::string max_db_size;
    run->add_option(
           "--max-db-size", max_db_size,
           "a quota on server.db, e.g. 500M or 20G: beyond it devices are told the disk is full "
           "(reads and summaries go on); raise it and restart to make room")
        ->check([](const std::string& text) {
            return parse_size(text) ? std::string() : size_help(text);
        });
    run->callback([&] {
        command = [&] {
            listen.handshake_timeout = std::chrono::milliseconds(ms[0]);
            listen.idle_timeout = std::chrono::milliseconds(ms[1]);
            listen.read_timeout = std::chrono::milliseconds(ms[2]);
            listen.write_timeout = std::chrono::milliseconds(ms[3]);
            if (!max_db_size.empty()) listen.max_db_bytes = *parse_size(max_db_size);
            return cmd_run(data, listen);
        };
    });

    auto* devices =
        app.add_subcommand("devices", "list enrolled devices: label, last seen, records");
    devices->add_flag("--json", json, "print JSON");
    devices->callback([&] { command = [&] { return cmd_devices(data, json); }; });

    auto* revoke = app.add_subcommand("revoke", "refuse a device from now on");
    std::string device;
    revoke
        ->add_option("DEVICE", device,
                     "device id from `devices`, or its first hex digits (at least 4)")
        ->required();
    revoke->callback([&] { command = [&] { return cmd_revoke(data, device); }; });

    auto* stats = app.add_subcommand(
        "stats", "devices, records, changesets, equivocations, clocks, state digest");
    std::string stats_project;
    stats->add_option("--project", stats_project, "only this project");
    stats->add_flag("--json", json, "print JSON");
    stats->callback([&] { command = [&] { return cmd_stats(data, stats_project, json); }; });

    auto* migrate = app.add_subcommand("migrate",
                                       "copy an embedded server's state into an empty PostgreSQL "
                                       "database, checked by equal digests");
    std::filesystem::path migrate_from;
    std::string migrate_to;
    migrate
        ->add_option("--from", migrate_from, "the data directory of the server to copy (stopped)")
        ->required();
    migrate
        ->add_option("--to", migrate_to, "the PostgreSQL database, postgresql://USER@HOST:PORT/DB")
        ->required();
    migrate->add_flag("--json", json, "print JSON");
    migrate->callback([&] {
        needs_data = false;
        command = [&] { return cmd_migrate(migrate_from, migrate_to, json); };
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (needs_data && data.dir.empty()) {
        std::cerr << "--data is required\nRun with --help for more information.\n";
        return 2;
    }
    return command ? command() : 2;
}

}  // namespace canvass::server
