// The functions of the expression language (docs/forms.md "Expressions").
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <regex>

#include "form/calendar.hpp"
#include "form/functions.hpp"

namespace canvass::form {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

constexpr FunctionInfo functions[] = {
    {"not", 1, 1},          {"if", 3, 3},         {"selected", 2, 2},
    {"count-selected", 1, 1}, {"string-length", 1, 1}, {"regex", 2, 2},
    {"concat", 1, -1},      {"coalesce", 2, 2},   {"today", 0, 0},
    {"now", 0, 0},          {"int", 1, 1},        {"number", 1, 1},
    {"round", 1, 2},        {"position", 1, 1},   {"count", 1, 1},
    {"sum", 1, 1},          {"max", 1, -1},       {"min", 1, -1},
    {"true", 0, 0},         {"false", 0, 0},
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A select_multiple answer is its choice names separated by spaces (XLSForm).
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

double utf8_length(const std::string& s) {
    double n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

// libstdc++'s default matcher backtracks recursively (stack and time grow with the
// subject); its polynomial mode runs a breadth-first automaton whose recursion is bounded
// by the pattern, at the price of refusing back-references.
#if defined(__GLIBCXX__)
constexpr auto regex_flags = std::regex::ECMAScript | std::regex_constants::__polynomial;
#else
constexpr auto regex_flags = std::regex::ECMAScript;
#endif

// The first brace count above regex_max_repeat (as written), outside escapes and
// character classes; "" when there is none.
std::string oversized_repeat(const std::string& pattern) {
    bool in_class = false;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            ++i;  // the escaped character is literal
        } else if (in_class) {
            in_class = c != ']';
        } else if (c == '[') {
            in_class = true;
        } else if (c == '{') {
            // Every digit run inside the braces, as libstdc++ reads them before it checks
            // that the quantifier is well formed.
            for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
                if (pattern[j] < '0' || pattern[j] > '9') continue;
                std::size_t start = j;
                unsigned long value = 0;
                while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
                    if (value <= regex_max_repeat) value = value * 10 + static_cast<unsigned long>(pattern[j] - '0');
                    ++j;
                }
                if (value > regex_max_repeat) return pattern.substr(start, j - start);
                --j;
            }
        }
    }
    return "";
}

// Compiled patterns, per thread since std::regex objects are not shared across threads
// by this cache; nullptr records a pattern that does not compile.
std::shared_ptr<const std::regex> compiled(const std::string& pattern) {
    thread_local std::map<std::string, std::shared_ptr<const std::regex>> cache;
    if (auto it = cache.find(pattern); it != cache.end()) return it->second;
    if (cache.size() >= 64) cache.clear();
    std::shared_ptr<const std::regex> re;
    if (oversized_repeat(pattern).empty()) {
        try {
            re = std::make_shared<const std::regex>(pattern, regex_flags);
        } catch (const std::regex_error&) {
        }
    }
    cache.emplace(pattern, re);
    return re;
}

bool regex_matches(const std::string& subject, const std::string& pattern) {
    if (subject.size() > regex_max_subject || pattern.size() > regex_max_pattern) return false;
    auto re = compiled(pattern);
    if (!re) return false;
    try {
        return std::regex_search(subject, *re);
    } catch (const std::regex_error&) {  // error_complexity, error_stack
        return false;
    }
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
    return eval_node(*call.args[i], scope);
}

Value call_aggregate(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "count") {
        Value v = arg(call, 0, scope);
        return Value::number(v.kind() == Value::Kind::list ? static_cast<double>(v.items().size()) : 1);
    }
    if (name == "sum") {
        double total = 0;
        for (double v : numbers_of(call, scope)) total += v;
        return Value::number(total);
    }
    return extreme(call, scope, name == "max");
}

Value call_text(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "selected") {
        auto words = split_words(arg(call, 0, scope).as_string());
        auto wanted = split_words(arg(call, 1, scope).as_string());
        bool found = wanted.size() == 1 && std::find(words.begin(), words.end(), wanted[0]) != words.end();
        return Value::boolean(found);
    }
    if (name == "count-selected")
        return Value::number(static_cast<double>(split_words(arg(call, 0, scope).as_string()).size()));
    if (name == "string-length") return Value::number(utf8_length(arg(call, 0, scope).as_string()));
    if (name == "regex")
        return Value::boolean(regex_matches(arg(call, 0, scope).as_string(), arg(call, 1, scope).as_string()));
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

std::optional<std::string> regex_problem(const std::string& pattern) {
    if (pattern.size() > regex_max_pattern)
        return "pattern longer than " + std::to_string(regex_max_pattern) + " characters";
    if (auto count = oversized_repeat(pattern); !count.empty())
        return "repeat count " + count + " is more than " + std::to_string(regex_max_repeat);
    try {
        std::regex re(pattern, regex_flags);
    } catch (const std::regex_error& e) {
        return std::string(e.what());
    }
    return std::nullopt;
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
    return call_text(name, call, scope);
}

}  // namespace canvass::form
