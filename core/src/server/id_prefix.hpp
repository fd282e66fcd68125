// Administrators name a token or a device by the first digits of its id, as `token list` and
// `devices` show it (`canvass-server revoke 3f2a`): one rule for every store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"

namespace canvass::server {

// `text` in lowercase if it is 4 to 32 hex digits; else an error naming `what` ("a token id")
// and the list that shows it (`shown_by`).
Result<std::string> hex_prefix(std::string_view text, const char* what, const char* shown_by);

// The one of `items` whose id (`id_of`, in hex) starts with `prefix`: Error{store, not_found}
// saying `none` when no id does, Error{store, invalid_argument} asking for more digits when
// several of the `plural` ("tokens") do.
template <class T, class IdOf>
Result<T> one_with_prefix(std::vector<T> items, const std::string& prefix, IdOf id_of,
                          const std::string& none, const char* plural) {
    std::vector<T> matches;
    for (auto& item : items)
        if (crypto::to_hex(id_of(item)).starts_with(prefix)) matches.push_back(std::move(item));
    if (matches.empty()) return unexpected(Domain::store, errc::not_found, none);
    if (matches.size() > 1)
        return unexpected(Domain::store, errc::invalid_argument,
                          std::to_string(matches.size()) + " " + plural + " start with " + prefix +
                              "; give more digits");
    return std::move(matches.front());
}

}  // namespace canvass::server
