// Helpers shared by the merge unit tests: ids from small numbers and a simulated device
// that authors changesets the way the store will.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "merge/changeset.hpp"
#include "merge/hlc.hpp"
#include "merge/ids.hpp"
#include "merge/record_state.hpp"

namespace canvass::merge::testing {

inline DeviceId device(std::uint8_t n) {
    DeviceId d{};
    d.fill(n);
    return d;
}

inline Uuid uuid(std::uint8_t n) {
    SeededRandom random(n);
    return new_uuid(random);
}

using Values = std::vector<std::optional<std::string>>;

// A device writing changesets for records; its HLC runs on a manual clock.
class Author {
  public:
    explicit Author(std::uint8_t n, std::uint64_t start_ms = 1'700'000'000'000)
        : device_(device(n)), clock_(start_ms), hlc_(clock_) {}

    const DeviceId& id() const { return device_; }
    ManualClock& clock() { return clock_; }

    // The next changeset of this device's chain for `record`, holding `ops`.
    Changeset write(const RecordId& record, std::vector<Op> ops) {
        Changeset cs;
        ChangesetHeader& h = cs.header;
        h.device = device_;
        h.seq = ++seq_;
        h.prev = prev_;
        h.hlc = hlc_.tick();
        h.project = "vendors-2026";
        h.form_id = "street_vendors";
        h.form_version = "v" + std::to_string(device_[0]) + "." + std::to_string(seq_);
        h.record = record;
        h.ops = std::move(ops);
        h.nonce.fill(static_cast<std::uint8_t>(seq_));
        canonicalize(h);
        cs.ciphertext.assign(8 + h.ops.size(), static_cast<std::uint8_t>(seq_));
        prev_ = changeset_hash(cs);
        return cs;
    }

    // Writes a changeset and merges it into the author's own replica with its values.
    Changeset save(RecordState& replica, std::vector<Op> ops, Values values = {}) {
        Changeset cs = write(replica.id(), std::move(ops));
        auto applied = replica.apply(cs.header, std::move(values));
        if (!applied) throw std::runtime_error(applied.error().describe());
        return cs;
    }

    void observe(std::uint64_t stamp) { hlc_.observe(stamp); }

  private:
    DeviceId device_;
    ManualClock clock_;
    Hlc hlc_;
    std::uint64_t seq_ = 0;
    Hash prev_{};
};

}  // namespace canvass::merge::testing
