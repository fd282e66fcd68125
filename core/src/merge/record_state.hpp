// The merged state of ONE record: a pure function of the set of changesets received, in
// any order, with any duplication, through any relay (DESIGN.md section 5).
//
// Rules (schemas/protocol/changeset.md, "Merge"):
// - Each path holds a multi-value register. An op is live unless some received op AT THE
//   SAME PATH lists it in `supersedes`; that op may have arrived before or after it. A new
//   edit supersedes every live op the author saw at its path (see live_ops()).
// - Field paths hold `set` ops. Several live set ops at one path are a conflict; the
//   displayed winner is the greatest (hlc, device, seq, index).
// - The record path "" and instance paths hold delete and keep ops. A delete also lists
//   the ops inside its path that the author saw: those it *covers*; covering never removes
//   a value. A keep supersedes the deletes it saw, which undoes them.
// - A record or instance is deleted iff its path has live ops, all of them deletes, and
//   every live set op inside it is covered by one of those deletes. A live delete beside a
//   live keep, or beside a live set op it does not cover (an edit concurrent with the
//   delete), is a delete conflict: nothing is hidden and the conflict is flagged.
// - A repeat instance exists once any op at or inside its path was received; instances
//   are ordered by the smallest (hlc, device, seq, index) of those ops.
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "canvass/result.hpp"
#include "merge/changeset.hpp"
#include "merge/ids.hpp"

namespace canvass::merge {

// The order used for displayed winners and for instance order.
struct OrderKey {
    std::uint64_t hlc = 0;
    DeviceId device{};
    std::uint64_t seq = 0;
    std::uint32_t index = 0;

    friend auto operator<=>(const OrderKey&, const OrderKey&) = default;
    friend bool operator==(const OrderKey&, const OrderKey&) = default;
};

struct ChangesetKey {
    DeviceId device{};
    std::uint64_t seq = 0;

    friend auto operator<=>(const ChangesetKey&, const ChangesetKey&) = default;
    friend bool operator==(const ChangesetKey&, const ChangesetKey&) = default;
};

// A live op and what the state keeps of it.
struct LiveOp {
    OpKind kind = OpKind::set;
    std::string path;
    std::uint64_t hlc = 0;
    std::optional<std::string> value;  // set ops: the answer's JSON text, if decrypted
    std::vector<OpId> covers;          // delete ops: their supersedes, sorted

    friend bool operator==(const LiveOp&, const LiveOp&) = default;
};

// Facts about the record as a whole.
struct RecordMeta {
    // Project, form and form version of the latest changeset by (hlc, device, seq).
    std::string project;
    std::string form_id;
    std::string form_version;
    OrderKey latest;            // index unused (0)
    std::uint64_t created = 0;  // smallest hlc of its changesets
    std::uint64_t updated = 0;  // greatest hlc of its changesets

    friend bool operator==(const RecordMeta&, const RecordMeta&) = default;
};

struct DeleteStatus {
    bool deleted = false;   // a clean delete: hide it
    bool conflict = false;  // deleted on one device, kept or edited concurrently on another

    friend bool operator==(const DeleteStatus&, const DeleteStatus&) = default;
};

enum class Applied { merged, duplicate };

class RecordState {
  public:
    explicit RecordState(const RecordId& id) : id_(id) {}

    // Merges one changeset. `values` is empty (this replica cannot decrypt) or holds one
    // entry per op, nullopt for ops without a value; values of set ops are kept while the
    // op is live. A changeset already merged (same device and seq, same header) returns
    // `duplicate` and only fills in values that were missing, so the result does not
    // depend on which copy came first. Errors (domain protocol) leave the state unchanged:
    // an invalid header, another record's changeset, a values count that does not match,
    // or a different header for an already merged (device, seq): equivocation, which the
    // caller must detect and keep out of the merge (chain.hpp).
    Result<Applied> apply(const ChangesetHeader& header,
                          std::vector<std::optional<std::string>> values = {});

    const RecordId& id() const { return id_; }
    const RecordMeta& meta() const { return meta_; }
    std::size_t edits() const { return changesets_.size(); }  // changesets merged
    std::vector<DeviceId> devices() const;                    // authors, sorted
    bool has_changeset(const DeviceId& device, std::uint64_t seq) const;
    // Merged changesets -> BLAKE2b-256 of their encoded header.
    const std::map<ChangesetKey, Hash>& changesets() const { return changesets_; }

    // Live ops at exactly `path`, sorted: what a new op at `path` must supersede.
    std::vector<OpId> live_ops(std::string_view path) const;
    // Live ops strictly inside `prefix` (every one for ""), sorted: what a delete covers.
    std::vector<OpId> live_ops_inside(std::string_view prefix) const;
    const LiveOp* find(const OpId& id) const;

    // Delete status of the record ("") or of an instance path, by its own ops only
    // (an instance inside a deleted record is not itself deleted).
    DeleteStatus delete_status(std::string_view prefix) const;

    // Path -> live op ids (unsorted), only non-empty registers, ordered by path.
    const std::map<std::string, std::vector<OpId>, std::less<>>& registers() const {
        return registers_;
    }
    // Instance path -> smallest key of the ops received at or inside it.
    const std::map<std::string, OrderKey, std::less<>>& instances() const { return instances_; }

    // Bytes to persist this state, and back. deserialize() is strict: it refuses
    // anything serialize() cannot produce (Error domain protocol, code corrupt).
    std::vector<std::uint8_t> serialize() const;
    static Result<RecordState> deserialize(std::span<const std::uint8_t> bytes);

    friend bool operator==(const RecordState&, const RecordState&) = default;

  private:
    friend class RecordStateCodec;

    void note_meta(const ChangesetHeader& h);
    void note_instances(const std::string& path, const OrderKey& key);
    void arrive(const OpId& id, const Op& op, std::uint64_t hlc, std::optional<std::string> value);
    void reference(const OpId& target, const std::string& by_path);
    void kill(const OpId& id);
    void fill_values(const ChangesetHeader& h, std::vector<std::optional<std::string>>& values);

    RecordId id_;
    RecordMeta meta_;
    std::map<ChangesetKey, Hash> changesets_;  // merged changesets and their header hashes
    std::unordered_map<OpId, LiveOp, OpIdHash> live_;
    std::map<std::string, std::vector<OpId>, std::less<>> registers_;  // derived from live_
    // Supersedes entries whose target has not arrived: target -> paths of the ops that
    // list it. A target whose changeset was already merged is resolved at once instead.
    std::map<OpId, std::vector<std::string>> pending_;
    std::map<std::string, OrderKey, std::less<>> instances_;
};

// Ops for a new local edit of `state`, superseding what its author can see.
// `path` must be well-formed for the kind (see validate() in changeset.hpp).
Op set_op(const RecordState& state, std::string path);
Op delete_record_op(const RecordState& state);
Op delete_instance_op(const RecordState& state, std::string instance_path);
Op keep_op(const RecordState& state, std::string path);  // "" or an instance path

}  // namespace canvass::merge
