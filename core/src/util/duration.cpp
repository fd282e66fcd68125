#include "canvass/duration.hpp"

namespace canvass {

std::optional<std::uint64_t> parse_duration(const std::string& text) {
    if (text.size() < 2 || text.size() > 12) return std::nullopt;
    std::string digits = text.substr(0, text.size() - 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    std::uint64_t n = std::stoull(digits);
    std::uint64_t unit;
    switch (text.back()) {
        case 's':
            unit = 1;
            break;
        case 'm':
            unit = 60;
            break;
        case 'h':
            unit = 3600;
            break;
        case 'd':
            unit = 86400;
            break;
        default:
            return std::nullopt;
    }
    if (n == 0 || n > 3650 * 86400 / unit) return std::nullopt;
    return n * unit;
}

}  // namespace canvass
