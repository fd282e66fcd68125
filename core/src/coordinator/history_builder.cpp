#include "coordinator/history_builder.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "merge/authority.hpp"

namespace canvass::coordinator {

namespace {

ChangeKind kind_of(merge::OpKind k) {
    switch (k) {
        case merge::OpKind::set:
            return ChangeKind::answer;
        case merge::OpKind::delete_record:
            return ChangeKind::delete_record;
        case merge::OpKind::delete_instance:
            return ChangeKind::delete_instance;
        case merge::OpKind::keep:
            return ChangeKind::keep;
    }
    return ChangeKind::answer;
}

}  // namespace

void HistoryBuilder::add(const merge::ChangesetHeader& h,
                         const std::vector<std::optional<std::string>>& values, bool readable) {
    Pending p;
    p.entry.device = h.device;
    p.entry.seq = h.seq;
    p.entry.hlc = h.hlc;
    p.entry.form_version = h.form_version;
    p.entry.readable = readable;
    p.creates_record = merge::creates_record(h);
    for (std::size_t i = 0; i < h.ops.size(); ++i) {
        const auto& op = h.ops[i];
        FieldChange change;
        change.path = op.path;
        change.kind = kind_of(op.kind);
        change.readable = readable;
        if (readable && op.kind == merge::OpKind::set && i < values.size())
            change.value = values[i];
        p.entry.changes.push_back(std::move(change));
        p.supersedes.push_back(op.supersedes);
    }
    pending_.push_back(std::move(p));
}

std::vector<HistoryEntry> HistoryBuilder::finish(const merge::DeviceId& creator) && {
    std::sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
        return std::tie(a.entry.hlc, a.entry.device, a.entry.seq) <
               std::tie(b.entry.hlc, b.entry.device, b.entry.seq);
    });
    // Every op held, by id: what a later change may have replaced.
    std::map<merge::OpId, std::pair<std::size_t, std::size_t>> ops;
    for (std::size_t e = 0; e < pending_.size(); ++e) {
        const auto& entry = pending_[e].entry;
        for (std::size_t c = 0; c < entry.changes.size(); ++c)
            ops.emplace(merge::OpId{entry.device, entry.seq, static_cast<std::uint32_t>(c)},
                        std::pair(e, c));
    }
    bool any_creates = std::any_of(pending_.begin(), pending_.end(),
                                   [](const Pending& p) { return p.creates_record; });
    // First what each change replaced (earlier entries are read, so nothing moves yet).
    std::vector<std::vector<std::vector<Replaced>>> replaced(pending_.size());
    for (std::size_t e = 0; e < pending_.size(); ++e) {
        const auto& p = pending_[e];
        replaced[e].resize(p.entry.changes.size());
        for (std::size_t c = 0; c < p.entry.changes.size(); ++c) {
            auto& list = replaced[e][c];
            for (const auto& id : p.supersedes[c]) {
                auto it = ops.find(id);
                if (it == ops.end()) continue;
                const auto& by = pending_[it->second.first].entry;
                const auto& old = by.changes[it->second.second];
                if (old.path != p.entry.changes[c].path)
                    continue;  // covered by a delete, not replaced
                list.push_back(Replaced{id, by.hlc, old.kind, old.value, old.readable});
            }
            std::sort(list.begin(), list.end(), [](const Replaced& a, const Replaced& b) {
                return std::tie(b.hlc, b.op) < std::tie(a.hlc, a.op);
            });
        }
    }
    std::vector<HistoryEntry> out;
    out.reserve(pending_.size());
    for (std::size_t e = 0; e < pending_.size(); ++e) {
        auto& p = pending_[e];
        for (std::size_t c = 0; c < p.entry.changes.size(); ++c)
            p.entry.changes[c].replaced = std::move(replaced[e][c]);
        p.entry.creates = p.creates_record || (!any_creates && e == 0);
        p.entry.by_creator = p.entry.device == creator;
        out.push_back(std::move(p.entry));
    }
    return out;
}

}  // namespace canvass::coordinator
