// The C ABI's coordinator view (canvass.h, "The coordinator's view") over
// canvass::Coordinator (canvass/coordinator.hpp): the project key opened over a
// coordinator's store, and the records, conflicts, history and attachments it decrypts.
#include <cstdlib>
#include <cstring>
#include <string>

#include <nlohmann/json.hpp>

#include "canvass/canvass.h"
#include "canvass/coordinator.hpp"
#include "capi/capi_support.hpp"

namespace {

using canvass::Result;
using canvass::capi::copy_out;
using canvass::capi::done;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;
using canvass::capi::text;
using canvass::capi::text_out;
using nlohmann::json;

// {public_key, signing_key (null for an older file)}.
int key_out(const Result<canvass::CoordinatorKeyInfo>& info, char** out, canvass_error* error) {
    if (!info) return report(error, info.error());
    if (!out) return CANVASS_OK;
    json j{{"public_key", info->public_key},
           {"signing_key", info->signing_key ? json(*info->signing_key) : json()}};
    *out = copy_out(j.dump());
    return CANVASS_OK;
}

}  // namespace

extern "C" {

int canvass_coordinator_key_create(const char* path, const char* passphrase, char** out,
                                   canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!path || !passphrase || !*passphrase)
            return invalid(error, "path and a passphrase are required");
        if (out) *out = nullptr;
        return key_out(canvass::create_coordinator_key(path, passphrase), out, error);
    });
}

int canvass_coordinator_key_inspect(const char* path, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!path || !out) return invalid(error, "path and json are required");
        *out = nullptr;
        return key_out(canvass::inspect_coordinator_key(path), out, error);
    });
}

int canvass_coordinator_open(canvass_store* store, const char* key_path, const char* passphrase,
                             canvass_coordinator** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !key_path || !passphrase || !out)
            return invalid(error, "store, key_path, passphrase and coordinator are required");
        *out = nullptr;
        auto view = canvass::Coordinator::open(store->device, key_path, passphrase);
        if (!view) return report(error, view.error());
        *out = new canvass_coordinator{std::move(view).value()};
        return CANVASS_OK;
    });
}

void canvass_coordinator_close(canvass_coordinator* c) {
    delete c;
}

int canvass_coordinator_records(canvass_coordinator* c, const char* form_id, char** out,
                                canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        return text_out(c->view.records(text(form_id)), out, error);
    });
}

int canvass_coordinator_record(canvass_coordinator* c, const char* id, char** out,
                               canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        return text_out(c->view.record(text(id)), out, error);
    });
}

int canvass_coordinator_history(canvass_coordinator* c, const char* id, char** out,
                                canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        return text_out(c->view.history(text(id)), out, error);
    });
}

int canvass_coordinator_label_devices(canvass_coordinator* c, const char* devices_json,
                                      canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !devices_json) return invalid(error, "coordinator and devices_json are required");
        return done(c->view.label_devices(devices_json), error);
    });
}

int canvass_coordinator_conflicts(canvass_coordinator* c, const char* form_id, int resolved_too,
                                  char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        canvass::ConflictQuery query;
        query.form_id = text(form_id);
        query.resolved_too = resolved_too != 0;
        return text_out(c->view.conflicts(query), out, error);
    });
}

int canvass_coordinator_resolve(canvass_coordinator* c, const char* id, const char* path,
                                const char* value_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !path) return invalid(error, "coordinator and path are required");
        if (!value_json) return invalid(error, "no JSON given");
        return done(c->view.resolve(text(id), path, value_json), error);
    });
}

int canvass_coordinator_attachment(canvass_coordinator* c, const char* id, const char* attachment,
                                   uint8_t** bytes, size_t* size, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !attachment || !bytes || !size)
            return invalid(error, "coordinator, attachment, bytes and size are required");
        *bytes = nullptr;
        *size = 0;
        auto b = c->view.attachment(text(id), attachment);
        if (!b) return report(error, b.error());
        auto* p = static_cast<uint8_t*>(std::malloc(b->empty() ? 1 : b->size()));
        if (!p) throw std::bad_alloc();
        if (!b->empty()) std::memcpy(p, b->data(), b->size());
        *bytes = p;
        *size = b->size();
        return CANVASS_OK;
    });
}

int canvass_record_review(canvass_store* store, const char* id, const char* state,
                          const char* comment, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !state) return invalid(error, "store and state are required");
        return done(store->device.review(text(id), state, text(comment)), error);
    });
}

}  // extern "C"
