#include "form/json_text.hpp"

namespace canvass::form {
namespace {

using nlohmann::json;

// Records the first syntax error of a SAX parse; everything else is accepted and dropped.
struct ErrorCatcher : json::json_sax_t {
    std::size_t position = 0;
    std::string what;

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t) override { return true; }
    bool number_unsigned(number_unsigned_t) override { return true; }
    bool number_float(number_float_t, const string_t&) override { return true; }
    bool string(string_t&) override { return true; }
    bool binary(binary_t&) override { return true; }
    bool start_object(std::size_t) override { return true; }
    bool key(string_t&) override { return true; }
    bool end_object() override { return true; }
    bool start_array(std::size_t) override { return true; }
    bool end_array() override { return true; }
    bool parse_error(std::size_t pos, const std::string&,
                     const nlohmann::detail::exception& ex) override {
        position = pos;
        what = ex.what();
        return false;
    }
};

// nlohmann's message minus its prefix and its "last read: '…'" echo of the input (which
// may hold invalid UTF-8): "invalid literal; expected end of input".
std::string reason_of(const std::string& what) {
    std::string r = what;
    if (auto dash = r.find(" - "); dash != std::string::npos) {
        r = r.substr(dash + 3);
    } else if (auto bracket = r.find("] "); bracket != std::string::npos) {
        r = r.substr(bracket + 2);
    }
    if (auto last = r.find("; last read: '"); last != std::string::npos) {
        auto end = r.find("'", last + 14);
        std::string rest = end == std::string::npos ? "" : r.substr(end + 1);
        r = r.substr(0, last) + rest;
    }
    return r;
}

Error error_at(std::string_view text, std::size_t offset, const std::string& what) {
    auto pos = position_of(text, offset);
    return Error{
        Domain::form, errc::invalid_argument,
        what + " at line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column)};
}

// Offset of the first bracket deeper than `max_depth`, or npos.
std::size_t too_deep_at(std::string_view text, int max_depth) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return std::string_view::npos;
}

}  // namespace

TextPosition position_of(std::string_view text, std::size_t offset) {
    TextPosition p;
    offset = std::min(offset, text.size());
    for (std::size_t i = 0; i < offset; ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((c & 0xC0) != 0x80) {  // count characters: skip UTF-8 continuation bytes
            ++p.column;
        }
    }
    return p;
}

Result<json> parse_json(std::string_view text, const JsonLimits& limits) {
    if (text.size() > limits.max_bytes) {
        return unexpected(
            Domain::form, errc::limit_exceeded,
            "JSON text larger than " + std::to_string(limits.max_bytes >> 20) + " MiB");
    }
    if (auto at = too_deep_at(text, limits.max_depth); at != std::string_view::npos) {
        Error e = error_at(
            text, at, "JSON nested deeper than " + std::to_string(limits.max_depth) + " levels");
        e.code = errc::limit_exceeded;
        return unexpected(std::move(e));
    }
    json value = json::parse(text, nullptr, false);
    if (!value.is_discarded()) return value;
    ErrorCatcher catcher;
    json::sax_parse(text, &catcher);
    std::size_t offset = catcher.position > 0 ? catcher.position - 1 : 0;
    auto pos = position_of(text, offset);
    return unexpected(Domain::form, errc::invalid_argument,
                      "invalid JSON at line " + std::to_string(pos.line) + ", column " +
                          std::to_string(pos.column) + ": " + reason_of(catcher.what));
}

json parse_value(std::string_view text, const JsonLimits& limits) {
    auto parsed = parse_json(text, limits);
    return parsed ? std::move(parsed).value() : json(json::value_t::discarded);
}

std::string short_json(const json& value, std::size_t max_chars) {
    std::string s = value.dump(-1, ' ', false, json::error_handler_t::replace);
    if (s.size() <= max_chars) return s;
    std::size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    return s.substr(0, cut) + "…";
}

}  // namespace canvass::form
