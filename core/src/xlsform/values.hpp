// Survey types and default values between their spreadsheet text and the twin.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace canvass::xlsform::detail {

struct SurveyType {
    enum Kind { none, question, begin, end } kind = none;
    // question: the twin's type (`select_one yes_no`, `text`, or the text as written when
    // canvass does not know it, for the loader to judge); begin/end: `group`, `repeat`,
    // or the word after begin/end as written (`loop`).
    std::string type;
};

// `begin group`, `begin_group`, `End Repeat`, `select one from yes_no`, `select all that
// apply L`, `select1 L`, `L or specify other`, `string`, `int`, `trigger`, `gps`, `imei`,
// `start time` (pyxform's older type names) and the twin's own spellings.
SurveyType survey_type(std::string_view text);

// A `default` cell as the twin wants it for a row of `type`: a number for integer and
// decimal, an array of names for select_multiple, an object for geopoint, a date for an
// Excel date serial on a date row; otherwise the text, for the loader to judge.
nlohmann::ordered_json typed_default(const std::string& type, const std::string& text);

// The reverse, for writing a spreadsheet: the cell text of a twin default value.
std::string default_text(const nlohmann::json& value);

// Excel's day serial (days since 1899-12-30, fraction of a day as time) as text.
std::string serial_date(double serial);      // YYYY-MM-DD
std::string serial_datetime(double serial);  // YYYY-MM-DDTHH:MM:SS
std::string serial_time(double serial);      // HH:MM:SS

}  // namespace canvass::xlsform::detail
