// The coordinator's view: the project key opened over a coordinator's Device
// (canvass/device.hpp), and the records, conflicts, history and attachments it decrypts.
// The C ABI's canvass_coordinator_* functions are a thin layer over this class.
//
//   auto phone = canvass::Device::open(home, passphrase);   // enrolled as coordinator
//   phone->sync();                                          // everyone's changesets
//   auto view = canvass::Coordinator::open(*phone, "project.key", key_passphrase);
//   auto records = view->records("market");                 // JSON, answers decrypted
//
// Decrypted answers exist only in what these calls return: the key's secret half lives in
// wiped memory while the Coordinator is open, and nothing decrypted is written to the store.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/device.hpp"
#include "canvass/record_detail.hpp"
#include "canvass/result.hpp"

namespace canvass {

namespace crypto {
struct DhKeyPair;
}

// The public halves of a coordinator's key file.
struct CoordinatorKeyInfo {
    std::string public_key;                  // the recipient text a project names
    std::optional<std::string> signing_key;  // hex; none in a key file from before signing keys
};

// Makes a key file at `path` sealed under `passphrase` (refused when the file exists).
Result<CoordinatorKeyInfo> create_coordinator_key(const std::string& path,
                                                  std::string_view passphrase);
// Reads the public halves, no passphrase needed.
Result<CoordinatorKeyInfo> inspect_coordinator_key(const std::string& path);
// The same with the key opened, so a file written before key files named their signing key
// gives it too (derived from the secret). Error{crypto, wrong_key} for a wrong passphrase.
Result<CoordinatorKeyInfo> unlock_coordinator_key(const std::string& path,
                                                  std::string_view passphrase);

// Who may read a project's answers, as a change to its recipient statement
// (docs/security.md): keys are 64 hex digits, as `canvass keys show` prints them.
struct RecipientChange {
    std::string project;  // a new project's name; with `from`, checked against the statement's
    // The current statement, a file's path or its text (`canvass-server project recipients
    // NAME` prints it); empty for a new project's first statement, which names the key
    // itself as recipient and signer, and removes nothing.
    std::string from;
    std::vector<std::string> add_recipients, remove_recipients;
    std::vector<std::string> add_signers, remove_signers;
    bool share_past = false;  // added recipients also read what was saved before the change
};

// A recipient statement signed with a coordinator key, for the server's administrator.
struct SignedStatement {
    std::string text;  // "canvass-recipients1-..."
    std::string project;
    std::uint64_t serial = 0;  // 1 for a new project's first statement
    std::uint64_t recipients = 0;
    std::uint64_t signers = 0;
    bool share_past = false;
    std::string fingerprint;  // the statement's digest, hex: the project's for serial 1
};

// Signs `change` with the key in `key_path`. Refused, naming what is wrong: a key that is
// not 64 hex digits, one added twice or removed but not listed, the last recipient or signer
// removed, a statement of another project, or a key that is not one of the current
// statement's signers (devices would refuse what it signs).
Result<SignedStatement> sign_recipients(const std::string& key_path, std::string_view passphrase,
                                        const RecipientChange& change);

class Coordinator {
  public:
    // The key in `key_path` opened with `passphrase` (Error{crypto, wrong_key} when it does
    // not open) over `device`, which must outlive the Coordinator and not be used from
    // another thread meanwhile.
    static Result<Coordinator> open(Device& device, const std::string& key_path,
                                    std::string_view passphrase);
    Coordinator(Coordinator&&) noexcept;
    Coordinator& operator=(Coordinator&&) noexcept;
    ~Coordinator();  // wipes the key

    // Every record of `form_id` (every form when empty) that is not deleted, each as its
    // JSON Lines export line: {"records": [...], "unreadable": {what could not be decrypted,
    // per device, and "warnings": a line of words for each}}. Error{crypto, wrong_key} when
    // not one changeset opens with this key.
    Result<std::string> records(std::string_view form_id = {}) const;
    // One record as in records(), with "deleted", "readable" and "conflict_list" (open and
    // resolved, candidates decrypted).
    Result<std::string> record(std::string_view id) const;
    // Record `id` as its page shows it: answers in form order, open conflicts with their
    // candidates, the review and every review written, each field's history.
    Result<RecordDetail> record_detail(std::string_view id) const;
    // Who changed which field when, oldest first (`canvass history --json`): each change
    // with its value as JSON and as a person reads it ("text"), the device's label where
    // label_devices() gave one.
    Result<std::string> history(std::string_view id) const;
    // People's names for devices, from the JSON `canvass-server devices --json` prints (an
    // array of {"device": 32 hex digits, "label": text}); replaces those given before.
    // Error{core, invalid_argument} naming the entry that is wrong.
    Result<void> label_devices(std::string_view devices_json);
    // The label label_devices() gave device `device_hex` (32 hex digits), "" when none.
    std::string device_label(std::string_view device_hex) const;
    // {"conflicts": [...], "unreadable": {...}}: the conflicts `query` selects, in the shape
    // of Device::conflicts with every candidate decrypted ("(not decrypted)" where a
    // changeset does not open with this key), the settled ones too when it says so.
    Result<std::string> conflicts(const ConflictQuery& query = {}) const;
    // Settles the conflict at `path` with `value_json` (or corrects the value there), the
    // record decrypted first so the value is checked against what was answered, as
    // `canvass resolve --key` does (messages in `language`).
    Result<Resolution> resolve(std::string_view id, std::string_view path,
                               std::string_view value_json, std::string_view language = {});
    // Changes finalized record `id` with `changes_json` ({"path": value, ...}, only the fields
    // to change) over the answers this key decrypts, as `canvass edit --answers --key` does;
    // says whether anything changed (one changeset of what did). Refused as edit_interview
    // is when this device may not change the record or a changeset of it does not open.
    Result<bool> edit(std::string_view id, std::string_view changes_json,
                      std::string_view language = {});
    // An edit of finalized record `id` (or its first characters) over the answers this key
    // decrypts, as `canvass edit --key` runs it: nothing is written until finalize(), then
    // what changed as one changeset. Refused before any question when this device may not
    // change the record, or when a changeset of it does not open with this key (a record
    // read in part would look as if answers had been cleared).
    Result<Interview> edit_interview(std::string_view id, std::string_view language = {});
    // The bytes of attachment `attachment` (64 hex digits, the reference's "attachment") of
    // record `id`, checked against the hash: Error{store, not_found} when the record's
    // decrypted answers do not name it, or it has not arrived yet.
    Result<std::vector<std::uint8_t>> attachment(std::string_view id,
                                                 std::string_view attachment) const;

  private:
    struct Impl;
    explicit Coordinator(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
    // For the parts of the core built over the view (core/src/device/access.hpp, the
    // export writers); not part of the API.
    friend store::DeviceStore& coordinator_store(Coordinator& coordinator);
    friend const crypto::DhKeyPair& coordinator_key(const Coordinator& coordinator);
};

}  // namespace canvass
