#include "capi/capi_support.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "store/sqlite.hpp"

namespace canvass::capi {

// The C ABI publishes the C++ numbers: both lists only ever grow, together.
static_assert(CANVASS_ERR_INVALID_ARGUMENT == errc::invalid_argument &&
              CANVASS_ERR_NOT_FOUND == errc::not_found &&
              CANVASS_ERR_ALREADY_EXISTS == errc::already_exists &&
              CANVASS_ERR_CORRUPT == errc::corrupt &&
              CANVASS_ERR_PERMISSION_DENIED == errc::permission_denied &&
              CANVASS_ERR_IO == errc::io && CANVASS_ERR_UNSUPPORTED == errc::unsupported &&
              CANVASS_ERR_WRONG_KEY == errc::wrong_key &&
              CANVASS_ERR_LIMIT_EXCEEDED == errc::limit_exceeded &&
              CANVASS_ERR_TIMEOUT == errc::timeout &&
              CANVASS_ERR_UNAVAILABLE == errc::unavailable && CANVASS_ERR_BUSY == errc::busy &&
              CANVASS_ERR_READ_ONLY == errc::read_only && CANVASS_ERR_DISK_FULL == errc::disk_full);
static_assert(CANVASS_DOMAIN_CORE == static_cast<int>(Domain::core) &&
              CANVASS_DOMAIN_FORM == static_cast<int>(Domain::form) &&
              CANVASS_DOMAIN_STORE == static_cast<int>(Domain::store) &&
              CANVASS_DOMAIN_CRYPTO == static_cast<int>(Domain::crypto) &&
              CANVASS_DOMAIN_NET == static_cast<int>(Domain::net) &&
              CANVASS_DOMAIN_PROTOCOL == static_cast<int>(Domain::protocol) &&
              CANVASS_DOMAIN_AUTH == static_cast<int>(Domain::auth) &&
              CANVASS_DOMAIN_SQLITE == static_cast<int>(Domain::sqlite));

namespace {

bool published(int code) {
    return (code >= CANVASS_ERR_INVALID_ARGUMENT && code <= CANVASS_ERR_DISK_FULL) ||
           code == CANVASS_ERR_INTERNAL;
}

}  // namespace

int report(canvass_error* out, const Error& e) {
    // SQLite's codes share numbers with ours (SQLITE_BUSY is 5, our permission_denied): they
    // are translated, never passed on as they are.
    int code = e.domain == Domain::sqlite ? store::errc_for_sqlite(e.code) : e.code;
    if (!published(code)) code = CANVASS_ERR_INTERNAL;
    if (out) {
        out->domain = static_cast<int>(e.domain);
        out->code = e.domain == Domain::sqlite ? e.code : code;
        std::snprintf(out->message, sizeof out->message, "%s", e.message.c_str());
    }
    return code;
}

int invalid(canvass_error* out, const char* what) {
    return report(out, Error{Domain::core, errc::invalid_argument, what});
}

char* copy_out(const std::string& s) {
    char* p = static_cast<char*>(std::malloc(s.size() + 1));
    if (!p) throw std::bad_alloc();
    std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

int text_out(Result<std::string> r, char** out, canvass_error* error) {
    if (!r) return report(error, r.error());
    if (out) *out = copy_out(*r);
    return CANVASS_OK;
}

int done(const Result<void>& r, canvass_error* error) {
    return r ? CANVASS_OK : report(error, r.error());
}

}  // namespace canvass::capi
