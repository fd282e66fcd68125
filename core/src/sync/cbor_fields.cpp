#include "sync/cbor_fields.hpp"

namespace canvass::sync::detail {

Unexpected<Error> Fields::bad(std::string_view key, const std::string& what) const {
    return unexpected(Domain::protocol, errc::corrupt, path(key) + ": " + what);
}

Result<const json*> Fields::field(std::string_view key) {
    if (!map_.is_object())
        return unexpected(Domain::protocol, errc::corrupt, path_ + ": expected a map");
    auto it = map_.find(key);
    if (it == map_.end()) return bad(key, "missing");
    seen_.emplace(key);
    return &*it;
}

Result<std::uint64_t> Fields::u64(std::string_view key) {
    CANVASS_TRY(const json* v, field(key));
    if (!v->is_number_unsigned()) return bad(key, "expected an unsigned integer");
    return v->get<std::uint64_t>();
}

Result<std::string> Fields::text(std::string_view key, std::size_t max_bytes) {
    CANVASS_TRY(const json* v, field(key));
    if (!v->is_string()) return bad(key, "expected text");
    const auto& s = v->get_ref<const std::string&>();
    if (s.size() > max_bytes)
        return bad(key, "longer than " + std::to_string(max_bytes) + " bytes");
    if (!valid_utf8(s)) return bad(key, "invalid UTF-8");
    return s;
}

Result<std::vector<std::uint8_t>> Fields::bytes(std::string_view key, std::size_t max_bytes) {
    CANVASS_TRY(const json* v, field(key));
    if (!v->is_binary()) return bad(key, "expected a byte string");
    const auto& b = v->get_binary();
    if (b.size() > max_bytes)
        return bad(key, "longer than " + std::to_string(max_bytes) + " bytes");
    return std::vector<std::uint8_t>(b.begin(), b.end());
}

Result<const json*> Fields::array(std::string_view key, std::size_t max_items) {
    CANVASS_TRY(const json* v, field(key));
    if (!v->is_array()) return bad(key, "expected an array");
    if (v->size() > max_items) return bad(key, "more than " + std::to_string(max_items) + " items");
    return v;
}

Result<const json*> Fields::map(std::string_view key) {
    CANVASS_TRY(const json* v, field(key));
    if (!v->is_object()) return bad(key, "expected a map");
    return v;
}

Result<void> Fields::done() const {
    for (auto it = map_.begin(); it != map_.end(); ++it)
        if (!seen_.contains(it.key())) return bad(it.key(), "unknown field");
    return {};
}

// RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t n;
        std::uint32_t cp;
        if (c < 0x80) {
            ++i;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 1;
            cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2;
            cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3;
            cp = c & 0x07;
        } else
            return false;
        if (i + n >= s.size()) return false;  // truncated sequence
        for (std::size_t k = 1; k <= n; ++k) {
            auto d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xc0) != 0x80) return false;
            cp = cp << 6 | (d & 0x3f);
        }
        static constexpr std::uint32_t min_for_length[4] = {0, 0x80, 0x800, 0x10000};
        if (cp < min_for_length[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
        i += n + 1;
    }
    return true;
}

}  // namespace canvass::sync::detail
