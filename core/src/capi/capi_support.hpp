// What every extern "C" body of the C ABI shares: the store handle, turning an Error or an
// exception into a canvass_error, and the checks on what a caller passes in.
#pragma once

#include <exception>
#include <new>
#include <string>

#include <nlohmann/json.hpp>

#include "canvass/canvass.h"
#include "canvass/result.hpp"
#include "merge/ids.hpp"
#include "store/device_store.hpp"

struct canvass_store {
    canvass::store::DeviceStore store;
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
// `text` parsed as JSON, nesting and size capped (form/json_text.hpp); Error{form,
// invalid_argument} saying where when it is not JSON, {core, invalid_argument} when null.
Result<nlohmann::json> parse(const char* text);
// `text` as a record id (the full 36 characters).
Result<merge::RecordId> record_id(const char* text);

}  // namespace canvass::capi
