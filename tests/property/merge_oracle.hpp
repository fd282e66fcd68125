// An independent, deliberately naive model of the merge rules (schemas/protocol/
// changeset.md, "Merge"), computed from the raw set of changesets with no incremental
// state, to check what RecordState and make_view report.
#pragma once

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "merge/changeset.hpp"
#include "merge/path.hpp"
#include "merge/record_state.hpp"

namespace canvass::merge::oracle {

struct ModelOp {
    OpId id;
    std::string path;
    OpKind kind;
    std::uint64_t hlc;
    std::vector<OpId> supersedes;
    OrderKey key() const { return OrderKey{hlc, id.device, id.seq, id.index}; }
};

struct Model {
    std::vector<ModelOp> ops;   // every op received
    std::vector<ModelOp> live;  // those no op at the same path supersedes

    explicit Model(const std::vector<const ChangesetHeader*>& headers) {
        std::set<std::pair<OpId, std::string>> superseded;
        for (const auto* h : headers) {
            for (std::size_t i = 0; i < h->ops.size(); ++i) {
                const Op& op = h->ops[i];
                ops.push_back(ModelOp{op_id(*h, i), op.path, op.kind, h->hlc, op.supersedes});
                for (const OpId& t : op.supersedes) superseded.insert({t, op.path});
            }
        }
        for (const auto& op : ops)
            if (!superseded.count({op.id, op.path})) live.push_back(op);
    }

    // Live set ops of a field, the displayed winner first.
    std::vector<ModelOp> candidates(const std::string& path) const {
        std::vector<ModelOp> out;
        for (const auto& op : live)
            if (op.kind == OpKind::set && op.path == path) out.push_back(op);
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return b.key() < a.key(); });
        return out;
    }

    std::set<std::string> field_paths() const {
        std::set<std::string> out;
        for (const auto& op : live)
            if (op.kind == OpKind::set) out.insert(op.path);
        return out;
    }

    DeleteStatus status(const std::string& prefix) const {
        bool any_delete = false, any_keep = false;
        std::set<OpId> covered;
        for (const auto& op : live) {
            if (op.path != prefix) continue;
            if (op.kind == OpKind::keep) {
                any_keep = true;
            } else {
                any_delete = true;
                covered.insert(op.supersedes.begin(), op.supersedes.end());
            }
        }
        if (!any_delete) return {};
        bool uncovered = false;
        for (const auto& op : live)
            if (op.kind == OpKind::set && is_inside(op.path, prefix) && !covered.count(op.id))
                uncovered = true;
        return DeleteStatus{!any_keep && !uncovered, any_keep || uncovered};
    }

    // Hidden: the record or an instance enclosing `path` (or `path` itself) is deleted.
    bool hidden(const std::string& path) const {
        if (status("").deleted) return true;
        for (auto inst : enclosing_instances(path))
            if (status(std::string(inst)).deleted) return true;
        return false;
    }

    // Instance path -> smallest key of the ops at or inside it.
    std::map<std::string, OrderKey> instances() const {
        std::map<std::string, OrderKey> out;
        for (const auto& op : ops) {
            for (auto inst : enclosing_instances(op.path)) {
                auto [it, inserted] = out.try_emplace(std::string(inst), op.key());
                if (!inserted) it->second = std::min(it->second, op.key());
            }
        }
        return out;
    }
};

}  // namespace canvass::merge::oracle
