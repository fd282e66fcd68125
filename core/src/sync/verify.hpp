// Checking a received batch before anything of it is stored (DESIGN.md 4 and 6).
//
// For each run: the device is one the sender may deliver here; the public key derives the
// device id; every changeset decodes strictly, belongs to the device and the project, and
// the seqs ascend without a gap; each prev is the hash of the changeset before; the signed
// head names the last changeset and its signature verifies; every grant is the device's and
// verifies. Then the run is placed against the replica's chain: changesets already held are
// dropped (idempotence), a run that starts beyond the chain's end is refused (a gap), and a
// run that disagrees with the chain at some seq becomes evidence of equivocation instead of
// being appended. A clock stamp far in the future is flagged, never refused.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "canvass/result.hpp"
#include "sync/messages.hpp"
#include "sync/replica.hpp"

namespace canvass::sync {

// A changeset that changes a record its author may not change (merge/authority.hpp).
struct UnauthorizedChange {
    merge::DeviceId device{};  // the author, to flag
    merge::RecordId record{};
    std::uint64_t seq = 0;
    std::optional<merge::DeviceId> creator;  // the record's creator, if known
    std::string message;                     // what the refusal says
};

struct VerifyContext {
    std::string project;  // every changeset must name it
    // Whether the sender may deliver this device's changesets here (its role).
    std::function<bool(const merge::DeviceId&)> may_deliver;
    // Who may change a record, where the roles of devices are known (the server): when set,
    // every new changeset is checked with merge::may_change against its record's creator
    // (held, or created earlier in the batch) and a change its author may not make refuses
    // the whole batch. Unset (a device, which cannot tell a coordinator from a collector),
    // records are not checked here.
    std::function<Result<bool>(const merge::DeviceId&)> is_coordinator;
    // Told of a refused change before verify_batch returns the refusal (to flag the author).
    std::function<void(const UnauthorizedChange&)> on_unauthorized;
    // The device at the other end of the session. A run of another device it relays (an
    // organizer carrying others' chains) that does not verify, or that changes a record its
    // author may not change, is refused alone (VerifiedBatch::refused) and the rest of the
    // batch is kept: one bad chain in a relay's store must not block every other one. The
    // sender's own runs, and any run when unset, refuse the whole batch.
    std::optional<merge::DeviceId> sender;
    std::uint64_t now_ms = 0;
    std::uint64_t future_threshold_ms = 24 * 3600 * 1000;  // "far ahead": more than a day
};

// The verified batch, ready for Replica::store(), with the relayed runs refused alone. Errors:
// Error{auth, permission_denied} for a device the sender may not deliver, or for a change of a
// record its author may not make (naming the device, record and seq); Error{protocol, ...} naming
// the run and changeset for anything that does not verify; the replica's own errors pass through.
// On error nothing of the batch may be stored.
Result<VerifiedBatch> verify_batch(const Changesets& batch, Replica& replica,
                                   const VerifyContext& context);

}  // namespace canvass::sync
