#include "sync/outbox.hpp"

#include <algorithm>

namespace canvass::sync {

std::uint64_t Outbox::planned_changesets() const {
    std::uint64_t n = 0;
    for (const auto& r : plan_) n += r.last - r.first + 1;
    return n;
}

Result<Changesets> Outbox::next_batch(std::uint64_t batch_number, std::size_t max_bytes) {
    budget_ = std::min<std::size_t>(limits_.batch_bytes, max_bytes);
    Changesets batch;
    batch.batch = batch_number;
    std::size_t count = 0, bytes = 0;
    while (!plan_.empty()) {
        CANVASS_TRY(bool added, add_run(batch, count, bytes));
        if (!added) break;
    }
    if (batch.runs.empty())  // cannot happen: the first run of a batch always fits
        return unexpected(Domain::core, errc::invalid_argument, "empty batch");
    return batch;
}

Result<bool> Outbox::add_run(Changesets& batch, std::size_t& count, std::size_t& bytes) {
    merge::SeqRange& range = plan_.front();
    for (const auto& run : batch.runs)
        if (run.device == range.device) return false;  // one run per device per batch
    std::size_t room =
        limits_.batch_changesets - std::min<std::size_t>(count, limits_.batch_changesets);
    if (room == 0) return false;
    std::uint64_t last = std::min<std::uint64_t>(range.last, range.first + room - 1);
    CANVASS_TRY(auto changesets, replica_.changesets(range.device, range.first, last));
    // Keep what fits in the byte budget; the first changeset of a batch always goes.
    std::size_t keep = 0, run_size = 0;
    for (; keep < changesets.size(); ++keep) {
        std::size_t n = changesets[keep].size();
        if (count + keep > 0 && bytes + run_size + n > budget_) break;
        run_size += n;
    }
    if (keep == 0) return false;
    last = range.first + keep - 1;
    CANVASS_TRY(auto head, replica_.cover_head(range.device, range.first, last));
    if (!head)
        return unexpected(
            Domain::store, errc::corrupt,
            "no signed head covers changesets of device " + crypto::to_hex(range.device));
    if (head->head.seq > range.last)
        return unexpected(Domain::store, errc::corrupt, "a signed head lies beyond the chain");
    if (head->head.seq > last) {
        // Only a larger cut is signed: send it alone, in its own batch.
        if (count > 0) return false;
        last = head->head.seq;
        CANVASS_TRY(changesets, replica_.changesets(range.device, range.first, last));
    } else {
        changesets.resize(head->head.seq - range.first + 1);
        last = head->head.seq;
    }
    ChainRun run;
    run.device = range.device;
    run.key = head->key;
    run.head = HeadSignature{head->head.seq, head->head.hash, head->head.signature};
    run.changesets = std::move(changesets);
    if (granted_.insert(range.device).second) {
        CANVASS_TRY(run.grants, replica_.grants(range.device));
    }
    count += run.changesets.size();
    bytes += run_bytes(run);
    batch.runs.push_back(std::move(run));
    if (last >= range.last)
        plan_.pop_front();
    else
        range.first = last + 1;
    return true;
}

}  // namespace canvass::sync
