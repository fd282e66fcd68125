#include "form/answer_types.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <vector>

#include "form/attachment_ref.hpp"
#include "form/calendar.hpp"
#include "form/json_text.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;

std::string got(const json& v) {
    return ", got " + short_json(v);
}

// 2^63 as a double: integral doubles in [-2^63, 2^63) fit in int64.
constexpr double two_to_63 = 9223372036854775808.0;

std::optional<std::string> integer_problem(const json& v) {
    if (v.is_number_integer() && !v.is_number_unsigned()) return std::nullopt;
    if (v.is_number_unsigned()) {
        if (v.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
        return "integer out of range: " + short_json(v);
    }
    if (v.is_number_float()) {
        double d = v.get<double>();
        if (std::trunc(d) != d) return "expected a whole number" + got(v);
        if (d < -two_to_63 || d >= two_to_63) return "integer out of range: " + short_json(v);
        return std::nullopt;
    }
    return "expected a whole number" + got(v);
}

std::optional<std::string> choice_problem(const ChoiceList* list, const json& v) {
    std::string list_name = list ? list->name : "";
    if (!v.is_string()) return "expected a choice name of list " + list_name + got(v);
    if (!list || !list->find(v.get<std::string>()))
        return short_json(v) + " is not a choice of list " + list_name;
    return std::nullopt;
}

std::optional<std::string> multiple_problem(const ChoiceList* list, const json& v) {
    std::string list_name = list ? list->name : "";
    if (!v.is_array()) return "expected an array of choice names of list " + list_name + got(v);
    std::set<std::string> seen;
    for (const auto& item : v) {
        if (auto p = choice_problem(list, item)) return p;
        if (!seen.insert(item.get<std::string>()).second)
            return short_json(item) + " is chosen more than once";
    }
    return std::nullopt;
}

// A rank: every choice of the list once, in the order given.
std::optional<std::string> rank_problem(const ChoiceList* list, const json& v) {
    if (auto p = multiple_problem(list, v)) return p;
    if (list && v.size() != list->choices.size())
        return "a rank orders every choice of list " + list->name + " (" +
               std::to_string(list->choices.size()) + "), got " + std::to_string(v.size());
    return std::nullopt;
}

// ODK's range: a number from start to end, a whole number of steps from start.
std::optional<std::string> range_problem(const Row& row, const json& v) {
    if (!v.is_number()) return "expected a number" + got(v);
    double d = v.get<double>();
    double lo = std::min(row.range_start, row.range_end),
           hi = std::max(row.range_start, row.range_end);
    std::string span = format_number(row.range_start) + " to " + format_number(row.range_end) +
                       " in steps of " + format_number(row.range_step);
    if (d < lo || d > hi) return "expected a number from " + span + got(v);
    double steps = (d - row.range_start) / row.range_step;
    if (std::fabs(steps - std::round(steps)) > 1e-9)
        return "expected a number from " + span + got(v);
    return std::nullopt;
}

// ODK's geotrace and geoshape: "lat lon [alt [acc]]" points separated by ';'; a trace has
// at least 2, a shape at least 3 and ends where it starts.
std::optional<std::string> geoline_problem(const json& v, bool shape) {
    std::string kind = shape ? "geoshape" : "geotrace";
    std::string form = " (\"lat lon alt acc;lat lon alt acc;…\")";
    if (!v.is_string()) return "expected a " + kind + form + got(v);
    const auto& s = v.get_ref<const std::string&>();
    std::vector<std::pair<double, double>> points;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = std::min(s.find(';', start), s.size());
        std::string part = s.substr(start, end - start);
        start = end + 1;
        if (part.find_first_not_of(' ') == std::string::npos) continue;
        std::vector<double> numbers;
        std::size_t i = 0;
        while (i < part.size()) {
            i = part.find_first_not_of(' ', i);
            if (i == std::string::npos) break;
            std::size_t e = std::min(part.find(' ', i), part.size());
            numbers.push_back(parse_decimal(std::string_view(part).substr(i, e - i)));
            i = e;
        }
        bool ok = numbers.size() >= 2 && numbers.size() <= 4 && numbers[0] >= -90 &&
                  numbers[0] <= 90 && numbers[1] >= -180 && numbers[1] <= 180;
        for (double n : numbers) ok = ok && std::isfinite(n);
        if (!ok) return "expected a " + kind + form + ": bad point \"" + part + "\"";
        points.emplace_back(numbers[0], numbers[1]);
    }
    std::size_t least = shape ? 3 : 2;
    if (points.size() < least)
        return "a " + kind + " needs at least " + std::to_string(least) + " points, got " +
               std::to_string(points.size());
    if (shape && points.front() != points.back()) return "a geoshape must end at its first point";
    return std::nullopt;
}

std::optional<std::string> date_problem(const json& v) {
    if (!v.is_string()) return "expected a date (YYYY-MM-DD)" + got(v);
    const auto& s = v.get_ref<const std::string&>();
    if (parse_date(s)) return std::nullopt;
    bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-';
    for (std::size_t i = 0; shaped && i < s.size(); ++i)
        shaped = i == 4 || i == 7 || (s[i] >= '0' && s[i] <= '9');
    if (shaped) return "no such date: " + s;
    return "expected a date (YYYY-MM-DD)" + got(v);
}

std::optional<std::string> time_problem(const json& v) {
    if (v.is_string() && parse_time(v.get_ref<const std::string&>())) return std::nullopt;
    return "expected a time (HH:MM or HH:MM:SS)" + got(v);
}

std::optional<std::string> datetime_problem(const json& v) {
    if (v.is_string() && parse_datetime(v.get_ref<const std::string&>())) return std::nullopt;
    return "expected a date and time (YYYY-MM-DDTHH:MM[:SS][Z|±HH:MM])" + got(v);
}

// `key` of geopoint `g`, when present, is a number in [lo, hi].
std::optional<std::string> coordinate_problem(const json& g, const char* key, double lo,
                                              double hi) {
    auto it = g.find(key);
    if (it == g.end()) return std::nullopt;
    if (!it->is_number()) return std::string(key) + " must be a number" + got(*it);
    double d = it->get<double>();
    if (d >= lo && d <= hi) return std::nullopt;
    if (std::isinf(hi)) return std::string(key) + " must not be negative" + got(*it);
    return std::string(key) + " must be between " + format_number(lo) + " and " +
           format_number(hi) + got(*it);
}

std::optional<std::string> geopoint_problem(const json& v) {
    if (!v.is_object()) return "expected a geopoint {\"lat\": …, \"lon\": …}" + got(v);
    for (const auto& [key, _] : v.items())
        if (key != "lat" && key != "lon" && key != "alt" && key != "acc")
            return "unknown geopoint key " + key + " (use lat, lon, alt, acc)";
    if (!v.contains("lat") || !v.contains("lon")) return "a geopoint needs lat and lon";
    constexpr double inf = HUGE_VAL;
    if (auto p = coordinate_problem(v, "lat", -90, 90)) return p;
    if (auto p = coordinate_problem(v, "lon", -180, 180)) return p;
    if (auto p = coordinate_problem(v, "alt", -inf, inf)) return p;
    if (auto p = coordinate_problem(v, "acc", 0, inf)) return p;
    return std::nullopt;
}

}  // namespace

bool is_unanswered(const json& v) {
    return v.is_null() || (v.is_string() && v.get_ref<const std::string&>().empty()) ||
           (v.is_array() && v.empty());
}

std::optional<std::string> type_problem(const Row& row, const ChoiceList* list, const json& v) {
    switch (row.type) {
        case RowType::text:
            if (v.is_string()) return std::nullopt;
            return "expected text (a JSON string)" + got(v);
        case RowType::integer:
            return integer_problem(v);
        case RowType::decimal:
            if (v.is_number()) return std::nullopt;
            return "expected a number" + got(v);
        case RowType::select_one:
            return choice_problem(list, v);
        case RowType::select_multiple:
            return multiple_problem(list, v);
        case RowType::date:
            return date_problem(v);
        case RowType::time:
            return time_problem(v);
        case RowType::datetime:
            return datetime_problem(v);
        case RowType::geopoint:
            return geopoint_problem(v);
        case RowType::acknowledge:
            if (v == "OK") return std::nullopt;
            return "expected \"OK\"" + got(v);
        case RowType::range:
            return range_problem(row, v);
        case RowType::rank:
            return rank_problem(list, v);
        case RowType::geotrace:
            return geoline_problem(v, false);
        case RowType::geoshape:
            return geoline_problem(v, true);
        case RowType::barcode:
        case RowType::hidden:
            if (v.is_string()) return std::nullopt;
            return "expected text (a JSON string)" + got(v);
        case RowType::image:
        case RowType::audio:
        case RowType::video:
        case RowType::file:
            return attachment_problem(v, type_name(row.type));
        case RowType::start:
        case RowType::end:
            return datetime_problem(v);
        case RowType::today:
            return date_problem(v);
        case RowType::start_geopoint:
            return geopoint_problem(v);
        case RowType::deviceid:
        case RowType::username:
        case RowType::phonenumber:
        case RowType::email:
            if (v.is_string()) return std::nullopt;
            return "expected text (a JSON string)" + got(v);
        default:
            return "a " + std::string(type_name(row.type)) + " row takes no answer";
    }
}

std::string answer_text(const json& v) {
    switch (v.type()) {
        case json::value_t::string:
            return v.get<std::string>();
        case json::value_t::number_integer:
            return std::to_string(v.get<std::int64_t>());
        case json::value_t::number_unsigned:
            return std::to_string(v.get<std::uint64_t>());
        case json::value_t::number_float:
            return format_number(v.get<double>());
        case json::value_t::boolean:
            return v.get<bool>() ? "true" : "false";
        case json::value_t::array: {
            std::string out;
            for (const auto& item : v) {
                if (!out.empty()) out += ' ';
                out += answer_text(item);
            }
            return out;
        }
        case json::value_t::object: {
            // An attachment reads as its file name, as a media answer does in ODK.
            if (auto name = v.find("name");
                v.contains("attachment") && name != v.end() && name->is_string())
                return name->get<std::string>();
            if (!v.contains("lat") || !v.contains("lon")) return {};
            auto part = [&](const char* key) {
                return v.contains(key) ? answer_text(v[key]) : std::string("0");
            };
            return part("lat") + " " + part("lon") + " " + part("alt") + " " + part("acc");
        }
        default:
            return {};
    }
}

std::optional<json> answer_from_value(const Row& row, const Value& value) {
    if (value.kind() == Value::Kind::list && value.items().empty()) return std::nullopt;
    std::string text = value.as_string();
    if (text.empty()) return std::nullopt;
    auto number = [&]() -> std::optional<json> {
        double d = value.kind() == Value::Kind::number ? value.as_number()
                                                       : Value::string(text).as_number();
        if (!std::isfinite(d)) return std::nullopt;
        if (std::trunc(d) == d && std::fabs(d) < 9007199254740992.0)
            return json(static_cast<std::int64_t>(d));
        return json(d);
    };
    switch (row.type) {
        case RowType::integer:
        case RowType::decimal:
        case RowType::range:
            return number();
        case RowType::calculate:  // as calculations are saved: numbers stay numbers
            if (value.kind() == Value::Kind::number) return number();
            if (value.kind() == Value::Kind::boolean) return json(value.as_boolean());
            return json(text);
        case RowType::select_multiple:
        case RowType::rank: {
            json names = json::array();
            std::size_t i = 0;
            while (i < text.size()) {
                i = text.find_first_not_of(" \t\r\n", i);
                if (i == std::string::npos) break;
                std::size_t end = std::min(text.find_first_of(" \t\r\n", i), text.size());
                names.push_back(text.substr(i, end - i));
                i = end;
            }
            return names;
        }
        case RowType::geopoint:
        case RowType::start_geopoint: {
            json point = json::object();
            const char* keys[] = {"lat", "lon", "alt", "acc"};
            std::size_t i = 0, k = 0;
            while (i < text.size() && k < 4) {
                i = text.find_first_not_of(' ', i);
                if (i == std::string::npos) break;
                std::size_t end = std::min(text.find(' ', i), text.size());
                double d = parse_decimal(std::string_view(text).substr(i, end - i));
                if (!std::isfinite(d)) return std::nullopt;
                point[keys[k++]] = d;
                i = end;
            }
            if (k < 2) return std::nullopt;
            return point;
        }
        default:
            return json(text);
    }
}

json canonical_integer(const json& v) {
    if (!v.is_number_float()) return v;
    double d = v.get<double>();
    if (std::trunc(d) != d || d < -two_to_63 || d >= two_to_63) return v;
    return json(static_cast<std::int64_t>(d));
}

std::string cell_text(const json& value) {
    if (value.is_null()) return {};
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return answer_text(value);
    if (value.is_array()) {
        std::string out;
        for (const auto& v : value) {
            if (!out.empty()) out += ' ';
            out += v.is_string() ? v.get<std::string>() : v.dump();
        }
        return out;
    }
    // An attachment's cell is its file's name in media/, as in ODK Central's export.
    if (auto name = value.find("name");
        value.contains("attachment") && name != value.end() && name->is_string())
        return name->get<std::string>();
    return value.dump();
}

}  // namespace canvass::form
