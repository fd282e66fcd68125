#include "server/id_prefix.hpp"

#include <cctype>

namespace canvass::server {

Result<std::string> hex_prefix(std::string_view text, const char* what, const char* shown_by) {
    std::string prefix;
    for (char c : text)
        prefix.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (prefix.size() < 4 || prefix.size() > 32 ||
        prefix.find_first_not_of("0123456789abcdef") != std::string::npos)
        return unexpected(Domain::store, errc::invalid_argument,
                          std::string(what) + " is 4 to 32 hex digits (its start is enough), as " +
                              shown_by + " shows it");
    return prefix;
}

}  // namespace canvass::server
