// Bulk import: many records from another tool or a spreadsheet (`canvass fill FORM --answers
// FILE.jsonl`), all or nothing, and never twice.
//
//   auto import = BulkImport::begin(store, "household", /*finalize=*/true, "fr");
//   for (each line) { auto r = import->add(std::move(answers)); ... r->problems ... }
//   if (import->refused() == 0) import->commit();   // else nothing is saved
//
// Every record carries an import key: its instanceID (ODK's `meta/instanceID`) when it has
// one, else its canonical JSON. The store keeps, per form, only a MAC of that key under a
// subkey of the store key (an unkeyed hash of answers would let anyone holding the file test
// guesses of them) and the record it became; a record whose key is already there is skipped,
// so importing a file again after fixing some of its lines saves only what was missing.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "form/problem.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"

namespace canvass::store {

// The import key of `record`: "instance:" and its instanceID when it carries one (as
// "instanceID", "meta/instanceID" or "meta": {"instanceID": ...}), which is then removed
// from `record` unless `form` has a question of that name; else "answers:" and the record's
// canonical JSON (keys sorted, no spaces). A record that is not an object has the key of its
// JSON text.
std::string import_key(const form::Form& form, nlohmann::json& record);

class BulkImport {
  public:
    enum class Outcome { saved, skipped, refused };

    // What became of one record.
    struct Line {
        Outcome outcome = Outcome::refused;
        merge::RecordId record{};  // saved, or skipped: the record that has its key
        // Skipped because record number `same_as` (1-based) of this import has the same key;
        // 0 when it was saved by an earlier import.
        std::size_t same_as = 0;
        std::vector<form::Problem> problems;  // refused: every problem, with its JSON path
    };

    // Starts an import into the newest version of `form_id`, in one transaction that lasts
    // until commit(). `lang` is the language of the problems' messages. Fails when the form
    // is not installed.
    static Result<BulkImport> begin(DeviceStore& store, std::string_view form_id, bool finalize,
                                    std::string lang = {});

    BulkImport(BulkImport&& other) noexcept;
    BulkImport& operator=(BulkImport&&) = delete;
    // Without commit(), nothing of the import is saved.
    ~BulkImport();

    // Takes the next record: skipped when its import key was saved before (or earlier in this
    // import), refused with every problem when invalid, else saved when `save` is true (and
    // only checked when false: a caller that will not commit saves the work). A record too
    // large to sync is refused too. An error is a failure of the store itself; the import
    // must then be abandoned.
    Result<Line> add(nlohmann::json record, bool save = true);
    // Counts a record refused before it could be given to add() (not a JSON object, a file it
    // names that cannot be attached): record numbers and refused() count every record.
    void refuse() {
        ++count_;
        ++refused_;
    }
    // The form version the records are checked against.
    const form::Form& form() const { return *form_; }
    // Makes every saved record durable, with its import key.
    Result<void> commit();

    std::size_t saved() const { return saved_; }
    std::size_t skipped() const { return skipped_; }
    std::size_t refused() const { return refused_; }

  private:
    BulkImport(DeviceStore::Impl& impl, std::shared_ptr<const form::Form> form, bool finalize,
               std::string lang, Transaction tx);
    Result<std::optional<merge::RecordId>> saved_before(const crypto::Hash& mac);

    DeviceStore::Impl* impl_;
    std::shared_ptr<const form::Form> form_;
    bool finalize_;
    std::string lang_;
    Transaction tx_;
    bool active_ = true;  // not committed: the destructor restores the chain head
    std::uint64_t seq_before_, hlc_before_;
    merge::Hash hash_before_;
    // Keys taken in this import (MAC bytes -> record number and id), to name the record a
    // duplicate repeats: some 64 bytes per record, never the records themselves.
    struct Taken {
        std::size_t number = 0;
        merge::RecordId record{};  // zero while only checked
    };
    std::unordered_map<std::string, Taken> keys_;
    std::optional<bool> keys_before_;  // the form had import keys when the import began
    std::size_t count_ = 0, saved_ = 0, skipped_ = 0, refused_ = 0;
};

}  // namespace canvass::store
