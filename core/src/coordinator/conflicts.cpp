#include "coordinator/conflicts.hpp"

#include <algorithm>
#include <tuple>

#include "merge/record_state.hpp"
#include "merge/record_view.hpp"

namespace canvass::coordinator {

namespace {

ConflictCandidate of_live(const merge::OpId& id, const merge::LiveOp& op) {
    ConflictCandidate c;
    c.device = id.device;
    c.hlc = op.hlc;
    if (op.kind == merge::OpKind::keep) {
        c.kind = CandidateKind::kept;
    } else if (op.kind == merge::OpKind::set) {
        c.kind = CandidateKind::edited;
        c.edited_path = op.path;
        c.value = op.value;
        c.readable = op.value.has_value();
    } else {
        c.kind = CandidateKind::deleted;
    }
    return c;
}

// Deletes and keeps at `prefix`, then the edits inside it that no live delete covers.
std::vector<ConflictCandidate> delete_candidates(const merge::RecordState& state,
                                                 const std::string& prefix) {
    std::vector<ConflictCandidate> out;
    std::vector<merge::OpId> covered;
    if (auto reg = state.registers().find(prefix); reg != state.registers().end()) {
        for (const auto& id : reg->second) {
            const auto* op = state.find(id);
            if (!op) continue;
            out.push_back(of_live(id, *op));
            covered.insert(covered.end(), op->covers.begin(), op->covers.end());
        }
    }
    std::sort(covered.begin(), covered.end());
    for (const auto& id : state.live_ops_inside(prefix)) {
        const auto* op = state.find(id);
        if (!op || op->kind != merge::OpKind::set) continue;
        if (std::binary_search(covered.begin(), covered.end(), id)) continue;
        out.push_back(of_live(id, *op));
    }
    std::sort(out.begin(), out.end(), [](const ConflictCandidate& a, const ConflictCandidate& b) {
        return std::tie(b.hlc, b.device) < std::tie(a.hlc, a.device);
    });
    return out;
}

CandidateKind candidate_kind(ChangeKind k) {
    switch (k) {
        case ChangeKind::answer:
            return CandidateKind::value;
        case ChangeKind::keep:
            return CandidateKind::kept;
        case ChangeKind::delete_record:
        case ChangeKind::delete_instance:
            return CandidateKind::deleted;
    }
    return CandidateKind::value;
}

// A conflict settled by `change` of `entry`.
Conflict resolved_by(const HistoryEntry& entry, const FieldChange& change) {
    Conflict c;
    c.path = change.path;
    c.delete_conflict = change.kind != ChangeKind::answer;
    c.resolved = true;
    for (const auto& r : change.replaced) {
        ConflictCandidate cand;
        cand.kind = candidate_kind(r.kind);
        cand.value = r.value;
        cand.readable = r.readable;
        cand.device = r.op.device;
        cand.hlc = r.hlc;
        c.candidates.push_back(std::move(cand));
    }
    ConflictCandidate settled;
    settled.kind = candidate_kind(change.kind);
    settled.value = change.value;
    settled.readable = change.readable;
    settled.device = entry.device;
    settled.hlc = entry.hlc;
    settled.shown = true;
    c.resolution = std::move(settled);
    return c;
}

}  // namespace

std::vector<Conflict> conflicts_of(const merge::RecordView& view, const merge::RecordState* state,
                                   std::span<const HistoryEntry> history, ConflictScope scope) {
    std::vector<Conflict> out;
    auto add_delete = [&](const std::string& path) {
        Conflict c{path, true, false, {}, std::nullopt};
        if (state) c.candidates = delete_candidates(*state, path);
        out.push_back(std::move(c));
    };
    if (view.status.conflict) add_delete("");
    for (const auto& r : view.repeats) {
        for (const auto& i : r.instances) {
            if (i.status.conflict && !i.deleted) add_delete(i.path);
        }
    }
    for (const auto& f : view.fields) {
        if (f.deleted || !f.conflict()) continue;
        Conflict c{f.path, false, false, {}, std::nullopt};
        for (std::size_t i = 0; i < f.candidates.size(); ++i) {
            const auto& cand = f.candidates[i];
            ConflictCandidate cc;
            cc.value = cand.value;
            cc.readable = cand.value.has_value();
            cc.device = cand.op.device;
            cc.hlc = cand.hlc;
            cc.shown = i == 0;
            c.candidates.push_back(std::move(cc));
        }
        out.push_back(std::move(c));
    }
    if (scope == ConflictScope::resolved_too) {
        for (const auto& entry : history) {
            for (const auto& change : entry.changes) {
                if (change.resolves()) out.push_back(resolved_by(entry, change));
            }
        }
    }
    return out;
}

}  // namespace canvass::coordinator
