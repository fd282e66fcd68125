// Durations as people type them on a command line: `canvass sync --give-up-after`,
// `canvass-server token create --expires`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace canvass {

// "90s", "30m", "72h", "7d" in seconds; nullopt for anything else, for zero and for more
// than ten years.
std::optional<std::uint64_t> parse_duration(const std::string& text);

}  // namespace canvass
