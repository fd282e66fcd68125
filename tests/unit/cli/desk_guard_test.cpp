// The desk's request handling without a socket: the one-time secret becomes a session
// cookie, every request without it is refused, a change needs this desk's Origin and the
// page's CSRF token, a DNS-rebound Host is refused, every answer is hardened, and values
// are escaped on their way into HTML.
#include <gtest/gtest.h>

#include "desk/guard.hpp"
#include "desk/html.hpp"
#include "desk/http.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {
namespace {

constexpr unsigned kPort = 8123;

Request get(const std::string& target, const std::string& cookie_header = "") {
    Request r;
    r.target = target;
    r.headers["host"] = "127.0.0.1:8123";
    if (!cookie_header.empty()) r.headers["cookie"] = cookie_header;
    return r;
}

Request post(const std::string& target, const std::string& body, const std::string& cookie_header,
             const std::string& origin = "http://127.0.0.1:8123") {
    Request r = get(target, cookie_header);
    r.method = "POST";
    r.body = body;
    r.headers["content-type"] = "application/x-www-form-urlencoded";
    if (!origin.empty()) r.headers["origin"] = origin;
    return r;
}

class DeskGuardTest : public ::testing::Test {
  protected:
    Guard guard{"urlsecret", "sessionvalue", "csrftoken", kPort};
    const std::string session = "canvass_desk_8123=sessionvalue";
};

TEST_F(DeskGuardTest, TheFirstUrlSetsAStrictHttpOnlyCookieAndRedirectsToACleanUrl) {
    EXPECT_EQ(guard.first_url(), "http://127.0.0.1:8123/?token=urlsecret");
    auto r = guard.check(get("/?token=urlsecret"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 303);
    EXPECT_EQ(r->get("Location"), "/");
    auto cookie = r->get("Set-Cookie");
    ASSERT_TRUE(cookie);
    EXPECT_EQ(*cookie, "canvass_desk_8123=sessionvalue; HttpOnly; SameSite=Strict; Path=/");
    EXPECT_EQ(r->get("Cache-Control"), "no-store");
}

TEST_F(DeskGuardTest, TheSecretWorksOnceOnly) {
    ASSERT_EQ(guard.check(get("/?token=urlsecret"))->status, 303);
    EXPECT_EQ(guard.check(get("/?token=urlsecret"))->status, 403);
    // The browser that holds the session may come back through it (history, back button).
    EXPECT_EQ(guard.check(get("/?token=urlsecret", session))->status, 303);
}

TEST_F(DeskGuardTest, ARequestWithoutTheSessionIsRefused) {
    EXPECT_EQ(guard.check(get("/"))->status, 403);
    EXPECT_EQ(guard.check(get("/record?id=x", "canvass_desk_8123=guess"))->status, 403);
    EXPECT_EQ(guard.check(get("/?token=wrong"))->status, 403);
    EXPECT_EQ(guard.check(get("/assets/desk.css"))->status, 403);
    EXPECT_FALSE(guard.check(get("/", session)));
    EXPECT_FALSE(guard.check(get("/", "other=1; canvass_desk_8123=sessionvalue")));
}

TEST_F(DeskGuardTest, AnotherDesksCookieIsNotThisOnes) {
    EXPECT_EQ(guard.check(get("/", "canvass_desk_9000=sessionvalue"))->status, 403);
}

TEST_F(DeskGuardTest, ARebindingHostIsRefusedEvenWithTheSession) {
    auto r = get("/", session);
    r.headers["host"] = "evil.example:8123";
    EXPECT_EQ(guard.check(r)->status, 403);
    r.headers["host"] = "127.0.0.1:9999";
    EXPECT_EQ(guard.check(r)->status, 403);
    r.headers.erase("host");
    EXPECT_EQ(guard.check(r)->status, 403);
}

TEST_F(DeskGuardTest, AChangeNeedsThisDesksOriginAndTheCsrfToken) {
    EXPECT_FALSE(guard.check(post("/review", "csrf=csrftoken&state=approved", session)));
    EXPECT_EQ(guard.check(post("/review", "state=approved", session))->status, 403);
    EXPECT_EQ(guard.check(post("/review", "csrf=wrong&state=approved", session))->status, 403);
    EXPECT_EQ(
        guard.check(post("/review", "csrf=csrftoken", session, "http://evil.example"))->status,
        403);
    EXPECT_EQ(guard.check(post("/review", "csrf=csrftoken", session, ""))->status, 403);
    EXPECT_EQ(guard.check(post("/review", "csrf=csrftoken", ""))->status, 403);
    // no-referrer pages make the browser say "Origin: null": then only with Sec-Fetch-Site.
    auto null_origin = post("/review", "csrf=csrftoken", session, "null");
    EXPECT_EQ(guard.check(null_origin)->status, 403);
    null_origin.headers["sec-fetch-site"] = "cross-site";
    EXPECT_EQ(guard.check(null_origin)->status, 403);
    null_origin.headers["sec-fetch-site"] = "same-origin";
    EXPECT_FALSE(guard.check(null_origin));
    auto json_post = post("/review", "csrf=csrftoken", session);
    json_post.headers["content-type"] = "application/json";
    EXPECT_EQ(guard.check(json_post)->status, 403);
}

TEST_F(DeskGuardTest, OtherMethodsAreRefused) {
    auto r = get("/", session);
    r.method = "PUT";
    EXPECT_EQ(guard.check(r)->status, 405);
}

TEST_F(DeskGuardTest, EveryAnswerIsHardened) {
    Response r;
    Guard::harden(r);
    EXPECT_EQ(r.get("Cache-Control"), "no-store");
    auto csp = r.get("Content-Security-Policy");
    ASSERT_TRUE(csp);
    EXPECT_NE(csp->find("default-src 'self'"), std::string::npos);
    EXPECT_NE(csp->find("script-src 'self'"), std::string::npos);
    EXPECT_EQ(csp->find("unsafe-inline"), std::string::npos);
    EXPECT_EQ(csp->find("unsafe-eval"), std::string::npos);
    EXPECT_EQ(r.get("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(r.get("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(r.get("X-Frame-Options"), "DENY");
}

TEST_F(DeskGuardTest, RandomGuardsHoldDifferentLongSecrets) {
    auto a = Guard::random(kPort);
    auto b = Guard::random(kPort);
    EXPECT_NE(a.first_url(), b.first_url());
    EXPECT_NE(a.csrf(), b.csrf());
    EXPECT_EQ(a.csrf().size(), 64u);
}

TEST(DeskHtmlTest, EscapeLeavesNoMarkup) {
    EXPECT_EQ(escape("<script>alert('x')</script> & \"q\""),
              "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    Html h;
    h.raw("<p>") << "<b>";
    h.raw("</p>");
    EXPECT_EQ(h.str(), "<p>&lt;b&gt;</p>");
}

TEST(DeskHttpTest, ParamsAreDecoded) {
    auto p = parse_params("a=1&q=caf%C3%A9+au+lait&empty=&flag&a=2&bad=%zz");
    EXPECT_EQ(param(p, "a"), "1");
    EXPECT_EQ(param(p, "q"), "café au lait");
    EXPECT_EQ(param(p, "empty"), "");
    EXPECT_EQ(param(p, "bad"), "%zz");
    EXPECT_EQ(p.size(), 6u);
    EXPECT_EQ(percent_encode("a b/é"), "a%20b%2F%C3%A9");
    EXPECT_EQ(percent_decode(percent_encode("x&y=z"), true), "x&y=z");
    Request r;
    r.target = "/form?id=x";
    EXPECT_EQ(r.path(), "/form");
    EXPECT_EQ(r.query(), "id=x");
    EXPECT_EQ(cookie("a=1; b = 2 ;c=3", "b"), "2");
    EXPECT_FALSE(cookie("a=1", "b"));
}

TEST(DeskWordsTest, ThePageLanguageComesFromTheQueryThenTheBrowser) {
    EXPECT_EQ(page_language("es", "fr-FR,fr;q=0.9"), "es");
    EXPECT_EQ(page_language("", "fr-CH, fr;q=0.9, en;q=0.8"), "fr");
    EXPECT_EQ(page_language("de", "de-DE, es;q=0.5"), "es");
    EXPECT_EQ(page_language("", ""), "en");
    EXPECT_EQ(say("fr", "forms"), "Formulaires");
    EXPECT_EQ(say("es", "sync"), "Sincronizar con el servidor");
    EXPECT_EQ(say("xx", "forms"), "Forms");
    EXPECT_EQ(say("en", "no such word"), "no such word");
}

}  // namespace
}  // namespace canvass::cli::desk
