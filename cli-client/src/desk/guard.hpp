// What every request to the desk passes before a page sees it (docs/desk.md, "Security"):
//   - Host names this desk (127.0.0.1:PORT or localhost:PORT): a page of another site that
//     rebinds its DNS name to 127.0.0.1 still sends its own name, and is refused;
//   - the session: the one-time secret of the printed URL (`/?token=SECRET`) is exchanged,
//     once, for a session cookie (HttpOnly, SameSite=Strict) and a redirect to the same URL
//     without it; every other request must carry that cookie;
//   - a change is a POST from this desk's own page: Origin is this desk's (or "null", which
//     the pages' no-referrer policy makes browsers send, with Sec-Fetch-Site: same-origin),
//     and the body carries the page's CSRF token;
//   - every answer, refusals too, says no-store, a strict Content-Security-Policy, nosniff,
//     no-referrer and no framing.
// Pure: no socket, no clock; tested in tests/unit/cli/desk_guard_test.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "desk/http.hpp"

namespace canvass::cli::desk {

class Guard {
  public:
    // `url_secret`, `session` and `csrf` are random texts (hex), unguessable and different;
    // `port` the port the desk listens on.
    Guard(std::string url_secret, std::string session, std::string csrf, unsigned port);
    // Fresh random secrets.
    static Guard random(unsigned port);

    // nullopt when `request` may go on to the pages; else the refusal (403, 405, or the
    // redirect that sets the session cookie).
    std::optional<Response> check(const Request& request);
    // The headers every response carries (set on `response`, replacing what it had).
    static void harden(Response& response);

    const std::string& csrf() const { return csrf_; }
    // The URL to print: http://127.0.0.1:PORT/?token=SECRET
    std::string first_url() const;
    std::string cookie_name() const;
    // The address that Host and Origin must name: "127.0.0.1:PORT".
    std::string authority() const;
    bool url_secret_spent() const { return spent_; }

  private:
    bool host_ok(const std::string& host) const;
    bool has_session(const Request& request) const;

    std::string url_secret_, session_, csrf_;
    unsigned port_;
    bool spent_ = false;
};

// Constant-time equality of two texts (a guess must not be timed letter by letter).
bool same_secret(const std::string& a, const std::string& b);

// `bytes` random bytes from libsodium's CSPRNG, as hex.
std::string random_hex(std::size_t bytes);

}  // namespace canvass::cli::desk
