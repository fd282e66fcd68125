// The C ABI's enrollment, sync and status over canvass::Device (canvass/device.hpp), with
// the built-in TCP transport or a connection the host supplies (canvass_transport).
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "canvass/canvass.h"
#include "capi/capi_support.hpp"

namespace {

using canvass::Domain;
using canvass::Error;
using canvass::Result;
using canvass::capi::copy_out;
using canvass::capi::guarded;
using canvass::capi::invalid;
using canvass::capi::report;
using canvass::capi::text_out;
namespace errc = canvass::errc;
using nlohmann::json;

// The host's callbacks as a canvass::Connection. Made first thing, so that close() runs
// whatever happens next, as canvass.h promises.
class HostConnection final : public canvass::Connection {
  public:
    explicit HostConnection(const canvass_transport& t) : t_(t) {}
    ~HostConnection() override { close(); }
    Result<void> send(std::span<const std::uint8_t> bytes) override {
        int rc = t_.send(t_.user, bytes.data(), bytes.size());
        if (rc == 0) return {};
        if (rc == CANVASS_TRANSPORT_TIMEOUT)
            return canvass::unexpected(Domain::net, errc::timeout,
                                       "the app's connection timed out sending to the server");
        return canvass::unexpected(Domain::net, errc::io,
                                   "the app's connection to the server failed while sending");
    }
    Result<std::size_t> receive(std::span<std::uint8_t> into) override {
        std::ptrdiff_t n = t_.receive(t_.user, into.data(), into.size());
        if (n >= 0) return static_cast<std::size_t>(n);
        if (n == CANVASS_TRANSPORT_TIMEOUT)
            return canvass::unexpected(Domain::net, errc::timeout,
                                       "nothing arrived from the server in time");
        return canvass::unexpected(Domain::net, errc::io,
                                   "the app's connection to the server failed while receiving");
    }
    void close() override {
        if (closed_) return;
        closed_ = true;
        if (t_.close) t_.close(t_.user);
    }

  private:
    canvass_transport t_;
    bool closed_ = false;
};

// A struct without send or receive is refused; its close is still called.
Result<std::unique_ptr<canvass::Connection>> adopt(const canvass_transport* t) {
    if (!t)
        return canvass::unexpected(Domain::core, errc::invalid_argument, "transport is required");
    if (!t->send || !t->receive) {
        if (t->close) t->close(t->user);
        return canvass::unexpected(Domain::core, errc::invalid_argument,
                                   "a canvass_transport needs send and receive");
    }
    return std::unique_ptr<canvass::Connection>(std::make_unique<HostConnection>(*t));
}

json forms_installed(const std::vector<canvass::InstalledForm>& forms) {
    json out = json::array();
    for (const auto& f : forms) out.push_back({{"form_id", f.form_id}, {"version", f.version}});
    return out;
}

json counts_json(const canvass::SyncCounts& s) {
    return {{"to_send", s.to_send},
            {"sent", s.sent},
            {"acknowledged", s.acknowledged},
            {"received", s.received},
            {"stored", s.stored}};
}

int set_result(char** out, const json& result) {
    if (out) *out = copy_out(result.dump());
    return CANVASS_OK;
}

int enroll(canvass_store* store, const char* token, const char* fingerprint,
           std::unique_ptr<canvass::Connection> host, char** out, canvass_error* error) {
    if (!store || !token) return invalid(error, "store and token are required");
    if (out) *out = nullptr;
    auto enrolled = store->device.enroll(token, fingerprint ? fingerprint : "", std::move(host));
    if (!enrolled) return report(error, enrolled.error());
    const auto& e = *enrolled;
    return set_result(out, {{"project", e.project},
                            {"role", e.role},
                            {"device", e.device},
                            {"server", e.server},
                            {"fingerprint", e.fingerprint},
                            {"forms_installed", forms_installed(e.forms_installed)}});
}

int run_sync(canvass_store* store, std::unique_ptr<canvass::Connection> host,
             canvass_progress_fn progress, void* progress_user, char** out, canvass_error* error) {
    if (!store) return invalid(error, "store is required");
    if (out) *out = nullptr;
    canvass::SyncProgress on_progress;
    if (progress) {
        on_progress = [progress, progress_user](const canvass::SyncCounts& s) {
            progress(progress_user, counts_json(s).dump().c_str());
        };
    }
    auto synced = store->device.sync(std::move(host), on_progress);
    if (!synced) {
        const auto& e = synced.error();
        if (e.domain == Domain::core && e.code == errc::not_found) return report(error, e);
        return report(error, Error{e.domain, e.code,
                                   "sync failed: " + e.message +
                                       " (what was acknowledged is kept; sync again to resume)"});
    }
    const auto& s = *synced;
    json result = counts_json(s.changesets);
    result["project"] = s.project;
    result["role"] = s.role;
    result["server"] = s.server;
    result["evidence"] = s.evidence;
    result["far_future"] = s.far_future;
    result["own_returned"] = s.own_returned;
    result["forms_installed"] = forms_installed(s.forms_installed);
    json forks = json::array();
    for (const auto& f : s.forks) forks.push_back({{"device", f.device}, {"seq", f.seq}});
    result["equivocations"] = forks;
    json refused = json::array();
    for (const auto& r : s.refused_chains)
        refused.push_back({{"device", r.device},
                           {"from_seq", r.from_seq},
                           {"code", r.code},
                           {"reason", r.reason}});
    result["refused_chains"] = refused;
    result["bytes_sent"] = s.bytes_sent;
    result["bytes_received"] = s.bytes_received;
    return set_result(out, result);
}

}  // namespace

extern "C" {

int canvass_token_inspect(const char* token_text, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!token_text || !out) return invalid(error, "token and json are required");
        *out = nullptr;
        auto token = canvass::inspect_token(token_text);
        if (!token) return report(error, token.error());
        return set_result(out, {{"project", token->project},
                                {"role", token->role},
                                {"address", token->address},
                                {"expires", token->expires},
                                {"expires_unix", token->expires_unix},
                                {"fingerprint", token->fingerprint}});
    });
}

int canvass_enroll(canvass_store* store, const char* token, const char* fingerprint,
                   char** result_json, canvass_error* error) {
    return guarded(error,
                   [&] { return enroll(store, token, fingerprint, nullptr, result_json, error); });
}

int canvass_enroll_over(canvass_store* store, const char* token, const char* fingerprint,
                        const canvass_transport* transport, char** result_json,
                        canvass_error* error) {
    return guarded(error, [&]() -> int {
        auto host = adopt(transport);
        if (!host) return report(error, host.error());
        return enroll(store, token, fingerprint, std::move(host).value(), result_json, error);
    });
}

int canvass_sync(canvass_store* store, canvass_progress_fn progress, void* progress_user,
                 char** result_json, canvass_error* error) {
    return guarded(error, [&] {
        return run_sync(store, nullptr, progress, progress_user, result_json, error);
    });
}

int canvass_sync_over(canvass_store* store, const canvass_transport* transport,
                      canvass_progress_fn progress, void* progress_user, char** result_json,
                      canvass_error* error) {
    return guarded(error, [&]() -> int {
        auto host = adopt(transport);
        if (!host) return report(error, host.error());
        return run_sync(store, std::move(host).value(), progress, progress_user, result_json,
                        error);
    });
}

uint64_t canvass_sync_retry_delay_ms(const canvass_error* error, unsigned retry) {
    if (!error) return 0;
    const Error e{static_cast<Domain>(error->domain), error->code, error->message};
    try {
        return canvass::sync_worth_retrying(e) ? canvass::sync_retry_delay_ms(retry) : 0;
    } catch (...) {
        return 0;
    }
}

int canvass_status(canvass_store* store, char** out, canvass_error* error) {
    return guarded(error, [&]() -> int {
        if (!store || !out) return invalid(error, "store and json are required");
        return text_out(store->device.status(), out, error);
    });
}

}  // extern "C"
