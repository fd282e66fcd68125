#include "merge/record_view.hpp"

#include "merge/authority.hpp"

#include <algorithm>
#include <unordered_map>

namespace canvass::merge {

namespace {

OrderKey order_key(const OpId& id, std::uint64_t hlc) {
    return OrderKey{hlc, id.device, id.seq, id.index};
}

// Whether the instance or record immediately enclosing `path` is deleted, given the
// effective flags of every instance that sorts before it.
bool parent_deleted(std::string_view path, bool record_deleted,
                    const std::unordered_map<std::string_view, bool>& instance_deleted) {
    auto enclosing = enclosing_instances(path);
    if (!enclosing.empty() && enclosing.back() == path) enclosing.pop_back();
    if (enclosing.empty()) return record_deleted;
    auto it = instance_deleted.find(enclosing.back());
    return it != instance_deleted.end() && it->second;
}

FieldView field_view(const RecordState& state, const std::string& path,
                     const std::vector<OpId>& ids) {
    FieldView field{path, {}, false};
    for (const OpId& id : ids) {
        const LiveOp* op = state.find(id);
        field.candidates.push_back(Candidate{id, op->hlc, op->value});
    }
    std::sort(field.candidates.begin(), field.candidates.end(),
              [](const Candidate& a, const Candidate& b) {
                  return order_key(b.op, b.hlc) < order_key(a.op, a.hlc);
              });
    return field;
}

}  // namespace

bool RecordView::has_conflicts() const {
    if (status.conflict) return true;
    for (const auto& f : fields)
        if (f.conflict() && !f.deleted) return true;
    for (const auto& r : repeats)
        for (const auto& i : r.instances)
            if (i.status.conflict) return true;
    return false;
}

RecordView make_view(const RecordState& state) {
    RecordView view;
    view.id = state.id();
    view.meta = state.meta();
    view.edits = state.edits();
    view.devices = state.devices();
    view.status = state.delete_status("");
    const bool record_deleted = view.status.deleted;

    // Instances sort after their enclosing instance, so parents are settled first.
    std::unordered_map<std::string_view, bool> instance_deleted;
    std::map<std::string, std::vector<std::pair<OrderKey, InstanceView>>> by_repeat;
    for (const auto& [path, key] : state.instances()) {
        auto ref = split_instance(path);
        InstanceView inst{path, ref->id, state.delete_status(path), false};
        inst.deleted =
            inst.status.deleted || parent_deleted(path, record_deleted, instance_deleted);
        instance_deleted.emplace(path, inst.deleted);
        by_repeat[ref->repeat].emplace_back(key, std::move(inst));
    }
    for (auto& [repeat, entries] : by_repeat) {
        std::sort(entries.begin(), entries.end(),
                  [](const auto& a, const auto& b) { return a.first < b.first; });
        RepeatView rv{repeat, {}};
        for (auto& e : entries) rv.instances.push_back(std::move(e.second));
        view.repeats.push_back(std::move(rv));
    }

    for (const auto& [path, ids] : state.registers()) {
        if (path_kind(path) != PathKind::field) continue;
        FieldView field = field_view(state, path, ids);
        field.deleted = parent_deleted(path, record_deleted, instance_deleted);
        if (path == kReviewPath) {
            view.review = std::move(field);
            continue;
        }
        view.fields.push_back(std::move(field));
    }
    return view;
}

}  // namespace canvass::merge
