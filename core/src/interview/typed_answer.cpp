#include "interview/typed_answer.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "form/answer_types.hpp"
#include "form/calendar.hpp"
#include "canvass/interview_words.hpp"

namespace canvass::interview {

Unexpected<Error> refuse(std::string message) {
    return unexpected(Domain::form, errc::invalid_argument, std::move(message));
}

namespace {

using form::RowType;
using nlohmann::json;

// Items separated by spaces, tabs or commas.
std::vector<std::string> split_items(std::string_view text) {
    std::vector<std::string> out;
    std::string item;
    for (char c : text) {
        if (c == ' ' || c == ',' || c == '\t') {
            if (!item.empty()) out.push_back(std::move(item));
            item.clear();
        } else {
            item += c;
        }
    }
    if (!item.empty()) out.push_back(std::move(item));
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

Result<json> read_integer(std::string_view text, std::string_view lang) {
    std::string_view digits = text;
    if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
    if (!all_digits(digits)) return refuse(say(lang, Phrase::type_whole_number));
    std::int64_t n = 0;
    std::string_view parse = text[0] == '+' ? text.substr(1) : text;
    auto [end, ec] = std::from_chars(parse.data(), parse.data() + parse.size(), n);
    if (ec != std::errc() || end != parse.data() + parse.size())
        return refuse(say(lang, Phrase::number_too_large));
    return json(n);
}

// A finite number, whole ones as JSON integers (as the example answers write them).
Result<json> read_decimal(std::string_view text, std::string_view lang) {
    double d = form::parse_decimal(text);
    if (std::isnan(d)) return refuse(say(lang, Phrase::type_number));
    if (!std::isfinite(d)) return refuse(say(lang, Phrase::number_too_large));
    if (std::trunc(d) == d && std::fabs(d) < 9007199254740992.0)
        return json(static_cast<std::int64_t>(d));
    return json(d);
}

Result<json> read_geopoint(std::string_view text, std::string_view lang) {
    static const char* const keys[] = {"lat", "lon", "alt", "acc"};
    auto items = split_items(text);
    if (items.size() < 2 || items.size() > 4) return refuse(say(lang, Phrase::type_geopoint));
    json point = json::object();
    for (std::size_t i = 0; i < items.size(); ++i) {
        double d = form::parse_decimal(items[i]);
        if (!std::isfinite(d)) return refuse(say(lang, Phrase::not_a_number, {items[i]}));
        point[keys[i]] = d;
    }
    return point;
}

// now() without its milliseconds: "2026-09-12T09:25:02+05:30".
std::string datetime_now(const form::Instant& now) {
    std::string s = form::format_local_datetime(now);
    if (auto dot = s.find('.'); dot != std::string::npos) s.erase(dot, 4);
    return s;
}

// The offered choice `item` names: by its number, its name, or its label, the last two
// ignoring case and accents; a label must fit one choice only.
Result<std::string> choose(const std::vector<StepChoice>& offered, const std::string& item,
                           std::string_view lang) {
    if (all_digits(item)) {
        std::size_t n = 0;
        std::from_chars(item.data(), item.data() + item.size(), n);
        if (n >= 1 && n <= offered.size()) return offered[n - 1].name;
        return refuse(say(lang, Phrase::choose_from, {std::to_string(offered.size())}));
    }
    for (const auto& c : offered)
        if (c.name == item) return c.name;
    std::string folded = fold(item);
    for (const auto& c : offered)
        if (fold(c.name) == folded) return c.name;
    std::vector<const StepChoice*> by_label;
    for (const auto& c : offered)
        if (fold(c.label) == folded) by_label.push_back(&c);
    if (by_label.size() == 1) return by_label[0]->name;
    if (by_label.size() > 1) return refuse(say(lang, Phrase::ambiguous_choice, {item}));
    return refuse(say(lang, Phrase::no_such_choice, {item}));
}

Result<json> read_select_one(const std::vector<StepChoice>& offered, std::string_view text,
                             std::string_view lang) {
    // A label of several words ("Street vendor") is one choice.
    if (auto whole = choose(offered, std::string(text), lang)) return json(*whole);
    auto items = split_items(text);
    if (items.size() != 1) return refuse(say(lang, Phrase::choose_one));
    auto name = choose(offered, items[0], lang);
    if (!name) return unexpected(name.error());
    return json(*name);
}

// The parts of a select_multiple's text between its commas, trimmed.
std::vector<std::string> comma_parts(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t comma = std::min(text.find(',', pos), text.size());
        std::string item(text.substr(pos, comma - pos));
        auto first = item.find_first_not_of(" \t");
        if (first != std::string::npos)
            out.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
        pos = comma + 1;
    }
    return out;
}

// Choices in the order they are offered, each once, however they were typed.
Result<json> read_select_multiple(const std::vector<StepChoice>& offered, std::string_view text,
                                  std::string_view lang) {
    std::vector<std::size_t> picked;
    auto pick = [&](const std::string& name) {
        auto at = std::find_if(offered.begin(), offered.end(),
                               [&](const StepChoice& c) { return c.name == name; });
        picked.push_back(static_cast<std::size_t>(at - offered.begin()));
    };
    // Each part between commas is one choice ("Street vendor, Waste picker"), or several
    // separated by spaces ("1 3").
    for (const auto& part : comma_parts(text)) {
        if (auto whole = choose(offered, part, lang)) {
            pick(*whole);
            continue;
        }
        for (const auto& item : split_items(part)) {
            auto name = choose(offered, item, lang);
            if (!name) return unexpected(name.error());
            pick(*name);
        }
    }
    std::sort(picked.begin(), picked.end());
    picked.erase(std::unique(picked.begin(), picked.end()), picked.end());
    json out = json::array();
    for (auto i : picked) out.push_back(offered[i].name);
    return out;
}

// A rank: every offered choice once, in the order typed ("3 1 2", or names or labels
// between commas).
Result<json> read_rank(const std::vector<StepChoice>& offered, std::string_view text,
                       std::string_view lang) {
    std::vector<std::string> order;
    for (const auto& part : comma_parts(text)) {
        if (auto whole = choose(offered, part, lang)) {
            order.push_back(*whole);
            continue;
        }
        for (const auto& item : split_items(part)) {
            auto name = choose(offered, item, lang);
            if (!name) return unexpected(name.error());
            order.push_back(*name);
        }
    }
    std::vector<std::string> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    bool repeated = std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    if (repeated || order.size() != offered.size())
        return refuse(say(lang, Phrase::rank_all, {std::to_string(offered.size())}));
    json out = json::array();
    for (auto& name : order) out.push_back(std::move(name));
    return out;
}

Result<json> read_acknowledge(std::string_view text, std::string_view lang) {
    std::string word = fold(text);
    if (means(lang, Word::yes, word) || means(lang, Word::ok, word)) return json("OK");
    if (means(lang, Word::no, word)) return json();
    return refuse(say(lang, Phrase::type_confirm));
}

}  // namespace

Result<json> read_answer(const form::Row& row, const std::vector<StepChoice>& offered,
                         std::string_view text, const form::Instant& now, std::string_view lang) {
    std::string word = fold(text);
    switch (row.type) {
        case RowType::integer:
            return read_integer(text, lang);
        case RowType::decimal:
        case RowType::range:
            return read_decimal(text, lang);
        case RowType::geopoint:
            return read_geopoint(text, lang);
        case RowType::rank:
            return read_rank(offered, text, lang);
        case RowType::select_one:
            return read_select_one(offered, text, lang);
        case RowType::select_multiple:
            return read_select_multiple(offered, text, lang);
        case RowType::acknowledge:
            return read_acknowledge(text, lang);
        case RowType::date:
            return json(means(lang, Word::today, word) ? form::format_local_date(now)
                                                       : std::string(text));
        case RowType::time:
            return json(means(lang, Word::now, word) ? datetime_now(now).substr(11, 5)
                                                     : std::string(text));
        case RowType::datetime: {
            if (means(lang, Word::now, word)) return json(datetime_now(now));
            std::string s(text);
            // "2026-09-12 09:25" is easier to type than the T of ISO 8601.
            if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
            return json(s);
        }
        default:
            return json(std::string(text));
    }
}

std::string answer_format(const form::Row& row, std::string_view lang) {
    switch (row.type) {
        case RowType::integer:
            return say(lang, Phrase::format_integer);
        case RowType::decimal:
            return say(lang, Phrase::format_decimal);
        case RowType::date:
            return say(lang, Phrase::format_date);
        case RowType::time:
            return say(lang, Phrase::format_time);
        case RowType::datetime:
            return say(lang, Phrase::format_datetime);
        case RowType::geopoint:
            return say(lang, Phrase::format_geopoint);
        case RowType::select_multiple:
            return say(lang, Phrase::format_select_multiple);
        case RowType::acknowledge:
            return say(lang, Phrase::format_acknowledge);
        case RowType::range:
            return say(lang, Phrase::format_range,
                       {form::format_number(row.range_start), form::format_number(row.range_end),
                        form::format_number(row.range_step)});
        case RowType::rank:
            return say(lang, Phrase::format_rank);
        case RowType::geotrace:
            return say(lang, Phrase::format_geotrace);
        case RowType::geoshape:
            return say(lang, Phrase::format_geoshape);
        default:
            return {};
    }
}

std::optional<std::string> refusal(const form::Row& row, const form::ChoiceList* list,
                                   const json& value, std::string_view lang) {
    auto problem = form::type_problem(row, list, value);
    if (!problem) return std::nullopt;
    switch (row.type) {
        case RowType::integer:
            return say(lang,
                       value.is_number() ? Phrase::number_too_large : Phrase::type_whole_number);
        case RowType::decimal:
            return say(lang, Phrase::type_number);
        case RowType::range:
            return say(lang, Phrase::format_range,
                       {form::format_number(row.range_start), form::format_number(row.range_end),
                        form::format_number(row.range_step)});
        case RowType::rank:
            return say(lang, Phrase::rank_all, {std::to_string(list ? list->choices.size() : 0)});
        case RowType::date: {
            // A date of the right shape that does not exist (2026-02-30).
            std::string s = value.is_string() ? value.get<std::string>() : std::string();
            bool shaped = s.size() == 10 && s[4] == '-' && s[7] == '-' &&
                          std::all_of(s.begin(), s.end(),
                                      [](char c) { return c == '-' || (c >= '0' && c <= '9'); });
            return shaped ? say(lang, Phrase::no_such_date, {s}) : say(lang, Phrase::type_date);
        }
        case RowType::time:
            return say(lang, Phrase::type_time);
        case RowType::datetime:
            return say(lang, Phrase::type_datetime);
        case RowType::geopoint:
            return say(lang, value.is_object() && value.contains("lat") && value.contains("lon")
                                 ? Phrase::geopoint_range
                                 : Phrase::type_geopoint);
        case RowType::select_one:
        case RowType::select_multiple:
            return say(lang, Phrase::no_such_choice, {form::answer_text(value)});
        case RowType::acknowledge:
            return say(lang, Phrase::type_confirm);
        case RowType::text:
            return say(lang, Phrase::type_text);
        default:
            return problem;
    }
}

std::string show_answer(const form::Form& form, const form::Row& row, const json& value,
                        const std::string& lang) {
    const auto& fallback = form.settings().default_language;
    const form::ChoiceList* list = form.choices(row.list_name);
    auto choice_label = [&](const json& name) {
        const form::Choice* c =
            list && name.is_string() ? list->find(name.get<std::string>()) : nullptr;
        return c ? form::text_in(c->label, lang, fallback) : form::answer_text(name);
    };
    if (row.type == RowType::select_one) return choice_label(value);
    if ((row.type == RowType::select_multiple || row.type == RowType::rank) && value.is_array()) {
        std::string out;
        for (const auto& name : value) out += (out.empty() ? "" : ", ") + choice_label(name);
        return out;
    }
    if (row.type == RowType::geopoint && value.is_object()) {
        std::string out;
        for (const char* key : {"lat", "lon", "alt", "acc"})
            if (value.contains(key))
                out += (out.empty() ? "" : " ") + form::answer_text(value[key]);
        return out;
    }
    return form::answer_text(value);
}

}  // namespace canvass::interview
