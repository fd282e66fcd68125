// The C ABI's coordinator view (canvass.h, "The coordinator's view"): the project key opened
// over a coordinator's store, and the records, conflicts, history and attachments it
// decrypts, in the shapes coordinator/view_json.hpp gives the command line's JSON.
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "canvass/canvass.h"
#include "capi/capi_support.hpp"
#include "coordinator/key_file.hpp"
#include "coordinator/media.hpp"
#include "coordinator/records.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/review.hpp"
#include "coordinator/source.hpp"
#include "coordinator/view_json.hpp"
#include "crypto/hash.hpp"

struct canvass_coordinator {
    canvass_store* store;  // the caller's handle: it outlives this one
    canvass::crypto::DhKeyPair key;
    std::string key_path;
};

namespace {

using canvass::Domain;
using canvass::Result;
using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::parse;
using canvass::capi::record_id;
using canvass::capi::report;
using nlohmann::json;
namespace coordinator = canvass::coordinator;
namespace errc = canvass::errc;

// The public halves of a key file: {public_key, signing_key (null for an older file)}.
Result<json> key_json(const std::string& path) {
    CANVASS_TRY(auto pk, coordinator::read_public_key(path));
    CANVASS_TRY(auto signing, coordinator::read_signing_key(path));
    return json{{"public_key", coordinator::recipient_text(pk)},
                {"signing_key", signing ? json(canvass::crypto::to_hex(*signing)) : json()}};
}

// The form a record names, by id, read once per call.
class Forms {
public:
    explicit Forms(canvass::store::DeviceStore& store) : store_(store) {}
    const canvass::form::Form* operator()(const std::string& form_id) {
        auto [it, fresh] = forms_.try_emplace(form_id);
        if (fresh) {
            auto f = store_.form(form_id);
            if (f) it->second = std::move(f).value();  // a form not installed: the record has no name
        }
        return it->second.get();
    }

private:
    canvass::store::DeviceStore& store_;
    std::map<std::string, std::shared_ptr<const canvass::form::Form>> forms_;
};

int json_out(const json& j, char** out) {
    *out = copy_out(j.dump(-1, ' ', false, json::error_handler_t::replace));
    return CANVASS_OK;
}

}  // namespace

extern "C" {

int canvass_coordinator_key_create(const char* path, const char* passphrase, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!path || !passphrase || !*passphrase) return invalid(error, "path and a passphrase are required");
        if (out) *out = nullptr;
        auto made = coordinator::create_key_file(path, passphrase);
        if (!made) return report(error, made.error());
        if (!out) return CANVASS_OK;
        auto j = key_json(path);
        return j ? json_out(*j, out) : report(error, j.error());
    });
}

int canvass_coordinator_key_inspect(const char* path, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!path || !out) return invalid(error, "path and json are required");
        *out = nullptr;
        auto j = key_json(path);
        return j ? json_out(*j, out) : report(error, j.error());
    });
}

int canvass_coordinator_open(canvass_store* store, const char* key_path, const char* passphrase,
                             canvass_coordinator** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !key_path || !passphrase || !out)
            return invalid(error, "store, key_path, passphrase and coordinator are required");
        *out = nullptr;
        auto pair = coordinator::open_key_file(key_path, passphrase);
        if (!pair) return report(error, pair.error());
        *out = new canvass_coordinator{store, std::move(pair).value(), key_path};
        return CANVASS_OK;
    });
}

void canvass_coordinator_close(canvass_coordinator* c) { delete c; }

int canvass_coordinator_records(canvass_coordinator* c, const char* form_id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        coordinator::DeviceStoreSource source(c->store->store());
        auto data = coordinator::load_dataset(source, c->key, form_id ? form_id : "");
        if (!data) return report(error, data.error());
        Forms forms(c->store->store());
        json records = json::array();
        for (const auto& r : data->records) {
            if (r.view.deleted()) continue;
            records.push_back(coordinator::record_json(forms(r.view.meta.form_id), r));
        }
        return json_out({{"records", records}, {"unreadable", coordinator::report_json(data->report)}}, out);
    });
}

int canvass_coordinator_record(canvass_coordinator* c, const char* id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        coordinator::DeviceStoreSource source(c->store->store());
        auto r = coordinator::load_record(source, c->key, *rid,
                                          {false, true, coordinator::ConflictScope::resolved_too});
        if (!r) return report(error, r.error());
        Forms forms(c->store->store());
        json j = coordinator::record_json(forms(r->view.meta.form_id), *r);
        j["deleted"] = r->view.deleted();
        j["readable"] = coordinator::status_text(*r).empty();
        j["conflict_list"] = coordinator::conflicts_json({{r->view.id, r->view.meta.form_id, r->conflicts}},
                                                         "(not decrypted)");
        return json_out(j, out);
    });
}

int canvass_coordinator_history(canvass_coordinator* c, const char* id, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        coordinator::DeviceStoreSource source(c->store->store());
        auto h = coordinator::record_history(source, c->key, *rid);
        if (!h) return report(error, h.error());
        return json_out(coordinator::history_json(*h, c->store->store().keys().id), out);
    });
}

int canvass_coordinator_conflicts(canvass_coordinator* c, const char* form_id, int resolved_too, char** out,
                                  canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !out) return invalid(error, "coordinator and json are required");
        *out = nullptr;
        coordinator::ConflictFilter filter;
        filter.form_id = form_id ? form_id : "";
        filter.scope = resolved_too ? coordinator::ConflictScope::resolved_too : coordinator::ConflictScope::open;
        coordinator::DeviceStoreSource source(c->store->store());
        auto listing = coordinator::list_conflicts(source, c->key, filter);
        if (!listing) return report(error, listing.error());
        return json_out({{"conflicts", coordinator::conflicts_json(listing->records, "(not decrypted)")},
                         {"unreadable", coordinator::report_json(listing->report)}},
                        out);
    });
}

int canvass_coordinator_resolve(canvass_coordinator* c, const char* id, const char* path, const char* value_json,
                                canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !path) return invalid(error, "coordinator and path are required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto value = parse(value_json);
        if (!value) return report(error, value.error());
        coordinator::DeviceStoreSource source(c->store->store());
        auto readable = coordinator::load_whole_record(source, c->key, *rid, c->key_path);
        if (!readable) return report(error, readable.error());
        auto r = coordinator::resolve_field(c->store->store(), *rid, path, *value, "", &*readable);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

int canvass_coordinator_attachment(canvass_coordinator* c, const char* id, const char* attachment, uint8_t** bytes,
                                   size_t* size, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!c || !attachment || !bytes || !size) return invalid(error, "coordinator, attachment, bytes and size are required");
        *bytes = nullptr;
        *size = 0;
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        canvass::crypto::Hash hash{};
        if (std::strlen(attachment) != 64 || !canvass::crypto::from_hex(attachment, hash))
            return invalid(error, "attachment must be the 64 hex digits of an attachment reference's \"attachment\"");
        coordinator::DeviceStoreSource source(c->store->store());
        auto data = coordinator::load_record_data(source, c->key, *rid);
        if (!data) return report(error, data.error());
        const auto& record = data->records.front();
        Forms forms(c->store->store());
        const auto* form = forms(record.view.meta.form_id);
        bool referenced = false;
        if (form) {
            for (const auto& ref : coordinator::attachments_in(*form, record.answers)) referenced |= ref.hash == hash;
        }
        if (!referenced)
            return report(error, canvass::Error{Domain::store, errc::not_found,
                                                "record " + canvass::merge::format_uuid(*rid) +
                                                    " has no attachment " + attachment + " among its decrypted answers"});
        auto opened = coordinator::open_attachment(c->store->store(), data->media, hash);
        if (!opened) return report(error, opened.error());
        if (!*opened)
            return report(error, canvass::Error{Domain::store, errc::not_found,
                                                std::string("attachment ") + attachment +
                                                    " has not arrived yet: sync again once its author has synced"});
        const auto& b = **opened;
        auto* p = static_cast<uint8_t*>(std::malloc(b.empty() ? 1 : b.size()));
        if (!p) throw std::bad_alloc();
        if (!b.empty()) std::memcpy(p, b.data(), b.size());
        *bytes = p;
        *size = b.size();
        return CANVASS_OK;
    });
}

int canvass_record_review(canvass_store* store, const char* id, const char* state, const char* comment,
                          canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !state) return invalid(error, "store and state are required");
        auto rid = record_id(id);
        if (!rid) return report(error, rid.error());
        auto parsed = coordinator::parse_review_state(state);
        if (!parsed)
            return report(error, canvass::Error{Domain::form, errc::invalid_argument,
                                                std::string("'") + state +
                                                    "' is not a review state: approved, hasIssues, rejected or none"});
        auto value = coordinator::review_value(*parsed, comment ? comment : "");
        if (!value) return report(error, value.error());
        auto r = store->store().set_review(*rid, *value);
        return r ? CANVASS_OK : report(error, r.error());
    });
}

}  // extern "C"
