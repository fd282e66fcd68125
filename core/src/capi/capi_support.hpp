// What every extern "C" body of the C ABI shares: the store handle, turning an Error or an
// exception into a canvass_error, and the checks on what a caller passes in.
#pragma once

#include <exception>
#include <new>
#include <string>

#include <string_view>

#include "canvass/canvass.h"
#include "canvass/coordinator.hpp"
#include "canvass/device.hpp"
#include "canvass/result.hpp"

// The ABI's store handle is a canvass::Device: every call goes through its member functions
// (the coordinator's view through canvass::Coordinator over it).
struct canvass_store {
    canvass::Device device;
};

struct canvass_coordinator {
    canvass::Coordinator view;
};

namespace canvass::capi {

// Fills `out` (when not null) from `e` and returns the CANVASS_ERR_* code for it: SQLite's
// codes are translated (canvass.h), any code outside the published list is CANVASS_ERR_INTERNAL.
int report(canvass_error* out, const Error& e);
// Error{core, invalid_argument, what}.
int invalid(canvass_error* out, const char* what);

// Runs `body`, turning any exception into a canvass_error: nothing crosses the ABI as one.
template <class F>
int guarded(canvass_error* error, F&& body) noexcept {
    try {
        return body();
    } catch (const std::bad_alloc&) {
        return report(error, Error{Domain::core, errc::limit_exceeded, "out of memory"});
    } catch (const std::exception& e) {
        return report(error, Error{Domain::core, CANVASS_ERR_INTERNAL, e.what()});
    } catch (...) {
        return report(error, Error{Domain::core, CANVASS_ERR_INTERNAL, "unknown failure"});
    }
}

// A malloc'ed copy of `s` for an OUT parameter (the caller frees it with canvass_free).
char* copy_out(const std::string& s);
// Sets *out (when `out` is not null) to a copy of the text `r` holds; or reports its error.
int text_out(Result<std::string> r, char** out, canvass_error* error);
// CANVASS_OK, or `r`'s error reported.
int done(const Result<void>& r, canvass_error* error);
// The same for a call whose value the C function does not pass on.
template <class T>
int done(const Result<T>& r, canvass_error* error) {
    return r ? done(Result<void>{}, error) : done(Result<void>(unexpected(r.error())), error);
}
// A C string as the text the C++ API takes: NULL is "", which each call refuses as it should.
inline std::string_view text(const char* s) {
    return s ? std::string_view(s) : std::string_view();
}

}  // namespace canvass::capi
