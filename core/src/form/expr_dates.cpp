// Date and time functions of the ODK XForms specification: date(), date-time(), format-date(),
// format-date-time(), decimal-date-time(), decimal-time(). A date or time written with
// its offset is formatted as written (the local time where it was taken); a number of days
// since 1970-01-01 is read in the time zone of the interview's clock.
#include <cmath>
#include <cstdio>
#include <optional>

#include "form/calendar.hpp"
#include "form/functions.hpp"

namespace canvass::form {
namespace {

struct WallTime {
    CivilDate date;
    int hour = 0, minute = 0, second = 0, millis = 0;
    std::int64_t days = 0;  // date as days since 1970-01-01, for the weekday
};

// Digits that parse_time or parse_date checked already.
int checked_digits(std::string_view s, std::size_t at, std::size_t n) {
    return digits(s, at, n).value_or(0);
}

// "HH:MM[:SS[.fff]]" at `at` of `s`, checked by parse_time first; the end of it.
std::size_t read_clock(std::string_view s, std::size_t at, WallTime& w) {
    w.hour = checked_digits(s, at, 2);
    w.minute = checked_digits(s, at + 3, 2);
    std::size_t end = at + 5;
    if (end < s.size() && s[end] == ':') {
        w.second = checked_digits(s, end + 1, 2);
        end += 3;
        if (end < s.size() && s[end] == '.') {
            std::size_t start = ++end;
            int scale = 100;
            while (end < s.size() && s[end] >= '0' && s[end] <= '9') {
                if (scale > 0) w.millis += (s[end] - '0') * scale;
                scale /= 10;
                ++end;
            }
            if (end == start) return std::string_view::npos;
        }
    }
    return end;
}

// The value's date and time of day: a date, a datetime as written, or a number of days
// since 1970-01-01 (UTC) seen at `offset_minutes` east of UTC.
std::optional<WallTime> wall_time(const Value& v, int offset_minutes) {
    WallTime w;
    if (v.kind() != Value::Kind::number && v.kind() != Value::Kind::boolean) {
        std::string s = v.as_string();
        if (auto d = parse_date(s)) {
            w.date = *d;
            w.days = days_from_civil(*d);
            return w;
        }
        if (parse_datetime(s)) {
            w.date = *parse_date(std::string_view(s).substr(0, 10));
            w.days = days_from_civil(w.date);
            read_clock(s, 11, w);
            return w;
        }
    }
    double days = v.as_number();
    if (!std::isfinite(days) || std::fabs(days) > 3.7e6) return std::nullopt;  // ±10000 years
    double local_ms = std::round((days * 86400.0 + offset_minutes * 60.0) * 1000.0);
    auto day = static_cast<std::int64_t>(std::floor(local_ms / 86400000.0));
    auto ms_of_day = static_cast<std::int64_t>(local_ms - static_cast<double>(day) * 86400000.0);
    w.days = day;
    w.date = civil_from_days(day);
    w.hour = static_cast<int>(ms_of_day / 3600000);
    w.minute = static_cast<int>(ms_of_day / 60000 % 60);
    w.second = static_cast<int>(ms_of_day / 1000 % 60);
    w.millis = static_cast<int>(ms_of_day % 1000);
    return w;
}

std::string padded(int v, int width) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%0*d", width, v);
    return buf;
}

// Abbreviated month and day names (%b, %a) in the languages of canvass's users, as CLDR
// gives them (what JavaRosa shows through Java's locale data); English for any other.
struct DateNames {
    std::string_view language;
    const char* months[12];
    const char* days[7];  // from Sunday
};
constexpr DateNames date_names[] = {
    {"en",
     {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
     {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}},
    {"fr",
     {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
      "déc."},
     {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."}},
    {"es",
     {"ene.", "feb.", "mar.", "abr.", "may.", "jun.", "jul.", "ago.", "sept.", "oct.", "nov.",
      "dic."},
     {"dom.", "lun.", "mar.", "mié.", "jue.", "vie.", "sáb."}},
    {"pt",
     {"jan.", "fev.", "mar.", "abr.", "mai.", "jun.", "jul.", "ago.", "set.", "out.", "nov.",
      "dez."},
     {"dom.", "seg.", "ter.", "qua.", "qui.", "sex.", "sáb."}},
};

// The names for `language` (`pt-BR` reads as `pt`).
const DateNames& names_in(std::string_view language) {
    std::string_view base = language.substr(0, language.find('-'));
    for (const auto& n : date_names)
        if (n.language == base) return n;
    return date_names[0];
}

// The specification's identifiers; with_time adds those of format-date-time. Anything
// else is copied as written.
std::string format(const WallTime& w, const std::string& pattern, bool with_time,
                   std::string_view language = "en") {
    const DateNames& names = names_in(language);
    std::string out;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '%' || i + 1 == pattern.size()) {
            out += pattern[i];
            continue;
        }
        char c = pattern[++i];
        switch (c) {
            case 'Y':
                out += padded(w.date.year, 4);
                continue;
            case 'y':
                out += padded(((w.date.year % 100) + 100) % 100, 2);
                continue;
            case 'm':
                out += padded(w.date.month, 2);
                continue;
            case 'n':
                out += std::to_string(w.date.month);
                continue;
            case 'b':
                out += names.months[w.date.month - 1];
                continue;
            case 'd':
                out += padded(w.date.day, 2);
                continue;
            case 'e':
                out += std::to_string(w.date.day);
                continue;
            case 'a':
                out += names.days[((w.days % 7) + 7 + 4) % 7];
                continue;  // 1970-01-01: Thursday
            case '%':
                out += '%';
                continue;
            default:
                break;
        }
        if (with_time) {
            switch (c) {
                case 'H':
                    out += padded(w.hour, 2);
                    continue;
                case 'h':
                    out += std::to_string(w.hour);
                    continue;
                case 'M':
                    out += padded(w.minute, 2);
                    continue;
                case 'S':
                    out += padded(w.second, 2);
                    continue;
                case '3':
                    out += padded(w.millis, 3);
                    continue;
                default:
                    break;
            }
        }
        out += '%';
        out += c;
    }
    return out;
}

// decimal-time(): the fraction of the day of "HH:MM[:SS[.fff]][Z|±HH:MM]", moved to the
// clock's time zone when the time carries another offset.
double decimal_time(const std::string& s, int offset_minutes) {
    if (s.size() < 5 || s[2] != ':') return std::nan("");
    std::size_t clock_end = s.size() >= 8 && s[5] == ':' ? 8 : 5;
    if (!parse_time(std::string_view(s).substr(0, clock_end))) return std::nan("");
    WallTime w;
    std::size_t end = read_clock(s, 0, w);
    if (end == std::string_view::npos) return std::nan("");
    double minutes = w.hour * 60.0 + w.minute + (w.second + w.millis / 1000.0) / 60.0;
    std::string_view rest = std::string_view(s).substr(end);
    if (!rest.empty()) {
        // Reuse the datetime parser for the offset: a fixed date with this time.
        auto with = parse_datetime("1970-01-01T" + s);
        if (!with) return std::nan("");
        minutes = *with * 1440.0 + offset_minutes;
    }
    double day = std::fmod(minutes / 1440.0, 1.0);
    return day < 0 ? day + 1 : day;
}

// date-time(): a datetime as written stays as it is; a date is its midnight and a number of
// days since 1970-01-01 (UTC) its moment, both written at the clock's offset as JavaRosa
// writes a dateTime (`2026-09-10T14:00:00.000+02:00`); anything else is "".
std::string date_time(const Value& v, int offset_minutes) {
    double days = std::nan("");
    if (v.kind() != Value::Kind::number && v.kind() != Value::Kind::boolean) {
        std::string s = v.as_string();
        if (parse_datetime(s)) return s;
        if (auto d = parse_date(s))
            days = static_cast<double>(days_from_civil(*d)) - offset_minutes / 1440.0;
        else
            days = v.as_number();
    } else {
        days = v.as_number();
    }
    if (!std::isfinite(days) || std::fabs(days) > 3.7e6) return {};  // ±10000 years
    auto ms = static_cast<std::int64_t>(std::llround(days * 86400000.0));
    return format_local_datetime(Instant{ms, offset_minutes});
}

}  // namespace

Value call_date_function(const std::string& name, const Node& call, const Scope& scope) {
    Value v = eval_arg(call, 0, scope);
    int offset = scope.now().utc_offset_minutes;
    if (name == "decimal-date-time") {
        if (v.kind() == Value::Kind::number) return v;
        std::string s = v.as_string();
        if (auto days = parse_datetime(s)) return Value::number(*days);
        return Value::number(v.as_number());
    }
    if (name == "decimal-time") return Value::number(decimal_time(v.as_string(), offset));
    if (name == "date-time") return Value::string(date_time(v, offset));
    // A number of days is a day count for date() and format-date() (JavaRosa floors it, in
    // no time zone), a moment for format-date-time().
    auto w = wall_time(v, name == "format-date-time" ? offset : 0);
    if (!w) return {};
    if (name == "date") return Value::string(format(*w, "%Y-%m-%d", false));
    std::string pattern = eval_arg(call, 1, scope).as_string();
    return Value::string(format(*w, pattern, name == "format-date-time", scope.language()));
}

}  // namespace canvass::form
