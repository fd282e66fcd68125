// The functions of the expression language (docs/forms.md "Expressions").
#include <algorithm>
#include <cmath>
#include <limits>
#include "form/calendar.hpp"
#include "form/functions.hpp"

namespace canvass::form {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Every function of the language (docs/forms.md "Functions" lists them with their
// source in the XForms specification).
using G = FunctionGroup;
constexpr FunctionInfo functions[] = {
    {"not", 1, 1, G::core},
    {"if", 3, 3, G::core},
    {"selected", 2, 2, G::core},
    {"count-selected", 1, 1, G::core},
    {"string-length", 1, 1, G::core},
    {"regex", 2, 2, G::core},
    {"concat", 1, -1, G::core},
    {"coalesce", 2, 2, G::core},
    {"today", 0, 0, G::core},
    {"now", 0, 0, G::core},
    {"int", 1, 1, G::core},
    {"number", 1, 1, G::core},
    {"round", 1, 2, G::core},
    {"position", 1, 1, G::core},
    {"count", 1, 1, G::core},
    {"sum", 1, 1, G::core},
    {"max", 1, -1, G::core},
    {"min", 1, -1, G::core},
    {"true", 0, 0, G::core},
    {"false", 0, 0, G::core},
    // strings and selects (expr_text.cpp)
    {"string", 1, 1, G::text},
    {"join", 1, -1, G::text},
    {"substr", 2, 3, G::text},
    {"substring-before", 2, 2, G::text},
    {"substring-after", 2, 2, G::text},
    {"translate", 3, 3, G::text},
    {"normalize-space", 0, 1, G::text},
    {"contains", 2, 2, G::text},
    {"starts-with", 2, 2, G::text},
    {"ends-with", 2, 2, G::text},
    {"uuid", 0, 1, G::text},
    {"boolean", 1, 1, G::text},
    {"boolean-from-string", 1, 1, G::text},
    {"once", 1, 1, G::text},
    {"checklist", 2, -1, G::text},
    {"weighted-checklist", 2, -1, G::text},
    {"count-non-empty", 1, 1, G::text},
    {"selected-at", 2, 2, G::text},
    {"jr:choice-name", 2, 2, G::text},
    {"indexed-repeat", 3, 7, G::text},
    {"base64-decode", 1, 1, G::text},
    // numbers and places (expr_math.cpp)
    {"random", 0, 0, G::math},
    {"pow", 2, 2, G::math},
    {"log", 1, 1, G::math},
    {"log10", 1, 1, G::math},
    {"abs", 1, 1, G::math},
    {"sin", 1, 1, G::math},
    {"cos", 1, 1, G::math},
    {"tan", 1, 1, G::math},
    {"asin", 1, 1, G::math},
    {"acos", 1, 1, G::math},
    {"atan", 1, 1, G::math},
    {"atan2", 2, 2, G::math},
    {"sqrt", 1, 1, G::math},
    {"exp", 1, 1, G::math},
    {"exp10", 1, 1, G::math},
    {"pi", 0, 0, G::math},
    {"distance", 1, 1, G::math},
    {"area", 1, 1, G::math},
    {"floor", 1, 1, G::math},
    {"ceiling", 1, 1, G::math},
    // dates (expr_dates.cpp)
    {"date", 1, 1, G::dates},
    {"format-date", 2, 2, G::dates},
    {"format-date-time", 2, 2, G::dates},
    {"decimal-date-time", 1, 1, G::dates},
    {"decimal-time", 1, 1, G::dates},
    {"date-time", 1, 1, G::dates},
    // secondary instances (expr_paths.cpp)
    {"instance", 1, 1, G::paths},
    {"current", 0, 0, G::paths},
    {"pulldata", 4, 4, G::paths},
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

double utf8_length(const std::string& s) {
    double n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// Half away from zero, as ODK's round(); `digits` may be negative (round(1234, -2) = 1200).
double round_to(double x, double digits) {
    if (std::isnan(digits) || std::isnan(x) || std::isinf(x)) return std::isnan(digits) ? nan : x;
    if (digits > 300 || digits < -300) return digits > 0 ? x : 0;
    double scale = std::pow(10.0, std::trunc(digits));
    double r = std::round(x * scale) / scale;
    return std::isfinite(r) ? r : x;
}

std::vector<double> numbers_of(const Node& call, const Scope& scope) {
    std::vector<double> out;
    for (const auto& arg : call.args) {
        Value v = eval_node(*arg, scope);
        if (v.kind() != Value::Kind::list) {
            out.push_back(v.as_number());
            continue;
        }
        for (const auto& item : v.items()) out.push_back(Value::string(item).as_number());
    }
    return out;
}

Value extreme(const Node& call, const Scope& scope, bool want_max) {
    auto values = numbers_of(call, scope);
    if (values.empty()) return Value::number(nan);
    double best = values.front();
    for (double v : values) {
        if (std::isnan(v)) return Value::number(nan);
        best = want_max ? std::max(best, v) : std::min(best, v);
    }
    return Value::number(best);
}

Value concat(const Node& call, const Scope& scope) {
    std::string out;
    for (const auto& arg : call.args) {
        Value v = eval_node(*arg, scope);
        if (v.kind() == Value::Kind::list) {
            for (const auto& item : v.items()) out += item;
        } else {
            out += v.as_string();
        }
    }
    return Value::string(std::move(out));
}

Value arg(const Node& call, std::size_t i, const Scope& scope) {
    return eval_arg(call, i, scope);
}

Value call_aggregate(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "count") {
        Value v = arg(call, 0, scope);
        return Value::number(v.kind() == Value::Kind::list ? static_cast<double>(v.items().size())
                                                           : 1);
    }
    if (name == "sum") {
        double total = 0;
        for (double v : numbers_of(call, scope)) total += v;
        return Value::number(total);
    }
    return extreme(call, scope, name == "max");
}

Value call_core_text(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "selected") {
        auto words = split_words(arg(call, 0, scope).as_string());
        auto wanted = split_words(arg(call, 1, scope).as_string());
        bool found =
            wanted.size() == 1 && std::find(words.begin(), words.end(), wanted[0]) != words.end();
        return Value::boolean(found);
    }
    if (name == "count-selected")
        return Value::number(
            static_cast<double>(split_words(arg(call, 0, scope).as_string()).size()));
    if (name == "string-length") return Value::number(utf8_length(arg(call, 0, scope).as_string()));
    if (name == "regex")
        return Value::boolean(
            regex_matches(arg(call, 0, scope).as_string(), arg(call, 1, scope).as_string()));
    if (name == "concat") return concat(call, scope);
    // coalesce
    std::string first = arg(call, 0, scope).as_string();
    return Value::string(first.empty() ? arg(call, 1, scope).as_string() : first);
}

Value call_number(const std::string& name, const Node& call, const Scope& scope) {
    double x = arg(call, 0, scope).as_number();
    if (name == "int") return Value::number(std::trunc(x));
    if (name == "number") return Value::number(x);
    double digits = call.args.size() > 1 ? arg(call, 1, scope).as_number() : 0;
    return Value::number(round_to(x, digits));
}

}  // namespace

Value eval_arg(const Node& call, std::size_t i, const Scope& scope) {
    return eval_node(*call.args[i], scope);
}

std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> words;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_space(s[i])) ++i;
        std::size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        if (i > start) words.push_back(s.substr(start, i - start));
    }
    return words;
}

std::vector<std::string> utf8_characters(const std::string& s) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = 1;
        while (i + len < s.size() && (static_cast<unsigned char>(s[i + len]) & 0xC0) == 0x80) ++len;
        out.push_back(s.substr(i, len));
        i += len;
    }
    return out;
}

std::vector<Value> flat_args(const Node& call, const Scope& scope, std::size_t first) {
    std::vector<Value> out;
    for (std::size_t i = first; i < call.args.size(); ++i) {
        Value v = eval_arg(call, i, scope);
        if (v.kind() != Value::Kind::list) {
            out.push_back(std::move(v));
            continue;
        }
        for (auto& item : v.items()) out.push_back(Value::string(std::move(item)));
    }
    return out;
}

const FunctionInfo* find_function(std::string_view name) {
    for (const auto& f : functions)
        if (f.name == name) return &f;
    return nullptr;
}

std::string arity_text(const FunctionInfo& f) {
    auto args = [](int n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
    if (f.max_args == 0) return "takes no arguments";
    if (f.max_args < 0) return "takes at least " + args(f.min_args);
    if (f.min_args == f.max_args) return "takes " + args(f.min_args);
    return "takes " + std::to_string(f.min_args) + " or " + args(f.max_args);
}

Value call_function(const Node& call, const Scope& scope) {
    const std::string& name = call.text;
    // The form loader refuses unknown functions and wrong argument counts; an expression
    // evaluated without that check (an app's, a fuzzer's) gives "" rather than reading
    // arguments that are not there.
    const FunctionInfo* f = find_function(name);
    const auto count = static_cast<int>(call.args.size());
    if (!f || count < f->min_args || (f->max_args >= 0 && count > f->max_args)) return {};
    if (name == "true" || name == "false") return Value::boolean(name == "true");
    if (name == "not") return Value::boolean(!arg(call, 0, scope).as_boolean());
    if (name == "if")
        return arg(call, 0, scope).as_boolean() ? arg(call, 1, scope) : arg(call, 2, scope);
    if (name == "today") return Value::string(format_local_date(scope.now()));
    if (name == "now") return Value::string(format_local_datetime(scope.now()));
    if (name == "position") return Value::number(scope.position());
    if (name == "count" || name == "sum" || name == "max" || name == "min")
        return call_aggregate(name, call, scope);
    if (name == "int" || name == "number" || name == "round") return call_number(name, call, scope);
    switch (f->group) {
        case FunctionGroup::text:
            return call_text_function(name, call, scope);
        case FunctionGroup::math:
            return call_math_function(name, call, scope);
        case FunctionGroup::dates:
            return call_date_function(name, call, scope);
        case FunctionGroup::paths:
            return call_path_function(name, call, scope);
        case FunctionGroup::core:
            break;
    }
    return call_core_text(name, call, scope);
}

}  // namespace canvass::form
