#include "merge/ids.hpp"

#include <cstring>

namespace canvass::merge {

std::size_t OpIdHash::operator()(const OpId& id) const noexcept {
    // Device ids are uniformly distributed bytes, so mixing 8 of them with seq and index
    // through a multiply-xorshift gives well-spread buckets without a real hash function.
    std::uint64_t d = 0;
    std::memcpy(&d, id.device.data(), sizeof d);
    std::uint64_t x = d ^ (id.seq * 0x9E3779B97F4A7C15ull) ^ (std::uint64_t{id.index} << 40);
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ull;
    x ^= x >> 29;
    return static_cast<std::size_t>(x);
}

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
// Byte index at which each dash of the canonical text is written.
constexpr bool is_dash_position(std::size_t text_pos) {
    return text_pos == 8 || text_pos == 13 || text_pos == 18 || text_pos == 23;
}

int lower_hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

constexpr std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

}  // namespace

std::string format_uuid(const Uuid& id) {
    std::string out;
    out.reserve(36);
    for (std::size_t i = 0; i < id.size(); ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
        out.push_back(kHexDigits[id[i] >> 4]);
        out.push_back(kHexDigits[id[i] & 0x0f]);
    }
    return out;
}

std::optional<Uuid> parse_uuid(std::string_view text) {
    if (text.size() != 36) return std::nullopt;
    Uuid id{};
    std::size_t byte = 0;
    for (std::size_t pos = 0; pos < text.size();) {
        if (is_dash_position(pos)) {
            if (text[pos] != '-') return std::nullopt;
            ++pos;
            continue;
        }
        const int hi = lower_hex_value(text[pos]);
        const int lo = lower_hex_value(text[pos + 1]);
        if (hi < 0 || lo < 0) return std::nullopt;
        id[byte++] = static_cast<std::uint8_t>(hi << 4 | lo);
        pos += 2;
    }
    return id;
}

SeededRandom::SeededRandom(std::uint64_t seed) {
    for (auto& word : s_) word = splitmix64(seed);
}

std::uint64_t SeededRandom::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

std::uint64_t SeededRandom::below(std::uint64_t bound) {
    // Reject the top partial bucket so every residue is equally likely.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t x = next();
    while (x >= limit) x = next();
    return x % bound;
}

void SeededRandom::fill(std::span<std::uint8_t> out) {
    std::size_t i = 0;
    while (i < out.size()) {
        std::uint64_t word = next();
        for (int b = 0; b < 8 && i < out.size(); ++b, ++i) {
            out[i] = static_cast<std::uint8_t>(word);
            word >>= 8;
        }
    }
}

Uuid new_uuid(Random& random) {
    Uuid id{};
    random.fill(id);
    id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
    id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // variant 10
    return id;
}

}  // namespace canvass::merge
