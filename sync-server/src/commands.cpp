#include "commands.hpp"

#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "data_dir.hpp"
#include "form/loader.hpp"
#include "media_vault.hpp"
#include "migrate.hpp"
#include "pg/connection.hpp"
#include "net/tcp_transport.hpp"
#include "qr.hpp"
#include "record_keeper.hpp"
#include "store/recipients.hpp"
#include "sync/messages.hpp"
#include "sync/token.hpp"
#include "canvass/clock.hpp"
#include "canvass/duration.hpp"
#include "util/utc_text.hpp"
#include "xlsform/import.hpp"

namespace canvass::server {
namespace {

using json = nlohmann::json;

std::uint64_t now_unix() {
    return system_clock().now_ms() / 1000;
}

int fail(const Error& e) {
    std::cerr << "canvass-server: " << e.message << "\n";
    return 1;
}
int fail(const std::string& message) {
    return fail(Error{Domain::core, errc::invalid_argument, message});
}

std::string date_of(std::uint64_t unix_seconds) {
    auto text = util::utc_text(unix_seconds * 1000);  // 2026-12-01T17:31:13Z
    return text.substr(0, 10) + " " + text.substr(11, 5) + " UTC";
}

// What a statement says, for the administrator to compare with what the coordinator meant.
void describe_statement(std::ostream& out, const store::RecipientStatement& s) {
    out << "recipient statement " << s.serial << " of " << s.project << ": " << s.recipients.size()
        << " recipient key(s), " << s.signers.size() << " signer(s)"
        << (s.share_past ? ", shares past epochs" : "") << "\n";
    for (const auto& r : s.recipients) out << "  recipient " << crypto::to_hex(r) << "\n";
    for (const auto& k : s.signers) out << "  signer    " << crypto::to_hex(k) << "\n";
}

}  // namespace

int cmd_init(const DataDir& data, const std::string& address, bool as_json) {
    if (!address.empty()) {
        if (auto a = net::parse_addresses(address); !a) return fail(a.error());
    }
    auto key = init_data_dir(data);
    if (!key) return fail(key.error());
    if (!address.empty()) {
        auto store = open_data_store(data);
        if (!store) return fail(store.error());
        if (auto r = (*store)->set_setting("address", address); !r) return fail(r.error());
    }
    auto hex = crypto::to_hex(*key);
    if (as_json)
        std::cout << json{{"public_key", hex}, {"data", data.dir.string()}}.dump() << "\n";
    else
        std::cout << hex << "\n";
    std::cerr << "initialized " << data.dir.string()
              << "; the line above is the server's public key\n";
    return 0;
}

int cmd_project_create(const DataDir& data, const std::string& name,
                       const std::string& statement_file) {
    auto statement = store::read_statement(statement_file);
    if (!statement) return fail(statement.error());
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    if (auto r = (*store)->create_project(name, *statement, now_unix()); !r) return fail(r.error());
    std::cout << "created project " << name << "; fingerprint "
              << crypto::to_hex(store::statement_digest(*statement)) << "\n";
    describe_statement(std::cout, *statement);
    return 0;
}

int cmd_project_recipients(const DataDir& data, const std::string& name,
                           const std::string& update_file) {
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    if (!update_file.empty()) {
        auto statement = store::read_statement(update_file);
        if (!statement) return fail(statement.error());
        if (auto r = (*store)->add_recipient_statement(name, *statement); !r)
            return fail(r.error());
        std::cerr << "devices adopt it at their next sync\n";
        describe_statement(std::cerr, *statement);
        return 0;
    }
    auto project = (*store)->project(name);
    if (!project) return fail(project.error());
    if (project->recipients.empty()) return fail("project " + name + " has no recipient statement");
    const auto& last = project->recipients.back();
    std::cout << store::statement_text(last) << "\n";
    std::cerr << "fingerprint "
              << crypto::to_hex(store::statement_digest(project->recipients.front())) << "\n";
    describe_statement(std::cerr, last);
    return 0;
}

int cmd_form_publish(const DataDir& data, const std::string& project, const std::string& file) {
    // A JSON form is published as written; an XLSForm (.xlsx, .xls) as its JSON twin.
    auto read = xlsform::read_form_file(file);
    for (const auto& w : read.warnings)
        std::cerr << file << ": warning: " << xlsform::describe(w) << "\n";
    if (!read.problems.empty()) {
        for (const auto& p : read.problems)
            std::cerr << file << ": " << xlsform::describe(p) << "\n";
        std::cerr << "canvass-server: " << file << " is not a valid form; nothing was published\n";
        return 1;
    }
    std::string body = std::move(read.json_text);
    // Devices take a form body of at most this size in a sync or bundle message: a larger form
    // (its attached files count) would publish and then never reach them.
    if (const std::size_t most = sync::MessageLimits{}.max_form_bytes; body.size() > most) {
        std::cerr << file << ": the form with its attached files is " << body.size()
                  << " bytes, more than the " << (most >> 20)
                  << " MiB a form sent to devices may be: make its CSV files smaller\n";
        std::cerr << "canvass-server: " << file << " is not a valid form; nothing was published\n";
        return 1;
    }
    auto form = form::load_form(body);
    if (!form) {
        for (const auto& p : form.error()) std::cerr << file << ": " << form::describe(p) << "\n";
        std::cerr << "canvass-server: " << file << " is not a valid form; nothing was published\n";
        return 1;
    }
    const auto& settings = form.value().settings();
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto ref =
        (*store)->publish_form(project, settings.form_id, settings.version, body, now_unix());
    if (!ref) return fail(ref.error());
    std::cout << "published form " << ref->id << " version " << ref->version << " to " << project
              << " (hash " << crypto::to_hex(ref->hash).substr(0, 16) << ")\n";
    return 0;
}

int cmd_token_create(const DataDir& data, const TokenRequest& req) {
    auto seconds = parse_duration(req.expires);
    if (!seconds)
        return fail("--expires \"" + req.expires + "\" is not a duration like 72h, 7d or 30m");
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto key = load_server_key(data.dir);
    if (!key) return fail(key.error());
    std::string address = req.address;
    if (address.empty()) {
        auto saved = (*store)->setting("address");
        if (!saved) return fail(saved.error());
        if (!*saved)
            return fail(
                "give --address HOST:PORT (where devices reach this server), or set it with init "
                "--address");
        address = **saved;
    }
    if (auto a = net::parse_addresses(address); !a) return fail(a.error());
    auto project = (*store)->project(req.project);
    if (!project) return fail(project.error());
    if (project->recipients.empty())
        return fail("project " + req.project +
                    " has no recipient statement signed by a coordinator");
    sync::EnrollmentToken token;
    token.fingerprint = store::statement_digest(project->recipients.front());
    token.address = address;
    token.server_key = key->public_key;
    token.id = crypto::random_array<16>();
    token.secret = crypto::SecretBytes::random(32);
    token.project = req.project;
    token.expires_unix = now_unix() + *seconds;
    token.role = *sync::parse_role(req.role);
    if (auto ok = check_device_label(req.label); !ok) return fail(ok.error());
    sync::TokenRecord record{token.id,   token.secret.clone(), token.project,
                             token.role, token.expires_unix,   false,
                             req.label};
    if (auto r = (*store)->create_token(record, now_unix()); !r) return fail(r.error());
    auto text = sync::encode_token(token);
    if (req.json) {
        std::cout << json{{"token", text},
                          {"id", crypto::to_hex(token.id)},
                          {"project", token.project},
                          {"role", req.role},
                          {"expires", token.expires_unix},
                          {"address", address},
                          {"label", req.label}}
                         .dump()
                  << "\n";
        return 0;
    }
    std::cout << text << "\n";
    if (::isatty(STDOUT_FILENO)) {
        std::string upper = text;  // uppercase fits QR's compact alphanumeric mode
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (auto qr = render_qr(upper, req.dark_on_light)) std::cout << *qr;
        std::cout << "single use, " << req.role << " of " << token.project
                  << (req.label.empty() ? "" : " (" + req.label + ")") << ", valid until "
                  << date_of(token.expires_unix) << "; token id "
                  << crypto::to_hex(token.id).substr(0, 16) << " (token revoke ID ends it)\n";
    }
    return 0;
}

int cmd_token_list(const DataDir& data, const std::string& project, bool as_json) {
    auto store = open_data_store(data, Access::read_only);
    if (!store) return fail(store.error());
    auto now = now_unix();
    auto tokens = (*store)->tokens(project, now);
    if (!tokens) return fail(tokens.error());
    json out = json::array();
    for (const auto& t : *tokens) {
        json j{{"id", crypto::to_hex(t.id)},      {"project", t.project},
               {"role", sync::role_name(t.role)}, {"created", t.created_unix},
               {"expires", t.expires_unix},       {"status", t.status(now)}};
        if (t.used_by) j["used_by"] = crypto::to_hex(*t.used_by);
        if (!t.label.empty()) j["label"] = t.label;
        if (as_json) {
            out.push_back(std::move(j));
            continue;
        }
        std::cout << crypto::to_hex(t.id).substr(0, 16) << "  " << t.project << "  "
                  << sync::role_name(t.role) << "  " << t.status(now);
        if (!t.label.empty()) std::cout << "  \"" << t.label << "\"";
        if (t.used_by)
            std::cout << " by " << crypto::to_hex(*t.used_by).substr(0, 16) << " "
                      << date_of(t.used_unix);
        else
            std::cout << (t.status(now) == "open" ? " until " : " since ")
                      << date_of(t.expires_unix);
        std::cout << "\n";
    }
    if (as_json) std::cout << out.dump() << "\n";
    return 0;
}

int cmd_token_revoke(const DataDir& data, const std::string& id) {
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto t = (*store)->revoke_token(id, now_unix());
    if (!t) return fail(t.error());
    std::cout << "revoked token " << crypto::to_hex(t->id).substr(0, 16) << " ("
              << sync::role_name(t->role) << " of " << t->project
              << "): it can no longer enroll a device, and its secret is erased\n";
    return 0;
}

int cmd_run(const DataDir& data, ListenOptions options, std::uint64_t max_db_bytes) {
    auto key = load_server_key(data.dir);
    if (!key) return fail(key.error());
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    if (max_db_bytes > 0)
        if (auto limited = (*store)->limit_size(max_db_bytes); !limited)
            return fail(limited.error());
    // A damaged page found now is reported before any device is told its work is stored.
    auto check = (*store)->quick_check();
    if (!check) return fail(check.error());
    if (*check != "ok")
        return fail(
            (database_url(data).value_or("").empty() ? (data.dir / "server.db").string()
                                                     : "the PostgreSQL store") +
            " is damaged; the server will not start on it:\n" + check->substr(0, 2000) +
            "\nStop here and restore the data directory from a backup (devices send again what the "
            "backup lacks); to see the damage, check a copy with: sqlite3 COPY 'PRAGMA "
            "integrity_check'");
    std::signal(SIGPIPE, SIG_IGN);
    StderrLogger log;
    auto keeper_store = open_data_store(data);
    if (!keeper_store) return fail(keeper_store.error());
    if (max_db_bytes > 0)
        if (auto limited = (*keeper_store)->limit_size(max_db_bytes); !limited)
            return fail(limited.error());
    RecordKeeper keeper(std::move(*keeper_store), log);
    // A shared store keeps attachments itself, so that every instance serves them.
    auto database_media = (*store)->database_media();
    if (!database_media) return fail(database_media.error());
    FileMediaVault files(data.dir / "media");
    if (!*database_media)
        if (auto moved = files.upgrade_layout(); !moved) return fail(moved.error());
    (*store)->attach_media(*database_media ? database_media->get()
                                           : static_cast<ServerMediaVault*>(&files));
    auto done = run_server(**store, *key, options, log, [](const std::string& address) {
        std::cout << "listening on " << address << std::endl;
    });
    if (!done) return fail(done.error());
    return 0;
}

int cmd_devices(const DataDir& data, bool as_json) {
    auto store = open_data_store(data, Access::read_only);
    if (!store) return fail(store.error());
    auto devices = (*store)->devices();
    if (!devices) return fail(devices.error());
    std::map<std::string, RecordCensus> census;  // by project
    for (const auto& d : *devices) {
        if (census.contains(d.project)) continue;
        auto c = (*store)->census(d.project);
        if (!c) return fail(c.error());
        census.emplace(d.project, std::move(*c));
    }
    auto flagged = (*store)->flagged_devices();
    if (!flagged) return fail(flagged.error());
    auto flag_of = [&](const sync::DeviceRecord& d) -> const FlaggedDevice* {
        for (const auto& f : *flagged)
            if (f.device == d.id && f.project == d.project) return &f;
        return nullptr;
    };
    json out = json::array();
    for (const auto& d : *devices) {
        const auto* flag = flag_of(d);
        json refused =
            flag ? json{{"changesets", flag->refused}, {"last", flag->last_reason}} : json();
        const auto& by_device = census.at(d.project).by_device;
        auto it = by_device.find(d.id);
        std::uint64_t records = it == by_device.end() ? 0 : it->second;
        out.push_back({{"device", crypto::to_hex(d.id)},
                       {"label", d.label},
                       {"project", d.project},
                       {"role", sync::role_name(d.role)},
                       {"enrolled", d.enrolled_unix},
                       {"last_seen", d.last_seen_unix},
                       {"records", records},
                       {"revoked", d.revoked},
                       {"refused_changes", refused}});
        if (!as_json) {
            std::cout << crypto::to_hex(d.id) << "  "
                      << (d.label.empty() ? "-" : "\"" + d.label + "\"") << "  " << d.project
                      << "  " << sync::role_name(d.role) << "  enrolled "
                      << date_of(d.enrolled_unix) << "  last seen "
                      << (d.last_seen_unix ? date_of(d.last_seen_unix) : "never") << "  " << records
                      << (records == 1 ? " record" : " records") << (d.revoked ? "  REVOKED" : "")
                      << (flag ? "  FLAGGED: " + std::to_string(flag->refused) +
                                     " refused change(s) of records it may not change"
                               : std::string())
                      << "\n";
            if (flag) std::cout << "    last: " << flag->last_reason << "\n";
        }
    }
    if (as_json)
        std::cout << out.dump() << "\n";
    else if (devices->empty())
        std::cout << "no enrolled devices\n";
    return 0;
}

int cmd_revoke(const DataDir& data, const std::string& device) {
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto d = (*store)->revoke(device, now_unix());
    if (!d) return fail(d.error());
    std::cout << "revoked " << crypto::to_hex(d->id)
              << (d->label.empty() ? "" : " (" + d->label + ")") << " of " << d->project
              << ": its next sync will be refused\n";
    return 0;
}

int cmd_project_list(const DataDir& data, bool as_json) {
    auto store = open_data_store(data, Access::read_only);
    if (!store) return fail(store.error());
    auto projects = (*store)->projects();
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

int cmd_form_list(const DataDir& data, const std::string& project, bool as_json) {
    auto store = open_data_store(data, Access::read_only);
    if (!store) return fail(store.error());
    auto forms = (*store)->forms(project);
    if (!forms) return fail(forms.error());
    std::map<std::string, RecordCensus> census;  // by project
    for (const auto& f : *forms) {
        if (census.contains(f.project)) continue;
        auto c = (*store)->census(f.project);
        if (!c) return fail(c.error());
        census.emplace(f.project, std::move(*c));
    }
    json out = json::array();
    for (const auto& f : *forms) {
        const auto& by_version = census.at(f.project).by_form_version;
        auto it = by_version.find({f.form_id, f.version});
        std::uint64_t records = it == by_version.end() ? 0 : it->second;
        out.push_back({{"project", f.project},
                       {"form", f.form_id},
                       {"version", f.version},
                       {"published", f.published_unix},
                       {"hash", crypto::to_hex(f.hash)},
                       {"records", records}});
        if (!as_json)
            std::cout << f.project << "  " << f.form_id << "  " << f.version << "  published "
                      << date_of(f.published_unix) << "  " << records
                      << (records == 1 ? " record" : " records") << "\n";
    }
    if (as_json)
        std::cout << out.dump() << "\n";
    else if (forms->empty())
        std::cout << "no published forms; publish one with: canvass-server form publish --project "
                     "NAME FILE\n";
    return 0;
}

int cmd_migrate(const std::filesystem::path& from, const std::string& to, bool as_json) {
    if (!pg::is_postgres_url(to)) return fail("--to takes a postgresql://USER@HOST:PORT/DB URL");
    auto report = migrate_to_postgres(from, to, now_unix());
    if (!report) return fail(report.error());
    bool equal = true;
    json projects = json::array();
    for (const auto& p : report->projects) {
        equal = equal && p.equal;
        projects.push_back({{"project", p.name},
                            {"changesets", p.changesets},
                            {"state_digest", crypto::to_hex(p.state_digest)},
                            {"equal", p.equal}});
    }
    if (as_json) {
        json rows = json::object();
        for (const auto& [table, n] : report->rows) rows[table] = n;
        std::cout << json{{"rows", rows},
                          {"attachments", report->attachments},
                          {"projects", projects}}
                         .dump()
                  << "\n";
    } else {
        for (const auto& [table, n] : report->rows)
            std::cout << "  " << table << ": " << n << " row(s)\n";
        std::cout << "  attachments: " << report->attachments << "\n";
        for (const auto& p : report->projects)
            std::cout << "project " << p.name << ": " << p.changesets
                      << " changeset(s), state digest " << crypto::to_hex(p.state_digest)
                      << (p.equal ? " (equal in both stores)" : " (DIFFERS)") << "\n";
    }
    if (!equal)
        return fail("the PostgreSQL copy differs from " + (from / "server.db").string() +
                    "; do not use it");
    std::cerr << "copied; to serve from PostgreSQL, stop the server, save the URL as "
              << (from / "database").string() << " (mode 0600), and start it again\n";
    return 0;
}

int cmd_stats(const DataDir& data, const std::string& project, bool as_json) {
    auto store = open_data_store(data, Access::read_only);
    if (!store) return fail(store.error());
    auto shared_media = (*store)->database_media();
    if (!shared_media) return fail(shared_media.error());
    auto* database_media = shared_media->get() ? &*shared_media : nullptr;
    std::vector<std::string> names{project};
    if (project.empty()) {
        auto all = (*store)->project_names();
        if (!all) return fail(all.error());
        names = *all;
    }
    json out = json::array();
    for (const auto& name : names) {
        auto s = (*store)->stats(name, now_unix());
        if (!s) return fail(s.error());
        json j = {{"project", s->project},
                  {"devices", s->devices},
                  {"revoked_devices", s->revoked_devices},
                  {"records", s->records},
                  {"changesets", s->changesets},
                  {"equivocations", s->equivocations},
                  {"equivocating_devices", s->equivocating_devices},
                  {"future_clock", s->future_clock},
                  {"held_changesets", s->held_changesets},
                  {"held_devices", s->held_devices},
                  {"refused_changes", s->refused_changes},
                  {"refusing_devices", s->refusing_devices},
                  {"open_tokens", s->open_tokens},
                  {"state_digest", crypto::to_hex(s->state_digest)}};
        // Attachments are files beside server.db (media_vault.hpp), or rows of a shared store.
        FileMediaVault files(data.dir / "media");
        auto media = database_media ? (*database_media)->census(name) : files.census(name);
        if (!media) return fail(media.error());
        j["attachments"] = media->attachments;
        j["attachments_partial"] = media->partial;
        j["attachment_chunks"] = media->chunks;
        j["attachment_bytes"] = media->bytes;
        if (!as_json) {
            std::cout << "project " << s->project << "\n";
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
