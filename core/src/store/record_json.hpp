// Records as JSON, the one rendering shared by `canvass records/show --json` and the C ABI.
#pragma once

#include <nlohmann/json.hpp>

#include "store/device_store.hpp"

namespace canvass::store {

std::string status_text(const RecordSummary& s);  // "draft", "finalized", "deleted"...
std::string time_text(std::uint64_t ms);          // ISO 8601 UTC, "-" for 0

// {id, form, status, conflicts, updated}
nlohmann::json summary_json(const RecordSummary& s);
// summary_json plus form_version, readable and answers (null when not readable); a record's
// conflicts are listed by the coordinator view's one rule (coordinator/records.hpp), which
// Device::record puts in place of the count.
nlohmann::json record_json(const RecordSnapshot& snapshot);
nlohmann::json forms_json(const std::vector<FormInfo>& forms);
// What `canvass status --json` and canvass_status() give: one shape for scripts and apps.
nlohmann::json status_json(const StoreStatus& s);

}  // namespace canvass::store
