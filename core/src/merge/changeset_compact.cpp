#include "merge/changeset_compact.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "merge/path.hpp"

namespace canvass::merge::compact {

namespace {

constexpr std::size_t kUuidTextLength = 36;
// The shortest instance segment, `a[<uuid>]`: no path holds more of them than this allows.
constexpr std::size_t kMaxDepth = kMaxPathBytes / (1 + 2 + kUuidTextLength);

// Values in order of first use: index() is a value's place in the table, adding it when new.
template <typename T>
class FirstUse {
  public:
    std::uint64_t index(const T& value) {
        auto [it, added] = at_.try_emplace(value, order_.size());
        if (added) order_.push_back(value);
        return it->second;
    }
    const std::vector<T>& order() const { return order_; }

  private:
    std::map<T, std::uint64_t> at_;
    std::vector<T> order_;
};

struct Tables {
    FirstUse<std::string> names;
    FirstUse<InstanceId> instances;
    FirstUse<DeviceId> devices;  // superseded devices other than the author
};

bool strictly_sorted(const std::vector<OpId>& ids) {
    return std::adjacent_find(ids.begin(), ids.end(),
                              [](const OpId& a, const OpId& b) { return !(a < b); }) == ids.end();
}

// An op's path as references. A path breaking the grammar (a broken precondition) gets the
// name "", which no decoder accepts, so it can never decode as another path.
void write_path(Writer& w, Tables& t, std::string_view path, bool ends_in_field) {
    std::vector<std::string_view> segments;
    for (std::size_t start = 0; !path.empty();) {
        const std::size_t slash = path.find('/', start);
        segments.push_back(
            path.substr(start, slash == std::string_view::npos ? slash : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    const std::size_t depth = segments.size() - (ends_in_field && !segments.empty() ? 1 : 0);
    w.varint(depth);
    for (std::size_t i = 0; i < depth; ++i) {
        const std::string_view seg = segments[i];
        const std::size_t open = seg.find('[');
        std::optional<Uuid> id;
        if (open != std::string_view::npos && seg.size() == open + kUuidTextLength + 2)
            id = parse_uuid(seg.substr(open + 1, kUuidTextLength));
        w.varint(t.names.index(id ? std::string(seg.substr(0, open)) : std::string()));
        w.varint(t.instances.index(id.value_or(InstanceId{})));
    }
    if (ends_in_field)
        w.varint(t.names.index(segments.empty() ? std::string() : std::string(segments.back())));
}

// Sorted op ids, each device as a reference (0: the author) and seq and index as
// differences from the entry before when they share its device (and seq).
void write_supersedes(Writer& w, Tables& t, const DeviceId& author, const std::vector<OpId>& ids) {
    w.varint(ids.size());
    const OpId* prev = nullptr;
    for (const OpId& id : ids) {
        w.varint(id.device == author ? 0 : t.devices.index(id.device) + 1);
        if (prev && prev->device == id.device) {
            w.varint(id.seq - prev->seq);
            w.varint(id.seq == prev->seq ? id.index - prev->index - 1 : id.index);
        } else {
            w.varint(id.seq);
            w.varint(id.index);
        }
        prev = &id;
    }
}

// A table's references as the decoder meets them: each is an earlier entry or the next new one.
struct RefCheck {
    const char* table;
    std::size_t size;
    std::size_t seen = 0;
};

// `entry` is the table entry a reference names.
Result<std::size_t> check_ref(Reader& r, RefCheck& c, std::uint64_t entry, const char* field) {
    if (entry >= c.size)
        return r.fail(field, "entry " + std::to_string(entry) + " beyond the " + c.table +
                                 " table of " + std::to_string(c.size));
    if (entry > c.seen)
        return r.fail(field, "entry " + std::to_string(entry) + " used before entry " +
                                 std::to_string(c.seen) + " of the " + c.table +
                                 " table (entries are in order of first use)");
    if (entry == c.seen) ++c.seen;
    return static_cast<std::size_t>(entry);
}

Result<std::size_t> read_ref(Reader& r, RefCheck& c, const char* field) {
    CANVASS_TRY(const std::uint64_t ref, r.varint(field));
    return check_ref(r, c, ref, field);
}

template <typename T>
Result<void> refuse_repeats(Reader& r, std::vector<T> values, const char* table) {
    std::sort(values.begin(), values.end());
    if (std::adjacent_find(values.begin(), values.end()) != values.end())
        return r.fail(table, "an entry is repeated");
    return {};
}

Result<std::vector<std::string>> read_names(Reader& r) {
    // Each name takes at least 2 bytes (its length and one character).
    CANVASS_TRY(const std::uint64_t n, r.varint("name count", r.remaining() / 2));
    std::vector<std::string> names;
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(std::string name, r.string("name", kMaxPathBytes));
        if (path_kind(name) != PathKind::field)
            return r.fail("name", "\"" + name.substr(0, 64) + "\" is not a field or repeat name");
        names.push_back(std::move(name));
    }
    CANVASS_TRY_VOID(
        refuse_repeats(r, std::vector<std::string_view>(names.begin(), names.end()), "name table"));
    return names;
}

Result<std::vector<std::array<std::uint8_t, 16>>> read_ids(Reader& r, const char* count_field,
                                                           const char* field, const char* table) {
    CANVASS_TRY(const std::uint64_t n, r.varint(count_field, r.remaining() / 16));
    std::vector<std::array<std::uint8_t, 16>> ids;
    ids.reserve(n);  // 16 bytes of input each, checked above
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(auto id, r.fixed<16>(field));
        ids.push_back(id);
    }
    CANVASS_TRY_VOID(refuse_repeats(r, ids, table));
    return ids;
}

struct Decoding {
    std::vector<std::string> names;
    std::vector<InstanceId> instances;
    std::vector<DeviceId> devices;
    RefCheck name_refs{"name", 0, 0};
    RefCheck instance_refs{"instance", 0, 0};
    RefCheck device_refs{"device", 0, 0};
    std::size_t supersedes_budget = kMaxSupersedesPerChangeset;
};

Result<void> append(Reader& r, std::string& path, std::string_view piece) {
    if (path.size() + piece.size() > kMaxPathBytes)
        return r.fail("op path", "longer than " + std::to_string(kMaxPathBytes) + " bytes");
    path += piece;
    return {};
}

Result<std::string> read_path(Reader& r, Decoding& d, bool ends_in_field) {
    CANVASS_TRY(const std::uint64_t depth, r.varint("path depth", kMaxDepth));
    std::string path;
    for (std::uint64_t i = 0; i < depth; ++i) {
        CANVASS_TRY(const std::size_t name, read_ref(r, d.name_refs, "path name"));
        CANVASS_TRY(const std::size_t id, read_ref(r, d.instance_refs, "path instance"));
        const std::string segment =
            (i ? "/" : "") + d.names[name] + "[" + format_uuid(d.instances[id]) + "]";
        CANVASS_TRY_VOID(append(r, path, segment));
    }
    if (ends_in_field) {
        CANVASS_TRY(const std::size_t name, read_ref(r, d.name_refs, "path field"));
        CANVASS_TRY_VOID(append(r, path, (depth ? "/" : "") + d.names[name]));
    }
    return path;
}

Result<std::vector<OpId>> read_supersedes(Reader& r, Decoding& d, const DeviceId& author) {
    CANVASS_TRY(const std::uint64_t n, r.varint("supersedes count", d.supersedes_budget));
    d.supersedes_budget -= n;
    std::vector<OpId> ids;
    for (std::uint64_t i = 0; i < n; ++i) {
        CANVASS_TRY(const std::uint64_t ref, r.varint("supersedes device"));
        OpId id;
        if (ref == 0) {
            id.device = author;
        } else {  // the device table's entry ref - 1
            CANVASS_TRY(const std::size_t entry,
                        check_ref(r, d.device_refs, ref - 1, "supersedes device"));
            id.device = d.devices[entry];
        }
        const bool same_device = !ids.empty() && ids.back().device == id.device;
        if (!ids.empty() && !same_device && !(ids.back().device < id.device))
            return r.fail("supersedes", "not sorted by device");
        CANVASS_TRY(const std::uint64_t seq, r.varint("supersedes seq"));
        if (same_device && seq > UINT64_MAX - ids.back().seq)
            return r.fail("supersedes seq", "overflows 64 bits");
        id.seq = same_device ? ids.back().seq + seq : seq;
        if (same_device && seq == 0) {
            // The same changeset: the index grows by at least one.
            const std::uint32_t after = ids.back().index + 1;
            if (after >= kMaxOps) return r.fail("supersedes index", "above the op limit");
            CANVASS_TRY(const std::uint64_t step,
                        r.varint("supersedes index", kMaxOps - 1 - after));
            id.index = static_cast<std::uint32_t>(after + step);
        } else {
            CANVASS_TRY(const std::uint64_t index, r.varint("supersedes index", kMaxOps - 1));
            id.index = static_cast<std::uint32_t>(index);
        }
        ids.push_back(id);
    }
    return ids;
}

Result<void> refuse_unused(Reader& r, const RefCheck& c) {
    if (c.seen != c.size)
        return r.fail(c.table, std::to_string(c.size - c.seen) + " entries of the " + c.table +
                                   " table are never referenced");
    return {};
}

}  // namespace

void write_ops(Writer& w, const ChangesetHeader& h) {
    Tables t;
    Writer body;
    body.varint(h.ops.size());
    for (const Op& op : h.ops) {
        body.byte(static_cast<std::uint8_t>(op.kind));
        write_path(body, t, op.path, op.kind == OpKind::set);
        if (strictly_sorted(op.supersedes)) {
            write_supersedes(body, t, h.device, op.supersedes);
        } else {
            auto sorted = op.supersedes;
            std::sort(sorted.begin(), sorted.end());
            sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
            write_supersedes(body, t, h.device, sorted);
        }
    }
    w.varint(t.names.order().size());
    for (const std::string& name : t.names.order()) w.string(name);
    w.varint(t.instances.order().size());
    for (const InstanceId& id : t.instances.order()) w.fixed(id);
    w.varint(t.devices.order().size());
    for (const DeviceId& device : t.devices.order()) w.fixed(device);
    w.raw(body.buffer());
}

Result<std::vector<Op>> read_ops(Reader& r, const DeviceId& author) {
    Decoding d;
    CANVASS_TRY(d.names, read_names(r));
    CANVASS_TRY(d.instances, read_ids(r, "instance count", "instance", "instance table"));
    CANVASS_TRY(d.devices, read_ids(r, "device count", "device", "device table"));
    if (std::find(d.devices.begin(), d.devices.end(), author) != d.devices.end())
        return r.fail("device table", "lists the changeset's own device (reference 0)");
    d.name_refs.size = d.names.size();
    d.instance_refs.size = d.instances.size();
    d.device_refs.size = d.devices.size();

    CANVASS_TRY(const std::uint64_t n_ops, r.varint("op count", kMaxOps));
    std::vector<Op> ops;
    for (std::uint64_t i = 0; i < n_ops; ++i) {
        Op op;
        CANVASS_TRY(const std::uint8_t kind, r.byte("op kind"));
        if (kind < 1 || kind > 4) return r.fail("op kind", "unknown kind " + std::to_string(kind));
        op.kind = static_cast<OpKind>(kind);
        CANVASS_TRY(op.path, read_path(r, d, op.kind == OpKind::set));
        CANVASS_TRY(op.supersedes, read_supersedes(r, d, author));
        ops.push_back(std::move(op));
    }
    CANVASS_TRY_VOID(refuse_unused(r, d.name_refs));
    CANVASS_TRY_VOID(refuse_unused(r, d.instance_refs));
    CANVASS_TRY_VOID(refuse_unused(r, d.device_refs));
    return ops;
}

}  // namespace canvass::merge::compact
