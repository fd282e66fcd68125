#include "commands.hpp"

#include <unistd.h>

#include <ctime>

#include <iostream>
#include <nlohmann/json.hpp>

#include "canvass/duration.hpp"
#include "canvass/forms.hpp"
#include "qr.hpp"

namespace canvass::server {
namespace {

using json = nlohmann::json;

int fail(const Error& e) {
    std::cerr << "canvass-server: " << e.message << "\n";
    return 1;
}
int fail(const std::string& message) {
    return fail(Error{Domain::core, errc::invalid_argument, message});
}

// "2026-12-01 17:31 UTC"
std::string date_of(std::uint64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    ::gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &tm);
    return text;
}

// What a statement says, for the administrator to compare with what the coordinator meant.
void describe_statement(std::ostream& out, const Server::Statement& s) {
    out << "recipient statement " << s.serial << " of " << s.project << ": " << s.recipients.size()
        << " recipient key(s), " << s.signers.size() << " signer(s)"
        << (s.share_past ? ", shares past epochs" : "") << "\n";
    for (const auto& r : s.recipients) out << "  recipient " << r << "\n";
    for (const auto& k : s.signers) out << "  signer    " << k << "\n";
}

}  // namespace

int cmd_init(const ServerPaths& data, const std::string& address, bool as_json) {
    auto key = Server::init(data, address);
    if (!key) return fail(key.error());
    if (as_json)
        std::cout << json{{"public_key", *key}, {"data", data.dir.string()}}.dump() << "\n";
    else
        std::cout << *key << "\n";
    std::cerr << "initialized " << data.dir.string()
              << "; the line above is the server's public key\n";
    return 0;
}

int cmd_project_create(const ServerPaths& data, const std::string& name,
                       const std::string& statement_file) {
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto statement = server->create_project(name, statement_file);
    if (!statement) return fail(statement.error());
    std::cout << "created project " << name << "; fingerprint " << statement->fingerprint << "\n";
    describe_statement(std::cout, *statement);
    return 0;
}

int cmd_project_recipients(const ServerPaths& data, const std::string& name,
                           const std::string& update_file) {
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    if (!update_file.empty()) {
        auto statement = server->update_recipients(name, update_file);
        if (!statement) return fail(statement.error());
        std::cerr << "devices adopt it at their next sync\n";
        describe_statement(std::cerr, *statement);
        return 0;
    }
    auto statement = server->recipients(name);
    if (!statement) return fail(statement.error());
    std::cout << statement->text << "\n";
    std::cerr << "fingerprint " << statement->fingerprint << "\n";
    describe_statement(std::cerr, *statement);
    return 0;
}

int cmd_form_publish(const ServerPaths& data, const std::string& project, const std::string& file) {
    // A JSON form is published as written; an XLSForm (.xlsx, .xls) as its JSON twin.
    auto checked = check_form_file(file);
    for (const auto& w : checked.warnings) std::cerr << file << ": warning: " << w.text << "\n";
    auto refuse = [&](const std::string& why) {
        if (!why.empty()) std::cerr << file << ": " << why << "\n";
        std::cerr << "canvass-server: " << file << " is not a valid form; nothing was published\n";
        return 1;
    };
    if (!checked.valid()) {
        for (const auto& p : checked.problems) std::cerr << file << ": " << p.text << "\n";
        return refuse("");
    }
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto form = server->publish_form(project, checked.json_text);
    if (!form) {
        if (form.error().domain == Domain::form) return refuse(form.error().message);
        return fail(form.error());
    }
    std::cout << "published form " << form->form_id << " version " << form->version << " to "
              << project << " (hash " << form->hash.substr(0, 16) << ")\n";
    return 0;
}

int cmd_token_create(const ServerPaths& data, const TokenRequest& req) {
    auto seconds = parse_duration(req.expires);
    if (!seconds)
        return fail("--expires \"" + req.expires + "\" is not a duration like 72h, 7d or 30m");
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto made = server->create_token({req.project, req.role, *seconds, req.address, req.label});
    if (!made) return fail(made.error());
    const auto& token = made->token;
    if (req.json) {
        std::cout << json{{"token", made->text},           {"id", token.id},
                          {"project", token.project},      {"role", token.role},
                          {"expires", token.expires_unix}, {"address", made->address},
                          {"label", token.label}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::cout << made->text << "\n";
    if (::isatty(STDOUT_FILENO)) {
        std::string upper = made->text;  // uppercase fits QR's compact alphanumeric mode
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (auto qr = render_qr(upper, req.dark_on_light)) std::cout << *qr;
        std::cout << "single use, " << token.role << " of " << token.project
                  << (token.label.empty() ? "" : " (" + token.label + ")") << ", valid until "
                  << date_of(token.expires_unix) << "; token id " << token.id.substr(0, 16)
                  << " (token revoke ID ends it)\n";
    }
    return 0;
}

int cmd_token_list(const ServerPaths& data, const std::string& project, bool as_json) {
    auto server = Server::open(data, Server::Access::read_only);
    if (!server) return fail(server.error());
    auto tokens = server->tokens(project);
    if (!tokens) return fail(tokens.error());
    json out = json::array();
    for (const auto& t : *tokens) {
        json j{{"id", t.id},
               {"project", t.project},
               {"role", t.role},
               {"created", t.created_unix},
               {"expires", t.expires_unix},
               {"status", t.status}};
        if (!t.used_by.empty()) j["used_by"] = t.used_by;
        if (!t.label.empty()) j["label"] = t.label;
        if (as_json) {
            out.push_back(std::move(j));
            continue;
        }
        std::cout << t.id.substr(0, 16) << "  " << t.project << "  " << t.role << "  " << t.status;
        if (!t.label.empty()) std::cout << "  \"" << t.label << "\"";
        if (!t.used_by.empty())
            std::cout << " by " << t.used_by.substr(0, 16) << " " << date_of(t.used_unix);
        else
            std::cout << (t.status == "open" ? " until " : " since ") << date_of(t.expires_unix);
        std::cout << "\n";
    }
    if (as_json) std::cout << out.dump() << "\n";
    return 0;
}

int cmd_token_revoke(const ServerPaths& data, const std::string& id) {
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto t = server->revoke_token(id);
    if (!t) return fail(t.error());
    std::cout << "revoked token " << t->id.substr(0, 16) << " (" << t->role << " of " << t->project
              << "): it can no longer enroll a device, and its secret is erased\n";
    return 0;
}

int cmd_run(const ServerPaths& data, const ServeOptions& options) {
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto done = server->serve(options, [](const std::string& address) {
        std::cout << "listening on " << address << std::endl;
    });
    if (!done) return fail(done.error());
    return 0;
}

int cmd_devices(const ServerPaths& data, bool as_json) {
    auto server = Server::open(data, Server::Access::read_only);
    if (!server) return fail(server.error());
    auto devices = server->devices();
    if (!devices) return fail(devices.error());
    json out = json::array();
    for (const auto& d : *devices) {
        bool flagged = d.refused_changes > 0;
        json refused =
            flagged ? json{{"changesets", d.refused_changes}, {"last", d.last_refusal}} : json();
        out.push_back({{"device", d.id},
                       {"label", d.label},
                       {"project", d.project},
                       {"role", d.role},
                       {"enrolled", d.enrolled_unix},
                       {"last_seen", d.last_seen_unix},
                       {"records", d.records},
                       {"revoked", d.revoked},
                       {"refused_changes", refused}});
        if (!as_json) {
            std::cout << d.id << "  " << (d.label.empty() ? "-" : "\"" + d.label + "\"") << "  "
                      << d.project << "  " << d.role << "  enrolled " << date_of(d.enrolled_unix)
                      << "  last seen " << (d.last_seen_unix ? date_of(d.last_seen_unix) : "never")
                      << "  " << d.records << (d.records == 1 ? " record" : " records")
                      << (d.revoked ? "  REVOKED" : "")
                      << (flagged ? "  FLAGGED: " + std::to_string(d.refused_changes) +
                                        " refused change(s) of records it may not change"
                                  : std::string())
                      << "\n";
            if (flagged) std::cout << "    last: " << d.last_refusal << "\n";
        }
    }
    if (as_json)
        std::cout << out.dump() << "\n";
    else if (devices->empty())
        std::cout << "no enrolled devices\n";
    return 0;
}

int cmd_revoke(const ServerPaths& data, const std::string& device) {
    auto server = Server::open(data);
    if (!server) return fail(server.error());
    auto d = server->revoke_device(device);
    if (!d) return fail(d.error());
    std::cout << "revoked " << d->id << (d->label.empty() ? "" : " (" + d->label + ")") << " of "
              << d->project << ": its next sync will be refused\n";
    return 0;
}

int cmd_project_list(const ServerPaths& data, bool as_json) {
    auto server = Server::open(data, Server::Access::read_only);
    if (!server) return fail(server.error());
    auto projects = server->projects();
    if (!projects) return fail(projects.error());
    json out = json::array();
    for (const auto& p : *projects) {
        out.push_back({{"project", p.name},
                       {"created", p.created_unix},
                       {"devices", p.devices},
                       {"revoked_devices", p.revoked_devices},
                       {"records", p.records},
                       {"forms", p.forms},
                       {"form_versions", p.form_versions}});
        if (!as_json)
            std::cout << p.name << "  created " << date_of(p.created_unix) << "  " << p.devices
                      << " device(s)"
                      << (p.revoked_devices ? " (" + std::to_string(p.revoked_devices) + " revoked)"
                                            : "")
                      << "  " << p.records << " record(s)  " << p.forms << " form(s), "
                      << p.form_versions << " version(s)\n";
    }
    if (as_json)
        std::cout << out.dump() << "\n";
    else if (projects->empty())
        std::cout << "no projects; create one with: canvass-server project create NAME\n";
    return 0;
}

int cmd_form_list(const ServerPaths& data, const std::string& project, bool as_json) {
    auto server = Server::open(data, Server::Access::read_only);
    if (!server) return fail(server.error());
    auto forms = server->forms(project);
    if (!forms) return fail(forms.error());
    json out = json::array();
    for (const auto& f : *forms) {
        out.push_back({{"project", f.project},
                       {"form", f.form_id},
                       {"version", f.version},
                       {"published", f.published_unix},
                       {"hash", f.hash},
                       {"records", f.records}});
        if (!as_json)
            std::cout << f.project << "  " << f.form_id << "  " << f.version << "  published "
                      << date_of(f.published_unix) << "  " << f.records
                      << (f.records == 1 ? " record" : " records") << "\n";
    }
    if (as_json)
        std::cout << out.dump() << "\n";
    else if (forms->empty())
        std::cout << "no published forms; publish one with: canvass-server form publish --project "
                     "NAME FILE\n";
    return 0;
}

int cmd_migrate(const std::filesystem::path& from, const std::string& to, bool as_json) {
    auto report = migrate_to_postgresql(from, to);
    if (!report) return fail(report.error());
    if (as_json) {
        json rows = json::object();
        for (const auto& t : report->tables) rows[t.name] = t.rows;
        json projects = json::array();
        for (const auto& p : report->projects)
            projects.push_back({{"project", p.name},
                                {"changesets", p.changesets},
                                {"state_digest", p.state_digest},
                                {"equal", p.equal}});
        std::cout << json{{"rows", rows},
                          {"attachments", report->attachments},
                          {"projects", projects}}
                         .dump()
                  << "\n";
    } else {
        for (const auto& t : report->tables)
            std::cout << "  " << t.name << ": " << t.rows << " row(s)\n";
        std::cout << "  attachments: " << report->attachments << "\n";
        for (const auto& p : report->projects)
            std::cout << "project " << p.name << ": " << p.changesets
                      << " changeset(s), state digest " << p.state_digest
                      << (p.equal ? " (equal in both stores)" : " (DIFFERS)") << "\n";
    }
    if (!report->equal())
        return fail("the PostgreSQL copy differs from " + (from / "server.db").string() +
                    "; do not use it");
    std::cerr << "copied; to serve from PostgreSQL, stop the server, save the URL as "
              << (from / "database").string() << " (mode 0600), and start it again\n";
    return 0;
}

int cmd_stats(const ServerPaths& data, const std::string& project, bool as_json) {
    auto server = Server::open(data, Server::Access::read_only);
    if (!server) return fail(server.error());
    auto stats = server->stats(project);
    if (!stats) return fail(stats.error());
    json out = json::array();
    for (const auto& s : *stats) {
        json j = {{"project", s.project},
                  {"devices", s.devices},
                  {"revoked_devices", s.revoked_devices},
                  {"records", s.records},
                  {"changesets", s.changesets},
                  {"equivocations", s.equivocations},
                  {"equivocating_devices", s.equivocating_devices},
                  {"future_clock", s.future_clock},
                  {"held_changesets", s.held_changesets},
                  {"held_devices", s.held_devices},
                  {"refused_changes", s.refused_changes},
                  {"refusing_devices", s.refusing_devices},
                  {"open_tokens", s.open_tokens},
                  {"state_digest", s.state_digest},
                  {"attachments", s.attachments},
                  {"attachments_partial", s.attachments_partial},
                  {"attachment_chunks", s.attachment_chunks},
                  {"attachment_bytes", s.attachment_bytes}};
        if (!as_json) {
            std::cout << "project " << s.project << "\n";
            for (const char* k :
                 {"devices", "revoked_devices", "records", "changesets", "equivocations",
                  "equivocating_devices", "future_clock", "held_changesets", "held_devices",
                  "refused_changes", "refusing_devices", "open_tokens", "attachments",
                  "attachments_partial", "attachment_chunks", "attachment_bytes", "state_digest"})
                std::cout << "  " << k << ": "
                          << (j[k].is_string() ? j[k].get<std::string>() : j[k].dump()) << "\n";
        }
        out.push_back(std::move(j));
    }
    if (as_json) std::cout << (project.empty() ? out : out.at(0)).dump() << "\n";
    return 0;
}

}  // namespace canvass::server
