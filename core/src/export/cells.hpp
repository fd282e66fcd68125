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

#include "coordinator/view_json.hpp"
#include "export/dataset.hpp"
#include "form/form.hpp"

namespace canvass::exporting {

// An empty cell, a number, or text.
using Cell = std::variant<std::monostate, double, std::string>;

// The coordinator view's words (coordinator/view_json.hpp), under the names the writers use.
using coordinator::answer_text;
using coordinator::candidate_kind_name;
using coordinator::candidate_text;
using coordinator::cell_text;
using coordinator::change_kind_name;
using coordinator::instance_name;
using coordinator::iso_time;
using coordinator::record_key;
using coordinator::review_comment;
using coordinator::review_state;
using coordinator::status_text;

// A Cell's text in a CSV cell: numbers without exponent.
std::string cell_text(const Cell& cell);

// Geopoint parts in ODK's column order: latitude, longitude, altitude, accuracy.
inline constexpr const char* kGeopointParts[4] = {"Latitude", "Longitude", "Altitude", "Accuracy"};
// Part `part` (0 to 3) of a geopoint answer {"lat", "lon", "alt", "acc"}; nullopt if absent.
std::optional<double> geopoint_part(const nlohmann::json& value, int part);

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

}  // namespace canvass::exporting
