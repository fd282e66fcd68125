#include "desk/guard.hpp"

#include <sodium.h>

#include <cstdint>
#include <vector>

#include "canvass/clock.hpp"

namespace canvass::cli::desk {

std::string random_hex(std::size_t bytes) {
    // The desk's secrets come from the source the core's keys come from.
    std::vector<std::uint8_t> raw(bytes);
    secure_random(raw);
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), raw.data(), raw.size());
    hex.pop_back();
    return hex;
}

namespace {

Response refuse(int status, const std::string& why) {
    auto r = plain(status, why);
    Guard::harden(r);
    return r;
}

}  // namespace

bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a.empty()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Guard::Guard(std::string url_secret, std::string session, std::string csrf, unsigned port)
    : url_secret_(std::move(url_secret)),
      session_(std::move(session)),
      csrf_(std::move(csrf)),
      port_(port) {}

Guard Guard::random(unsigned port) {
    return Guard(random_hex(32), random_hex(32), random_hex(32), port);
}

std::string Guard::authority() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::string Guard::first_url() const {
    return "http://" + authority() + "/?token=" + url_secret_;
}

// Per port: two desks on one machine share the browser's cookies for 127.0.0.1.
std::string Guard::cookie_name() const {
    return "canvass_desk_" + std::to_string(port_);
}

bool Guard::host_ok(const std::string& host) const {
    return host == authority();
}

bool Guard::has_session(const Request& request) const {
    auto value = cookie(request.header("cookie"), cookie_name());
    return value && same_secret(*value, session_);
}

void Guard::harden(Response& r) {
    r.set("Cache-Control", "no-store");
    r.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
          "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
    r.set("X-Content-Type-Options", "nosniff");
    r.set("Referrer-Policy", "no-referrer");
    r.set("X-Frame-Options", "DENY");
    r.set("Cross-Origin-Opener-Policy", "same-origin");
    r.set("Cross-Origin-Resource-Policy", "same-origin");
}

std::optional<Response> Guard::check(const Request& request) {
    if (!host_ok(request.header("host")))
        return refuse(403, "refused: this desk answers only to http://" + authority() + "/");
    if (request.method != "GET" && request.method != "POST") {
        auto r = refuse(405, "only GET and POST");
        r.set("Allow", "GET, POST");
        return r;
    }
    // The printed URL: exchanged once for the session cookie, then spent.
    auto given = param(parse_params(request.query()), "token");
    if (request.method == "GET" && !given.empty()) {
        bool fresh = !spent_ && same_secret(given, url_secret_);
        if (!fresh && !has_session(request))
            return refuse(403,
                          "refused: this link was used already (or is wrong); restart 'canvass "
                          "desk' for a new one");
        spent_ = true;
        auto r = redirect(request.path());
        r.set("Set-Cookie", cookie_name() + "=" + session_ + "; HttpOnly; SameSite=Strict; Path=/");
        harden(r);
        return r;
    }
    if (!has_session(request))
        return refuse(
            403, "refused: open the link 'canvass desk' printed (this browser has no session)");
    if (request.method == "POST") {
        // The desk's own pages say Referrer-Policy: no-referrer, under which a browser sends
        // "Origin: null" even for a same-origin form; then Sec-Fetch-Site, which the browser
        // sets and no page can, must say the form came from this origin.
        auto origin = request.header("origin");
        bool own = origin == "http://" + authority() ||
                   (origin == "null" && request.header("sec-fetch-site") == "same-origin");
        if (!own)
            return refuse(403, "refused: a change must come from this desk's own page (Origin " +
                                   (origin.empty() ? std::string("missing") : origin) + ")");
        auto type = request.header("content-type");
        if (type.rfind("application/x-www-form-urlencoded", 0) != 0)
            return refuse(403, "refused: a change is a form of this desk's page");
        if (!same_secret(param(parse_params(request.body), "csrf"), csrf_))
            return refuse(403, "refused: the form's token is missing or wrong (reload the page)");
    }
    return std::nullopt;
}

}  // namespace canvass::cli::desk
