// Dates and times as answers carry them (docs/forms.md "survey rows"): strict ISO 8601
// text, checked against the real calendar. Used by answer validation and by the
// expression language, where a date counts days since 1970-01-01.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "form/expression.hpp"

namespace canvass::form {

struct CivilDate {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31
};

// Days from 1970-01-01 to `d` in the proleptic Gregorian calendar (negative before).
std::int64_t days_from_civil(const CivilDate& d);
CivilDate civil_from_days(std::int64_t days);

// Exactly `n` ASCII digits at `s[at]` as a number; nullopt when they are not all there.
std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n);

// `YYYY-MM-DD` naming a day that exists (no 2023-02-29).
std::optional<CivilDate> parse_date(std::string_view s);
// `HH:MM` or `HH:MM:SS`, 00:00 to 23:59:59; the seconds of the day.
std::optional<int> parse_time(std::string_view s);
// `YYYY-MM-DDTHH:MM[:SS[.fff]][Z|±HH:MM]`; days since 1970-01-01T00:00Z (a local time
// without an offset counts as UTC).
std::optional<double> parse_datetime(std::string_view s);

// today(): `YYYY-MM-DD` of the local date at `at`.
std::string format_local_date(const Instant& at);
// now(): `YYYY-MM-DDTHH:MM:SS.mmm±HH:MM`, local time with its offset.
std::string format_local_datetime(const Instant& at);

}  // namespace canvass::form
