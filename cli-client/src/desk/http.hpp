// The desk's requests and responses as plain values, so every handler takes a request and
// returns a response and is tested without a socket (docs/desk.md). The Beast server
// (server.cpp) only copies bytes in and out of these.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canvass::cli::desk {

struct Request {
    std::string method = "GET";
    std::string target = "/";                    // path and query, as sent
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    // The header `name` (lower case), or "" when absent.
    std::string header(std::string_view name) const;
    std::string path() const;   // the target before '?', percent-decoded
    std::string query() const;  // the target after '?', raw
};

struct Response {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    void set(std::string name, std::string value);
    std::optional<std::string> get(std::string_view name) const;
};

// Decoded `a=1&b=x+y` (a query or an application/x-www-form-urlencoded body), in order; a
// name may repeat.
using Params = std::vector<std::pair<std::string, std::string>>;
Params parse_params(std::string_view text);
// The first value of `name` in `params`, or "".
std::string param(const Params& params, std::string_view name);

// %XX and '+' decoded; an invalid escape is kept as it is.
std::string percent_decode(std::string_view text, bool plus_is_space);
// Everything but unreserved characters (RFC 3986) as %XX.
std::string percent_encode(std::string_view text);

// The cookie `name` of a Cookie header ("a=1; b=2"), or nullopt.
std::optional<std::string> cookie(std::string_view header, std::string_view name);

// Shapes of the answers the desk gives.
Response html_response(std::string body);
Response redirect(std::string location);  // 303 See Other: after a POST, a GET
Response plain(int status, std::string text);

}  // namespace canvass::cli::desk
