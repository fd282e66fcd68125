// regex() over RE2 (docs/decisions.md "regex() with RE2").
#include <map>
#include <memory>

#include <re2/re2.h>

#include "form/functions.hpp"

namespace canvass::form {
namespace {

// The first brace count above regex_max_repeat (as written), outside escapes and
// character classes; "" when there is none. RE2 refuses such counts too, but this names
// the count as the designer wrote it.
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
            for (std::size_t j = i + 1; j < pattern.size() && pattern[j] != '}'; ++j) {
                if (pattern[j] < '0' || pattern[j] > '9') continue;
                std::size_t start = j;
                unsigned long value = 0;
                while (j < pattern.size() && pattern[j] >= '0' && pattern[j] <= '9') {
                    if (value <= regex_max_repeat)
                        value = value * 10 + static_cast<unsigned long>(pattern[j] - '0');
                    ++j;
                }
                if (value > regex_max_repeat) return pattern.substr(start, j - start);
                --j;
            }
        }
    }
    return "";
}

// RE2 reads pattern and text as UTF-8 (so `[À-ÿ]` is a range of characters, not bytes)
// and matches in time linear in the text; its memory for one compiled pattern is capped.
re2::RE2::Options regex_options() {
    re2::RE2::Options o;
    o.set_encoding(re2::RE2::Options::EncodingUTF8);
    o.set_log_errors(false);
    o.set_max_mem(regex_max_memory);
    return o;
}

// Compiled patterns, per thread; nullptr records a pattern that does not compile.
std::shared_ptr<const re2::RE2> compiled(const std::string& pattern) {
    thread_local std::map<std::string, std::shared_ptr<const re2::RE2>> cache;
    if (auto it = cache.find(pattern); it != cache.end()) return it->second;
    if (cache.size() >= 64) cache.clear();
    std::shared_ptr<const re2::RE2> re;
    if (pattern.size() <= regex_max_pattern && oversized_repeat(pattern).empty()) {
        re = std::make_shared<const re2::RE2>(pattern, regex_options());
        if (!re->ok()) re.reset();
    }
    cache.emplace(pattern, re);
    return re;
}

// XForms regex(): true when the pattern matches somewhere in the text (JavaRosa's
// Matcher.find(), the specification's `/pattern/.test(text)`), so designers anchor with ^…$.
}  // namespace

bool regex_matches(const std::string& subject, const std::string& pattern) {
    if (subject.size() > regex_max_subject) return false;
    auto re = compiled(pattern);
    return re && re2::RE2::PartialMatch(subject, *re);
}

std::optional<std::string> regex_problem(const std::string& pattern) {
    if (pattern.size() > regex_max_pattern)
        return "pattern longer than " + std::to_string(regex_max_pattern) + " characters";
    if (auto count = oversized_repeat(pattern); !count.empty())
        return "repeat count " + count + " is more than " + std::to_string(regex_max_repeat);
    re2::RE2 re(pattern, regex_options());
    if (re.ok()) return std::nullopt;
    std::string why = re.error();
    if (re.error_code() == re2::RE2::ErrorBadPerlOp)
        why += " (look-ahead and look-behind are not supported)";
    else if (re.error_code() == re2::RE2::ErrorBadEscape && why.find("\\1") != std::string::npos)
        why += " (back-references are not supported)";
    else if (re.error_code() == re2::RE2::ErrorPatternTooLarge)
        why = "pattern too large once its repeats are expanded (nest fewer counted repeats)";
    return why;
}

}  // namespace canvass::form
