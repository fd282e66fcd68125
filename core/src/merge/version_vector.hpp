// Version vectors: for each device, the highest seq of its chain held contiguously from 1
// and the hash of that changeset. Two of them tell each side what the other lacks; the
// hashes expose a forked chain at the seq both hold.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "crypto/hash.hpp"
#include "merge/ids.hpp"

namespace canvass::merge {

struct ChainPoint {
    std::uint64_t seq = 0;
    crypto::Hash hash{};

    friend bool operator==(const ChainPoint&, const ChainPoint&) = default;
};

// A run of one device's changesets, seqs first..last inclusive.
struct SeqRange {
    DeviceId device{};
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    friend bool operator==(const SeqRange&, const SeqRange&) = default;
};

class VersionVector {
  public:
    // The point of `device`, or nullopt if none of its changesets is held.
    std::optional<ChainPoint> get(const DeviceId& device) const;
    // Records that `device`'s chain is now held up to `point`. Ignored unless it advances
    // (a lower or equal seq never moves a vector back). Returns whether it advanced.
    bool advance(const DeviceId& device, const ChainPoint& point);
    const std::map<DeviceId, ChainPoint>& entries() const { return entries_; }
    std::size_t size() const { return entries_.size(); }

    friend bool operator==(const VersionVector&, const VersionVector&) = default;

  private:
    std::map<DeviceId, ChainPoint> entries_;
};

// What `have` lacks relative to `other`: for each device, the seqs after have's point up
// to other's, ordered by device. Oldest first within a device, as sync sends them.
std::vector<SeqRange> missing(const VersionVector& have, const VersionVector& other);

// Devices both vectors hold at the same seq with different hashes: a forked chain
// (equivocation) that sync must not paper over.
std::vector<DeviceId> forked(const VersionVector& a, const VersionVector& b);

}  // namespace canvass::merge
