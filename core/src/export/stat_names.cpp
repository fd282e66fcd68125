#include "export/stat_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace canvass::exporting {

namespace {

constexpr std::size_t kStataMax = 32;
constexpr std::size_t kSpssMax = 64;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::string NameMaker::valid(std::string_view wanted) const {
    const bool stata = format_ == StatFormat::dta;
    std::string out;
    for (char c : wanted) {
        bool ok = is_alpha(c) || is_digit(c) || c == '_' || (!stata && c == '.');
        out += ok ? c : '_';
    }
    bool first_ok = !out.empty() && (is_alpha(out[0]) || (stata && out[0] == '_'));
    if (!first_ok) out.insert(out.begin(), 'v');
    out.resize(std::min(out.size(), stata ? kStataMax : kSpssMax));
    if (!stata) {
        while (out.back() == '.') out.back() = '_';
    }
    return out;
}

bool NameMaker::reserved(const std::string& name) const {
    if (format_ == StatFormat::sav) {
        static const std::array<const char*, 13> words{"all", "and", "by",  "eq", "ge", "gt",  "le",
                                                       "lt",  "ne",  "not", "or", "to", "with"};
        auto l = lower(name);
        return std::find(words.begin(), words.end(), l) != words.end();
    }
    static const std::array<const char*, 20> words{
        "_all", "_b", "byte", "_coef", "_cons", "double", "float", "if",   "in",    "int",
        "long", "_n", "_N",   "_pi",   "_pred", "_rc",    "_skip", "strL", "using", "with"};
    if (std::find(words.begin(), words.end(), name) != words.end()) return true;
    // str1 … str2045 are type names.
    return name.size() > 3 && name.compare(0, 3, "str") == 0 &&
           std::all_of(name.begin() + 3, name.end(), is_digit);
}

std::string NameMaker::make(std::string_view wanted) {
    const std::size_t max = format_ == StatFormat::dta ? kStataMax : kSpssMax;
    std::string base = valid(wanted);
    if (reserved(base)) base = base.size() < max ? base + "_" : "v" + base.substr(0, max - 1);
    std::string name = base;
    for (int n = 2; taken_.count(lower(name)); ++n) {
        std::string suffix = "_" + std::to_string(n);
        name = base.substr(0, std::min(base.size(), max - suffix.size())) + suffix;
    }
    taken_.insert(lower(name));
    return name;
}

}  // namespace canvass::exporting
