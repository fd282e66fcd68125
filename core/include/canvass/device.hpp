// A device's encrypted store and everything an app does with it: forms, records, their
// conflicts, attachments, interviews, enrollment and sync. The C ABI (canvass.h) is a thin
// layer over this class, and so is the command line's `canvass enroll`, `sync` and
// `status`: what one face can do, every face does the same way.
//
//   auto device = canvass::Device::open(home, passphrase);
//   auto enrolled = device->enroll(token_text);           // pins the project's server
//   auto interview = device->start_interview("market", "fr");
//   interview->session().answer("\"Ana\"");               // canvass/interview.hpp
//   ...
//   auto outcome = device->sync();                        // over TCP, or a Connection
//
// Records, forms, statuses and conflicts cross this API as JSON text (the shapes are in
// docs/embedding.md, the same as canvass.h's), so the header needs no JSON library. A
// Device is used by one thread at a time; two Devices on one home may live in different
// threads or processes (SQLite's locks keep them apart; a lost race is Error{sqlite, BUSY}).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/form_view.hpp"
#include "canvass/forms.hpp"
#include "canvass/interview.hpp"
#include "canvass/result.hpp"

namespace canvass {

namespace store {
class DeviceStore;
}
namespace interview {
struct DeviceInterview;
}

// A connection to the project's server that the host opens itself (its own socket, a
// proxy, a test's pipe): canvass writes its frames on it as on its own TCP connection.
// Calls come from the syncing thread, one at a time.
class Connection {
  public:
    virtual ~Connection() = default;
    // Writes every byte, or fails with Error{net, io} (broken) or {net, timeout}.
    virtual Result<void> send(std::span<const std::uint8_t> bytes) = 0;
    // Reads at least one and at most into.size() bytes and says how many; 0 when the server
    // closed the connection. Errors as for send.
    virtual Result<std::size_t> receive(std::span<std::uint8_t> into) = 0;
    // Called once, when enrollment or sync is done with the connection, whatever happened.
    virtual void close() {}
};

// A form version fetched from the server and installed.
struct InstalledForm {
    std::string form_id;
    std::string version;
};

// What an enrollment token says, before it is used.
struct TokenInfo {
    std::string project;
    std::string role;     // "collector", "organizer" or "coordinator"
    std::string address;  // the server's, "host:port" (several separated by commas)
    std::string expires;  // "2026-12-01T10:00:00.000Z"
    std::uint64_t expires_unix = 0;
    std::string fingerprint;  // the project fingerprint's short form
};

// Error{core, invalid_argument} naming what is wrong with the token.
Result<TokenInfo> inspect_token(std::string_view token);

struct Enrollment {
    std::string project;
    std::string role;
    std::string device;       // this device's id, 32 hex digits
    std::string server;       // the address pinned
    std::string fingerprint;  // short form: answers are sealed only to the keys it names
    std::vector<InstalledForm> forms_installed;
};

// Changesets of one sync: counted as they go, given to a progress callback now and then.
struct SyncCounts {
    std::uint64_t to_send = 0;
    std::uint64_t sent = 0;
    std::uint64_t acknowledged = 0;
    std::uint64_t received = 0;
    std::uint64_t stored = 0;  // of those received, new here
};
using SyncProgress = std::function<void(const SyncCounts&)>;

// A device whose chain forked (two histories signed under one identity) at `seq`.
struct ChainFork {
    std::string device;  // hex
    std::uint64_t seq = 0;
};

// A carried chain the server refused alone (everything else was stored); it stays here and
// is not sent again.
struct RefusedChain {
    std::string device;  // hex
    std::uint64_t from_seq = 0;
    std::string code;    // "forged", "not_authorized", ... (schemas/protocol/sync.md)
    std::string reason;  // the server's words
};

struct AttachmentCounts {
    std::uint64_t delivered = 0;  // attachments whose last chunk the server acknowledged
    std::uint64_t chunks_sent = 0;
    std::uint64_t fetched = 0;  // attachments received whole
    std::uint64_t chunks_received = 0;
};

struct SyncOutcome {
    std::string project;
    std::string role;
    std::string server;
    SyncCounts changesets;
    std::uint64_t evidence = 0;      // received changesets kept as evidence of a fork
    std::uint64_t far_future = 0;    // stamped far in the future: a device clock is wrong
    std::uint64_t own_returned = 0;  // this device's own came back: a restored or second copy
    std::vector<InstalledForm> forms_installed;
    std::vector<ChainFork> forks;
    std::vector<RefusedChain> refused_chains;
    std::optional<AttachmentCounts> attachments;  // when attachments were exchanged
    std::uint64_t bytes_sent = 0;                 // on the wire, framing included
    std::uint64_t bytes_received = 0;
};

// The project a device is enrolled in.
struct Project {
    std::string project;
    std::string role;    // "collector", "organizer" or "coordinator"
    std::string server;  // the address pinned, "host:port"
    std::string label;   // the administrator's name for this device; "" if none
};

// What still waits to reach the server.
struct Pending {
    std::uint64_t interviews = 0;  // own records with changes the server has not acknowledged
    // Own attachments not yet delivered and, on an organizer's or a coordinator's device, the
    // other devices' changesets and attachments it carries (a collector never forwards them).
    std::uint64_t other = 0;
    bool empty() const { return interviews == 0 && other == 0; }
    friend bool operator==(const Pending&, const Pending&) = default;
};

// A bundle file written or read (canvass bundle export/import, docs/sync.md).
struct BundleReport {
    std::uint64_t devices = 0;
    std::uint64_t changesets = 0;   // in the file (export) or newly kept (import)
    std::uint64_t evidence = 0;     // import: changesets kept as evidence of a forked chain
    std::uint64_t attachments = 0;  // in the file (export) or newly kept (import)
    std::uint64_t attachment_bytes = 0;
};

// How sync_until_done() goes on after a lost link or a busy server.
struct SyncUntilDone {
    std::uint64_t give_up_after_ms = 2ull * 60 * 60 * 1000;
    SyncProgress progress;                           // within each attempt
    std::function<void(const SyncOutcome&)> synced;  // after each sync that completed
    // Before waiting `wait_ms` to try again after `why`, with what is still to deliver.
    std::function<void(const Error& why, const Pending& left, std::uint64_t wait_ms)> retrying;
    // Waits that long; by default the calling thread sleeps. A test or an app's scheduler
    // may pass its own.
    std::function<void(std::uint64_t ms)> wait;
};

enum class SyncEnd : std::uint8_t {
    delivered,  // nothing left to send
    stalled,    // a complete sync delivered nothing more: repeating would not either
    gave_up,    // the next wait would pass give_up_after_ms
    failed,     // a failure that trying again cannot cure (see sync_worth_retrying)
};

struct SyncRun {
    SyncEnd end = SyncEnd::delivered;
    std::optional<Error> failure;  // the last attempt's failure, unless delivered or stalled
    std::uint64_t interviews = 0;  // own interviews waiting when the run began
    Pending left;                  // still to deliver when it ended
};

// Which conflicts a listing holds (Device::conflicts, Coordinator::conflicts).
struct ConflictQuery {
    std::string form_id;        // empty: every form
    std::string record;         // a record's id or its first characters; empty: every record
    bool resolved_too = false;  // the settled ones too, with what settled them
};

// What resolve() wrote.
struct Resolution {
    std::string record;            // the record's full id
    std::string value;             // the value written, as JSON
    bool settled = false;          // false: a correction, no conflict was open at the path
    std::uint64_t superseded = 0;  // the candidates it replaced, when settled
};

// A value as a person types it for an answer ("42", "[\"a\"]", "null", or "Ana" with no
// quotes) as JSON text: itself when it reads as JSON, else the text as a JSON string.
std::string typed_answer(std::string_view text);

// Answers whose files were attached (Device::attach_files).
struct AttachedAnswers {
    std::string answers;                  // JSON, each file's path replaced by its reference
    std::vector<AnswerProblem> problems;  // the files that could not be attached
};

class Interview;
class Import;

class Device {
  public:
    // A new store in directory `home` (created if missing), sealed under a key derived from
    // `passphrase`: Error{store, already_exists} when one is there.
    static Result<Device> create(const std::string& home, std::string_view passphrase);
    // Opens the store in `home`: Error{crypto, wrong_key} for a wrong passphrase,
    // Error{store, not_found} when there is none.
    static Result<Device> open(const std::string& home, std::string_view passphrase);
    // The same with a 32-byte key the host keeps (Android Keystore, iOS Keychain) instead of
    // a passphrase.
    static Result<Device> create(const std::string& home, std::span<const std::uint8_t, 32> key);
    static Result<Device> open(const std::string& home, std::span<const std::uint8_t, 32> key);
    static bool exists(const std::string& home);

    Device(Device&&) noexcept;
    Device& operator=(Device&&) noexcept;
    ~Device();  // closes the store and wipes its keys from memory

    // Forms: a form file's JSON (docs/forms.md), installed as a new version when it differs;
    // the version installed as one entry of forms(): {form_id, version, title, questions,
    // languages}. Error{form, invalid_argument} with every problem of the form.
    Result<std::string> add_form(std::string_view form_json);
    Result<std::string> forms() const;  // JSON array of the installed versions
    // The ids of the installed forms, each once, in the order they were first installed.
    Result<std::vector<std::string>> form_ids() const;
    // The words of form `form_id` (its newest version unless `version` is given) in any of
    // its languages. Error{form, not_found} when it is not installed.
    Result<FormView> form_view(std::string_view form_id, std::string_view version = {}) const;

    // Records, each named by its id (36 characters). Answers are a JSON object (DESIGN.md
    // section 8), checked against the form as every save is.
    Result<std::string> create_record(std::string_view form_id, std::string_view answers_json,
                                      bool finalize);
    Result<void> save_draft(std::string_view id, std::string_view answers_json);
    Result<void> finalize(std::string_view id);
    // `changes_json`: {"path": value, ...}; says whether anything changed. Messages in
    // `language`.
    Result<bool> edit(std::string_view id, std::string_view changes_json,
                      std::string_view language = {});
    Result<void> delete_record(std::string_view id);
    // Whether this device may change the record (edit, delete, settle): a record another
    // device created is changed only by that device or a coordinator. The error,
    // Error{auth, permission_denied}, says who may; edits and deletes check it themselves.
    Result<void> may_change(std::string_view id) const;
    Result<std::string> record(std::string_view id) const;             // JSON object
    Result<std::string> records(std::string_view form_id = {}) const;  // JSON array of summaries
    // Open conflicts as this device sees them, oldest record first: a JSON array of
    // {record, form, path, conflict ("value" | "delete"), resolved, candidates: [{kind,
    // value, text, readable, device, time, shown[, path]}]} (docs/embedding.md), the same
    // objects Coordinator::conflicts lists. Values this device cannot decrypt (other
    // devices' answers) have readable false and text "(encrypted)". Error{core,
    // invalid_argument} for a draft named by `query.record`, or for `resolved_too`: settled
    // conflicts are read from a record's history, which takes the coordinator key.
    Result<std::string> conflicts(const ConflictQuery& query = {}) const;
    // Settles the conflict at `path` (a question's path) with `value_json`, as
    // `canvass resolve` does: the value is checked as every save is (messages in
    // `language`), then written as an edit that supersedes every value seen there. With no
    // conflict open there it is a correction, which only the record's creator or a
    // coordinator may make.
    Result<Resolution> resolve(std::string_view id, std::string_view path,
                               std::string_view value_json, std::string_view language = {});

    // A coordinator's review of a finalized record: `state` "approved", "hasIssues",
    // "rejected" or "none" (ODK Central's), with an optional comment; it syncs like an edit.
    Result<void> review(std::string_view id, std::string_view state, std::string_view comment = {});

    // Attachments: the file or bytes copied into the store, encrypted; the JSON reference to
    // answer a media question with. `question_type` (image, audio, video or file) refuses a
    // kind of file that question does not take (a .txt for a photo) before anything is kept.
    Result<std::string> add_attachment_file(const std::string& path,
                                            std::string_view question_type = "file");
    Result<std::string> add_attachment(std::span<const std::uint8_t> bytes, std::string_view name,
                                       std::string_view type);

    // Answers that name files (docs/media.md): in `answers_json`, a record or the fields to
    // change keyed by field name (groups and repeats nested), each string at an image, audio,
    // video or file question of form `form_id` (its newest version unless `form_version` is
    // given) is the path of a file, relative to `base_dir`. Each is copied into the store,
    // encrypted, and replaced by its reference. A file that cannot be attached (missing,
    // unreadable, too large, not of the kind the question takes) is listed by question with
    // its answer left as it was, so saving the answers is refused by name.
    Result<AttachedAnswers> attach_files(std::string_view form_id, std::string_view answers_json,
                                         const std::string& base_dir,
                                         std::string_view form_version = {});

    // Many records from another tool's file (`canvass fill`), all or nothing, never twice:
    // see Import. Paths of files its answers name are relative to `files_dir` (empty: the
    // working directory). Error{store, not_found} when the form is not installed.
    Result<Import> begin_import(std::string_view form_id, bool finalize,
                                std::string_view language = {}, const std::string& files_dir = {});

    // A record's full id from the id or its first characters (at least 4), as people type
    // it: Error{store, not_found}, or {core, invalid_argument} when several records begin so.
    Result<std::string> find_record(std::string_view id_or_prefix) const;

    // Where the store stands (`canvass status --json`'s object).
    Result<std::string> status() const;
    // The project this device is enrolled in; nullopt before enrollment.
    Result<std::optional<Project>> project() const;
    // What still waits for the server, found in constant time.
    Result<Pending> pending() const;

    // Interviews over the engine (canvass/interview.hpp), every answer saved to the
    // encrypted draft as it is given. `language` "" : the form's default (a draft's own when
    // resuming). Failure names what was wrong: no such form or record, a finalized record to
    // resume, a language the form does not have.
    Result<Interview> start_interview(std::string_view form_id, std::string_view language = {});
    Result<Interview> resume_interview(std::string_view record_id, std::string_view language = {});
    // An edit of a finalized record this device may change: nothing is written until
    // finalize(), then what changed as one changeset.
    Result<Interview> edit_interview(std::string_view record_id, std::string_view language = {});

    // Joins the project of `token` and pins its server. `fingerprint` (optional, at least 16
    // hex digits) refuses a token made for another project. Over `connection` when given,
    // else TCP to the token's address. Failure: Error{auth, permission_denied} with the
    // server's reason ("enrollment refused: ..."), or what was wrong with the token.
    Result<Enrollment> enroll(std::string_view token, std::string_view fingerprint = {},
                              std::unique_ptr<Connection> connection = nullptr);
    // One sync with the pinned server: changesets both ways, then attachments. What was
    // acknowledged is kept on failure; syncing again resumes. Error{core, not_found} before
    // enrollment; sync_worth_retrying() tells which failures a later attempt may cure.
    Result<SyncOutcome> sync(std::unique_ptr<Connection> connection = nullptr,
                             const SyncProgress& progress = {});
    // Syncs over TCP again and again, waiting 2 s doubling up to a minute (with jitter)
    // after each attempt a later one may cure, until nothing is left to deliver or the time
    // runs out. An attempt that delivered something starts the waits short again. The
    // Result fails only when the store cannot be read; how the run ended is in SyncRun.
    Result<SyncRun> sync_until_done(const SyncUntilDone& options = {});

    // Bundle files, for places with no network at all (docs/sync.md): every chain this device
    // holds, with its attachments, written to `path` (replaced atomically); or a bundle's
    // chains verified and kept, to go on to the server with an organizer's next sync.
    // Errors name the file, the device and what failed; what was kept before a failure stays.
    Result<BundleReport> export_bundle(const std::string& path);
    Result<BundleReport> import_bundle(const std::string& path);

  private:
    struct Impl;
    explicit Device(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    // For code inside the core and the command line not yet moved onto this class
    // (core/src/device/access.hpp); not part of the API.
    friend store::DeviceStore& device_store(Device& device);
    friend Device device_over(store::DeviceStore& store);
};

// A review state as people type it ("approved", "hasIssues" or "has-issues", "rejected",
// "none" or "") under ODK Central's name, "none" for none; nullopt for anything else.
std::optional<std::string> review_state_name(std::string_view state);

// Whether a failed sync may succeed if tried again later (a lost link, a busy or full
// server), and how long to wait before retry number `retry` (1, 2, ...): 2 s doubling up
// to a minute, with jitter.
bool sync_worth_retrying(const Error& error);
std::uint64_t sync_retry_delay_ms(unsigned retry);

// A bulk import into the newest version of one form, in one transaction: nothing is saved
// until commit(), and dropping the Import saves nothing. Each record carries an import key,
// its instanceID when it has one (as "instanceID", "meta/instanceID" or "meta":
// {"instanceID"}), else its answers; a record whose key was imported before, by this import
// or an earlier one, is skipped, so importing a file again after fixing some of its lines
// saves only what was missing. The store keeps only a keyed MAC of each key. The Device
// must outlive its Import, and is not used for anything else until the Import is committed
// or dropped (its transaction is open on the Device's store).
class Import {
  public:
    enum class Outcome : std::uint8_t { saved, skipped, refused };
    struct Line {
        Outcome outcome = Outcome::refused;
        std::string record;         // saved, or skipped: the record that has its key
        std::uint64_t same_as = 0;  // skipped for repeating record number same_as (1-based) of
                                    // this import; 0 when an earlier import saved it
        std::vector<AnswerProblem> problems;  // refused: every problem
    };

    Import(Import&&) noexcept;
    Import& operator=(Import&&) noexcept;
    ~Import();

    // The next record, a JSON object keyed by field name: skipped, refused with every problem
    // (text that is not one JSON object, a file it names that cannot be attached, answers
    // the form refuses, a record too large to sync), or saved, when `save` (only checked
    // otherwise: a caller that will not commit spares the work). Files named at media
    // questions are attached from begin_import's `files_dir`. An error is a failure of the
    // store itself, and the import must then be dropped.
    Result<Line> add(std::string_view record_json, bool save = true);
    // Makes every saved record durable, with its import key.
    Result<void> commit();
    std::uint64_t saved() const;
    std::uint64_t skipped() const;
    std::uint64_t refused() const;

  private:
    struct Impl;
    explicit Import(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    friend class Device;
};

// An interview or edit opened on a Device; the session (canvass/interview.hpp) drives it.
class Interview {
  public:
    Interview(Interview&&) noexcept;
    Interview& operator=(Interview&&) noexcept;
    ~Interview();

    interview::FormSession& session();
    const interview::FormSession& session() const;
    // The record being filled in: the draft once its first answer is saved, or the record
    // edited; nullopt before that.
    std::optional<std::string> record_id() const;

  private:
    struct Impl;
    explicit Interview(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    // The engine's interview over a store (core/src/device/access.hpp); not part of the API.
    friend Interview interview_over(std::unique_ptr<interview::DeviceInterview> opened);
};

}  // namespace canvass
