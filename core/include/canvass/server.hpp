// The sync server as a program embeds it (DESIGN.md sections 7 and 8): a data directory
// with the server's key and its store (embedded SQLite, or a PostgreSQL database several
// instances share), the administrator's operations on it, and serving devices over TCP.
// `canvass-server` is a face of this class; an organization's own admin tool can be another.
//
//   auto key = canvass::Server::init({"/srv/canvass"}, "survey.example.org:7433");
//   auto server = canvass::Server::open({"/srv/canvass"});
//   server->create_project("market", "recipients.txt");   // signed by a coordinator
//   server->publish_form("market", canvass::check_form_file("market.xlsx").json_text);
//   auto token = server->create_token({.project = "market", .role = "collector"});
//   server->serve({.listen = "0.0.0.0:7433"}, [](auto& at) { /* listening */ });  // to SIGTERM
//
// The server never holds a key that opens an answer: what it stores and serves is sealed to
// the project's recipients, whom only a coordinator names (docs/security.md).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canvass/clock.hpp"
#include "canvass/result.hpp"

namespace canvass {

// Where a server keeps its state: the data directory (DIR/server.key, and the embedded store
// DIR/server.db unless told otherwise) and, when given, the postgresql://USER@HOST:PORT/DB
// store that overrides DIR/database for this opening.
struct ServerPaths {
    std::filesystem::path dir;
    std::string database = {};
};

// How serve() admits and bounds devices (docs/server.md gives the figures). Connections are
// admitted in two stages, as nginx and haproxy keep unfinished requests apart from
// established ones: unfinished handshakes are capped per source address and in total, the
// oldest (silent ones first) closed to make room, so a flood only pushes out the flood;
// authenticated sessions are capped on their own (beyond it a device is told the server is
// busy) and per device.
struct ServeOptions {
    std::string listen = "127.0.0.1:7433";              // HOST:PORT; port 0: any free port
    std::chrono::milliseconds handshake_timeout{5000};  // from accept to the handshake's end
    std::chrono::milliseconds idle_timeout{120000};     // waiting for the next frame
    std::chrono::milliseconds read_timeout{30000};      // for the rest of a frame once begun
    std::chrono::milliseconds write_timeout{30000};     // for the client to take what is sent
    std::size_t max_sessions = 256;                     // authenticated sessions at once
    std::size_t max_sessions_per_device = 4;
    std::size_t max_handshakes = 512;  // unfinished handshakes, all addresses
    std::size_t max_handshakes_per_address = 64;
    std::size_t assembly_budget = 32u << 20;     // bytes of messages still arriving, all sessions
    std::size_t assembly_per_device = 8u << 20;  // of that, what one device's sessions may hold
    std::uint32_t batch_changesets = 256;        // changesets per batch the server sends
    std::uint32_t batch_bytes = 1u << 20;        // bytes of changesets per batch
    std::uint32_t window = 4;                    // batches in flight before an acknowledgement
    std::uint64_t max_attachment_bytes = 64ull << 20;        // one file; told to devices
    std::uint64_t max_device_attachment_bytes = 2ull << 30;  // one device's files in all
    // A quota on the embedded store (0: none): beyond it devices are told the disk is full,
    // while reads and reports go on.
    std::uint64_t max_db_bytes = 0;
};

// Ends a serve() from another thread as SIGTERM does: no new connection is taken, and
// sessions are given 5 seconds to finish. May be requested before serve() begins (it then
// returns as soon as it listens) and more than once.
class ServerStop {
  public:
    ServerStop();
    ~ServerStop();
    ServerStop(const ServerStop&) = delete;
    ServerStop& operator=(const ServerStop&) = delete;
    void request();  // thread-safe

  private:
    friend class Server;
    struct Hook;
    std::unique_ptr<Hook> hook_;
};

class Server {
  public:
    // A project's recipient statement (who may read answers, signed by a coordinator), as an
    // administrator checks it against what the coordinator meant.
    struct Statement {
        std::string project;
        std::uint64_t serial = 0;
        std::vector<std::string> recipients;  // public keys, hex
        std::vector<std::string> signers;     // signing keys, hex
        bool share_past = false;
        std::string text;         // "canvass-recipients1-…", for `canvass keys recipients --from`
        std::string fingerprint;  // the genesis statement's digest tokens pin, hex
    };
    struct Project {
        std::string name;
        std::uint64_t created_unix = 0;
        std::uint64_t devices = 0;  // revoked ones included
        std::uint64_t revoked_devices = 0;
        std::uint64_t records = 0;
        std::uint64_t forms = 0;  // form ids
        std::uint64_t form_versions = 0;
    };
    struct Form {
        std::string project;
        std::string form_id;
        std::string version;
        std::string hash;  // of the published JSON twin, hex
        std::uint64_t published_unix = 0;
        std::uint64_t records = 0;  // whose latest changeset is of this version
    };
    struct TokenRequest {
        std::string project = {};
        std::string role = {};                    // collector, organizer or coordinator
        std::uint64_t valid_seconds = 72 * 3600;  // parse_duration("72h")
        std::string address = {};  // HOST:PORT[,HOST:PORT…]; empty: the one init saved
        std::string label = {};    // the name of the device it enrolls, shown in lists and logs
    };
    // An enrollment token as lists show it: never its secret.
    struct Token {
        std::string id;  // hex
        std::string project;
        std::string role;
        std::uint64_t created_unix = 0;
        std::uint64_t expires_unix = 0;
        std::string status;   // "open", "used", "expired" or "revoked" now
        std::string used_by;  // the device it enrolled, hex; "" if unused
        std::uint64_t used_unix = 0;
        std::string label;
    };
    struct NewToken {
        std::string text;     // what the device takes: typed, pasted or read from a QR code
        std::string address;  // where it sends the device
        Token token;
    };
    struct Device {
        std::string id;  // hex
        std::string label;
        std::string project;
        std::string role;
        std::uint64_t enrolled_unix = 0;
        std::uint64_t last_seen_unix = 0;  // 0: never synced
        std::uint64_t records = 0;         // records it wrote in
        bool revoked = false;
        // Changesets of records it may not change, refused (each once however often sent),
        // and the latest refusal naming the record and seq: the device is flagged.
        std::uint64_t refused_changes = 0;
        std::string last_refusal;
    };
    // One project's figures. The digest is the metadata-only state digest of every changeset
    // held: a coordinator that synced everything reports the same one (`canvass status`).
    struct Stats {
        std::string project;
        std::uint64_t devices = 0;
        std::uint64_t revoked_devices = 0;
        std::uint64_t records = 0;
        std::uint64_t changesets = 0;
        std::uint64_t equivocations = 0;  // conflicting changesets kept as evidence
        std::uint64_t equivocating_devices = 0;
        std::uint64_t future_clock = 0;  // changesets whose clock was far ahead on arrival
        // Held apart, never merged: work of devices not enrolled in the project, and what
        // revoked devices made after their revocation.
        std::uint64_t held_changesets = 0;
        std::uint64_t held_devices = 0;
        std::uint64_t refused_changes = 0;
        std::uint64_t refusing_devices = 0;
        std::uint64_t open_tokens = 0;
        std::uint64_t attachments = 0;          // whole files held
        std::uint64_t attachments_partial = 0;  // uploads not finished
        std::uint64_t attachment_chunks = 0;
        std::uint64_t attachment_bytes = 0;
        std::string state_digest;  // hex
    };
    enum class Access { read_write, read_only };

    // Creates the data directory (0700 if new), a fresh server key and an empty store, and
    // returns the public key devices pin (hex). `address`, when given, is saved for tokens.
    // Refused when the directory holds a key already: a second init must never replace the
    // key every enrolled device has pinned. With `paths.database`, the store is created
    // there and the URL saved as DIR/database.
    static Result<std::string> init(const ServerPaths& paths, const std::string& address = {});
    // An initialized data directory's store. Read-only access writes nothing there: reports
    // work on a full disk, on a read-only directory and beside a running server. `clock`
    // (nullptr: the machine's) dates tokens, enrollments and arrivals; it must outlive the
    // Server.
    static Result<Server> open(const ServerPaths& paths, Access access = Access::read_write,
                               Clock* clock = nullptr);

    Server(Server&&) noexcept;
    Server& operator=(Server&&) noexcept;
    ~Server();

    // Creates a project whose readers a coordinator signed (`canvass keys recipients`):
    // `statement` is the statement's file or its text.
    Result<Statement> create_project(const std::string& name, const std::string& statement);
    // The project's current statement, or with update_recipients the next one appended
    // (signed by a signer of the current one; devices adopt it at their next sync).
    Result<Statement> recipients(const std::string& project);
    Result<Statement> update_recipients(const std::string& project, const std::string& statement);
    Result<std::vector<Project>> projects();

    // Publishes a valid JSON twin (check_form_file in canvass/forms.hpp converts and checks a
    // spreadsheet) to a project's devices. Publishing the same body again changes nothing;
    // another body under a published (id, version) is refused: versions are immutable.
    Result<Form> publish_form(const std::string& project, const std::string& form_json);
    // Every published version, of one project or ("") of all.
    Result<std::vector<Form>> forms(const std::string& project = {});

    // A single-use enrollment token, stored (its secret only as the device will prove it).
    Result<NewToken> create_token(const TokenRequest& request);
    // Every token, newest first, of one project or ("") of all.
    Result<std::vector<Token>> tokens(const std::string& project = {});
    // Ends an unused token now and erases its secret: `id_prefix` is at least 4 hex digits.
    Result<Token> revoke_token(const std::string& id_prefix);

    Result<std::vector<Device>> devices();
    // Refuses the device whose id starts with `id_prefix` (at least 4 hex digits, unique)
    // from its next sync on.
    Result<Device> revoke_device(const std::string& id_prefix);

    // Of one project or ("") of all. Reads only; never waits for or holds up a push.
    Result<std::vector<Stats>> stats(const std::string& project = {});

    // Serves devices until SIGINT or SIGTERM, or until `stop` is requested, logging one line
    // per event on stderr (never a secret or an answer). First checks every page of the
    // store: a damaged store is refused before any device is told its work is stored. Calls
    // `on_listening` with the bound HOST:PORT once the socket listens. While it runs it
    // handles SIGINT and SIGTERM, and it sets SIGPIPE to be ignored for the process (a peer
    // gone mid-write is an error of that session, not the end of the program).
    Result<void> serve(const ServeOptions& options,
                       const std::function<void(const std::string& address)>& on_listening,
                       ServerStop* stop = nullptr);

  private:
    struct State;
    explicit Server(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

// What migrate_to_postgresql copied, and whether both stores agree.
struct MigrationReport {
    struct Table {
        std::string name;
        std::uint64_t rows = 0;
    };
    struct Project {
        std::string name;
        std::uint64_t changesets = 0;
        std::string state_digest;  // hex
        bool equal = false;        // same digest and counts in both stores
    };
    std::vector<Table> tables;
    std::uint64_t attachments = 0;  // whole files copied
    std::vector<Project> projects;
    bool equal() const;  // every project
};

// Copies the embedded store of the stopped server in `dir` (every changeset, head, grant,
// device, token, form, setting, record state and attachment) into the empty PostgreSQL
// database `url`, in one transaction, then compares each project's state digest and counts
// on both sides. The copy is to be used only when the report is equal().
Result<MigrationReport> migrate_to_postgresql(const std::filesystem::path& dir,
                                              const std::string& url);

}  // namespace canvass
