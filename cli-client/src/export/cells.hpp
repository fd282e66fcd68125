// Values as the tabular formats write them: answer text, geopoint parts, times, and the
// metadata columns ODK Central puts around the answers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "export/dataset.hpp"
#include "form/form.hpp"

namespace canvass::cli::exporting {

// An empty cell, a number, or text.
using Cell = std::variant<std::monostate, double, std::string>;

// Text of an answer in a CSV cell: strings as they are, numbers without exponent,
// select_multiple names joined by spaces (ODK's form), anything else as compact JSON.
std::string cell_text(const nlohmann::json& value);
std::string cell_text(const Cell& cell);

// Geopoint parts in ODK's column order: latitude, longitude, altitude, accuracy.
inline constexpr const char* kGeopointParts[4] = {"Latitude", "Longitude", "Altitude", "Accuracy"};
// Part `part` (0 to 3) of a geopoint answer {"lat", "lon", "alt", "acc"}; nullopt if absent.
std::optional<double> geopoint_part(const nlohmann::json& value, int part);

// A hybrid logical clock stamp's wall time as ISO 8601 UTC with milliseconds
// ("2026-09-12T04:10:39.123Z", JavaScript's toISOString, which ODK Central writes).
std::string iso_time(std::uint64_t hlc);

// ODK's KEY of a record: "uuid:" then its id.
std::string record_key(const merge::RecordId& id);
// ODK Central's meta-instanceName: the form's instance_name on the record's answers, at the
// time of its last change (UTC); "" when the form has none.
std::string instance_name(const form::Form& form, const ExportRecord& record);

// Status as ODK Central's column says it: "" when every value was decrypted, else
// "not decrypted" (nothing could be read) or "partly decrypted".
std::string status_text(const ExportRecord& record);

// ODK Central's review state: "hasIssues" while the record has an open conflict, else the
// coordinators' review ("approved", "hasIssues", "rejected", coordinator/review.hpp), else
// "edited" once it was changed after its first save, else "".
std::string review_state(const ExportRecord& record);
// The comment of the coordinators' review, "" when none.
std::string review_comment(const ExportRecord& record);

// The columns after the answers in the main table (KEY … FormVersion), in ODK Central's
// order; SubmissionDate, the first column, is separate.
struct MetaColumn {
    std::string name;
    std::string description;  // for codebooks and variable labels
    bool numeric = false;
};
const MetaColumn& submission_date_column();
const std::vector<MetaColumn>& meta_columns();
// The values of meta_columns() for `record`, in the same order.
std::vector<Cell> meta_values(const ExportRecord& record);

// Cuts `text` to at most `max_bytes` bytes without splitting a UTF-8 sequence.
std::string utf8_prefix(std::string_view text, std::size_t max_bytes);
// Cuts `text` to at most `max_chars` characters (code points).
std::string utf8_chars(std::string_view text, std::size_t max_chars);

}  // namespace canvass::cli::exporting
