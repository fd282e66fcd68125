// Values of the expression language and XPath's conversions between them.
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>

#include "form/calendar.hpp"
#include "form/expression.hpp"

namespace canvass::form {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// XPath's Number production: optional minus, digits with an optional fraction; nothing
// else (no '+', no exponent, no "Infinity"). Surrounding whitespace is allowed.
double xpath_number(std::string_view s) {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    std::size_t i = 0;
    if (i < s.size() && s[i] == '-') ++i;
    std::size_t digits = 0;
    bool point = false;
    for (; i < s.size(); ++i) {
        if (s[i] >= '0' && s[i] <= '9')
            ++digits;
        else if (s[i] == '.' && !point)
            point = true;
        else
            return nan;
    }
    if (digits == 0) return nan;
    return parse_decimal(s);
}

}  // namespace

double parse_decimal(std::string_view s) {
    double v = nan;
    // from_chars ignores the locale (strtod would read "3,5" in a French one).
    auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::fixed);
    if (r.ec == std::errc::result_out_of_range) return s.front() == '-' ? -HUGE_VAL : HUGE_VAL;
    return r.ec == std::errc{} && r.ptr == s.data() + s.size() ? v : nan;
}

Value Value::string(std::string s) {
    Value v;
    v.kind_ = Kind::string;
    v.text_ = std::move(s);
    return v;
}

Value Value::number(double d) {
    Value v;
    v.kind_ = Kind::number;
    v.number_ = d;
    return v;
}

Value Value::boolean(bool b) {
    Value v;
    v.kind_ = Kind::boolean;
    v.boolean_ = b;
    return v;
}

Value Value::list(std::vector<std::string> items) {
    Value v;
    v.kind_ = Kind::list;
    v.items_ = std::move(items);
    return v;
}

std::string Value::as_string() const {
    switch (kind_) {
        case Kind::string:
            return text_;
        case Kind::number:
            return format_number(number_);
        case Kind::boolean:
            return boolean_ ? "true" : "false";
        case Kind::list:
            return items_.empty() ? std::string() : items_.front();
    }
    return {};
}

double Value::as_number() const {
    switch (kind_) {
        case Kind::number:
            return number_;
        case Kind::boolean:
            return boolean_ ? 1 : 0;
        case Kind::string:
        case Kind::list:
            break;
    }
    std::string s = as_string();
    double d = xpath_number(s);
    if (!std::isnan(d)) return d;
    if (auto date = parse_date(s)) return static_cast<double>(days_from_civil(*date));
    if (auto days = parse_datetime(s)) return *days;
    return nan;
}

bool Value::as_boolean() const {
    switch (kind_) {
        case Kind::string:
            return !text_.empty();
        case Kind::number:
            return number_ != 0 && !std::isnan(number_);
        case Kind::boolean:
            return boolean_;
        case Kind::list:
            return !items_.empty();
    }
    return false;
}

std::vector<std::string> Value::items() const {
    if (kind_ == Kind::list) return items_;
    return {as_string()};
}

std::string format_number(double d) {
    if (std::isnan(d)) return "NaN";
    if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
    if (d == 0) return "0";  // also -0
    // Fixed notation, as XPath prints numbers: an exponent ("1e-07") would not read back
    // through number(). The longest finite double takes about 330 characters.
    char buf[400];
    auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed);
    return std::string(buf, r.ptr);
}

double Scope::position() const {
    return nan;
}

Value Scope::choice_column(std::string_view) const {
    return {};
}

Clock local_clock(canvass::Clock& clock) {
    return [&clock] {
        const std::uint64_t ms = clock.now_ms();
        return Instant{static_cast<std::int64_t>(ms), clock.utc_offset_minutes(ms)};
    };
}

Clock system_clock() {
    return local_clock(canvass::system_clock());
}

Clock fixed_clock(Instant at) {
    return [at] { return at; };
}

}  // namespace canvass::form
