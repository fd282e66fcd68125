// Durations as people type them on a command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace canvass::util {

// "90s", "30m", "72h", "7d" in seconds; nullopt for anything else, for zero and for more
// than ten years.
std::optional<std::uint64_t> parse_duration(const std::string& text);

}  // namespace canvass::util
