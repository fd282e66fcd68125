#include "merge/version_vector.hpp"

namespace canvass::merge {

std::optional<ChainPoint> VersionVector::get(const DeviceId& device) const {
    auto it = entries_.find(device);
    if (it == entries_.end()) return std::nullopt;
    return it->second;
}

bool VersionVector::advance(const DeviceId& device, const ChainPoint& point) {
    if (point.seq == 0) return false;
    auto [it, inserted] = entries_.try_emplace(device, point);
    if (inserted) return true;
    if (point.seq <= it->second.seq) return false;
    it->second = point;
    return true;
}

std::vector<SeqRange> missing(const VersionVector& have, const VersionVector& other) {
    std::vector<SeqRange> out;
    // Both maps are sorted by device: one merge-like walk, no lookups.
    auto mine = have.entries().begin();
    const auto mine_end = have.entries().end();
    for (const auto& [device, point] : other.entries()) {
        while (mine != mine_end && mine->first < device) ++mine;
        const std::uint64_t held =
            (mine != mine_end && mine->first == device) ? mine->second.seq : 0;
        if (point.seq > held) out.push_back(SeqRange{device, held + 1, point.seq});
    }
    return out;
}

std::vector<DeviceId> forked(const VersionVector& a, const VersionVector& b) {
    std::vector<DeviceId> out;
    for (const auto& [device, point] : a.entries()) {
        auto other = b.get(device);
        if (other && other->seq == point.seq && other->hash != point.hash) out.push_back(device);
    }
    return out;
}

}  // namespace canvass::merge
