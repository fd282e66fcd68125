#include "form/answer_types.hpp"

#include <cmath>
#include <set>

#include "form/calendar.hpp"
#include "form/json_text.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;

std::string got(const json& v) { return ", got " + short_json(v); }

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
std::optional<std::string> coordinate_problem(const json& g, const char* key, double lo, double hi) {
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
        case RowType::integer: return integer_problem(v);
        case RowType::decimal:
            if (v.is_number()) return std::nullopt;
            return "expected a number" + got(v);
        case RowType::select_one: return choice_problem(list, v);
        case RowType::select_multiple: return multiple_problem(list, v);
        case RowType::date: return date_problem(v);
        case RowType::time: return time_problem(v);
        case RowType::datetime: return datetime_problem(v);
        case RowType::geopoint: return geopoint_problem(v);
        case RowType::acknowledge:
            if (v == "OK") return std::nullopt;
            return "expected \"OK\"" + got(v);
        default: return "a " + std::string(type_name(row.type)) + " row takes no answer";
    }
}

std::string answer_text(const json& v) {
    switch (v.type()) {
        case json::value_t::string: return v.get<std::string>();
        case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
        case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
        case json::value_t::number_float: return format_number(v.get<double>());
        case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
        case json::value_t::array: {
            std::string out;
            for (const auto& item : v) {
                if (!out.empty()) out += ' ';
                out += answer_text(item);
            }
            return out;
        }
        case json::value_t::object: {
            if (!v.contains("lat") || !v.contains("lon")) return {};
            auto part = [&](const char* key) {
                return v.contains(key) ? answer_text(v[key]) : std::string("0");
            };
            return part("lat") + " " + part("lon") + " " + part("alt") + " " + part("acc");
        }
        default: return {};
    }
}

json canonical_integer(const json& v) {
    if (!v.is_number_float()) return v;
    double d = v.get<double>();
    if (std::trunc(d) != d || d < -two_to_63 || d >= two_to_63) return v;
    return json(static_cast<std::int64_t>(d));
}

}  // namespace canvass::form
