// Attachments through the C ABI (canvass.h, "Attachments"): a file or bytes copied into the
// store, answered with the reference returned.
#include <string>

#include "canvass/canvass.h"
#include "capi/capi_support.hpp"

using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;

extern "C" {

int canvass_attachment_add_file(canvass_store* store, const char* path, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !path || !out) return invalid(error, "store, path and json are required");
        auto ref = store->store.add_attachment_file(path);
        if (!ref) return report(error, ref.error());
        *out = copy_out(ref->to_json().dump());
        return CANVASS_OK;
    });
}

int canvass_attachment_add_bytes(canvass_store* store, const uint8_t* bytes, size_t size, const char* name,
                                 const char* type, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || (!bytes && size > 0) || !name || !out) return invalid(error, "store, bytes, name and json are required");
        auto ref = store->store.add_attachment({bytes, size}, name, type ? type : "");
        if (!ref) return report(error, ref.error());
        *out = copy_out(ref->to_json().dump());
        return CANVASS_OK;
    });
}

}  // extern "C"
