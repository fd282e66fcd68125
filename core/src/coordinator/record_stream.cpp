#include "coordinator/record_stream.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "coordinator/record_loader.hpp"
#include "crypto/hash.hpp"

namespace canvass::coordinator {

namespace {

// Records loaded together: their changesets are read in runs of consecutive seqs per device,
// and held only while the window is written.
constexpr std::size_t kWindow = 128;

}  // namespace

RecordStream::RecordStream(ChainSource& source, const crypto::DhKeyPair& key, Keep keep)
    : source_(&source), loader_(std::make_unique<RecordLoader>(source, key, keep)) {}

RecordStream::RecordStream(RecordStream&&) noexcept = default;
RecordStream& RecordStream::operator=(RecordStream&&) noexcept = default;
RecordStream::~RecordStream() = default;

Result<RecordStream> RecordStream::open(ChainSource& source, const crypto::DhKeyPair& key,
                                        std::string_view form_id, const Progress& progress,
                                        Keep keep) {
    std::size_t total = 0;
    if (progress) {
        CANVASS_TRY(auto count, source.changeset_count());
        total = count ? static_cast<std::size_t>(*count) : 0;
    }
    RecordStream out(source, key, keep);
    std::map<merge::RecordId, std::uint32_t> index;
    std::map<merge::DeviceId, std::uint32_t> device_index;
    std::vector<std::pair<std::uint32_t, Ref>>
        found;  // (record in records_, changeset), as scanned
    std::size_t seen = 0;
    CANVASS_TRY_VOID(source.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
        if (progress && ++seen % kProgressEvery == 0) progress(seen, total);
        const auto& h = cs.header;
        if (!form_id.empty() && h.form_id != form_id) return {};
        bool readable = false;
        CANVASS_TRY_VOID(out.loader_->decrypt(cs, &out.report_, &out.media_, readable));
        auto [d, new_device] =
            device_index.emplace(h.device, static_cast<std::uint32_t>(out.devices_.size()));
        if (new_device) out.devices_.push_back(h.device);
        auto [it, fresh] = index.emplace(h.record, static_cast<std::uint32_t>(out.records_.size()));
        if (fresh) out.records_.push_back({h.record, h.hlc, 0, 0});
        auto& entry = out.records_[it->second];
        entry.created = std::min(entry.created, h.hlc);
        ++entry.count;
        found.push_back({it->second, {d->second, h.seq}});
        return {};
    }));
    index.clear();
    if (progress) progress(total ? total : seen, total);
    CANVASS_TRY_VOID(out.loader_->check_readable(out.report_));
    // The records in their order, then each one's changesets laid out together.
    std::vector<std::uint32_t> order(out.records_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const auto &x = out.records_[a], &y = out.records_[b];
        return std::pair(x.created, x.id) < std::pair(y.created, y.id);
    });
    std::vector<Entry> sorted;
    sorted.reserve(order.size());
    std::vector<std::uint32_t> place(order.size());  // scanned index -> sorted index
    std::uint32_t next = 0;
    for (std::uint32_t i = 0; i < order.size(); ++i) {
        sorted.push_back(out.records_[order[i]]);
        sorted.back().first = next;
        next += sorted.back().count;
        place[order[i]] = i;
    }
    out.records_ = std::move(sorted);
    out.refs_.resize(found.size());
    std::vector<std::uint32_t> filled(out.records_.size(), 0);
    for (const auto& [record, ref] : found) {
        auto at = place[record];
        out.refs_[out.records_[at].first + filled[at]++] = ref;
    }
    return out;
}

Result<void> RecordStream::for_each(const std::function<Result<void>(Record&)>& fn,
                                    const Progress& progress) {
    for (std::size_t first = 0; first < records_.size(); first += kWindow) {
        std::size_t last = std::min(records_.size(), first + kWindow);
        CANVASS_TRY_VOID(pass_window(first, last, fn));
        if (progress &&
            (last / kProgressEvery != first / kProgressEvery || last == records_.size()))
            progress(last, records_.size());
    }
    return {};
}

Result<void> RecordStream::pass_window(std::size_t first, std::size_t last,
                                       const std::function<Result<void>(Record&)>& fn) {
    // Every changeset of the window, in (device, seq) order: the order of a source's scan,
    // which load_dataset merges them in.
    struct Want {
        std::uint32_t device = 0;
        std::uint64_t seq = 0;
        std::size_t slot = 0;
    };
    std::vector<Want> wants;
    for (std::size_t i = first; i < last; ++i) {
        const auto& e = records_[i];
        for (std::uint32_t r = e.first; r < e.first + e.count; ++r)
            wants.push_back({refs_[r].device, refs_[r].seq, i - first});
    }
    std::sort(wants.begin(), wants.end(), [&](const Want& a, const Want& b) {
        return std::pair(devices_[a.device], a.seq) < std::pair(devices_[b.device], b.seq);
    });
    std::vector<RecordLoader::Partial> partials;
    partials.reserve(last - first);
    for (std::size_t i = first; i < last; ++i) partials.emplace_back(records_[i].id);

    for (std::size_t run = 0; run < wants.size();) {
        std::size_t end = run + 1;
        while (end < wants.size() && wants[end].device == wants[run].device &&
               wants[end].seq == wants[end - 1].seq + 1)
            ++end;
        const auto& device = devices_[wants[run].device];
        std::size_t next = run;
        CANVASS_TRY_VOID(
            source_->for_each_in(device, wants[run].seq, wants[end - 1].seq,
                                 [&](const merge::Changeset& cs) -> Result<void> {
                                     if (next == end || cs.header.seq != wants[next].seq) return {};
                                     return loader_->add(cs, partials[wants[next++].slot]);
                                 }));
        if (next != end) {
            return unexpected(Domain::store, errc::not_found,
                              "changeset " + std::to_string(wants[next].seq) + " of device " +
                                  crypto::to_hex(device) +
                                  " is no longer held here (the store changed during the export?)");
        }
        run = end;
    }
    for (auto& p : partials) {
        Record record = loader_->finish(std::move(p));
        CANVASS_TRY_VOID(fn(record));
    }
    return {};
}

}  // namespace canvass::coordinator
