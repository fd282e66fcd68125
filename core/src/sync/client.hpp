// The device side of the protocol: enrollment and sync over a connected Transport. These
// are the whole of what `canvass enroll TOKEN` and `canvass sync` need besides the store:
//
//   auto t = net::connect(token.address, net_options);          // or any Transport
//   auto enrolled = sync::enroll(**t, token, device_keys, sink);  // pin token.server_key
//   ...
//   auto t = net::connect(address, net_options);
//   auto report = sync::run_client_sync(**t, pinned_server_key, device_keys, replica, sink);
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "merge/chain.hpp"
#include "merge/hlc.hpp"
#include "store/keyring.hpp"
#include "sync/exchange.hpp"
#include "sync/media_exchange.hpp"
#include "sync/messages.hpp"
#include "sync/replica.hpp"
#include "sync/token.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// Where the device keeps what the server tells it besides changesets.
class ProjectSink {
  public:
    virtual ~ProjectSink() = default;
    // The server's welcome, before anything else of the session: project name, role,
    // recipient keys (seal epoch keys to these), the published forms and the server's time.
    virtual Result<void> on_welcome(const Welcome& welcome) = 0;
    // Whether this exact form version (same hash) is already installed.
    virtual bool has_form(const FormRef& form) = 0;
    // A form body received from the server; its BLAKE2b-256 was checked against form.hash.
    virtual Result<void> add_form(const FormRef& form, std::string_view body) = 0;
};

struct ClientOptions {
    std::string agent = "canvass";  // told to the server, for its logs
    merge::Clock* clock = nullptr;  // nullptr: the system clock
    MessageLimits limits;           // caps on what the server may send
    std::uint64_t future_threshold_ms = 24 * 3600 * 1000;
    std::function<void(const ExchangeStats&)> progress;
    // Where this device's attachments are (sync/media_exchange.hpp): with it, the hello asks
    // for attachments and they follow the exchange. A server from before attachments refuses
    // such a hello ("unknown field media"): upgrade servers before devices.
    MediaReplica* media = nullptr;
    std::function<void(const MediaStats&)> media_progress;
};

struct EnrollmentResult {
    Welcome welcome;                      // project, role, device id, recipients, forms
    std::vector<FormRef> forms_received;  // the forms fetched and handed to the sink
};

struct SyncReport {
    Welcome welcome;
    std::vector<FormRef> forms_received;
    ExchangeStats stats;
    std::vector<merge::Equivocation> equivocations;  // forks seen or received
    std::vector<RefusedTip> refused;                 // carried chains the server refused alone
    std::uint64_t bytes_sent = 0;                    // on the wire, framing included
    std::uint64_t bytes_received = 0;
    std::optional<MediaStats> media;  // when attachments were exchanged
};

// Enrolls this device with a token: runs Noise_XKpsk3 against the token's server key with
// the token's secret, proves the device's signing key, receives the welcome and fetches every
// published form. Then the caller stores token.server_key and token.address as the pinned
// server. Errors: Error{auth, permission_denied} when the server refuses the token (unknown,
// used, expired) or the device, with the server's reason; Error{net, ...} for the
// connection; Error{protocol, ...} when the server fails the handshake (a server that does
// not hold the token's key) or misbehaves. Nothing is stored on failure except what the sink
// was given.
Result<EnrollmentResult> enroll(Transport& transport, const EnrollmentToken& token,
                                const store::DeviceKeys& keys, ProjectSink& sink,
                                const ClientOptions& options = {});

// One sync: Noise_XK with the pinned server key, hello/welcome, missing forms, then the
// anti-entropy exchange (exchange.hpp) with the role the server states. Returns when both
// sides said bye. Errors: Error{auth, permission_denied} when the server refuses this
// device (unknown, revoked) or a batch on role grounds; Error{protocol, ...} when the server
// cannot prove the pinned key (wrong server) or sends something invalid; Error{net,
// unavailable} when the server is busy or its disk is full (try again later); Error{net, io}
// when the connection breaks. After a failure, running it again resumes: everything
// acknowledged stays acknowledged and only unacknowledged batches are sent again.
Result<SyncReport> run_client_sync(Transport& transport, const crypto::DhPublicKey& server_key,
                                   const store::DeviceKeys& keys, Replica& replica,
                                   ProjectSink& sink, const ClientOptions& options = {});

}  // namespace canvass::sync
