#include "merge/digest.hpp"

#include <algorithm>

#include "merge/codec.hpp"

namespace canvass::merge {

namespace {

// Domain separation: a digest can never be confused with a changeset hash.
constexpr std::string_view kRecordDigestTag = "canvass record digest v1";
constexpr std::string_view kStoreEntryTag = "canvass store entry v1";

void write_op_id(Writer& w, const OpId& id) {
    w.fixed(id.device);
    w.varint(id.seq);
    w.varint(id.index);
}

void write_registers(Writer& w, const RecordState& state) {
    w.varint(state.registers().size());
    for (const auto& [path, ids] : state.registers()) {  // map: sorted by path; ids sorted
        w.string(path);
        w.varint(ids.size());
        for (const OpId& id : ids) {
            const LiveOp* op = state.find(id);
            write_op_id(w, id);
            w.byte(static_cast<std::uint8_t>(op->kind));
            w.varint(op->covers.size());
            for (const OpId& c : op->covers) write_op_id(w, c);
        }
        const auto kind = path_kind(path);
        if (kind == PathKind::record || kind == PathKind::instance) {
            const DeleteStatus st = state.delete_status(path);
            w.byte(static_cast<std::uint8_t>(st.deleted | st.conflict << 1));
        }
    }
}

}  // namespace

Hash record_digest(const RecordState& state) {
    Writer w;
    w.string(kRecordDigestTag);
    w.fixed(state.id());
    const RecordMeta& m = state.meta();
    w.string(m.project);
    w.string(m.form_id);
    w.string(m.form_version);
    w.varint(m.created);
    w.varint(m.updated);
    // Which changesets were merged (the devices and the edit count follow from it).
    // Their hashes are left out: equivocation is kept out of the merge by the caller.
    w.varint(state.changesets().size());
    for (const auto& [key, header_hash] : state.changesets()) {
        w.fixed(key.device);
        w.varint(key.seq);
    }
    write_registers(w, state);
    w.varint(state.instances().size());
    for (const auto& [path, key] : state.instances()) {
        w.string(path);
        w.varint(key.hlc);
        write_op_id(w, OpId{key.device, key.seq, key.index});
    }
    return crypto::blake2b_256(w.buffer());
}

void StoreDigest::toggle(const RecordId& record, const Hash& digest) {
    crypto::Blake2b h;
    h.update(kStoreEntryTag);
    h.update(record);
    h.update(digest);
    const Hash entry = h.finish();
    for (std::size_t i = 0; i < value_.size(); ++i) value_[i] ^= entry[i];
}

}  // namespace canvass::merge
