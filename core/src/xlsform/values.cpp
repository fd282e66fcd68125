// Survey types and typed defaults (values.hpp).
#include "xlsform/values.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "xlsform/cell_text.hpp"
#include "xlsform/columns.hpp"

namespace canvass::xlsform::detail {
namespace {

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::string c = collapse_spaces(s);
    std::size_t i = 0;
    while (i < c.size()) {
        auto sp = c.find(' ', i);
        if (sp == std::string::npos) sp = c.size();
        out.push_back(c.substr(i, sp - i));
        i = sp + 1;
    }
    return out;
}

std::string join_from(const std::vector<std::string>& w, std::size_t from) {
    std::string out;
    for (std::size_t i = from; i < w.size(); ++i) out += (out.empty() ? "" : " ") + w[i];
    return out;
}

std::optional<double> number(const std::string& text) {
    double d = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), d);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || !std::isfinite(d))
        return std::nullopt;
    return d;
}

// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
void civil(long long z, int& y, unsigned& m, unsigned& d) {
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = static_cast<unsigned>(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long yy = static_cast<long long>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<int>(yy + (m <= 2));
}

}  // namespace

SurveyType survey_type(std::string_view text) {
    auto w = words(text);
    if (w.empty()) return {};
    std::string first = lower(w[0]);
    // pyxform's other spellings of the twin's types (its question type dictionary), which
    // older forms still use; `end time` is the end metadata, not the end of a `time`.
    static const std::pair<std::string_view, std::string_view> aliases[] = {
        {"string", "text"},     {"int", "integer"},           {"trigger", "acknowledge"},
        {"gps", "geopoint"},    {"location", "geopoint"},     {"date time", "datetime"},
        {"imei", "deviceid"},   {"device id", "deviceid"},    {"start time", "start"},
        {"end time", "end"},    {"get start time", "start"},  {"get end time", "end"},
        {"get today", "today"}, {"get device id", "deviceid"}};
    std::string spelled = lower(collapse_spaces(text));
    for (const auto& [alias, twin] : aliases)
        if (spelled == alias) return {SurveyType::question, std::string(twin)};
    // begin_group / begin group / begin_repeat / end repeat ...
    for (const char* edge : {"begin", "end"}) {
        std::string e = edge;
        std::string rest;
        if (first == e && w.size() >= 2)
            rest = lower(join_from(w, 1));
        else if (first.rfind(e + "_", 0) == 0 && w.size() == 1)
            rest = first.substr(e.size() + 1);
        else
            continue;
        if (rest == "lgroup" || rest == "looped group" || rest == "looped_group") rest = "repeat";
        SurveyType t;
        t.kind = e == "begin" ? SurveyType::begin : SurveyType::end;
        t.type = rest;
        return t;
    }
    SurveyType t{SurveyType::question, ""};
    auto select = [&](const char* kind, std::size_t list_at) {
        // pyxform's older spellings of `or_other`: `L or specify other`, `L or other`.
        std::size_t end = w.size();
        if (end >= list_at + 4 && lower(join_from(w, end - 3)) == "or specify other")
            end -= 3;
        else if (end >= list_at + 3 && lower(join_from(w, end - 2)) == "or other")
            end -= 2;
        std::vector<std::string> kept(w.begin(), w.begin() + static_cast<std::ptrdiff_t>(end));
        if (end < w.size()) kept.emplace_back("or_other");
        t.type = std::string(kind) + (kept.size() > list_at ? " " + join_from(kept, list_at) : "");
        return t;
    };
    std::string two = w.size() >= 2 ? first + " " + lower(w[1]) : "";
    std::string four = w.size() >= 4 ? two + " " + lower(w[2]) + " " + lower(w[3]) : "";
    if (first == "select_one" || first == "select1") return select("select_one", 1);
    if (first == "select_multiple") return select("select_multiple", 1);
    // pyxform's select_one_external L reads its list from the external_choices sheet; the
    // converter makes it a select_one of that list, carried among the twin's choices.
    if (first == "select_one_external") return select("select_one_external", 1);
    if (two == "select one" || two == "select multiple") {
        bool from = w.size() >= 3 && lower(w[2]) == "from";
        return select(two == "select one" ? "select_one" : "select_multiple", from ? 3 : 2);
    }
    if (w.size() >= 4 && four == "select all that apply") {
        bool from = w.size() >= 5 && lower(w[4]) == "from";
        return select("select_multiple", from ? 5 : 4);
    }
    // The twin's own type words in any case (`Integer`); list names keep theirs.
    static const char* const twin_types[] = {
        "text", "integer",   "decimal",     "date",  "time",  "datetime", "geopoint",
        "note", "calculate", "acknowledge", "image", "audio", "video",    "file"};
    for (const char* known : twin_types)
        if (w.size() == 1 && first == known) return t.type = first, t;
    t.type = collapse_spaces(text);
    return t;
}

nlohmann::ordered_json typed_default(const std::string& type, const std::string& text) {
    std::string base = type.substr(0, type.find(' '));
    if (base == "integer") {
        long long v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return v;
        return text;
    }
    if (base == "decimal") {
        long long v = 0;
        auto r = std::from_chars(text.data(), text.data() + text.size(), v);
        if (r.ec == std::errc() && r.ptr == text.data() + text.size()) return v;
        if (auto d = number(text)) return *d;
        return text;
    }
    if (base == "select_multiple") {
        auto w = words(text);
        return nlohmann::ordered_json(w);
    }
    if (base == "geopoint") {
        auto w = words(text);
        static const char* keys[] = {"lat", "lon", "alt", "acc"};
        if (w.size() < 2 || w.size() > 4) return text;
        nlohmann::ordered_json point = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < w.size(); ++i) {
            auto d = number(w[i]);
            if (!d) return text;
            long long v = 0;
            auto r = std::from_chars(w[i].data(), w[i].data() + w[i].size(), v);
            if (r.ec == std::errc() && r.ptr == w[i].data() + w[i].size())
                point[keys[i]] = v;
            else
                point[keys[i]] = *d;
        }
        return point;
    }
    auto serial = number(text);
    if (base == "date" && serial) return serial_date(*serial);
    if (base == "datetime" && serial) return serial_datetime(*serial);
    if (base == "time" && serial && *serial < 1) return serial_time(*serial);
    if (base == "datetime" && text.size() == 19 && text[10] == ' ')
        return text.substr(0, 10) + "T" + text.substr(11);
    return text;
}

std::string default_text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_array()) {
        std::string out;
        for (const auto& v : value)
            out += (out.empty() ? "" : " ") + (v.is_string() ? v.get<std::string>() : v.dump());
        return out;
    }
    if (value.is_object()) {  // a geopoint
        std::string out;
        for (const char* k : {"lat", "lon", "alt", "acc"}) {
            if (!value.contains(k)) break;
            const auto& v = value[k];
            out += (out.empty() ? "" : " ") +
                   (v.is_number_float() ? number_text(v.get<double>()) : v.dump());
        }
        return out;
    }
    if (value.is_number_float()) return number_text(value.get<double>());
    if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
    return value.dump();
}

std::string serial_date(double serial) {
    int y;
    unsigned m, d;
    civil(static_cast<long long>(std::floor(serial)) - 25569, y, m, d);  // 25569: 1970-01-01
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
}

std::string serial_time(double serial) {
    double frac = serial - std::floor(serial);
    long long secs = std::llround(frac * 86400.0) % 86400;
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", secs / 3600, secs / 60 % 60, secs % 60);
    return buf;
}

std::string serial_datetime(double serial) {
    return serial_date(serial) + "T" + serial_time(serial);
}

}  // namespace canvass::xlsform::detail
