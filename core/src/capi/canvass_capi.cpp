// The C ABI (canvass.h) over canvass::Device (canvass/device.hpp): stores, forms, records
// and their conflicts. Every body runs in guarded(): nothing crosses the ABI as an exception.
#include "canvass/canvass.h"

#include <cstdio>
#include <cstdlib>

#include "capi/capi_support.hpp"
#include "device/access.hpp"

namespace {

using canvass::Device;
using canvass::capi::done;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;
using canvass::capi::text;
using canvass::capi::text_out;

int opened(canvass::Result<Device> r, canvass_store** out, canvass_error* error) {
    if (!r) return report(error, r.error());
    *out = new canvass_store{std::move(r).value()};
    return CANVASS_OK;
}

}  // namespace

extern "C" {

const char* canvass_version(void) {
    return CANVASS_VERSION;
}

void canvass_free(void* p) {
    std::free(p);
}

int canvass_store_create(const char* home, const char* passphrase, canvass_store** store,
                         canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !passphrase || !store)
            return invalid(error, "home, passphrase and store are required");
        *store = nullptr;
        return opened(Device::create(home, passphrase), store, error);
    });
}

int canvass_store_open(const char* home, const char* passphrase, canvass_store** store,
                       canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !passphrase || !store)
            return invalid(error, "home, passphrase and store are required");
        *store = nullptr;
        return opened(Device::open(home, passphrase), store, error);
    });
}

int canvass_store_open_with_key(const char* home, const uint8_t key[32], int create,
                                canvass_store** store, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !key || !store) return invalid(error, "home, key and store are required");
        *store = nullptr;
        std::span<const std::uint8_t, 32> k(key, 32);
        return opened(create ? Device::create(home, k) : Device::open(home, k), store, error);
    });
}

void canvass_store_close(canvass_store* store) {
    delete store;
}

int canvass_form_add(canvass_store* store, const char* form_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !form_json) return invalid(error, "store and form_json are required");
        return done(store->device.add_form(form_json), error);
    });
}

int canvass_forms_list(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        return text_out(store->device.forms(), out, error);
    });
}

int canvass_record_create(canvass_store* store, const char* form_id, const char* answers_json,
                          int finalize, char record_id_out[37], canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !form_id || !record_id_out)
            return invalid(error, "store, form_id and record_id are required");
        if (!answers_json) return invalid(error, "no JSON given");
        auto r = store->device.create_record(form_id, answers_json, finalize != 0);
        if (!r) return report(error, r.error());
        std::snprintf(record_id_out, 37, "%s", r->c_str());
        return CANVASS_OK;
    });
}

int canvass_record_save_draft(canvass_store* store, const char* id, const char* answers_json,
                              canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        if (!answers_json) return invalid(error, "no JSON given");
        return done(store->device.save_draft(text(id), answers_json), error);
    });
}

int canvass_record_finalize(canvass_store* store, const char* id, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        return done(store->device.finalize(text(id)), error);
    });
}

int canvass_record_edit(canvass_store* store, const char* id, const char* changes_json,
                        int* changed, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        if (!changes_json) return invalid(error, "no JSON given");
        auto r = store->device.edit(text(id), changes_json);
        if (!r) return report(error, r.error());
        if (changed) *changed = *r ? 1 : 0;
        return CANVASS_OK;
    });
}

int canvass_record_delete(canvass_store* store, const char* id, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        return done(store->device.delete_record(text(id)), error);
    });
}

int canvass_record_get(canvass_store* store, const char* id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        return text_out(store->device.record(text(id)), out, error);
    });
}

int canvass_records_list(canvass_store* store, const char* form_id, char** out,
                         canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        return text_out(store->device.records(text(form_id)), out, error);
    });
}

int canvass_record_conflicts(canvass_store* store, const char* id, char** out,
                             canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto rid = canvass::record_id_of(text(id));  // the whole id, as every record call
        if (!rid) return done(rid, error);
        canvass::ConflictQuery query;
        query.record = text(id);
        return text_out(store->device.conflicts(query), out, error);
    });
}

int canvass_conflicts_list(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        return text_out(store->device.conflicts(), out, error);
    });
}

int canvass_record_resolve(canvass_store* store, const char* id, const char* path,
                           const char* value_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !path || !*path) return invalid(error, "store and path are required");
        if (!value_json) return invalid(error, "no JSON given");
        return done(store->device.resolve(text(id), path, value_json), error);
    });
}

}  // extern "C"
