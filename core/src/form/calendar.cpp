#include "form/calendar.hpp"

#include <chrono>
#include <cstdio>

namespace canvass::form {

std::optional<int> digits(std::string_view s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return std::nullopt;
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return std::nullopt;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

namespace {

// Offset `Z` or `±HH:MM` at the end of a datetime, in minutes; nullopt when malformed.
std::optional<int> parse_offset(std::string_view s) {
    if (s.empty() || s == "Z") return 0;
    if (s.size() != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':') return std::nullopt;
    auto h = digits(s, 1, 2);
    auto m = digits(s, 4, 2);
    if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
    int minutes = *h * 60 + *m;
    return s[0] == '-' ? -minutes : minutes;
}

}  // namespace

std::int64_t days_from_civil(const CivilDate& d) {
    using namespace std::chrono;
    auto ymd =
        year{d.year} / month{static_cast<unsigned>(d.month)} / day{static_cast<unsigned>(d.day)};
    return sys_days{ymd}.time_since_epoch().count();
}

CivilDate civil_from_days(std::int64_t days) {
    using namespace std::chrono;
    year_month_day ymd{sys_days{std::chrono::days{days}}};
    return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

std::optional<CivilDate> parse_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto y = digits(s, 0, 4);
    auto m = digits(s, 5, 2);
    auto d = digits(s, 8, 2);
    if (!y || !m || !d) return std::nullopt;
    using namespace std::chrono;
    auto ymd = year{*y} / month{static_cast<unsigned>(*m)} / day{static_cast<unsigned>(*d)};
    if (!ymd.ok()) return std::nullopt;
    return CivilDate{*y, *m, *d};
}

std::optional<int> parse_time(std::string_view s) {
    if ((s.size() != 5 && s.size() != 8) || s[2] != ':') return std::nullopt;
    auto h = digits(s, 0, 2);
    auto m = digits(s, 3, 2);
    std::optional<int> sec = 0;
    if (s.size() == 8) sec = s[5] == ':' ? digits(s, 6, 2) : std::nullopt;
    if (!h || !m || !sec || *h > 23 || *m > 59 || *sec > 59) return std::nullopt;
    return *h * 3600 + *m * 60 + *sec;
}

std::optional<double> parse_datetime(std::string_view s) {
    if (s.size() < 16 || s[10] != 'T') return std::nullopt;
    auto date = parse_date(s.substr(0, 10));
    if (!date) return std::nullopt;
    std::size_t end = 16;  // after HH:MM
    if (s.size() >= 19 && s[16] == ':') end = 19;
    auto seconds = parse_time(s.substr(11, end - 11));
    if (!seconds) return std::nullopt;
    double fraction = 0;
    if (end == 19 && end < s.size() && s[end] == '.') {
        std::size_t start = ++end;
        double scale = 0.1;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9' && end - start < 9) {
            fraction += (s[end] - '0') * scale;
            scale /= 10;
            ++end;
        }
        if (end == start) return std::nullopt;
    }
    auto offset = parse_offset(s.substr(end));
    if (!offset) return std::nullopt;
    double total = static_cast<double>(days_from_civil(*date)) +
                   (*seconds + fraction - *offset * 60.0) / 86400.0;
    return total;
}

namespace {

struct LocalTime {
    CivilDate date;
    int millis_of_day = 0;
};

LocalTime local_time(const Instant& at) {
    std::int64_t ms = at.unix_ms + static_cast<std::int64_t>(at.utc_offset_minutes) * 60000;
    std::int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
    return {civil_from_days(days), static_cast<int>(ms - days * 86400000)};
}

}  // namespace

std::string format_local_date(const Instant& at) {
    auto t = local_time(at);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", t.date.year, t.date.month, t.date.day);
    return buf;
}

std::string format_local_datetime(const Instant& at) {
    auto t = local_time(at);
    int off = at.utc_offset_minutes;
    char sign = off < 0 ? '-' : '+';
    if (off < 0) off = -off;
    int ms = t.millis_of_day;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d%c%02d:%02d", t.date.year,
                  t.date.month, t.date.day, ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                  ms % 1000, sign, off / 60, off % 60);
    return buf;
}

}  // namespace canvass::form
