// Serialization of RecordState (format described in schemas/protocol/changeset.md,
// "Record state"): what the device store persists, encrypted, one record per row.
#include <algorithm>

#include "merge/codec.hpp"
#include "merge/record_state.hpp"

namespace canvass::merge {

namespace {

constexpr std::uint8_t kStateFormat = 1;

void write_op_id(Writer& w, const OpId& id) {
    w.fixed(id.device);
    w.varint(id.seq);
    w.varint(id.index);
}

void write_order_key(Writer& w, const OrderKey& k) {
    w.varint(k.hlc);
    write_op_id(w, OpId{k.device, k.seq, k.index});
}

Result<OpId> read_op_id(Reader& r) {
    OpId id;
    CANVASS_TRY(id.device, r.fixed<16>("op device"));
    CANVASS_TRY(id.seq, r.varint("op seq"));
    CANVASS_TRY(const std::uint64_t index, r.varint("op index", kMaxOps - 1));
    id.index = static_cast<std::uint32_t>(index);
    if (id.seq == 0) return r.fail("op seq", "zero");
    return id;
}

// Seq 0 is allowed here: the `latest` key of a record that has merged nothing yet.
Result<OrderKey> read_order_key(Reader& r) {
    OrderKey k;
    CANVASS_TRY(k.hlc, r.varint("hlc"));
    CANVASS_TRY(k.device, r.fixed<16>("order device"));
    CANVASS_TRY(k.seq, r.varint("order seq"));
    CANVASS_TRY(const std::uint64_t index, r.varint("order index", kMaxOps - 1));
    k.index = static_cast<std::uint32_t>(index);
    return k;
}

bool kind_fits(OpKind kind, std::string_view path) {
    const auto pk = path_kind(path);
    if (!pk) return false;
    switch (kind) {
        case OpKind::set:
            return *pk == PathKind::field;
        case OpKind::delete_record:
            return *pk == PathKind::record;
        case OpKind::delete_instance:
            return *pk == PathKind::instance;
        case OpKind::keep:
            return *pk != PathKind::field;
    }
    return false;
}

}  // namespace

// Friend of RecordState: reads and writes its private members.
class RecordStateCodec {
  public:
    static void write(Writer& w, const RecordState& s);
    static Result<RecordState> read(Reader& r);

  private:
    static void write_live(Writer& w, const RecordState& s);
    static Result<void> read_meta(Reader& r, RecordState& s);
    static Result<void> read_changesets(Reader& r, RecordState& s);
    static Result<void> read_live(Reader& r, RecordState& s);
    static Result<void> read_pending(Reader& r, RecordState& s);
    static Result<void> read_instances(Reader& r, RecordState& s);
};

void RecordStateCodec::write(Writer& w, const RecordState& s) {
    w.byte(kStateFormat);
    w.fixed(s.id_);
    w.string(s.meta_.project);
    w.string(s.meta_.form_id);
    w.string(s.meta_.form_version);
    write_order_key(w, s.meta_.latest);
    w.varint(s.meta_.created);
    w.varint(s.meta_.updated);
    w.varint(s.changesets_.size());
    for (const auto& [key, hash] : s.changesets_) {
        w.fixed(key.device);
        w.varint(key.seq);
        w.fixed(hash);
    }
    write_live(w, s);
    w.varint(s.pending_.size());
    for (const auto& [target, paths] : s.pending_) {
        write_op_id(w, target);
        w.varint(paths.size());
        for (const auto& p : paths) w.string(p);
    }
    w.varint(s.instances_.size());
    for (const auto& [path, key] : s.instances_) {
        w.string(path);
        write_order_key(w, key);
    }
}

// Live ops in op id order, so one state has one serialization.
void RecordStateCodec::write_live(Writer& w, const RecordState& s) {
    std::vector<const std::pair<const OpId, LiveOp>*> order;
    order.reserve(s.live_.size());
    for (const auto& entry : s.live_) order.push_back(&entry);
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first < b->first; });
    w.varint(order.size());
    for (const auto* entry : order) {
        const LiveOp& op = entry->second;
        write_op_id(w, entry->first);
        w.byte(static_cast<std::uint8_t>(op.kind));
        w.string(op.path);
        w.varint(op.hlc);
        w.byte(op.value ? 1 : 0);
        if (op.value) w.string(*op.value);
        w.varint(op.covers.size());
        for (const OpId& c : op.covers) write_op_id(w, c);
    }
}

Result<void> RecordStateCodec::read_meta(Reader& r, RecordState& s) {
    CANVASS_TRY(s.meta_.project, r.string("project", kMaxNameBytes));
    CANVASS_TRY(s.meta_.form_id, r.string("form id", kMaxNameBytes));
    CANVASS_TRY(s.meta_.form_version, r.string("form version", kMaxNameBytes));
    CANVASS_TRY(s.meta_.latest, read_order_key(r));
    CANVASS_TRY(s.meta_.created, r.varint("created"));
    CANVASS_TRY(s.meta_.updated, r.varint("updated"));
    if (s.meta_.created > s.meta_.updated) return r.fail("created", "after updated");
    return {};
}

Result<void> RecordStateCodec::read_changesets(Reader& r, RecordState& s) {
    CANVASS_TRY(const std::uint64_t n, r.varint("changeset count"));
    for (std::uint64_t i = 0; i < n; ++i) {
        ChangesetKey key;
        CANVASS_TRY(key.device, r.fixed<16>("changeset device"));
        CANVASS_TRY(key.seq, r.varint("changeset seq"));
        CANVASS_TRY(const Hash hash, r.fixed<32>("changeset hash"));
        if (key.seq == 0) return r.fail("changeset seq", "zero");
        if (!s.changesets_.empty() && !(s.changesets_.rbegin()->first < key))
            return r.fail("changesets", "not sorted");
        s.changesets_.emplace_hint(s.changesets_.end(), key, hash);
    }
    return {};
}

Result<void> RecordStateCodec::read_live(Reader& r, RecordState& s) {
    CANVASS_TRY(const std::uint64_t n, r.varint("live op count"));
    OpId last{};
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(const OpId id, read_op_id(r));
        if (i > 0 && !(last < id)) return r.fail("live ops", "not sorted");
        last = id;
        if (s.changesets_.count(ChangesetKey{id.device, id.seq}) == 0)
            return r.fail("live op", "of a changeset not merged");
        LiveOp op;
        CANVASS_TRY(const std::uint8_t kind, r.byte("op kind"));
        op.kind = static_cast<OpKind>(kind);
        CANVASS_TRY(op.path, r.string("op path", kMaxPathBytes));
        if (!kind_fits(op.kind, op.path)) return r.fail("op path", "does not fit the op kind");
        CANVASS_TRY(op.hlc, r.varint("op hlc"));
        CANVASS_TRY(const std::uint8_t has_value, r.byte("value flag"));
        if (has_value > 1 || (has_value && op.kind != OpKind::set))
            return r.fail("value flag", "invalid");
        if (has_value) {
            CANVASS_TRY(op.value, r.string("value", kMaxCiphertextBytes));
        }
        CANVASS_TRY(const std::uint64_t n_covers, r.varint("cover count"));
        const bool deletes = op.kind == OpKind::delete_record || op.kind == OpKind::delete_instance;
        if (n_covers > 0 && !deletes) return r.fail("covers", "on an op that is not a delete");
        for (std::uint64_t c = 0; c < n_covers; ++c) {
            CANVASS_TRY(const OpId cover, read_op_id(r));
            if (!op.covers.empty() && !(op.covers.back() < cover))
                return r.fail("covers", "not sorted");
            op.covers.push_back(cover);
        }
        s.registers_[op.path].push_back(id);  // ids arrive sorted, so registers stay sorted
        s.live_.emplace(id, std::move(op));
    }
    return {};
}

Result<void> RecordStateCodec::read_pending(Reader& r, RecordState& s) {
    CANVASS_TRY(const std::uint64_t n, r.varint("pending count"));
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(const OpId target, read_op_id(r));
        if (!s.pending_.empty() && !(s.pending_.rbegin()->first < target))
            return r.fail("pending", "not sorted");
        if (s.changesets_.count(ChangesetKey{target.device, target.seq}) != 0)
            return r.fail("pending", "waits for a merged changeset");
        CANVASS_TRY(const std::uint64_t n_paths, r.varint("pending path count"));
        if (n_paths == 0) return r.fail("pending", "no path");
        std::vector<std::string> paths;
        for (std::uint64_t p = 0; p < n_paths; ++p) {
            CANVASS_TRY(std::string path, r.string("pending path", kMaxPathBytes));
            if (!path_kind(path)) return r.fail("pending path", "malformed");
            if (!paths.empty() && !(paths.back() < path)) return r.fail("pending", "not sorted");
            paths.push_back(std::move(path));
        }
        s.pending_.emplace_hint(s.pending_.end(), target, std::move(paths));
    }
    return {};
}

Result<void> RecordStateCodec::read_instances(Reader& r, RecordState& s) {
    CANVASS_TRY(const std::uint64_t n, r.varint("instance count"));
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(std::string path, r.string("instance path", kMaxPathBytes));
        if (path_kind(path) != PathKind::instance) return r.fail("instance path", "malformed");
        if (!s.instances_.empty() && !(s.instances_.rbegin()->first < path))
            return r.fail("instances", "not sorted");
        CANVASS_TRY(const OrderKey key, read_order_key(r));
        s.instances_.emplace_hint(s.instances_.end(), std::move(path), key);
    }
    return {};
}

Result<RecordState> RecordStateCodec::read(Reader& r) {
    CANVASS_TRY(const std::uint8_t format, r.byte("format"));
    if (format != kStateFormat) return r.fail("format", "unsupported " + std::to_string(format));
    CANVASS_TRY(const RecordId id, r.fixed<16>("record"));
    RecordState s(id);
    CANVASS_TRY_VOID(read_meta(r, s));
    CANVASS_TRY_VOID(read_changesets(r, s));
    CANVASS_TRY_VOID(read_live(r, s));
    CANVASS_TRY_VOID(read_pending(r, s));
    CANVASS_TRY_VOID(read_instances(r, s));
    CANVASS_TRY_VOID(r.finish());
    return s;
}

std::vector<std::uint8_t> RecordState::serialize() const {
    Writer w;
    RecordStateCodec::write(w, *this);
    return w.take();
}

Result<RecordState> RecordState::deserialize(std::span<const std::uint8_t> bytes) {
    Reader r(bytes, "record state");
    return RecordStateCodec::read(r);
}

}  // namespace canvass::merge
