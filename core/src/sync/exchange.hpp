// Anti-entropy: one side of the changeset exchange that follows hello/welcome (schemas/
// protocol/sync.md, "Exchange"). Sans-I/O: it consumes decoded messages and returns the
// messages to send, so the blocking client and the server's coroutines drive the same code.
//
//   initiator (device)                 responder (server)
//   summary  ------------------------>
//            <------------------------  summary (filtered by the device's role)
//   changesets (batch 1..W in flight) changesets (the same, toward a coordinator)
//   ack for each batch received, only after store() committed it
//   bye once everything it sent is acknowledged and it has nothing left to send
//   the exchange is finished when both sides have sent and received bye
//
// A sync with nothing to do is one summary each way and one bye each way.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "canvass/clock.hpp"
#include "sync/messages.hpp"
#include "sync/outbox.hpp"
#include "sync/pacing.hpp"
#include "sync/replica.hpp"
#include "sync/verify.hpp"

namespace canvass::sync {

// Which chains a side tells about, sends and accepts: derived from the device's role.
struct ExchangePolicy {
    enum class Disclose { one_chain, chains_peer_listed, all_chains };
    Disclose disclose = Disclose::one_chain;
    merge::DeviceId disclosed_device{};  // for one_chain
    bool send = false;                   // send what the peer lacks among the disclosed chains
    // Without `send`: still send the peer its own chain where it holds less of it (a store
    // restored from an older copy), `own_device` being the peer.
    bool send_own = false;
    merge::DeviceId own_device{};
    enum class Accept { nothing, one_chain, any_chain };
    Accept accept = Accept::nothing;
    merge::DeviceId accepted_device{};  // for one_chain
};

// The device's side, for its role. `self` is the device's own id.
ExchangePolicy device_policy(Role role, const merge::DeviceId& self);
// The server's side facing a device with this role and id.
ExchangePolicy server_policy(Role role, const merge::DeviceId& peer);

struct ExchangeStats {
    std::uint64_t to_send = 0;       // changesets planned after the summaries
    std::uint64_t sent = 0;          // changesets sent
    std::uint64_t acknowledged = 0;  // changesets the peer acknowledged as durable
    std::uint64_t received = 0;      // changesets received (including duplicates)
    std::uint64_t stored = 0;        // new changesets stored
    std::uint64_t evidence = 0;      // changesets kept as evidence of equivocation
    std::uint64_t far_future = 0;    // stored changesets flagged for their clock
    std::uint64_t refused_runs = 0;  // relayed runs refused alone, either way (Ack::refused)
    // Of `stored`, changesets of the initiator's own chain the peer sent back: the store was
    // restored from an older copy, or another copy of it is in use.
    std::uint64_t own_returned = 0;
    std::uint64_t batches_sent = 0;
    std::uint64_t batches_received = 0;
};

class Exchange {
  public:
    struct Options {
        bool initiator = true;   // the device; the server is the responder
        SyncLimits send_limits;  // batch caps and window for what this side sends
        VerifyContext verify;    // project, clock; may_deliver is set from the policy
        // The initiator's own device id: its chain is never sent where the peer's copy of it
        // differs (a store restored from an older copy, or a clone).
        std::optional<merge::DeviceId> self;
        std::function<void(const ExchangeStats&)> progress;  // after each batch sent or stored
        std::string peer_name = "peer";  // in errors: "the server refused (...)"
        // With a clock, batches are sized to the link (sync/pacing.hpp); without one, each
        // is as large as send_limits allow.
        Clock* clock = nullptr;
    };

    Exchange(Replica& replica, ExchangePolicy policy, Options options);

    // The first messages: the initiator's summary; nothing for the responder.
    std::vector<Message> start();
    // Handles one message from the peer (summary, changesets, ack, bye) and returns what to
    // send. After a failure, failed() is true, the returned messages end with an `error` for
    // the peer (unless the peer sent the error), and the session must be closed.
    std::vector<Message> receive(const Message& message);

    bool finished() const { return bye_sent_ && bye_received_ && !error_; }
    bool failed() const { return error_.has_value(); }
    const Error& error() const { return *error_; }
    const ExchangeStats& stats() const { return stats_; }
    const std::vector<merge::Equivocation>& equivocations() const { return equivocations_; }
    // The relayed runs refused alone: by this side (responder) or by the peer (initiator).
    const std::vector<RefusedTip>& refused() const { return refused_; }

  private:
    Result<void> on_summary(const Summary& summary, std::vector<Message>& out);
    Result<void> on_changesets(const Changesets& batch, std::vector<Message>& out);
    Result<void> on_ack(const Ack& ack, std::vector<Message>& out);
    Result<void> pump(std::vector<Message>& out);  // sends batches while the window allows
    // Stops (or drops from `plan`) what would fork our own chain at the peer.
    Result<void> check_own_chain(const Summary& peer, std::vector<merge::SeqRange>& plan);
    // Tells our own chain at its acknowledged point, so a peer holding more sends the rest.
    Result<void> tell_own_at_acknowledged(Summary& ours);
    // Stores a run of our own chain that differs from ours: the store moves its unsent work
    // after it (a restore), or it is a real fork, remembered to be shown to the peer.
    Result<void> store_own_chain(Evidence own);
    // After the peer's bye, when our own chain came back: sends what follows the peer's copy
    // (re-based work) or, for a real fork, the conflicting changesets as evidence.
    Result<void> after_own_chain(std::vector<Message>& out);
    // Marks as acknowledged what the peer's summary shows it holds of our chains.
    Result<void> learn_delivered(const Summary& peer);
    // Keeps out of `plan` what the peer once refused of the chains we carry.
    Result<void> clip_refused(std::vector<merge::SeqRange>& plan);
    // Plans the chains the peer holds whole but with fewer grants than ours.
    static void add_grant_refreshes(const Summary& peer, const Summary& ours,
                                    std::vector<merge::SeqRange>& plan);
    Result<Summary> our_summary(const std::vector<ChainTip>* peer_listed);
    std::vector<Message> fail(Error error, bool tell_peer);
    void report() {
        if (options_.progress) options_.progress(stats_);
    }

    Replica& replica_;
    ExchangePolicy policy_;
    Options options_;
    std::optional<Outbox> outbox_;
    BatchPacer pacer_;
    std::deque<std::pair<std::uint64_t, std::size_t>> in_flight_;  // batch number, changesets
    std::uint64_t next_batch_ = 1;
    std::uint64_t expected_batch_ = 1;  // the number of the peer's next batch
    bool summary_sent_ = false;
    bool summary_received_ = false;
    bool bye_sent_ = false;
    bool bye_received_ = false;
    std::optional<Error> error_;
    // Our own chain as the peer holds it, when it differs from ours: the peer sends it from
    // our acknowledged point, and our bye waits for the peer's.
    std::optional<ChainTip> peer_own_;
    std::optional<std::uint64_t> own_fork_;  // the seq where our own chain really forked
    bool own_fork_shown_ = false;            // the fork's changesets went to the peer
    ExchangeStats stats_;
    std::vector<merge::Equivocation> equivocations_;
    std::vector<RefusedTip> refused_;
};

// The code to tell the peer for a local failure.
ErrorCode refusal_code(const Error& error);

// The local Error for an `error` message from the peer: domain auth for refusals of who we
// are, protocol otherwise; the message says the peer refused.
Error peer_error(const ErrorMessage& message, std::string_view peer = "peer");

}  // namespace canvass::sync
