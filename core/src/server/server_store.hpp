// The server's state behind one interface (DESIGN.md section 7): what the protocol needs
// (sync::ServerDirectory: devices, tokens, projects, forms, and a Replica per project) plus
// the administrator's commands. The SQLite implementation is the embedded default; the
// PostgreSQL one (pg_store.hpp) lets several server instances share one database.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "store/recipients.hpp"
#include "sync/directory.hpp"

namespace canvass::server {

class ServerMediaVault;  // media_vault.hpp

// What `stats` reports for one project. The digest is the metadata-only state digest
// (merge/digest.hpp) of every changeset held: a coordinator that synced everything has the
// same one.
struct ProjectStats {
    std::string project;
    std::uint64_t devices = 0;
    std::uint64_t revoked_devices = 0;
    std::uint64_t records = 0;
    std::uint64_t changesets = 0;
    std::uint64_t equivocations = 0;  // conflicting changesets kept as evidence
    std::uint64_t equivocating_devices = 0;
    std::uint64_t future_clock = 0;  // changesets whose clock was far ahead on arrival
    // Held apart, never merged: work of devices not enrolled in the project (it joins when
    // they enroll) and what revoked devices made after their revocation.
    std::uint64_t held_changesets = 0;
    std::uint64_t held_devices = 0;
    std::uint64_t refused_changes = 0;   // changes of records their author may not change
    std::uint64_t refusing_devices = 0;  // devices that made them (flagged)
    std::uint64_t open_tokens = 0;       // neither used nor expired
    crypto::Hash state_digest{};
};

// A project as `project list` shows it.
struct ProjectSummary {
    std::string name;
    std::uint64_t created_unix = 0;
    std::uint64_t devices = 0;  // enrolled, revoked ones included
    std::uint64_t revoked_devices = 0;
    std::uint64_t records = 0;
    std::uint64_t forms = 0;  // form ids
    std::uint64_t form_versions = 0;
};

// A published form version as `form list` shows it.
struct FormInfo {
    std::string project;
    std::string form_id;
    std::string version;
    crypto::Hash hash{};
    std::uint64_t published_unix = 0;
};

// A project's records as merged now, counted: by the form version of each record's latest
// changeset, and by the devices that wrote in each (a record two devices wrote in counts
// for both).
struct RecordCensus {
    std::uint64_t records = 0;
    std::map<std::pair<std::string, std::string>, std::uint64_t>
        by_form_version;  // (form id, version)
    std::map<merge::DeviceId, std::uint64_t> by_device;
};

// An enrollment token as `token list` shows it: never its secret.
struct TokenInfo {
    sync::TokenId id{};
    std::string project;
    sync::Role role = sync::Role::collector;
    std::uint64_t created_unix = 0;
    std::uint64_t expires_unix = 0;
    std::optional<merge::DeviceId> used_by;
    std::uint64_t used_unix = 0;
    bool revoked = false;
    std::string label;  // the name its device gets
    // "open", "used", "expired" or "revoked" at `now`.
    std::string status(std::uint64_t now_unix) const;
};

// A device whose changes of records it may not change were refused (merge/authority.hpp).
struct FlaggedDevice {
    merge::DeviceId device{};
    std::string project;
    std::uint64_t refused = 0;  // refused changesets (each counted once, however often sent)
    std::string last_reason;    // the latest refusal, naming the record and seq
};

class ServerStore : public sync::ServerDirectory {
  public:
    // Where sessions keep attachments (media_vault.hpp); the vault must outlive the store's
    // use. Without one, the server states no media caps and devices keep their attachments.
    void attach_media(sync::MediaVault* vault) { media_ = vault; }
    sync::MediaVault* media_vault() override { return media_; }

    // Creates a project whose recipients are `genesis`, a first statement signed by a
    // coordinator (store/recipients.hpp). Error{store, already_exists} if the name is taken;
    // invalid_argument for a name check_project_name() refuses or a statement of another
    // project; Error{auth, ...} if the statement does not verify.
    virtual Result<void> create_project(const std::string& name,
                                        const store::RecipientStatement& genesis,
                                        std::uint64_t now_unix) = 0;
    // Appends the next recipient statement of a project: it must follow the last one held,
    // signed by one of that one's signers (Error{auth, permission_denied} otherwise).
    virtual Result<void> add_recipient_statement(const std::string& project,
                                                 const store::RecipientStatement& next) = 0;
    virtual Result<std::vector<std::string>> project_names() = 0;
    // Every project with its counts, by name.
    virtual Result<std::vector<ProjectSummary>> projects() = 0;
    // Every published form version, by project, form id and publication; `project` empty for
    // all projects (Error{store, not_found} for a project that does not exist).
    virtual Result<std::vector<FormInfo>> forms(const std::string& project) = 0;
    // Reads only, like stats().
    virtual Result<RecordCensus> census(const std::string& project) = 0;
    // Stores a form version. Publishing the same body again is a no-op; another body under
    // an existing (id, version) is Error{store, already_exists}: versions are immutable.
    virtual Result<sync::FormRef> publish_form(const std::string& project,
                                               const std::string& form_id,
                                               const std::string& version, const std::string& body,
                                               std::uint64_t now_unix) = 0;
    virtual Result<void> create_token(const sync::TokenRecord& token, std::uint64_t now_unix) = 0;
    // Every token, newest first, without secrets; `project` empty for all projects.
    virtual Result<std::vector<TokenInfo>> tokens(const std::string& project,
                                                  std::uint64_t now_unix) = 0;
    // Ends an unused token now and erases its secret. `id_prefix` is at least 4 hex digits of
    // its id; Error{store, not_found} if none matches, invalid_argument if several do or it
    // was already used.
    virtual Result<TokenInfo> revoke_token(const std::string& id_prefix,
                                           std::uint64_t now_unix) = 0;
    // Every enrolled device (revoked ones too), by project and enrollment.
    virtual Result<std::vector<sync::DeviceRecord>> devices() = 0;
    // Revokes the one device whose id starts with `id_prefix` (4 to 32 hex digits) and returns
    // it. Error{store, not_found} if none does, invalid_argument if several do or the prefix
    // is not hex. Revoking a revoked device again changes nothing.
    virtual Result<sync::DeviceRecord> revoke(const std::string& id_prefix,
                                              std::uint64_t now_unix) = 0;
    // Devices flagged for changing records they may not change, by project and device.
    virtual Result<std::vector<FlaggedDevice>> flagged_devices() = 0;
    // Reads only: works on a store opened read-only, and never waits for or holds up a push.
    // The digest counts every changeset held, merged or not yet merged into the stored states.
    virtual Result<ProjectStats> stats(const std::string& project, std::uint64_t now_unix) = 0;
    // Brings the stored merge state of at most `max_records` records up to date, in one short
    // transaction, so that digests stay cheap; returns how many it did (0: all are up to date).
    // The running server calls it between pushes, never on their path.
    virtual Result<std::size_t> catch_up_record_states(std::size_t max_records) = 0;
    // "ok" or what PRAGMA integrity_check found.
    virtual Result<std::string> integrity_check() = 0;
    // "ok" or what PRAGMA quick_check found (every page read; fast enough for each start).
    virtual Result<std::string> quick_check() = 0;
    // A quota: the database grows to at most `bytes` (never below what it holds now); a write
    // beyond it fails as a full disk does, and devices are told the server's disk is full.
    virtual Result<void> limit_size(std::uint64_t bytes) = 0;
    // A setting of the data directory ("address": where devices reach the server).
    virtual Result<std::optional<std::string>> setting(const std::string& name) = 0;
    virtual Result<void> set_setting(const std::string& name, const std::string& value) = 0;
    // A vault keeping attachments in the database itself, with a connection of its own, for a
    // store that several instances share (PostgreSQL); nullptr for a store whose attachments
    // are files in the data directory (SQLite: FileMediaVault).
    virtual Result<std::unique_ptr<ServerMediaVault>> database_media();

  private:
    sync::MediaVault* media_ = nullptr;
};

// Project names are what devices, tokens and logs carry: 1 to 64 letters, digits, '-', '_'
// or '.', starting with a letter or digit; "local" is reserved for work saved before
// enrollment. Error{store, invalid_argument} saying so otherwise.
Result<void> check_project_name(std::string_view name);

// A device label (`token create --label`) is shown in lists and logs: up to 64 bytes of
// UTF-8 without control characters, quotes or backslashes. Error{store, invalid_argument}
// saying so otherwise.
Result<void> check_device_label(std::string_view label);

// Opens (or with `create`, creates) the SQLite store at `path`: WAL, synchronous=FULL,
// every batch in one transaction.
Result<std::unique_ptr<ServerStore>> open_sqlite_store(const std::string& path, bool create);
// Opens the SQLite store at `path` for reading only: it never writes to the data directory,
// so the reporting commands work on a full disk or a read-only directory. Any write through it
// fails. A store of an older schema is refused with what to run to upgrade it.
Result<std::unique_ptr<ServerStore>> open_sqlite_store_read_only(const std::string& path);

}  // namespace canvass::server
