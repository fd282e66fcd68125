#include "merge/record_state.hpp"

#include <algorithm>
#include <unordered_set>

namespace canvass::merge {

namespace {

Unexpected<Error> refuse(int code, const std::string& message) {
    return unexpected(Domain::protocol, code, "merge: " + message);
}

// Sorted, duplicate-free insertion into a small vector.
template <class T>
void insert_sorted(std::vector<T>& v, const T& x) {
    auto it = std::lower_bound(v.begin(), v.end(), x);
    if (it == v.end() || !(*it == x)) v.insert(it, x);
}

bool is_delete(OpKind k) {
    return k == OpKind::delete_record || k == OpKind::delete_instance;
}

}  // namespace

Result<Applied> RecordState::apply(const ChangesetHeader& h,
                                   std::vector<std::optional<std::string>> values) {
    CANVASS_TRY_VOID(validate(h));
    if (h.record != id_) return refuse(errc::invalid_argument, "changeset of another record");
    if (!values.empty() && values.size() != h.ops.size())
        return refuse(errc::invalid_argument, "one value per op expected");
    const Hash header_hash = crypto::blake2b_256(encode_header(h));
    const ChangesetKey key{h.device, h.seq};
    if (auto it = changesets_.find(key); it != changesets_.end()) {
        if (it->second != header_hash)
            return refuse(errc::already_exists,
                          "equivocation: two different changesets with one device and seq");
        fill_values(h, values);
        return Applied::duplicate;
    }
    changesets_.emplace(key, header_hash);
    note_meta(h);
    for (std::size_t i = 0; i < h.ops.size(); ++i) {
        std::optional<std::string> value;
        if (!values.empty() && h.ops[i].kind == OpKind::set) value = std::move(values[i]);
        arrive(op_id(h, i), h.ops[i], h.hlc, std::move(value));
    }
    // Entries waiting for this changeset are resolved now, including any naming an index
    // it does not have (such an op will never arrive).
    pending_.erase(pending_.lower_bound(OpId{h.device, h.seq, 0}),
                   pending_.upper_bound(OpId{h.device, h.seq, UINT32_MAX}));
    for (const Op& op : h.ops)
        for (const OpId& target : op.supersedes) reference(target, op.path);
    return Applied::merged;
}

void RecordState::note_meta(const ChangesetHeader& h) {
    const OrderKey key{h.hlc, h.device, h.seq, 0};
    if (changesets_.size() == 1 || meta_.latest < key) {
        meta_.latest = key;
        meta_.project = h.project;
        meta_.form_id = h.form_id;
        meta_.form_version = h.form_version;
    }
    if (changesets_.size() == 1 || h.hlc < meta_.created) meta_.created = h.hlc;
    meta_.updated = std::max(meta_.updated, h.hlc);
}

void RecordState::note_instances(const std::string& path, const OrderKey& key) {
    for (std::string_view instance : enclosing_instances(path)) {
        auto it = instances_.find(instance);
        if (it == instances_.end()) {
            instances_.emplace(std::string(instance), key);
        } else if (key < it->second) {
            it->second = key;
        }
    }
}

void RecordState::arrive(const OpId& id, const Op& op, std::uint64_t hlc,
                         std::optional<std::string> value) {
    note_instances(op.path, OrderKey{hlc, id.device, id.seq, id.index});
    if (auto it = pending_.find(id); it != pending_.end()) {
        const auto& by_paths = it->second;
        if (std::binary_search(by_paths.begin(), by_paths.end(), op.path)) return;  // superseded
    }
    LiveOp live{op.kind, op.path, hlc, std::move(value), {}};
    if (is_delete(op.kind)) {
        live.covers = op.supersedes;
        std::sort(live.covers.begin(), live.covers.end());
        live.covers.erase(std::unique(live.covers.begin(), live.covers.end()), live.covers.end());
    }
    insert_sorted(registers_[op.path], id);
    live_.emplace(id, std::move(live));
}

void RecordState::reference(const OpId& target, const std::string& by_path) {
    if (changesets_.count(ChangesetKey{target.device, target.seq}) == 0) {
        insert_sorted(pending_[target], by_path);
        return;
    }
    // The target's changeset is merged: supersede it now if it is live at the same path;
    // an entry naming another path (a delete's covered ops) never removes anything.
    auto it = live_.find(target);
    if (it != live_.end() && it->second.path == by_path) kill(target);
}

void RecordState::kill(const OpId& id) {
    auto it = live_.find(id);
    auto reg = registers_.find(it->second.path);
    auto& ids = reg->second;
    ids.erase(std::lower_bound(ids.begin(), ids.end(), id));
    if (ids.empty()) registers_.erase(reg);
    live_.erase(it);
}

void RecordState::fill_values(const ChangesetHeader& h,
                              std::vector<std::optional<std::string>>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!values[i]) continue;
        auto it = live_.find(op_id(h, i));
        if (it != live_.end() && it->second.kind == OpKind::set && !it->second.value)
            it->second.value = std::move(values[i]);
    }
}

std::vector<DeviceId> RecordState::devices() const {
    std::vector<DeviceId> out;
    for (const auto& [key, hash] : changesets_)
        if (out.empty() || out.back() != key.device) out.push_back(key.device);
    return out;
}

bool RecordState::has_changeset(const DeviceId& device, std::uint64_t seq) const {
    return changesets_.count(ChangesetKey{device, seq}) != 0;
}

std::vector<OpId> RecordState::live_ops(std::string_view path) const {
    auto it = registers_.find(path);
    return it == registers_.end() ? std::vector<OpId>{} : it->second;
}

std::vector<OpId> RecordState::live_ops_inside(std::string_view prefix) const {
    std::vector<OpId> out;
    // Paths inside a prefix share the text `prefix/`, so they are one range of the map.
    const std::string start = prefix.empty() ? std::string() : std::string(prefix) + '/';
    for (auto it = registers_.lower_bound(start); it != registers_.end(); ++it) {
        if (!is_inside(it->first, prefix)) {
            if (prefix.empty()) continue;  // only "" itself sorts first
            break;
        }
        out.insert(out.end(), it->second.begin(), it->second.end());
    }
    std::sort(out.begin(), out.end());
    return out;
}

const LiveOp* RecordState::find(const OpId& id) const {
    auto it = live_.find(id);
    return it == live_.end() ? nullptr : &it->second;
}

DeleteStatus RecordState::delete_status(std::string_view prefix) const {
    auto reg = registers_.find(prefix);
    if (reg == registers_.end()) return {};
    bool any_keep = false;
    bool any_delete = false;
    std::unordered_set<OpId, OpIdHash> covered;
    for (const OpId& id : reg->second) {
        const LiveOp& op = live_.at(id);
        if (is_delete(op.kind)) {
            any_delete = true;
            covered.insert(op.covers.begin(), op.covers.end());
        } else {
            any_keep = true;
        }
    }
    if (!any_delete) return {};
    bool uncovered_edit = false;
    for (const OpId& id : live_ops_inside(prefix)) {
        if (live_.at(id).kind == OpKind::set && covered.count(id) == 0) {
            uncovered_edit = true;
            break;
        }
    }
    return DeleteStatus{!any_keep && !uncovered_edit, any_keep || uncovered_edit};
}

Op set_op(const RecordState& state, std::string path) {
    Op op{std::move(path), OpKind::set, {}};
    op.supersedes = state.live_ops(op.path);
    return op;
}

Op delete_record_op(const RecordState& state) {
    Op op{"", OpKind::delete_record, state.live_ops_inside("")};
    const auto here = state.live_ops("");
    op.supersedes.insert(op.supersedes.end(), here.begin(), here.end());
    std::sort(op.supersedes.begin(), op.supersedes.end());
    return op;
}

Op delete_instance_op(const RecordState& state, std::string instance_path) {
    Op op{std::move(instance_path), OpKind::delete_instance, {}};
    op.supersedes = state.live_ops_inside(op.path);
    const auto here = state.live_ops(op.path);
    op.supersedes.insert(op.supersedes.end(), here.begin(), here.end());
    std::sort(op.supersedes.begin(), op.supersedes.end());
    return op;
}

Op keep_op(const RecordState& state, std::string path) {
    Op op{std::move(path), OpKind::keep, {}};
    op.supersedes = state.live_ops(op.path);
    return op;
}

}  // namespace canvass::merge
