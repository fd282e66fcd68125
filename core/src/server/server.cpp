// canvass::Server (include/canvass/server.hpp): the administrator's operations and serve()
// over the data directory's ServerStore.
#include "canvass/server.hpp"

#include <csignal>
#include <map>

#include "canvass/clock.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "form/loader.hpp"
#include "net/tcp_transport.hpp"
#include "server/data_dir.hpp"
#include "server/listener.hpp"
#include "server/log.hpp"
#include "server/media_vault.hpp"
#include "server/migrate.hpp"
#include "server/pg_connection.hpp"
#include "server/record_keeper.hpp"
#include "store/recipients.hpp"
#include "sync/messages.hpp"
#include "sync/token.hpp"

namespace canvass {

using server::DataDir;
using server::ServerStore;

struct Server::State {
    DataDir data;
    Server::Access access = Server::Access::read_write;
    Clock* clock = &system_clock();
    std::unique_ptr<ServerStore> store;
    std::uint64_t now_unix() const { return clock->now_ms() / 1000; }
};

namespace {

DataDir data_dir_of(const ServerPaths& paths) {
    return DataDir{paths.dir, paths.database};
}

Server::Statement statement_of(const store::RecipientStatement& s,
                               const store::RecipientStatement& genesis) {
    Server::Statement out;
    out.project = s.project;
    out.serial = s.serial;
    for (const auto& r : s.recipients) out.recipients.push_back(crypto::to_hex(r));
    for (const auto& k : s.signers) out.signers.push_back(crypto::to_hex(k));
    out.share_past = s.share_past;
    out.text = store::statement_text(s);
    out.fingerprint = crypto::to_hex(store::statement_digest(genesis));
    return out;
}

Server::Token token_of(const server::TokenInfo& t, std::uint64_t now) {
    return Server::Token{crypto::to_hex(t.id),
                         t.project,
                         std::string(sync::role_name(t.role)),
                         t.created_unix,
                         t.expires_unix,
                         t.status(now),
                         t.used_by ? crypto::to_hex(*t.used_by) : std::string(),
                         t.used_unix,
                         t.label};
}

// Each project's census once, for lists that count records per device or form version.
class Censuses {
  public:
    explicit Censuses(ServerStore& store) : store_(store) {}
    Result<const server::RecordCensus*> of(const std::string& project) {
        auto it = by_project_.find(project);
        if (it == by_project_.end()) {
            auto c = store_.census(project);
            if (!c) return unexpected(c.error());
            it = by_project_.emplace(project, std::move(*c)).first;
        }
        return &it->second;
    }

  private:
    ServerStore& store_;
    std::map<std::string, server::RecordCensus> by_project_;
};

server::ListenOptions listen_options(const ServeOptions& o) {
    server::ListenOptions l;
    l.listen = o.listen;
    l.handshake_timeout = o.handshake_timeout;
    l.idle_timeout = o.idle_timeout;
    l.read_timeout = o.read_timeout;
    l.write_timeout = o.write_timeout;
    l.max_sessions = o.max_sessions;
    l.max_sessions_per_device = o.max_sessions_per_device;
    l.max_handshakes = o.max_handshakes;
    l.max_handshakes_per_address = o.max_handshakes_per_address;
    l.assembly_budget = o.assembly_budget;
    l.assembly_per_device = o.assembly_per_device;
    l.session.limits.batch_changesets = o.batch_changesets;
    l.session.limits.batch_bytes = o.batch_bytes;
    l.session.limits.window = o.window;
    l.session.media.file_bytes = o.max_attachment_bytes;
    l.session.media.device_bytes = o.max_device_attachment_bytes;
    return l;
}

Result<void> limit(ServerStore& store, std::uint64_t max_db_bytes) {
    if (max_db_bytes == 0) return {};
    return store.limit_size(max_db_bytes);
}

}  // namespace

struct ServerStop::Hook : server::StopHook {};
ServerStop::ServerStop() : hook_(std::make_unique<Hook>()) {}
ServerStop::~ServerStop() = default;
void ServerStop::request() {
    hook_->request();
}

Server::Server(std::unique_ptr<State> state) : state_(std::move(state)) {}
Server::Server(Server&&) noexcept = default;
Server& Server::operator=(Server&&) noexcept = default;
Server::~Server() = default;

Result<std::string> Server::init(const ServerPaths& paths, const std::string& address) {
    if (!address.empty())
        if (auto a = net::parse_addresses(address); !a) return unexpected(a.error());
    auto data = data_dir_of(paths);
    auto key = server::init_data_dir(data);
    if (!key) return unexpected(key.error());
    if (!address.empty()) {
        auto store = server::open_data_store(data);
        if (!store) return unexpected(store.error());
        if (auto r = (*store)->set_setting("address", address); !r) return unexpected(r.error());
    }
    return crypto::to_hex(*key);
}

Result<Server> Server::open(const ServerPaths& paths, Access access, Clock* clock) {
    auto state = std::make_unique<State>();
    if (clock) state->clock = clock;
    state->data = data_dir_of(paths);
    state->access = access;
    auto store = server::open_data_store(state->data, access == Access::read_only
                                                          ? server::Access::read_only
                                                          : server::Access::read_write);
    if (!store) return unexpected(store.error());
    state->store = std::move(*store);
    return Server(std::move(state));
}

Result<Server::Statement> Server::create_project(const std::string& name,
                                                 const std::string& statement) {
    auto genesis = store::read_statement(statement);
    if (!genesis) return unexpected(genesis.error());
    if (auto r = state_->store->create_project(name, *genesis, state_->now_unix()); !r)
        return unexpected(r.error());
    return statement_of(*genesis, *genesis);
}

Result<Server::Statement> Server::recipients(const std::string& project) {
    auto p = state_->store->project(project);
    if (!p) return unexpected(p.error());
    if (p->recipients.empty())
        return unexpected(Domain::store, errc::not_found,
                          "project " + project + " has no recipient statement");
    return statement_of(p->recipients.back(), p->recipients.front());
}

Result<Server::Statement> Server::update_recipients(const std::string& project,
                                                    const std::string& statement) {
    auto next = store::read_statement(statement);
    if (!next) return unexpected(next.error());
    if (auto r = state_->store->add_recipient_statement(project, *next); !r)
        return unexpected(r.error());
    return recipients(project);
}

Result<std::vector<Server::Project>> Server::projects() {
    auto projects = state_->store->projects();
    if (!projects) return unexpected(projects.error());
    std::vector<Project> out;
    for (const auto& p : *projects)
        out.push_back(Project{p.name, p.created_unix, p.devices, p.revoked_devices, p.records,
                              p.forms, p.form_versions});
    return out;
}

Result<Server::Form> Server::publish_form(const std::string& project,
                                          const std::string& form_json) {
    // Devices take a form body of at most this size in a sync or bundle message: a larger
    // form (its attached files count) would publish and then never reach them.
    if (const std::size_t most = sync::MessageLimits{}.max_form_bytes; form_json.size() > most)
        return unexpected(Domain::form, errc::limit_exceeded,
                          "the form with its attached files is " +
                              std::to_string(form_json.size()) + " bytes, more than the " +
                              std::to_string(most >> 20) +
                              " MiB a form sent to devices may be: make its CSV files smaller");
    auto form = form::load_form(form_json);
    if (!form) {
        std::string problems;
        for (const auto& p : form.error()) problems += "\n" + form::describe(p);
        return unexpected(Domain::form, errc::invalid_argument,
                          "not a valid form; nothing was published:" + problems);
    }
    const auto& settings = form.value().settings();
    auto ref = state_->store->publish_form(project, settings.form_id, settings.version, form_json,
                                           state_->now_unix());
    if (!ref) return unexpected(ref.error());
    auto published = forms(project);
    if (!published) return unexpected(published.error());
    for (auto& f : *published)
        if (f.form_id == ref->id && f.version == ref->version) return std::move(f);
    return unexpected(Domain::store, errc::not_found,
                      "form " + ref->id + " version " + ref->version + " was published to " +
                          project + " but is not listed: check the store");
}

Result<std::vector<Server::Form>> Server::forms(const std::string& project) {
    auto forms = state_->store->forms(project);
    if (!forms) return unexpected(forms.error());
    Censuses census(*state_->store);
    std::vector<Form> out;
    for (const auto& f : *forms) {
        auto c = census.of(f.project);
        if (!c) return unexpected(c.error());
        auto it = (*c)->by_form_version.find({f.form_id, f.version});
        out.push_back(Form{f.project, f.form_id, f.version, crypto::to_hex(f.hash),
                           f.published_unix, it == (*c)->by_form_version.end() ? 0 : it->second});
    }
    return out;
}

Result<Server::NewToken> Server::create_token(const TokenRequest& req) {
    auto role = sync::parse_role(req.role);
    if (!role)
        return unexpected(Domain::core, errc::invalid_argument,
                          "role \"" + req.role + "\": give collector, organizer or coordinator");
    if (req.valid_seconds == 0)
        return unexpected(Domain::core, errc::invalid_argument,
                          "a token must be valid for some time: give a duration like 72h");
    if (auto ok = server::check_device_label(req.label); !ok) return unexpected(ok.error());
    auto key = server::load_server_key(state_->data.dir);
    if (!key) return unexpected(key.error());
    std::string address = req.address;
    if (address.empty()) {
        auto saved = state_->store->setting("address");
        if (!saved) return unexpected(saved.error());
        if (!*saved)
            return unexpected(Domain::core, errc::invalid_argument,
                              "give --address HOST:PORT (where devices reach this server), or set "
                              "it with init --address");
        address = **saved;
    }
    if (auto a = net::parse_addresses(address); !a) return unexpected(a.error());
    auto project = state_->store->project(req.project);
    if (!project) return unexpected(project.error());
    if (project->recipients.empty())
        return unexpected(
            Domain::store, errc::not_found,
            "project " + req.project + " has no recipient statement signed by a coordinator");
    auto now = state_->now_unix();
    sync::EnrollmentToken token;
    token.fingerprint = store::statement_digest(project->recipients.front());
    token.address = address;
    token.server_key = key->public_key;
    token.id = crypto::random_array<16>();
    token.secret = crypto::SecretBytes::random(32);
    token.project = req.project;
    token.expires_unix = now + req.valid_seconds;
    token.role = *role;
    sync::TokenRecord record{token.id,   token.secret.clone(), token.project,
                             token.role, token.expires_unix,   false,
                             req.label};
    if (auto r = state_->store->create_token(record, now); !r) return unexpected(r.error());
    server::TokenInfo info;
    info.id = token.id;
    info.project = token.project;
    info.role = token.role;
    info.created_unix = now;
    info.expires_unix = token.expires_unix;
    info.label = req.label;
    return NewToken{sync::encode_token(token), address, token_of(info, now)};
}

Result<std::vector<Server::Token>> Server::tokens(const std::string& project) {
    auto now = state_->now_unix();
    auto tokens = state_->store->tokens(project, now);
    if (!tokens) return unexpected(tokens.error());
    std::vector<Token> out;
    for (const auto& t : *tokens) out.push_back(token_of(t, now));
    return out;
}

Result<Server::Token> Server::revoke_token(const std::string& id_prefix) {
    auto now = state_->now_unix();
    auto t = state_->store->revoke_token(id_prefix, now);
    if (!t) return unexpected(t.error());
    return token_of(*t, now);
}

namespace {

// A device as lists show it: its records from its project's census, its refusals if flagged.
Result<Server::Device> device_of(const sync::DeviceRecord& d, Censuses& census,
                                 const std::vector<server::FlaggedDevice>& flagged) {
    auto c = census.of(d.project);
    if (!c) return unexpected(c.error());
    auto it = (*c)->by_device.find(d.id);
    Server::Device device{crypto::to_hex(d.id),
                          d.label,
                          d.project,
                          std::string(sync::role_name(d.role)),
                          d.enrolled_unix,
                          d.last_seen_unix,
                          it == (*c)->by_device.end() ? 0 : it->second,
                          d.revoked,
                          0,
                          {}};
    for (const auto& f : flagged)
        if (f.device == d.id && f.project == d.project) {
            device.refused_changes = f.refused;
            device.last_refusal = f.last_reason;
        }
    return device;
}

}  // namespace

Result<std::vector<Server::Device>> Server::devices() {
    auto devices = state_->store->devices();
    if (!devices) return unexpected(devices.error());
    auto flagged = state_->store->flagged_devices();
    if (!flagged) return unexpected(flagged.error());
    Censuses census(*state_->store);
    std::vector<Device> out;
    for (const auto& d : *devices) {
        auto device = device_of(d, census, *flagged);
        if (!device) return unexpected(device.error());
        out.push_back(std::move(*device));
    }
    return out;
}

Result<Server::Device> Server::revoke_device(const std::string& id_prefix) {
    auto d = state_->store->revoke(id_prefix, state_->now_unix());
    if (!d) return unexpected(d.error());
    auto flagged = state_->store->flagged_devices();
    if (!flagged) return unexpected(flagged.error());
    Censuses census(*state_->store);
    return device_of(*d, census, *flagged);
}

Result<std::vector<Server::Stats>> Server::stats(const std::string& project) {
    auto& store = *state_->store;
    auto shared_media = store.database_media();
    if (!shared_media) return unexpected(shared_media.error());
    // Attachments are files beside server.db (media_vault.hpp), or rows of a shared store.
    server::FileMediaVault files(state_->data.dir / "media");
    server::ServerMediaVault& media =
        *shared_media ? **shared_media : static_cast<server::ServerMediaVault&>(files);
    std::vector<std::string> names{project};
    if (project.empty()) {
        auto all = store.project_names();
        if (!all) return unexpected(all.error());
        names = *all;
    }
    std::vector<Stats> out;
    for (const auto& name : names) {
        auto s = store.stats(name, state_->now_unix());
        if (!s) return unexpected(s.error());
        auto m = media.census(name);
        if (!m) return unexpected(m.error());
        out.push_back(Stats{s->project, s->devices, s->revoked_devices, s->records, s->changesets,
                            s->equivocations, s->equivocating_devices, s->future_clock,
                            s->held_changesets, s->held_devices, s->refused_changes,
                            s->refusing_devices, s->open_tokens, m->attachments, m->partial,
                            m->chunks, m->bytes, crypto::to_hex(s->state_digest)});
    }
    return out;
}

Result<void> Server::serve(const ServeOptions& options,
                           const std::function<void(const std::string&)>& on_listening,
                           ServerStop* stop) {
    if (state_->access == Access::read_only)
        return unexpected(Domain::store, errc::read_only,
                          "a server opened read-only does not serve: open it read-write");
    auto& store = *state_->store;
    const auto& data = state_->data;
    auto key = server::load_server_key(data.dir);
    if (!key) return unexpected(key.error());
    if (auto limited = limit(store, options.max_db_bytes); !limited) return limited;
    // A damaged page found now is reported before any device is told its work is stored.
    auto check = store.quick_check();
    if (!check) return unexpected(check.error());
    if (*check != "ok")
        return unexpected(
            Domain::store, errc::corrupt,
            (server::database_url(data).value_or("").empty() ? (data.dir / "server.db").string()
                                                             : "the PostgreSQL store") +
                " is damaged; the server will not start on it:\n" + check->substr(0, 2000) +
                "\nStop here and restore the data directory from a backup (devices send again "
                "what the backup lacks); to see the damage, check a copy with: sqlite3 COPY "
                "'PRAGMA integrity_check'");
    std::signal(SIGPIPE, SIG_IGN);
    server::StderrLogger log(*state_->clock);
    auto keeper_store = server::open_data_store(data);
    if (!keeper_store) return unexpected(keeper_store.error());
    if (auto limited = limit(**keeper_store, options.max_db_bytes); !limited) return limited;
    server::RecordKeeper keeper(std::move(*keeper_store), log);
    // A shared store keeps attachments itself, so that every instance serves them.
    auto database_media = store.database_media();
    if (!database_media) return unexpected(database_media.error());
    server::FileMediaVault files(data.dir / "media");
    if (!*database_media)
        if (auto moved = files.upgrade_layout(); !moved) return unexpected(moved.error());
    store.attach_media(*database_media ? database_media->get()
                                       : static_cast<server::ServerMediaVault*>(&files));
    auto listen = listen_options(options);
    listen.session.clock = state_->clock;
    auto done = server::run_server(store, *key, std::move(listen), log, on_listening,
                                   stop ? stop->hook_.get() : nullptr);
    store.attach_media(nullptr);
    return done;
}

bool MigrationReport::equal() const {
    for (const auto& p : projects)
        if (!p.equal) return false;
    return true;
}

Result<MigrationReport> migrate_to_postgresql(const std::filesystem::path& dir,
                                              const std::string& url) {
    if (!server::pg::is_postgres_url(url))
        return unexpected(Domain::core, errc::invalid_argument,
                          "\"" + url + "\" is not a postgresql://USER@HOST:PORT/DB URL");
    auto report = server::migrate_to_postgres(dir, url, system_clock().now_ms() / 1000);
    if (!report) return unexpected(report.error());
    MigrationReport out;
    for (const auto& [table, n] : report->rows) out.tables.push_back({table, n});
    out.attachments = report->attachments;
    for (const auto& p : report->projects)
        out.projects.push_back({p.name, p.changesets, crypto::to_hex(p.state_digest), p.equal});
    return out;
}

}  // namespace canvass
