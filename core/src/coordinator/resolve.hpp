// What a coordinator changes with the project key: settling a conflict, correcting one
// answer, and reading a record whole before an edit. The command line (`canvass resolve`,
// `edit --key`, `show --key`), the desk and the C ABI (canvass_coordinator_resolve) all go
// through here, so one rule decides what may be written.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"
#include "coordinator/conflicts.hpp"
#include "coordinator/records.hpp"
#include "coordinator/source.hpp"

namespace canvass::store {
class DeviceStore;
}

namespace canvass::coordinator {

// Record `id` rebuilt with the answers `key` decrypts, for show and edit. Every changeset of
// it must open: a record read in part would look as if answers had been cleared, so one
// that does not is Error{crypto, wrong_key} saying how many could not be read (`key_name`,
// the key file's name, is in the message). Errors as load_record's otherwise.
Result<Record> load_whole_record(ChainSource& source, const crypto::DhKeyPair& key,
                                 const merge::RecordId& id, std::string_view key_name);

// A value as a person types it for a settlement: JSON when it reads as JSON ("42", "[\"a\"]",
// "null"), else the text itself as a string ("Ana" needs no quotes).
nlohmann::json typed_value(std::string_view text);

// What `canvass resolve` writes: checks that `path` is a question of the record's form at its
// place and `value` an answer to it, then writes the coordinator edit that supersedes every
// value seen there (messages in `lang`). `readable` is the record decrypted with the
// coordinator key (load_whole_record), or nullptr. Returns the open conflict it settled, or
// nullopt for a correction where none was open. Errors: a draft, a delete conflict, a device
// that may not change the record, a bad path or value, the store's checks.
Result<std::optional<Conflict>> resolve_field(store::DeviceStore& store, const merge::RecordId& id,
                                              const std::string& path, const nlohmann::json& value,
                                              const std::string& lang, const Record* readable);

}  // namespace canvass::coordinator
