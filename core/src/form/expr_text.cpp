// String, boolean, select and repeat functions of the ODK XForms specification
// ("XPath Functions"), with its semantics: characters are Unicode characters, indices of
// substr() and selected-at() are 0-based.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "form/functions.hpp"

namespace canvass::form {
namespace {

std::string text(const Node& call, std::size_t i, const Scope& scope) {
    return eval_arg(call, i, scope).as_string();
}

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// XPath normalize-space(): leading and trailing whitespace removed, runs of it made one space.
std::string normalize_space(const std::string& s) {
    std::string out;
    bool gap = false;
    for (char c : s) {
        if (is_space(c)) {
            gap = !out.empty();
            continue;
        }
        if (gap) out += ' ';
        gap = false;
        out += c;
    }
    return out;
}

// XPath translate(): each character of `from` replaced by the one at the same place in
// `to`, or removed when `to` is shorter; the first occurrence in `from` counts.
std::string translate(const std::string& s, const std::string& from, const std::string& to) {
    auto f = utf8_characters(from);
    auto t = utf8_characters(to);
    std::string out;
    for (const auto& c : utf8_characters(s)) {
        auto it = std::find(f.begin(), f.end(), c);
        if (it == f.end()) {
            out += c;
            continue;
        }
        auto at = static_cast<std::size_t>(it - f.begin());
        if (at < t.size()) out += t[at];
    }
    return out;
}

// substr(value, start, end?): characters start..end-1, 0-based; indices past either end
// are clamped, so substr('abc', 1, 10) is 'bc'.
std::string substr(const std::string& s, double start, double end) {
    auto chars = utf8_characters(s);
    double n = static_cast<double>(chars.size());
    if (std::isnan(start)) return {};
    if (std::isnan(end)) end = n;
    double from = std::clamp(std::trunc(start), 0.0, n);
    double to = std::clamp(std::trunc(end), 0.0, n);
    std::string out;
    for (auto i = static_cast<std::size_t>(from); i < static_cast<std::size_t>(to); ++i)
        out += chars[i];
    return out;
}

// A checklist item counts when it is true: a number other than 0, "true", or other text.
bool checked(const Value& v) {
    if (v.kind() == Value::Kind::boolean || v.kind() == Value::Kind::number) return v.as_boolean();
    std::string s = v.as_string();
    double d = Value::string(s).as_number();
    if (!std::isnan(d)) return d > 0;
    return !s.empty() && s != "false";
}

bool within(double count, double min, double max) {
    return (min < 0 || count >= min) && (max < 0 || count <= max);
}

Value checklist(const Node& call, const Scope& scope) {
    double min = eval_arg(call, 0, scope).as_number();
    double max = eval_arg(call, 1, scope).as_number();
    double count = 0;
    for (const auto& v : flat_args(call, scope, 2)) count += checked(v) ? 1 : 0;
    return Value::boolean(within(count, min, max));
}

// weighted-checklist(min, max, v1, w1, v2, w2, …): the weights of the true items summed.
Value weighted_checklist(const Node& call, const Scope& scope) {
    double min = eval_arg(call, 0, scope).as_number();
    double max = eval_arg(call, 1, scope).as_number();
    auto items = flat_args(call, scope, 2);
    if (items.size() % 2 != 0) return Value::boolean(false);
    double total = 0;
    for (std::size_t i = 0; i + 1 < items.size(); i += 2)
        if (checked(items[i])) total += items[i + 1].as_number();
    return Value::boolean(within(total, min, max));
}

Value join(const Node& call, const Scope& scope) {
    std::string sep = text(call, 0, scope);
    std::string out;
    bool first = true;
    for (const auto& v : flat_args(call, scope, 1)) {
        if (!first) out += sep;
        out += v.as_string();
        first = false;
    }
    return Value::string(std::move(out));
}

constexpr char hex_digits[] = "0123456789abcdef";
constexpr char alphanumerics[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

// uuid(): an RFC 4122 version 4 UUID; uuid(n): n random letters and digits.
Value uuid(const Node& call, const Scope& scope) {
    if (!scope.random_bits()) return {};
    if (call.args.empty()) {
        std::uint64_t hi = *scope.random_bits(), lo = *scope.random_bits();
        hi = (hi & ~0xF000ull) | 0x4000ull;                         // version 4
        lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;  // variant 10
        std::string out;
        for (int i = 0; i < 32; ++i) {
            if (i == 8 || i == 12 || i == 16 || i == 20) out += '-';
            std::uint64_t word = i < 16 ? hi : lo;
            out += hex_digits[(word >> ((15 - i % 16) * 4)) & 0xF];
        }
        return Value::string(std::move(out));
    }
    double n = eval_arg(call, 0, scope).as_number();
    if (!(n > 0)) return {};
    std::string out;
    for (double i = 0; i < std::min(n, 4096.0); ++i)
        out += alphanumerics[*scope.random_bits() % (sizeof(alphanumerics) - 1)];
    return Value::string(std::move(out));
}

Value base64_decode(const std::string& s) {
    auto digit = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
        if (c == '=') break;
        int d = digit(c);
        if (d < 0) return {};  // not base64
        acc = (acc << 6) | static_cast<std::uint32_t>(d);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((acc >> bits) & 0xFF);
        }
    }
    return Value::string(std::move(out));
}

// The field name inside '${name}', jr:choice-name()'s second argument as XLSForm writes it.
std::string field_in(const std::string& s) {
    if (s.size() > 3 && s.compare(0, 2, "${") == 0 && s.back() == '}')
        return s.substr(2, s.size() - 3);
    return s;
}

Value indexed_repeat(const Node& call, const Scope& scope) {
    if (call.args[0]->kind != Node::Kind::field) return {};
    std::vector<std::pair<std::string, double>> picks;
    for (std::size_t i = 1; i + 1 < call.args.size(); i += 2) {
        if (call.args[i]->kind != Node::Kind::field) return {};
        picks.emplace_back(call.args[i]->text, eval_arg(call, i + 1, scope).as_number());
    }
    return scope.indexed_field(call.args[0]->text, picks);
}

Value call_select(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "selected-at") {
        auto words = split_words(text(call, 0, scope));
        double i = eval_arg(call, 1, scope).as_number();
        if (!(i >= 0) || i >= static_cast<double>(words.size()) || std::trunc(i) != i) return {};
        return Value::string(words[static_cast<std::size_t>(i)]);
    }
    if (name == "jr:choice-name")
        return Value::string(
            scope.choice_label(field_in(text(call, 1, scope)), text(call, 0, scope)));
    if (name == "count-non-empty") {
        double n = 0;
        for (const auto& v : flat_args(call, scope)) n += v.as_string().empty() ? 0 : 1;
        return Value::number(n);
    }
    return indexed_repeat(call, scope);
}

}  // namespace

Value call_text_function(const std::string& name, const Node& call, const Scope& scope) {
    if (name == "string") return Value::string(text(call, 0, scope));
    if (name == "join") return join(call, scope);
    if (name == "substr") {
        double end = call.args.size() > 2 ? eval_arg(call, 2, scope).as_number() : std::nan("");
        return Value::string(
            substr(text(call, 0, scope), eval_arg(call, 1, scope).as_number(), end));
    }
    if (name == "substring-before" || name == "substring-after") {
        std::string s = text(call, 0, scope), what = text(call, 1, scope);
        auto at = s.find(what);
        if (at == std::string::npos) return Value::string("");
        return Value::string(name == "substring-before" ? s.substr(0, at)
                                                        : s.substr(at + what.size()));
    }
    if (name == "translate")
        return Value::string(
            translate(text(call, 0, scope), text(call, 1, scope), text(call, 2, scope)));
    if (name == "normalize-space")
        return Value::string(normalize_space(call.args.empty() ? scope.current().as_string()
                                                               : text(call, 0, scope)));
    if (name == "contains")
        return Value::boolean(text(call, 0, scope).find(text(call, 1, scope)) != std::string::npos);
    if (name == "starts-with")
        return Value::boolean(text(call, 0, scope).starts_with(text(call, 1, scope)));
    if (name == "ends-with")
        return Value::boolean(text(call, 0, scope).ends_with(text(call, 1, scope)));
    if (name == "uuid") return uuid(call, scope);
    if (name == "boolean") return Value::boolean(eval_arg(call, 0, scope).as_boolean());
    if (name == "boolean-from-string") {
        std::string s = text(call, 0, scope);
        return Value::boolean(s == "true" || s == "1");
    }
    if (name == "once") {
        // The row's value so far (Scope::current() while a calculation runs): kept once set.
        Value kept = scope.current();
        return kept.as_string().empty() ? eval_arg(call, 0, scope) : kept;
    }
    if (name == "checklist") return checklist(call, scope);
    if (name == "weighted-checklist") return weighted_checklist(call, scope);
    if (name == "base64-decode") return base64_decode(text(call, 0, scope));
    return call_select(name, call, scope);
}

}  // namespace canvass::form
