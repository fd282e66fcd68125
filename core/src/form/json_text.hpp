// Parsing untrusted JSON text (forms, answers files) without ever crashing on it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "canvass/result.hpp"

namespace canvass::form {

struct JsonLimits {
    std::size_t max_bytes = 8u << 20;  // a big questionnaire is a few hundred kilobytes
    int max_depth = 64;                // nesting of arrays and objects
};

// Parses `text` as one JSON document.
// Success: the value. Failure: Error{form, invalid_argument} whose message says where and
// why, e.g. "invalid JSON at line 3, column 14: unexpected '}'; expected string literal",
// "JSON nested deeper than 64 levels at line 1, column 65", "JSON text larger than 8 MiB".
// Depth is checked before parsing so that no recursive code ever sees a deep document.
Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits = {});

// A stored value's JSON text (an answer, perhaps written by another device and decrypted here)
// parsed under the same caps; a discarded value (is_discarded()) when it is not JSON or
// exceeds them, so no recursive code (dump, comparison) ever sees a hostile nesting.
nlohmann::json parse_value(std::string_view text, const JsonLimits& limits = {});

// 1-based line and column (counted in characters, not bytes) of byte `offset` in `text`.
struct TextPosition {
    std::size_t line = 1;
    std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// A short rendering of a JSON value for messages: at most `max_chars` bytes, cut on a
// character boundary and marked with "…" when longer.
std::string short_json(const nlohmann::json& value, std::size_t max_chars = 40);

}  // namespace canvass::form
