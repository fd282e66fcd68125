// The C ABI's enrollment, sync and status: what cli-client's `enroll`, `sync` and `status`
// do, over the built-in TCP transport or a connection the host supplies (canvass_transport).
#include <memory>
#include <optional>
#include <string>

#include "canvass/canvass.h"
#include "capi/capi_support.hpp"
#include "crypto/hash.hpp"
#include "net/tcp_transport.hpp"
#include "store/record_json.hpp"
#include "sync/client.hpp"
#include "crypto/random.hpp"
#include "sync/device_replica.hpp"
#include "sync/retry.hpp"
#include "sync/stream_transport.hpp"
#include "sync/token.hpp"

namespace {

using canvass::Domain;
using canvass::Error;
using canvass::Result;
using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;
namespace errc = canvass::errc;
using nlohmann::json;
namespace sync = canvass::sync;

// The host's callbacks as the sync core's Transport.
std::unique_ptr<sync::Transport> host_transport(const canvass_transport& t) {
    sync::ByteStream stream;
    stream.write = [t](std::span<const std::uint8_t> bytes) -> Result<void> {
        int rc = t.send(t.user, bytes.data(), bytes.size());
        if (rc == 0) return {};
        if (rc == CANVASS_TRANSPORT_TIMEOUT)
            return canvass::unexpected(Domain::net, errc::timeout, "the app's connection timed out sending to the server");
        return canvass::unexpected(Domain::net, errc::io, "the app's connection to the server failed while sending");
    };
    stream.read = [t](std::span<std::uint8_t> into) -> Result<std::size_t> {
        std::ptrdiff_t n = t.receive(t.user, into.data(), into.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        if (n == CANVASS_TRANSPORT_TIMEOUT)
            return canvass::unexpected(Domain::net, errc::timeout, "nothing arrived from the server in time");
        return canvass::unexpected(Domain::net, errc::io, "the app's connection to the server failed while receiving");
    };
    if (t.close) stream.close = [t] { t.close(t.user); };
    return sync::stream_transport(std::move(stream));
}

// The host's connection as a Transport, made first thing so that its close() runs (when the
// Transport goes) whatever happens next, as canvass.h promises. A struct without send or
// receive is refused; its close is still called.
Result<std::unique_ptr<sync::Transport>> adopt(const canvass_transport* t) {
    if (!t) return canvass::unexpected(Domain::core, errc::invalid_argument, "transport is required");
    if (!t->send || !t->receive) {
        if (t->close) t->close(t->user);
        return canvass::unexpected(Domain::core, errc::invalid_argument, "a canvass_transport needs send and receive");
    }
    return host_transport(*t);
}

// The host's connection when there is one, else a TCP connection to `address`.
Result<std::unique_ptr<sync::Transport>> connect(std::unique_ptr<sync::Transport>& host, const std::string& address) {
    if (host) return std::move(host);
    return canvass::net::connect_tcp(address);
}

json forms_installed(const std::vector<sync::FormRef>& forms) {
    json out = json::array();
    for (const auto& f : forms) out.push_back({{"form_id", f.id}, {"version", f.version}});
    return out;
}

json progress_json(const sync::ExchangeStats& s) {
    return {{"to_send", s.to_send}, {"sent", s.sent}, {"acknowledged", s.acknowledged},
            {"received", s.received}, {"stored", s.stored}};
}

int set_result(char** out, const json& result) {
    if (out) *out = copy_out(result.dump());
    return CANVASS_OK;
}

int enroll(canvass_store* store, const char* token_text, const char* fingerprint,
           std::unique_ptr<sync::Transport> host, char** out, canvass_error* error) {
    if (!store || !token_text) return invalid(error, "store and token are required");
    if (out) *out = nullptr;
    auto token = sync::decode_token(token_text);
    if (!token) {
        return report(error, Error{token.error().domain, token.error().code,
                                   "this enrollment token cannot be used: " + token.error().message});
    }
    if (fingerprint && *fingerprint) {
        if (auto checked = sync::check_fingerprint(*token, fingerprint); !checked) return report(error, checked.error());
    }
    auto transport = connect(host, token->address);
    if (!transport) return report(error, transport.error());
    sync::DeviceProjectSink sink(store->store, token->address, token->server_key, token->fingerprint);
    auto enrolled = sync::enroll(**transport, *token, store->store.keys(), sink);
    (*transport)->close();
    if (!enrolled) {
        const auto& e = enrolled.error();
        return report(error, Error{e.domain, e.code, "enrollment refused: " + e.message});
    }
    const auto& w = enrolled->welcome;
    return set_result(out, {{"project", w.project},
                            {"role", sync::role_name(w.role)},
                            {"device", canvass::crypto::to_hex(w.device)},
                            {"server", token->address},
                            {"fingerprint", sync::short_fingerprint(token->fingerprint)},
                            {"forms_installed", forms_installed(enrolled->forms_received)}});
}

int run_sync(canvass_store* store, std::unique_ptr<sync::Transport> host, canvass_progress_fn progress,
             void* progress_user, char** out, canvass_error* error) {
    if (!store) return invalid(error, "store is required");
    if (out) *out = nullptr;
    auto project = store->store.project();
    if (!project) return report(error, project.error());
    if (!*project) {
        return report(error, Error{Domain::core, errc::not_found,
                                   "this device is not enrolled in a project (canvass_enroll with a token)"});
    }
    const auto config = **project;
    auto transport = connect(host, config.server_address);
    if (!transport) return report(error, transport.error());
    sync::DeviceReplica replica(store->store);
    sync::DeviceProjectSink sink(store->store, config.server_address, config.server_key);
    sync::DeviceMediaReplica media(store->store);  // attachments follow the changesets
    sync::ClientOptions options;
    options.media = &media;
    if (progress) {
        options.progress = [progress, progress_user](const sync::ExchangeStats& s) {
            progress(progress_user, progress_json(s).dump().c_str());
        };
    }
    auto synced = sync::run_client_sync(**transport, config.server_key, store->store.keys(), replica, sink, options);
    (*transport)->close();
    if (!synced) {
        const auto& e = synced.error();
        return report(error, Error{e.domain, e.code,
                                   "sync failed: " + e.message + " (what was acknowledged is kept; sync again to resume)"});
    }
    const auto& s = synced->stats;
    json result = progress_json(s);
    result["project"] = config.project;
    result["role"] = sync::role_name(synced->welcome.role);
    result["server"] = config.server_address;
    result["evidence"] = s.evidence;
    result["far_future"] = s.far_future;
    result["own_returned"] = s.own_returned;
    result["forms_installed"] = forms_installed(synced->forms_received);
    json forks = json::array();
    for (const auto& e : synced->equivocations)
        forks.push_back({{"device", canvass::crypto::to_hex(e.device)}, {"seq", e.seq}});
    result["equivocations"] = forks;
    json refused = json::array();
    for (const auto& r : synced->refused)
        refused.push_back({{"device", canvass::crypto::to_hex(r.device)}, {"from_seq", r.seq},
                           {"code", sync::error_code_name(r.code)}, {"reason", r.message}});
    result["refused_chains"] = refused;
    result["bytes_sent"] = synced->bytes_sent;
    result["bytes_received"] = synced->bytes_received;
    return set_result(out, result);
}

}  // namespace

extern "C" {

int canvass_token_inspect(const char* token_text, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!token_text || !out) return invalid(error, "token and json are required");
        *out = nullptr;
        auto token = sync::decode_token(token_text);
        if (!token) return report(error, token.error());
        return set_result(out, {{"project", token->project},
                                {"role", sync::role_name(token->role)},
                                {"address", token->address},
                                {"expires", canvass::store::time_text(token->expires_unix * 1000)},
                                {"expires_unix", token->expires_unix},
                                {"fingerprint", sync::short_fingerprint(token->fingerprint)}});
    });
}

int canvass_enroll(canvass_store* store, const char* token, const char* fingerprint, char** result_json,
                   canvass_error* error) {
    return guarded(error, [&] { return enroll(store, token, fingerprint, nullptr, result_json, error); });
}

int canvass_enroll_over(canvass_store* store, const char* token, const char* fingerprint,
                        const canvass_transport* transport, char** result_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        auto host = adopt(transport);
        if (!host) return report(error, host.error());
        return enroll(store, token, fingerprint, std::move(host).value(), result_json, error);
    });
}

int canvass_sync(canvass_store* store, canvass_progress_fn progress, void* progress_user, char** result_json,
                 canvass_error* error) {
    return guarded(error, [&] { return run_sync(store, nullptr, progress, progress_user, result_json, error); });
}

int canvass_sync_over(canvass_store* store, const canvass_transport* transport, canvass_progress_fn progress,
                      void* progress_user, char** result_json, canvass_error* error) {
    return guarded(error, [&]() -> int {
        auto host = adopt(transport);
        if (!host) return report(error, host.error());
        return run_sync(store, std::move(host).value(), progress, progress_user, result_json, error);
    });
}

uint64_t canvass_sync_retry_delay_ms(const canvass_error* error, unsigned retry) {
    if (!error) return 0;
    struct OsRandom final : canvass::merge::Random {
        void fill(std::span<std::uint8_t> out) override { canvass::crypto::random_bytes(out); }
    } random;
    const Error e{static_cast<Domain>(error->domain), error->code, error->message};
    try {
        return sync::worth_retrying(e) ? sync::retry_delay_ms(retry, random) : 0;
    } catch (...) {
        return 0;
    }
}

int canvass_status(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        auto s = store->store.status();
        if (!s) return report(error, s.error());
        *out = copy_out(canvass::store::status_json(*s).dump());
        return CANVASS_OK;
    });
}

}  // extern "C"
