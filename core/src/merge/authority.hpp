// Who may change a record (DESIGN.md section 6, "Authority"): the device that created it, or
// a coordinator. One rule, used by the device before it saves and by the server on every
// batch, so an honest device never holds a changeset the server would refuse.
//
// A record id is bound to its creator: it is derived from the creator's device id and the
// nonce of the record's creating changeset (record_id_for). The creating changeset therefore
// proves who created the record, and nobody can create a record under an id another device
// derived without a BLAKE2b preimage. Every later changeset on the record is checked against
// the creator that proof names. Records minted before ids were bound (random UUIDs) are
// "legacy": their creator is whatever the replica recorded for them (docs/decisions.md).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "canvass/result.hpp"
#include "merge/changeset.hpp"
#include "merge/ids.hpp"

namespace canvass::merge {

using ChangesetNonce = std::array<std::uint8_t, 24>;

// The record's reserved field holding the coordinators' review (coordinator/review.hpp). No
// form may name a question so (form/loader_rows.cpp); the record view keeps it apart from
// the answers (RecordView::review). Reviewing is judging another's work: a changeset that
// writes it is refused when it creates the record or its author created the record, so only
// a coordinator who did not collect it reviews it (docs/decisions.md, "Review states").
inline constexpr std::string_view kReviewPath = "_review";

// The first 16 bytes of BLAKE2b-256("canvass record v1" || creator || nonce), with the
// UUIDv4 version and variant bits set: the id of the record that `creator` creates in a
// changeset carrying `nonce`.
RecordId record_id_for(const DeviceId& creator, const ChangesetNonce& nonce);

// True when `h` creates its record: its record id derives from its author and nonce.
bool creates_record(const ChangesetHeader& h);

// Why a changeset may change its record.
enum class ChangeRight {
    creates,      // it is the record's creation by its author
    creator,      // its author created the record
    coordinator,  // its author is a coordinator of the project
};

// What the checker knows about the record and the author of a changeset.
struct RecordAuthority {
    // The record's creator, when its creation (or, for a legacy record, its first writer)
    // is known to the checker; nullopt when the record is unknown.
    std::optional<DeviceId> creator;
    bool author_is_coordinator = false;
};

// The rule. A changeset by device D on record R is allowed iff it creates R, or R's creator is
// D, or D is a coordinator; and, when it writes kReviewPath, iff D is not R's creator. Error{auth,
// permission_denied} otherwise, naming the device, the record, the seq and who may change the
// record.
Result<ChangeRight> may_change(const ChangesetHeader& h, const RecordAuthority& known);

// "0a1b2c3d": the id prefix people compare (device ids in messages and listings).
std::string short_device(const DeviceId& device);

// Who may change a record whose creator is `creator` (or is unknown), for messages:
// "its creator (device 0a1b2c3d) or a coordinator".
std::string who_may_change(const std::optional<DeviceId>& creator);

}  // namespace canvass::merge
