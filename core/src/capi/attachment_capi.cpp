// Attachments through the C ABI (canvass.h, "Attachments"): a file or bytes copied into the
// store, answered with the reference returned.
#include <string>

#include "canvass/canvass.h"
#include "capi/capi_support.hpp"

using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::text_out;

extern "C" {

int canvass_attachment_add_file(canvass_store* store, const char* path, char** out,
                                canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !path || !out) return invalid(error, "store, path and json are required");
        return text_out(store->device.add_attachment_file(path), out, error);
    });
}

int canvass_attachment_add_bytes(canvass_store* store, const uint8_t* bytes, size_t size,
                                 const char* name, const char* type, char** out,
                                 canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || (!bytes && size > 0) || !name || !out)
            return invalid(error, "store, bytes, name and json are required");
        return text_out(store->device.add_attachment({bytes, size}, name, type ? type : ""), out,
                        error);
    });
}

}  // extern "C"
