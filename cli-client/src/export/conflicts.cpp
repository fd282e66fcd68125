#include "export/conflicts.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "export/cells.hpp"

namespace canvass::cli::exporting {

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

}  // namespace

std::vector<Conflict> conflicts_of(const merge::RecordView& view, const merge::RecordState* state) {
    std::vector<Conflict> out;
    auto add_delete = [&](const std::string& path) {
        Conflict c{path, true, {}};
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
        Conflict c{f.path, false, {}};
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
    return out;
}

std::string candidate_text(const ConflictCandidate& c, const char* unreadable) {
    auto answer = [&]() -> std::string {
        if (!c.readable) return unreadable;
        auto v = nlohmann::json::parse(*c.value, nullptr, false);
        if (v.is_discarded()) return *c.value;
        if (v.is_null()) return "(cleared)";
        return cell_text(v);
    };
    switch (c.kind) {
        case CandidateKind::deleted: return "(deleted)";
        case CandidateKind::kept: return "(kept)";
        case CandidateKind::edited: return "(edited " + c.edited_path + ": " + answer() + ")";
        case CandidateKind::value: return answer();
    }
    return {};
}

}  // namespace canvass::cli::exporting
