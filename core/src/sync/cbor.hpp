// Checked CBOR decoding of untrusted bytes (messages from the network, tokens).
//
// The subset canvass writes (nlohmann's to_cbor): integers, byte and text strings, arrays,
// maps with text keys, false/true/null and floats, all of definite length. Every announced
// length is checked against the bytes left and the limits before anything is allocated,
// nesting is bounded, nothing throws, and byte strings are copied whole (a batch of
// changesets is mostly byte strings).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"

namespace canvass::sync {

struct CborLimits {
    std::size_t max_depth = 8;         // arrays and maps nested in one another
    std::size_t max_items = 1u << 16;  // elements announced by one array or map
};

// The document encoded by `bytes` (exactly one CBOR item, nothing after it), or
// Error{protocol, corrupt, "malformed CBOR: ..."} / Error{protocol, limit_exceeded, ...}.
// Tags, indefinite lengths, text that is not UTF-8 and a map key given twice are refused.
Result<nlohmann::json> parse_cbor(std::span<const std::uint8_t> bytes, CborLimits limits = {});

}  // namespace canvass::sync
