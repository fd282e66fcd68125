#include "coordinator/source.hpp"

#include <algorithm>
#include <iterator>

#include "crypto/hash.hpp"
#include "store/device_store.hpp"
#include "sync/replica.hpp"

namespace canvass::coordinator {

namespace {

// Changesets read from a replica per call: bounded memory whatever a chain's length.
constexpr std::uint64_t kBatch = 256;

// Decodes each of `encoded` (changesets of `device`) and gives it to `fn`.
Result<void> decode_each(const merge::DeviceId& device,
                         const std::vector<std::vector<std::uint8_t>>& encoded,
                         const std::function<Result<void>(const merge::Changeset&)>& fn) {
    for (const auto& bytes : encoded) {
        auto cs = merge::decode(bytes);
        if (!cs) {
            auto e = std::move(cs).error();
            e.message = "a changeset of device " + crypto::to_hex(device) +
                        " does not decode: " + e.message;
            return unexpected(std::move(e));
        }
        CANVASS_TRY_VOID(fn(*cs));
    }
    return {};
}

}  // namespace

Result<void> DeviceStoreSource::for_each_changeset(
    const std::function<Result<void>(const merge::Changeset&)>& fn) {
    return store_.for_each_changeset(fn);
}

Result<void> DeviceStoreSource::for_each_in(
    const merge::DeviceId& device, std::uint64_t first, std::uint64_t last,
    const std::function<Result<void>(const merge::Changeset&)>& fn) {
    CANVASS_TRY(auto encoded, store_.changesets(device, first, last));
    return decode_each(device, encoded, fn);
}

Result<std::optional<store::EpochGrant>> DeviceStoreSource::grant_for(
    const merge::DeviceId& device, const store::EpochId& epoch,
    const crypto::DhPublicKey& recipient) {
    return store_.grant_for(device, epoch, recipient);
}

Result<std::optional<std::uint64_t>> DeviceStoreSource::changeset_count() {
    CANVASS_TRY(auto status, store_.status());
    return std::optional<std::uint64_t>(status.own_changesets + status.carried);
}

Result<std::vector<crypto::DhPublicKey>> DeviceStoreSource::recipients() {
    CANVASS_TRY(auto project, store_.project());
    if (!project) return std::vector<crypto::DhPublicKey>{};
    return project->recipients;
}

Result<void> ReplicaSource::for_each_changeset(
    const std::function<Result<void>(const merge::Changeset&)>& fn) {
    CANVASS_TRY(auto chains, replica_.chains());
    for (const auto& [device, point] : chains.entries()) {
        for (std::uint64_t first = 1; first <= point.seq; first += kBatch) {
            std::uint64_t last = std::min(point.seq, first + kBatch - 1);
            CANVASS_TRY_VOID(for_each_in(device, first, last, fn));
        }
    }
    return {};
}

Result<void> ReplicaSource::for_each_in(
    const merge::DeviceId& device, std::uint64_t first, std::uint64_t last,
    const std::function<Result<void>(const merge::Changeset&)>& fn) {
    CANVASS_TRY(auto encoded, replica_.changesets(device, first, last));
    return decode_each(device, encoded, fn);
}

Result<std::optional<store::EpochGrant>> ReplicaSource::grant_for(
    const merge::DeviceId& device, const store::EpochId& epoch,
    const crypto::DhPublicKey& recipient) {
    auto it = std::find_if(grants_.begin(), grants_.end(),
                           [&](const auto& e) { return e.first == device; });
    if (it == grants_.end()) {
        CANVASS_TRY(auto encoded, replica_.grants(device));
        std::vector<store::EpochGrant> decoded;
        for (const auto& bytes : encoded) {
            auto g = store::decode_grant(bytes);
            if (g) decoded.push_back(std::move(g).value());  // a damaged grant opens nothing
        }
        grants_.emplace_back(device, std::move(decoded));
        it = std::prev(grants_.end());
    }
    for (const auto& g : it->second) {
        if (g.epoch == epoch && g.recipient == recipient)
            return std::optional<store::EpochGrant>(g);
    }
    return std::optional<store::EpochGrant>();
}

Result<std::optional<std::uint64_t>> ReplicaSource::changeset_count() {
    CANVASS_TRY(auto chains, replica_.chains());
    std::uint64_t n = 0;
    for (const auto& [device, point] : chains.entries()) n += point.seq;
    return std::optional<std::uint64_t>(n);
}

}  // namespace canvass::coordinator
