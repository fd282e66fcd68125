#include "sync/cbor.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "merge/codec.hpp"

namespace canvass::sync {
namespace {

using json = nlohmann::json;

Unexpected<Error> malformed(const std::string& what) {
    return unexpected(Domain::protocol, errc::corrupt, "malformed CBOR: " + what);
}

// Reads one item at a time, checking every announced length against the bytes left and the
// limits before allocating anything; recursion is bounded by limits.max_depth.
class Reader {
  public:
    Reader(std::span<const std::uint8_t> in, CborLimits limits) : in_(in), limits_(limits) {}

    Result<json> document() {
        CANVASS_TRY(json out, item(0));
        if (pos_ != in_.size()) return malformed("bytes after the end of the item");
        return out;
    }

  private:
    std::size_t left() const { return in_.size() - pos_; }

    // The argument of an item whose initial byte has additional information `info`.
    Result<std::uint64_t> argument(std::uint8_t info) {
        if (info < 24) return info;
        if (info > 27) {
            return info == 31
                       ? malformed("indefinite-length items are not used")
                       : malformed("reserved additional information " + std::to_string(info));
        }
        const std::size_t n = std::size_t{1} << (info - 24);
        if (left() < n) return malformed("truncated");
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < n; ++i) v = (v << 8) | in_[pos_++];
        return v;
    }

    Result<std::span<const std::uint8_t>> take(std::uint64_t n) {
        if (n > left()) return malformed("a string longer than the bytes left");
        auto out = in_.subspan(pos_, static_cast<std::size_t>(n));
        pos_ += static_cast<std::size_t>(n);
        return out;
    }

    Result<std::string> text(std::uint64_t n) {
        CANVASS_TRY(auto bytes, take(n));
        std::string s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (!merge::is_valid_utf8(s)) return malformed("a text string that is not UTF-8");
        return s;
    }

    Result<std::size_t> container(std::uint64_t n, std::size_t depth) {
        if (depth + 1 > limits_.max_depth)
            return unexpected(Domain::protocol, errc::limit_exceeded, "CBOR nested too deeply");
        if (n > limits_.max_items)
            return unexpected(Domain::protocol, errc::limit_exceeded, "CBOR container too large");
        if (n > left()) return malformed("a container announcing more items than the bytes left");
        return static_cast<std::size_t>(n);
    }

    Result<json> item(std::size_t depth) {
        if (left() == 0) return malformed("truncated");
        const std::uint8_t initial = in_[pos_++];
        const std::uint8_t major = initial >> 5, info = initial & 0x1f;
        if (major == 7) return simple(info);
        CANVASS_TRY(const std::uint64_t arg, argument(info));
        switch (major) {
            case 0:
                return json(arg);
            case 1:
                if (arg > static_cast<std::uint64_t>(INT64_MAX))
                    return malformed("a negative integer out of range");
                return json(-1 - static_cast<std::int64_t>(arg));
            case 2: {
                CANVASS_TRY(auto bytes, take(arg));
                return json::binary(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
            }
            case 3: {
                CANVASS_TRY(auto s, text(arg));
                return json(std::move(s));
            }
            case 4: {
                CANVASS_TRY(const std::size_t n, container(arg, depth));
                json out = json::array();
                out.get_ref<json::array_t&>().reserve(n);
                for (std::size_t i = 0; i < n; ++i) {
                    CANVASS_TRY(json v, item(depth + 1));
                    out.push_back(std::move(v));
                }
                return out;
            }
            case 5: {
                CANVASS_TRY(const std::size_t n, container(arg, depth));
                json out = json::object();
                for (std::size_t i = 0; i < n; ++i) {
                    if (left() == 0) return malformed("truncated");
                    const std::uint8_t key = in_[pos_++];
                    if (key >> 5 != 3) return malformed("a map key that is not a text string");
                    CANVASS_TRY(const std::uint64_t len, argument(key & 0x1f));
                    CANVASS_TRY(std::string k, text(len));
                    CANVASS_TRY(json v, item(depth + 1));
                    if (!out.emplace(std::move(k), std::move(v)).second)
                        return malformed("a map key given twice");
                }
                return out;
            }
            default:
                return malformed("tags are not used");
        }
    }

    Result<json> simple(std::uint8_t info) {
        switch (info) {
            case 20:
                return json(false);
            case 21:
                return json(true);
            case 22:
                return json(nullptr);
            case 25: {
                CANVASS_TRY(const std::uint64_t h, argument(info));
                // IEEE 754 half precision: sign, 5-bit exponent, 10-bit fraction.
                const double fraction = static_cast<double>(h & 0x3ff);
                const int exponent = static_cast<int>((h >> 10) & 0x1f);
                double v = exponent == 0    ? std::ldexp(fraction, -24)
                           : exponent == 31 ? (fraction == 0 ? INFINITY : NAN)
                                            : std::ldexp(fraction + 1024, exponent - 25);
                return json(h & 0x8000 ? -v : v);
            }
            case 26: {
                CANVASS_TRY(const std::uint64_t bits, argument(info));
                float f;
                const auto b = static_cast<std::uint32_t>(bits);
                std::memcpy(&f, &b, sizeof f);
                return json(static_cast<double>(f));
            }
            case 27: {
                CANVASS_TRY(const std::uint64_t bits, argument(info));
                double d;
                std::memcpy(&d, &bits, sizeof d);
                return json(d);
            }
            default:
                return malformed("simple value " + std::to_string(info) + " is not used");
        }
    }

    std::span<const std::uint8_t> in_;
    CborLimits limits_;
    std::size_t pos_ = 0;
};

}  // namespace

Result<json> parse_cbor(std::span<const std::uint8_t> bytes, CborLimits limits) {
    try {
        return Reader(bytes, limits).document();
    } catch (const std::exception& e) {  // allocation failures and the like: still a value
        return malformed(e.what());
    }
}

}  // namespace canvass::sync
