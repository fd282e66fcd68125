// The C ABI (canvass.h) over the C++ device store: stores, forms, records and their
// conflicts. Every body runs in guarded(): nothing crosses the ABI as an exception.
#include "canvass/canvass.h"

#include <cstdio>
#include <cstdlib>

#include "capi/capi_support.hpp"
#include "coordinator/resolve.hpp"
#include "store/record_json.hpp"

namespace {

using canvass::Error;
using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::parse;
using canvass::capi::record_id;
using canvass::capi::report;
using nlohmann::json;

int opened(canvass::Result<canvass::store::DeviceStore> r, canvass_store** out, canvass_error* error) {
    if (!r) return report(error, r.error());
    *out = new canvass_store{std::move(r).value()};
    return CANVASS_OK;
}

}  // namespace

extern "C" {

const char* canvass_version(void) { return CANVASS_VERSION; }

void canvass_free(void* p) { std::free(p); }

int canvass_store_create(const char* home, const char* passphrase, canvass_store** store,
                         canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !passphrase || !store) return invalid(error, "home, passphrase and store are required");
        *store = nullptr;
        return opened(canvass::store::DeviceStore::create(home, canvass::store::Passphrase{passphrase}), store, error);
    });
}

int canvass_store_open(const char* home, const char* passphrase, canvass_store** store,
                       canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !passphrase || !store) return invalid(error, "home, passphrase and store are required");
        *store = nullptr;
        return opened(canvass::store::DeviceStore::open(home, canvass::store::Passphrase{passphrase}), store, error);
    });
}

int canvass_store_open_with_key(const char* home, const uint8_t key[32], int create,
                                canvass_store** store, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!home || !key || !store) return invalid(error, "home, key and store are required");
        *store = nullptr;
        canvass::store::RawKey raw{canvass::crypto::SecretBytes(std::span<const std::uint8_t>(key, 32))};
        auto r = create ? canvass::store::DeviceStore::create(home, std::move(raw))
                        : canvass::store::DeviceStore::open(home, std::move(raw));
        return opened(std::move(r), store, error);
    });
}

void canvass_store_close(canvass_store* store) { delete store; }

int canvass_form_add(canvass_store* store, const char* form_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !form_json) return invalid(error, "store and form_json are required");
        auto r = store->store.add_form(form_json);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

int canvass_forms_list(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto r = store->store.forms();
        if (!r) return report(error, r.error());
        *out = copy_out(canvass::store::forms_json(*r).dump());
        return CANVASS_OK;
    });
}

int canvass_record_create(canvass_store* store, const char* form_id, const char* answers_json,
                          int finalize, char record_id_out[37], canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !form_id || !record_id_out) return invalid(error, "store, form_id and record_id are required");
        auto answers = parse(answers_json);
        if (!answers) return report(error, answers.error());
        auto r = store->store.create_record(form_id, std::move(answers).value(), finalize != 0);
        if (!r) return report(error, r.error());
        std::snprintf(record_id_out, 37, "%s", canvass::merge::format_uuid(*r).c_str());
        return CANVASS_OK;
    });
}

int canvass_record_save_draft(canvass_store* store, const char* id, const char* answers_json,
                              canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto answers = parse(answers_json);
        if (!answers) return report(error, answers.error());
        auto r = store->store.save_draft(*rid, std::move(answers).value());
        return r ? CANVASS_OK : report(error, r.error());
    });
}

int canvass_record_finalize(canvass_store* store, const char* id, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto r = store->store.finalize(*rid);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

int canvass_record_edit(canvass_store* store, const char* id, const char* changes_json,
                        int* changed, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto changes = parse(changes_json);
        if (!changes) return report(error, changes.error());
        auto r = store->store.edit(*rid, *changes);
        if (!r) return report(error, r.error());
        if (changed) *changed = *r ? 1 : 0;
        return CANVASS_OK;
    });
}

int canvass_record_delete(canvass_store* store, const char* id, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store) return invalid(error, "store is required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto r = store->store.delete_record(*rid);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

int canvass_record_get(canvass_store* store, const char* id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto r = store->store.record(*rid);
        if (!r) return report(error, r.error());
        *out = copy_out(canvass::store::record_json(*r).dump());
        return CANVASS_OK;
    });
}

int canvass_records_list(canvass_store* store, const char* form_id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto r = store->store.records(form_id ? form_id : "");
        if (!r) return report(error, r.error());
        json list = json::array();
        for (const auto& s : *r) list.push_back(canvass::store::summary_json(s));
        *out = copy_out(list.dump());
        return CANVASS_OK;
    });
}

int canvass_record_conflicts(canvass_store* store, const char* id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto r = store->store.record(*rid);
        if (!r) return report(error, r.error());
        if (!r->view) {
            return report(error, Error{canvass::Domain::core, canvass::errc::invalid_argument,
                                       "a draft has no conflicts: only finalized records merge"});
        }
        *out = copy_out(canvass::store::record_json(*r)["conflicts"].dump());
        return CANVASS_OK;
    });
}

int canvass_conflicts_list(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto summaries = store->store.records();
        if (!summaries) return report(error, summaries.error());
        json list = json::array();
        for (const auto& s : *summaries) {
            if (s.conflicts == 0) continue;
            auto r = store->store.record(s.id);
            if (!r) return report(error, r.error());
            auto j = canvass::store::record_json(*r);
            list.push_back({{"id", j["id"]}, {"form", j["form"]}, {"conflicts", j["conflicts"]}});
        }
        *out = copy_out(list.dump());
        return CANVASS_OK;
    });
}

int canvass_record_resolve(canvass_store* store, const char* id, const char* path, const char* value_json,
                           canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !path || !*path) return invalid(error, "store and path are required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto value = parse(value_json);
        if (!value) return report(error, value.error());
        auto r = canvass::coordinator::resolve_field(store->store, *rid, path, *value, "", nullptr);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

}  // extern "C"
