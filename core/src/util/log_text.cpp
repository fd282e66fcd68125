#include "util/log_text.hpp"

#include <algorithm>

namespace canvass::util {
namespace {

bool printable(unsigned char c) {
    return c >= 0x20 && c <= 0x7e;
}

void append_hex(std::string& out, unsigned char c) {
    static constexpr char digits[] = "0123456789abcdef";
    out += "\\x";
    out += digits[c >> 4];
    out += digits[c & 0x0f];
}

// Appends `text` escaped; `quotes` also escapes `"` and `\` (inside a quoted value).
void append_escaped(std::string& out, std::string_view text, bool quotes) {
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (!printable(c))
            append_hex(out, c);
        else if (quotes && (c == '"' || c == '\\')) {
            out += '\\';
            out += ch;
        } else
            out += ch;
    }
}

std::string cut_note(std::size_t left_out) {
    return "...(" + std::to_string(left_out) + " more bytes)";
}

}  // namespace

std::string log_quoted(std::string_view text, std::size_t max_bytes) {
    std::string out = "\"";
    append_escaped(out, text.substr(0, max_bytes), true);
    out += '"';
    if (text.size() > max_bytes) out += cut_note(text.size() - max_bytes);
    return out;
}

std::string log_line_safe(std::string_view line, std::size_t max_bytes) {
    std::string out;
    out.reserve(std::min(line.size(), max_bytes) + 32);
    append_escaped(out, line.substr(0, max_bytes), false);
    if (line.size() > max_bytes) out += cut_note(line.size() - max_bytes);
    return out;
}

}  // namespace canvass::util
