#include "sync/verify.hpp"

#include "store/device_store.hpp"

#include <map>
#include <set>

#include "merge/authority.hpp"
#include "merge/hlc.hpp"
#include "store/keyring.hpp"

namespace canvass::sync {
namespace {

Unexpected<Error> refuse(const merge::DeviceId& device, const std::string& what) {
    return unexpected(Domain::protocol, errc::corrupt,
                      "changesets of device " + crypto::to_hex(device) + ": " + what);
}

// Decodes and checks a run on its own: keys, chain links, head, grants. `decoded` receives
// the changesets in order.
Result<std::vector<IncomingChangeset>> check_run(const ChainRun& run, const VerifyContext& ctx) {
    if (store::device_id_of(run.key) != run.device)
        return refuse(run.device, "the public key does not derive the device id");
    std::vector<IncomingChangeset> out;
    out.reserve(run.changesets.size());
    for (const auto& bytes : run.changesets) {
        auto decoded = merge::decode(bytes);
        if (!decoded)
            return refuse(run.device, "undecodable changeset: " + decoded.error().message);
        const auto& h = decoded->header;
        std::string where = "changeset " + std::to_string(h.seq);
        if (h.device != run.device) return refuse(run.device, where + " belongs to another device");
        // Changesets saved before their device enrolled name no project yet.
        if (h.project != ctx.project && h.project != store::kUnenrolledProject)
            return refuse(run.device, where + " belongs to project \"" + h.project + "\", not \"" +
                                          ctx.project + "\"");
        if (!out.empty()) {
            const auto& before = out.back();
            if (h.seq != before.changeset.header.seq + 1)
                return refuse(run.device, where + " does not follow seq " +
                                              std::to_string(before.changeset.header.seq));
            if (h.prev != before.hash)
                return refuse(run.device, where + " does not link to the one before");
        } else if (h.seq == 1 && h.prev != merge::Hash{}) {
            return refuse(run.device, "changeset 1 has a predecessor");
        }
        IncomingChangeset in;
        in.hash = crypto::blake2b_256(bytes);
        in.far_future = merge::hlc_far_ahead(h.hlc, ctx.now_ms, ctx.future_threshold_ms);
        in.encoded = bytes;
        in.changeset = std::move(decoded).value();
        out.push_back(std::move(in));
    }
    const auto& last = out.back();
    merge::SignedHead head{run.device, run.head.seq, run.head.hash, run.head.signature};
    if (head.seq != last.changeset.header.seq || head.hash != last.hash)
        return refuse(run.device, "the signed head does not name the last changeset of the run");
    if (!merge::verify_head(head, run.key))
        return refuse(run.device, "bad signature on the chain head");
    return out;
}

Result<std::vector<store::EpochGrant>> check_grants(const ChainRun& run) {
    std::vector<store::EpochGrant> out;
    for (const auto& bytes : run.grants) {
        auto g = store::decode_grant(bytes);
        if (!g) return refuse(run.device, "undecodable grant: " + g.error().message);
        if (g->device != run.device) return refuse(run.device, "a grant of another device");
        if (!store::verify_grant(*g, run.key))
            return refuse(run.device, "bad signature on a grant");
        out.push_back(std::move(g).value());
    }
    return out;
}

// Where the run meets the replica's chain: drops what is held, detects forks and gaps.
Result<void> place_run(const ChainRun& run, std::vector<IncomingChangeset> changesets,
                       std::vector<store::EpochGrant> grants, Replica& replica,
                       VerifiedBatch& out) {
    CANVASS_TRY(auto point, replica.chain_point(run.device));
    std::uint64_t held = point ? point->seq : 0;
    std::uint64_t first = changesets.front().changeset.header.seq;
    if (first > held + 1)
        return refuse(run.device, "starts at seq " + std::to_string(first) + " but only " +
                                      std::to_string(held) + " are held here (a gap)");
    merge::SignedHead head{run.device, run.head.seq, run.head.hash, run.head.signature};
    // The first seq where the run and the chain disagree, if any.
    std::size_t skip = 0;
    std::optional<std::uint64_t> fork;
    for (; skip < changesets.size(); ++skip) {
        std::uint64_t seq = changesets[skip].changeset.header.seq;
        if (seq > held) {
            merge::Hash expected = point && seq == held + 1 ? point->hash : merge::Hash{};
            if (seq == held + 1 && changesets[skip].changeset.header.prev != expected)
                fork = seq - 1;
            break;
        }
        CANVASS_TRY(auto h, replica.chain_hash(run.device, seq));
        if (!h || *h != changesets[skip].hash) {
            fork = seq;
            break;
        }
    }
    if (fork) {
        Evidence e{run.device, run.key, *fork, {}, {}, head};
        if (*fork >= 1) {
            CANVASS_TRY(auto h, replica.chain_hash(run.device, *fork));
            e.held = h.value_or(merge::Hash{});
        }
        e.changesets.assign(
            std::make_move_iterator(changesets.begin() + static_cast<std::ptrdiff_t>(skip)),
            std::make_move_iterator(changesets.end()));
        out.evidence.push_back(std::move(e));
        return {};
    }
    changesets.erase(changesets.begin(), changesets.begin() + static_cast<std::ptrdiff_t>(skip));
    if (changesets.empty() && grants.empty()) return {};  // all held already
    out.runs.push_back(
        VerifiedRun{run.device, run.key, std::move(changesets), head, std::move(grants)});
    return {};
}

// Who may change each record the run changes (merge/authority.hpp). `creators` holds what is
// known of the batch so far: records created in it and creators already looked up.
Result<void> check_authority(const VerifiedRun& run, Replica& replica, const VerifyContext& ctx,
                             std::map<merge::RecordId, merge::DeviceId>& creators,
                             std::optional<std::uint64_t>& refused_at) {
    std::optional<bool> coordinator;  // the author's role, looked up once when needed
    for (const auto& in : run.changesets) {
        const auto& h = in.changeset.header;
        merge::RecordAuthority known;
        if (auto it = creators.find(h.record); it != creators.end()) {
            known.creator = it->second;
        } else if (!merge::creates_record(h)) {
            CANVASS_TRY(known.creator, replica.record_creator(h.record));
        }
        if (known.creator != h.device && !merge::creates_record(h)) {
            if (!coordinator) {
                CANVASS_TRY(coordinator, ctx.is_coordinator(h.device));
            }
            known.author_is_coordinator = *coordinator;
        }
        auto right = merge::may_change(h, known);
        if (!right) {
            refused_at = h.seq;
            if (ctx.on_unauthorized)
                ctx.on_unauthorized(
                    {h.device, h.record, h.seq, known.creator, right.error().message});
            return unexpected(std::move(right).error());
        }
        if (*right == merge::ChangeRight::creates)
            creators.try_emplace(h.record, h.device);
        else if (known.creator)
            creators.try_emplace(h.record, *known.creator);
    }
    return {};
}

}  // namespace

Result<VerifiedBatch> verify_batch(const Changesets& batch, Replica& replica,
                                   const VerifyContext& ctx) {
    VerifiedBatch out;
    std::set<merge::DeviceId> seen;
    std::map<merge::RecordId, merge::DeviceId> creators;
    for (const auto& run : batch.runs) {
        if (!seen.insert(run.device).second)
            return refuse(run.device, "two runs of one device in one batch");
        if (!ctx.may_deliver(run.device))
            return unexpected(
                Domain::auth, errc::permission_denied,
                "this device may not deliver changesets of device " + crypto::to_hex(run.device));
        // A run is checked into copies, so that a relayed run refused alone leaves nothing
        // of itself behind.
        VerifiedBatch placed;
        auto known = creators;
        std::optional<std::uint64_t> refused_at;  // the changeset an authority check refused
        auto checked = [&]() -> Result<void> {
            CANVASS_TRY(auto changesets, check_run(run, ctx));
            CANVASS_TRY(auto grants, check_grants(run));
            CANVASS_TRY_VOID(
                place_run(run, std::move(changesets), std::move(grants), replica, placed));
            if (ctx.is_coordinator && !placed.runs.empty())
                CANVASS_TRY_VOID(
                    check_authority(placed.runs.back(), replica, ctx, known, refused_at));
            return {};
        }();
        if (!checked) {
            const auto& e = checked.error();
            const bool refusal = e.domain == Domain::protocol || e.domain == Domain::auth;
            if (!refusal || !ctx.sender || run.device == *ctx.sender)
                return unexpected(checked.error());
            // Refused from the offending changeset, or else from the first this replica lacks:
            // a relay sends what the receiver lacks, so its run starts there.
            if (!refused_at) {
                CANVASS_TRY(auto point, replica.chain_point(run.device));
                refused_at = (point ? point->seq : 0) + 1;
            }
            out.refused.push_back({run.device, *refused_at, e});
            continue;
        }
        creators = std::move(known);
        for (auto& r : placed.runs) out.runs.push_back(std::move(r));
        for (auto& e : placed.evidence) out.evidence.push_back(std::move(e));
    }
    return out;
}

}  // namespace canvass::sync
