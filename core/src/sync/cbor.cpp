#include "sync/cbor.hpp"

#include <string>

namespace canvass::sync {
namespace {

using json = nlohmann::json;
using DomParser = nlohmann::detail::json_sax_dom_parser<json>;

// Forwards every event to nlohmann's own DOM builder after checking the limits; returning
// false from an event stops the reader before it descends any further.
class LimitedSax {
public:
    LimitedSax(json& out, CborLimits limits) : dom_(out, false), limits_(limits) {}

    bool null() { return dom_.null(); }
    bool boolean(bool v) { return dom_.boolean(v); }
    bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
    bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
    bool number_float(json::number_float_t v, const std::string& s) { return dom_.number_float(v, s); }
    bool string(json::string_t& v) { return dom_.string(v); }
    bool binary(json::binary_t& v) { return dom_.binary(v); }
    bool key(json::string_t& v) { return dom_.key(v); }

    bool start_object(std::size_t n) { return enter(n) && dom_.start_object(n); }
    bool start_array(std::size_t n) { return enter(n) && dom_.start_array(n); }
    bool end_object() { --depth_; return dom_.end_object(); }
    bool end_array() { --depth_; return dom_.end_array(); }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) {
        if (!error_) error_ = Error{Domain::protocol, errc::corrupt, std::string("malformed CBOR: ") + e.what()};
        return false;
    }

    const std::optional<Error>& error() const { return error_; }

private:
    // n is the announced element count, or -1 (as size_t) for an indefinite-length item.
    bool enter(std::size_t n) {
        if (++depth_ > limits_.max_depth) {
            error_ = Error{Domain::protocol, errc::limit_exceeded, "CBOR nested too deeply"};
            return false;
        }
        if (n != static_cast<std::size_t>(-1) && n > limits_.max_items) {
            error_ = Error{Domain::protocol, errc::limit_exceeded, "CBOR container too large"};
            return false;
        }
        return true;
    }

    DomParser dom_;
    CborLimits limits_;
    std::size_t depth_ = 0;
    std::optional<Error> error_;
};

}  // namespace

Result<json> parse_cbor(std::span<const std::uint8_t> bytes, CborLimits limits) {
    json out;
    LimitedSax sax(out, limits);
    bool ok = false;
    try {
        ok = json::sax_parse(bytes.begin(), bytes.end(), &sax, json::input_format_t::cbor, true);
    } catch (const std::exception& e) {  // allocation failures and the like: still a value
        return unexpected(Domain::protocol, errc::corrupt, std::string("malformed CBOR: ") + e.what());
    }
    if (sax.error()) return unexpected(*sax.error());
    if (!ok || out.is_discarded())
        return unexpected(Domain::protocol, errc::corrupt, "malformed CBOR");
    return out;
}

}  // namespace canvass::sync
