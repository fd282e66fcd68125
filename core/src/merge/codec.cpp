#include "merge/codec.hpp"

namespace canvass::merge {

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        // Bounds of the second byte exclude overlong forms, surrogates and > U+10FFFF.
        unsigned char lo = 0x80, hi = 0xbf;
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            if (c == 0xe0) lo = 0xa0;
            if (c == 0xed) hi = 0x9f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            if (c == 0xf0) lo = 0x90;
            if (c == 0xf4) hi = 0x8f;
        } else {
            return false;
        }
        if (s.size() - i < len) return false;
        const auto second = static_cast<unsigned char>(s[i + 1]);
        if (second < lo || second > hi) return false;
        for (std::size_t k = 2; k < len; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            if (cont < 0x80 || cont > 0xbf) return false;
        }
        i += len;
    }
    return true;
}

void Writer::varint(std::uint64_t v) {
    while (v >= 0x80) {
        out_.push_back(static_cast<std::uint8_t>(v | 0x80));
        v >>= 7;
    }
    out_.push_back(static_cast<std::uint8_t>(v));
}

Unexpected<Error> Reader::fail(const char* field, const std::string& problem) const {
    return unexpected(Domain::protocol, errc::corrupt,
                      std::string(what_) + ": " + field + ": " + problem + " (at byte " +
                          std::to_string(pos_) + ")");
}

Unexpected<Error> Reader::truncated(const char* field) const {
    return fail(field, "truncated");
}

Result<std::uint8_t> Reader::byte(const char* field) {
    if (remaining() < 1) return truncated(field);
    return in_[pos_++];
}

Result<std::uint64_t> Reader::varint(const char* field, std::uint64_t max) {
    std::uint64_t v = 0;
    for (unsigned shift = 0;; shift += 7) {
        if (remaining() < 1) return truncated(field);
        const std::uint8_t b = in_[pos_++];
        // The 10th byte may only hold the top bit of a 64-bit value.
        if (shift == 63 && b > 1) return fail(field, "varint overflows 64 bits");
        v |= std::uint64_t{b & 0x7fu} << shift;
        if ((b & 0x80) == 0) {
            // A zero final byte after others means a longer than necessary encoding.
            if (b == 0 && shift > 0) return fail(field, "non-minimal varint");
            break;
        }
    }
    if (v > max)
        return fail(field, "value " + std::to_string(v) + " above limit " + std::to_string(max));
    return v;
}

Result<std::vector<std::uint8_t>> Reader::bytes(const char* field, std::size_t max_len) {
    CANVASS_TRY(const std::uint64_t len, varint(field, max_len));
    if (remaining() < len) return truncated(field);
    std::vector<std::uint8_t> out(in_.begin() + static_cast<std::ptrdiff_t>(pos_),
                                  in_.begin() + static_cast<std::ptrdiff_t>(pos_ + len));
    pos_ += len;
    return out;
}

Result<std::string> Reader::string(const char* field, std::size_t max_len) {
    CANVASS_TRY(const std::uint64_t len, varint(field, max_len));
    if (remaining() < len) return truncated(field);
    std::string out(reinterpret_cast<const char*>(in_.data() + pos_), len);
    if (!is_valid_utf8(out)) return fail(field, "invalid UTF-8");
    pos_ += len;
    return out;
}

Result<void> Reader::finish() {
    if (remaining() != 0) return fail("end", std::to_string(remaining()) + " trailing bytes");
    return {};
}

}  // namespace canvass::merge
