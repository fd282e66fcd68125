// Checked CBOR decoding of untrusted bytes (messages from the network, tokens).
//
// nlohmann's CBOR reader recurses once per nesting level and trusts the element counts a
// document announces, so a hostile peer could exhaust the stack with deep nesting. This
// parser enforces a depth and a container-size cap while it builds the document, in one pass,
// and never throws.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"

namespace canvass::sync {

struct CborLimits {
    std::size_t max_depth = 8;          // arrays and maps nested in one another
    std::size_t max_items = 1u << 16;   // elements announced by one array or map
};

// The document encoded by `bytes` (exactly one CBOR item, nothing after it), or
// Error{protocol, corrupt, "malformed CBOR: ..."} / Error{protocol, limit_exceeded, ...}.
// Tags are refused.
Result<nlohmann::json> parse_cbor(std::span<const std::uint8_t> bytes, CborLimits limits = {});

}  // namespace canvass::sync
