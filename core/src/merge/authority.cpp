#include "merge/authority.hpp"

#include <algorithm>

#include "crypto/hash.hpp"

namespace canvass::merge {

namespace {
constexpr std::string_view kRecordIdContext = "canvass record v1";
}  // namespace

RecordId record_id_for(const DeviceId& creator, const ChangesetNonce& nonce) {
    crypto::Blake2b h;
    h.update(kRecordIdContext);
    h.update(creator);
    h.update(nonce);
    const auto digest = h.finish();
    RecordId id{};
    std::copy_n(digest.begin(), id.size(), id.begin());
    id[6] = static_cast<std::uint8_t>((id[6] & 0x0f) | 0x40);  // version 4
    id[8] = static_cast<std::uint8_t>((id[8] & 0x3f) | 0x80);  // variant 10
    return id;
}

bool creates_record(const ChangesetHeader& h) {
    return record_id_for(h.device, h.nonce) == h.record;
}

std::string short_device(const DeviceId& device) {
    return crypto::to_hex(std::span<const std::uint8_t>(device).first(4));
}

std::string who_may_change(const std::optional<DeviceId>& creator) {
    if (!creator) return "its creator's device or a coordinator";
    return "its creator (device " + short_device(*creator) + ") or a coordinator";
}

namespace {

bool writes_review(const ChangesetHeader& h) {
    return std::any_of(h.ops.begin(), h.ops.end(),
                       [](const Op& op) { return op.path == kReviewPath; });
}

Unexpected<Error> self_review(const ChangesetHeader& h) {
    return unexpected(Domain::auth, errc::permission_denied,
                      "device " + crypto::to_hex(h.device) + " may not review record " +
                          format_uuid(h.record) + " (changeset seq " + std::to_string(h.seq) +
                          "): it created the record; only a coordinator who did not may review it");
}

}  // namespace

Result<ChangeRight> may_change(const ChangesetHeader& h, const RecordAuthority& known) {
    if (creates_record(h)) {
        if (writes_review(h)) return self_review(h);
        return ChangeRight::creates;
    }
    if (known.creator && *known.creator == h.device) {
        if (writes_review(h)) return self_review(h);
        return ChangeRight::creator;
    }
    if (known.author_is_coordinator) return ChangeRight::coordinator;
    std::string why = known.creator ? "it was created by device " + crypto::to_hex(*known.creator)
                                    : "its creation is not held here, so it is not this device's";
    return unexpected(Domain::auth, errc::permission_denied,
                      "device " + crypto::to_hex(h.device) + " may not change record " +
                          format_uuid(h.record) + " (changeset seq " + std::to_string(h.seq) +
                          "): " + why + "; only " + who_may_change(known.creator) +
                          " may change it");
}

}  // namespace canvass::merge
