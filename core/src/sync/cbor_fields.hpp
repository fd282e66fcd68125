// Strict reading of one CBOR map: every field is asked for by name and type, every error
// names the field's path, and fields nobody asked for are refused at the end. Internal to
// the sync part.
#pragma once

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"

namespace canvass::sync::detail {

using json = nlohmann::json;

class Fields {
  public:
    // `path` names the map in error messages ("welcome", "changesets.runs[2]").
    Fields(const json& map, std::string path) : map_(map), path_(std::move(path)) {}

    bool is_map() const { return map_.is_object(); }
    Result<std::uint64_t> u64(std::string_view key);
    Result<std::string> text(std::string_view key, std::size_t max_bytes);
    Result<std::vector<std::uint8_t>> bytes(std::string_view key, std::size_t max_bytes);
    template <std::size_t N>
    Result<std::array<std::uint8_t, N>> fixed(std::string_view key) {
        CANVASS_TRY(auto b, bytes(key, N));
        if (b.size() != N) return bad(key, "expected " + std::to_string(N) + " bytes");
        std::array<std::uint8_t, N> out{};
        std::copy(b.begin(), b.end(), out.begin());
        return out;
    }
    // An array field of at most max_items elements.
    Result<const json*> array(std::string_view key, std::size_t max_items);
    // A map field, to be read with its own Fields.
    Result<const json*> map(std::string_view key);
    bool has(std::string_view key) const { return map_.is_object() && map_.contains(key); }
    // Marks a field as read without reading it (one read elsewhere).
    void skip(std::string_view key) { seen_.emplace(key); }
    // Fails if the map has a field that was never read.
    Result<void> done() const;

    std::string path(std::string_view key) const { return path_ + "." + std::string(key); }
    Unexpected<Error> bad(std::string_view key, const std::string& what) const;

  private:
    Result<const json*> field(std::string_view key);

    const json& map_;
    std::string path_;
    std::set<std::string, std::less<>> seen_;
};

// A byte string as CBOR wants it.
inline json binary(std::span<const std::uint8_t> b) {
    return json::binary(std::vector<std::uint8_t>(b.begin(), b.end()));
}

bool valid_utf8(std::string_view s);

}  // namespace canvass::sync::detail
