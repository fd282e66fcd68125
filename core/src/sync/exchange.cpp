#include "sync/exchange.hpp"

#include <algorithm>
#include <map>

#include "store/sqlite.hpp"

namespace canvass::sync {
namespace {

// What a device is told when the server's copy of its own chain differs from its store's.
// `shown`: this store's conflicting changesets went to the server, which keeps them as
// evidence of the fork.
Error own_chain_forked(std::uint64_t seq, bool shown = false) {
    return Error{
        Domain::protocol, errc::already_exists,
        "the server holds changesets of this device that differ from this store's at seq " +
            std::to_string(seq) +
            ": another device uses the same identity and saved work at the same time as this "
            "one. " +
            (shown ? std::string(
                         "The server recorded the fork (an equivocation) and merged neither side; ")
                   : std::string("Nothing of it was sent; ")) +
            "keep this store as it is and tell your coordinator"};
}

Error out_of_place(std::string_view what) {
    return Error{Domain::protocol, errc::invalid_argument, std::string(what)};
}

merge::VersionVector to_vector(const Summary& s) {
    merge::VersionVector vv;
    for (const auto& t : s.chains) vv.advance(t.device, {t.seq, t.hash});
    return vv;
}

}  // namespace

ExchangePolicy device_policy(Role role, const merge::DeviceId& self) {
    ExchangePolicy p;
    p.send = true;
    if (role == Role::collector) {
        p.disclose = ExchangePolicy::Disclose::one_chain;
        p.disclosed_device = self;
        // Its own chain back, for a store restored from an older copy.
        p.accept = ExchangePolicy::Accept::one_chain;
        p.accepted_device = self;
    } else {
        p.disclose = ExchangePolicy::Disclose::all_chains;
        if (role == Role::coordinator) {
            p.accept = ExchangePolicy::Accept::any_chain;
        } else {
            // An organizer carries others' chains it cannot read; it receives only its own
            // back, for a store restored from an older copy.
            p.accept = ExchangePolicy::Accept::one_chain;
            p.accepted_device = self;
        }
    }
    return p;
}

ExchangePolicy server_policy(Role role, const merge::DeviceId& peer) {
    ExchangePolicy p;
    switch (role) {
        case Role::collector:
            p.disclose = ExchangePolicy::Disclose::one_chain;
            p.disclosed_device = peer;
            p.send = true;  // only ever its own chain: what it lacks of it after a restore
            p.accept = ExchangePolicy::Accept::one_chain;
            p.accepted_device = peer;
            break;
        case Role::organizer:
            p.disclose = ExchangePolicy::Disclose::chains_peer_listed;
            p.send_own = true;  // only its own chain, what it lacks of it after a restore
            p.own_device = peer;
            p.accept = ExchangePolicy::Accept::any_chain;
            break;
        case Role::coordinator:
            p.disclose = ExchangePolicy::Disclose::all_chains;
            p.send = true;
            p.accept = ExchangePolicy::Accept::any_chain;
            break;
    }
    return p;
}

ErrorCode refusal_code(const Error& e) {
    switch (e.domain) {
        case Domain::auth:
            return ErrorCode::forbidden;
        case Domain::protocol:
            if (e.code == errc::limit_exceeded) return ErrorCode::limit;
            if (e.code == errc::corrupt || e.code == errc::wrong_key) return ErrorCode::bad_batch;
            return ErrorCode::protocol;
        default:
            return store::is_disk_full(e) ? ErrorCode::disk_full : ErrorCode::internal;
    }
}

Error peer_error(const ErrorMessage& m, std::string_view peer) {
    Domain domain = Domain::protocol;
    int code = errc::invalid_argument;
    switch (m.code) {
        case ErrorCode::unknown_device:
        case ErrorCode::revoked:
        case ErrorCode::forbidden:
        case ErrorCode::invalid_token:
        case ErrorCode::token_used:
        case ErrorCode::token_expired:
            domain = Domain::auth;
            code = errc::permission_denied;
            break;
        case ErrorCode::limit:
            code = errc::limit_exceeded;
            break;
        case ErrorCode::not_found:
            code = errc::not_found;
            break;
        // Said by the server when it is short of room: the device's own words, not the server's.
        case ErrorCode::unavailable:
            return Error{Domain::net, errc::unavailable, std::string(busy_text)};
        case ErrorCode::disk_full:
            return Error{Domain::net, errc::unavailable,
                         "the " + std::string(peer) +
                             "'s disk is full: it can store nothing more until its administrator "
                             "frees space; "
                             "everything stays on this device, sync again later"};
        case ErrorCode::internal:
            domain = Domain::net;
            code = errc::io;
            break;
        default:
            break;
    }
    return Error{domain, code,
                 "the " + std::string(peer) + " refused (" + std::string(error_code_name(m.code)) +
                     "): " + m.message};
}

Exchange::Exchange(Replica& replica, ExchangePolicy policy, Options options)
    : replica_(replica),
      policy_(policy),
      options_(std::move(options)),
      pacer_(options_.send_limits) {
    options_.verify.may_deliver = [p = policy_](const merge::DeviceId& d) {
        return p.accept == ExchangePolicy::Accept::any_chain ||
               (p.accept == ExchangePolicy::Accept::one_chain && d == p.accepted_device);
    };
}

std::vector<Message> Exchange::start() {
    if (!options_.initiator) return {};
    auto summary = our_summary(nullptr);
    if (!summary) return fail(std::move(summary).error(), true);
    if (auto told = tell_own_at_acknowledged(*summary); !told)
        return fail(std::move(told).error(), true);
    summary_sent_ = true;
    return {Message{std::move(summary).value()}};
}

std::vector<Message> Exchange::receive(const Message& message) {
    if (error_) return {};
    if (const auto* e = std::get_if<ErrorMessage>(&message))
        return fail(peer_error(*e, options_.peer_name), false);
    std::vector<Message> out;
    Result<void> r = std::visit(
        [&](const auto& m) -> Result<void> {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, Summary>)
                return on_summary(m, out);
            else if constexpr (std::is_same_v<T, Changesets>)
                return on_changesets(m, out);
            else if constexpr (std::is_same_v<T, Ack>)
                return on_ack(m, out);
            else if constexpr (std::is_same_v<T, Bye>) {
                if (!summary_received_) return unexpected(out_of_place("bye before the summaries"));
                if (bye_received_) return unexpected(out_of_place("a second bye"));
                bye_received_ = true;
                if (peer_own_) return after_own_chain(out);
                return {};
            } else {
                return unexpected(out_of_place("unexpected " + std::string(message_name(message)) +
                                               " message during the exchange"));
            }
        },
        message);
    if (!r) {
        auto tail = fail(std::move(r).error(), true);
        out.insert(out.end(), tail.begin(), tail.end());
    }
    return out;
}

Result<Summary> Exchange::our_summary(const std::vector<ChainTip>* peer_listed) {
    Summary s;
    auto add = [&](const merge::DeviceId& d) -> Result<void> {
        CANVASS_TRY(auto point, replica_.chain_point(d));
        if (!point) return {};
        CANVASS_TRY(auto grants, replica_.grant_count(d));
        s.chains.push_back({d, point->seq, point->hash, grants});
        return {};
    };
    switch (policy_.disclose) {
        case ExchangePolicy::Disclose::one_chain:
            CANVASS_TRY_VOID(add(policy_.disclosed_device));
            break;
        case ExchangePolicy::Disclose::chains_peer_listed:
            if (peer_listed)
                for (const auto& t : *peer_listed) CANVASS_TRY_VOID(add(t.device));
            break;
        case ExchangePolicy::Disclose::all_chains: {
            CANVASS_TRY(auto vv, replica_.chains());
            for (const auto& [d, p] : vv.entries()) {
                CANVASS_TRY(auto grants, replica_.grant_count(d));
                s.chains.push_back({d, p.seq, p.hash, grants});
            }
            break;
        }
    }
    return s;
}

Result<void> Exchange::on_summary(const Summary& peer, std::vector<Message>& out) {
    if (summary_received_) return unexpected(out_of_place("a second summary"));
    if (options_.initiator && !summary_sent_)
        return unexpected(out_of_place("summary before ours"));
    summary_received_ = true;
    CANVASS_TRY(auto ours, our_summary(&peer.chains));
    if (!options_.initiator) {
        out.push_back(ours);
        summary_sent_ = true;
    }
    if (options_.initiator) CANVASS_TRY_VOID(learn_delivered(peer));
    auto peer_vv = to_vector(peer);
    auto our_vv = to_vector(ours);
    for (const auto& d : merge::forked(our_vv, peer_vv))
        equivocations_.push_back(
            {d, our_vv.get(d)->seq, our_vv.get(d)->hash, peer_vv.get(d)->hash});
    std::vector<merge::SeqRange> plan;
    if (policy_.send) {
        plan = merge::missing(peer_vv, our_vv);
        add_grant_refreshes(peer, ours, plan);
    } else if (policy_.send_own) {
        for (const auto& r : merge::missing(peer_vv, our_vv))
            if (r.device == policy_.own_device) plan.push_back(r);
    }
    if (options_.initiator) CANVASS_TRY_VOID(check_own_chain(peer, plan));
    CANVASS_TRY_VOID(clip_refused(plan));
    outbox_.emplace(replica_, std::move(plan), options_.send_limits);
    stats_.to_send = outbox_->planned_changesets();
    return pump(out);
}

Result<void> Exchange::check_own_chain(const Summary& peer, std::vector<merge::SeqRange>& plan) {
    if (!options_.self) return {};
    const auto& self = *options_.self;
    auto theirs = std::find_if(peer.chains.begin(), peer.chains.end(),
                               [&](const ChainTip& t) { return t.device == self; });
    if (theirs == peer.chains.end()) return {};
    CANVASS_TRY(auto mine, replica_.chain_point(self));
    const std::uint64_t held = mine ? mine->seq : 0;
    if (theirs->seq <= held) {
        CANVASS_TRY(auto h, replica_.chain_hash(self, theirs->seq));
        if (h && *h == theirs->hash) return {};  // the peer's copy is a prefix of ours: all well
        CANVASS_TRY(auto acked, replica_.acknowledged_seq(self));
        // What the peer acknowledged once differs: another device uses this identity.
        if (theirs->seq <= acked) return unexpected(own_chain_forked(theirs->seq));
    }
    // The peer holds more of our chain than we do, or holds other changesets than our unsent
    // ones (a store restored from an older copy that saved new work): it sends its copy from
    // our acknowledged point, and what we send waits until it has (after_own_chain).
    std::erase_if(plan, [&](const merge::SeqRange& r) { return r.device == self; });
    peer_own_ = *theirs;
    return {};
}

Result<void> Exchange::tell_own_at_acknowledged(Summary& ours) {
    if (!options_.self) return {};
    auto it = std::find_if(ours.chains.begin(), ours.chains.end(),
                           [&](const ChainTip& t) { return t.device == *options_.self; });
    if (it == ours.chains.end()) return {};
    CANVASS_TRY(auto acked, replica_.acknowledged_seq(*options_.self));
    if (acked >= it->seq) return {};
    CANVASS_TRY(auto hash, acked == 0 ? Result<std::optional<merge::Hash>>(std::nullopt)
                                      : replica_.chain_hash(*options_.self, acked));
    if (!hash) {
        ours.chains.erase(it);
        return {};
    }
    it->seq = acked;
    it->hash = *hash;
    return {};
}

Result<void> Exchange::store_own_chain(Evidence own) {
    const std::uint64_t seq = own.seq;
    // The peer's changesets must start where ours differ; a fork below them was acknowledged.
    if (own.changesets.empty() || own.changesets.front().changeset.header.seq != seq) {
        own_fork_ = own_fork_ ? std::min(*own_fork_, seq) : seq;
        return {};
    }
    VerifiedBatch batch;
    batch.runs.push_back(VerifiedRun{own.device, own.key, std::move(own.changesets), own.head, {}});
    auto stored = replica_.store(batch);
    if (stored) {
        stats_.stored += batch.runs.front().changesets.size();
        stats_.own_returned += batch.runs.front().changesets.size();
        return {};
    }
    // A fork is the protocol's already_exists; a storage failure with the same number is not.
    if (stored.error().domain != Domain::protocol || stored.error().code != errc::already_exists)
        return stored;
    own_fork_ = own_fork_ ? std::min(*own_fork_, seq) : seq;
    return {};
}

Result<void> Exchange::after_own_chain(std::vector<Message>& out) {
    const auto& self = *options_.self;
    const ChainTip theirs = *peer_own_;
    peer_own_.reset();
    CANVASS_TRY(auto mine, replica_.chain_point(self));
    std::vector<merge::SeqRange> plan;
    if (own_fork_) {
        // Two copies of this device saved work side by side: the peer is shown ours, which
        // it keeps as evidence of the fork, merging neither.
        if (mine && mine->seq >= *own_fork_) plan.push_back({self, *own_fork_, mine->seq});
        own_fork_shown_ = true;
    } else {
        CANVASS_TRY(auto h, replica_.chain_hash(self, theirs.seq));
        if (!h || *h != theirs.hash) return unexpected(own_chain_forked(theirs.seq));
        if (mine && mine->seq > theirs.seq) plan.push_back({self, theirs.seq + 1, mine->seq});
    }
    if (own_fork_ && plan.empty()) return unexpected(own_chain_forked(*own_fork_));
    outbox_.emplace(replica_, std::move(plan), options_.send_limits);
    stats_.to_send += outbox_->planned_changesets();
    return pump(out);
}

Result<void> Exchange::learn_delivered(const Summary& peer) {
    // The peer's summary lists what it holds durably. Where it holds a chain as we do (same
    // hash at its seq), that much is delivered, however it got there: an acknowledgement lost
    // in a crash, or an organizer who carried the chain.
    for (const auto& t : peer.chains) {
        if (t.seq == 0) continue;
        CANVASS_TRY(auto h, replica_.chain_hash(t.device, t.seq));
        if (h && *h == t.hash) CANVASS_TRY_VOID(replica_.acknowledged(t.device, t.seq));
    }
    return {};
}

Result<void> Exchange::clip_refused(std::vector<merge::SeqRange>& plan) {
    std::vector<merge::SeqRange> kept;
    for (auto r : plan) {
        CANVASS_TRY(auto from, replica_.refused_from(r.device));
        if (from && r.last >= *from) {
            r.last = *from - 1;
            if (r.first > r.last) continue;
            // A relay cannot sign another device's head: what lies below the refusal goes
            // only as far as a head it holds there, and not at all without one.
            CANVASS_TRY(auto head, replica_.cover_head(r.device, r.first, r.last));
            if (!head || head->head.seq > r.last) continue;
        }
        kept.push_back(r);
    }
    plan = std::move(kept);
    return {};
}

void Exchange::add_grant_refreshes(const Summary& peer, const Summary& ours,
                                   std::vector<merge::SeqRange>& plan) {
    std::map<merge::DeviceId, const ChainTip*> held;
    for (const auto& t : peer.chains) held.emplace(t.device, &t);
    for (const auto& mine : ours.chains) {
        auto it = held.find(mine.device);
        if (it == held.end()) continue;
        const ChainTip* theirs = it->second;
        if (theirs->seq != mine.seq || theirs->hash != mine.hash) continue;
        if (theirs->grants >= mine.grants) continue;
        // The peer holds the whole chain but fewer grants: send its last changeset again, which
        // the peer skips, so that the grants travel with it (verify.hpp keeps them).
        plan.push_back({mine.device, mine.seq, mine.seq});
    }
}

Result<void> Exchange::pump(std::vector<Message>& out) {
    while (outbox_ && !outbox_->empty() && in_flight_.size() < options_.send_limits.window) {
        CANVASS_TRY(auto batch, outbox_->next_batch(
                                    next_batch_, options_.clock ? pacer_.next_bytes() : SIZE_MAX));
        std::size_t n = 0;
        std::uint64_t bytes = 0;
        for (const auto& run : batch.runs) n += run.changesets.size(), bytes += run_bytes(run);
        if (options_.clock) pacer_.sent(next_batch_, bytes, options_.clock->now_ms());
        in_flight_.emplace_back(next_batch_++, n);
        stats_.sent += n;
        ++stats_.batches_sent;
        out.push_back(std::move(batch));
        report();
    }
    if (outbox_ && outbox_->empty() && in_flight_.empty() && !bye_sent_ && !peer_own_) {
        out.push_back(Bye{});
        bye_sent_ = true;
    }
    return {};
}

Result<void> Exchange::on_changesets(const Changesets& batch, std::vector<Message>& out) {
    if (!summary_received_ || !summary_sent_)
        return unexpected(out_of_place("changesets before the summaries"));
    if (bye_received_) return unexpected(out_of_place("changesets after bye"));
    if (policy_.accept == ExchangePolicy::Accept::nothing)
        return unexpected(Domain::auth, errc::permission_denied,
                          "this side does not accept changesets");
    if (batch.batch != expected_batch_)
        return unexpected(out_of_place("batch " + std::to_string(batch.batch) + " where " +
                                       std::to_string(expected_batch_) + " was expected"));
    ++expected_batch_;
    ++stats_.batches_received;
    // Once our own chain forked, the rest of the peer's copy of it is not placed: it would
    // only show the same fork again, or a gap.
    Changesets without_own;
    const Changesets* placed = &batch;
    if (own_fork_) {
        without_own.batch = batch.batch;
        for (const auto& run : batch.runs)
            if (run.device != *options_.self) without_own.runs.push_back(run);
        placed = &without_own;
    }
    CANVASS_TRY(auto verified, verify_batch(*placed, replica_, options_.verify));
    std::optional<Evidence> own;
    if (options_.self) {
        auto it = std::find_if(verified.evidence.begin(), verified.evidence.end(),
                               [&](const Evidence& e) { return e.device == *options_.self; });
        if (it != verified.evidence.end()) {
            // Only a peer we told our acknowledged point sends a copy that differs.
            if (!peer_own_) return unexpected(own_chain_forked(it->seq));
            own = std::move(*it);
            verified.evidence.erase(it);
        }
    }
    for (const auto& run : batch.runs) stats_.received += run.changesets.size();
    if (!verified.empty()) CANVASS_TRY_VOID(replica_.store(verified));
    if (own) CANVASS_TRY_VOID(store_own_chain(std::move(*own)));
    for (const auto& run : verified.runs) {
        stats_.stored += run.changesets.size();
        if (options_.self && run.device == *options_.self)
            stats_.own_returned += run.changesets.size();
        for (const auto& c : run.changesets) stats_.far_future += c.far_future ? 1 : 0;
    }
    for (const auto& e : verified.evidence) {
        stats_.evidence += e.changesets.size();
        equivocations_.push_back({e.device, e.seq, e.held, e.changesets.front().hash});
    }
    Ack ack{batch.batch, {}, {}};
    for (const auto& run : batch.runs) {
        CANVASS_TRY(auto point, replica_.chain_point(run.device));
        ack.durable.push_back({run.device, point ? point->seq : 0});
    }
    for (const auto& r : verified.refused) {
        ack.refused.push_back({r.device, r.seq, refusal_code(r.why), peer_text(r.why.message)});
        refused_.push_back(ack.refused.back());
        ++stats_.refused_runs;
    }
    out.push_back(std::move(ack));
    report();
    return {};
}

Result<void> Exchange::on_ack(const Ack& ack, std::vector<Message>& out) {
    if (in_flight_.empty() || in_flight_.front().first != ack.batch)
        return unexpected(out_of_place("ack for batch " + std::to_string(ack.batch) +
                                       ", which is not in flight"));
    stats_.acknowledged += in_flight_.front().second;
    in_flight_.pop_front();
    if (options_.clock) pacer_.acknowledged(ack.batch, options_.clock->now_ms());
    for (const auto& d : ack.durable) {
        // The peer kept our forked changesets as evidence: they are not delivered.
        if (own_fork_shown_ && options_.self && d.device == *options_.self) continue;
        CANVASS_TRY_VOID(replica_.acknowledged(d.device, d.seq));
    }
    for (const auto& r : ack.refused) {
        // Only a chain we relay is refused alone; our own would have failed the batch.
        if (options_.self && r.device == *options_.self)
            return unexpected(out_of_place("the peer refused this device's own chain alone"));
        CANVASS_TRY_VOID(replica_.refused(r.device, std::max<std::uint64_t>(r.seq, 1), r.message));
        refused_.push_back(r);
        ++stats_.refused_runs;
    }
    report();
    if (own_fork_shown_ && in_flight_.empty() && outbox_ && outbox_->empty())
        return unexpected(own_chain_forked(*own_fork_, true));
    return pump(out);
}

std::vector<Message> Exchange::fail(Error error, bool tell_peer) {
    std::vector<Message> out;
    if (tell_peer) {
        ErrorCode code = refusal_code(error);
        // A local failure (storage) is ours to log, not the peer's to read.
        std::string text = code == ErrorCode::internal
                               ? "could not store the batch; try again later"
                           : code == ErrorCode::disk_full ? std::string(disk_full_text)
                                                          : error.message;
        out.push_back(ErrorMessage{code, std::move(text)});
    }
    error_ = std::move(error);
    return out;
}

}  // namespace canvass::sync
