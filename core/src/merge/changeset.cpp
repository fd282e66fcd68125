#include "merge/changeset.hpp"

#include <algorithm>

#include "merge/changeset_compact.hpp"
#include "merge/codec.hpp"

namespace canvass::merge {

namespace {

Unexpected<Error> invalid(const std::string& message) {
    return unexpected(Domain::protocol, errc::invalid_argument, "changeset: " + message);
}

bool kind_fits_path(OpKind kind, std::optional<PathKind> path) {
    if (!path) return false;
    switch (kind) {
        case OpKind::set:
            return *path == PathKind::field;
        case OpKind::delete_record:
            return *path == PathKind::record;
        case OpKind::delete_instance:
            return *path == PathKind::instance;
        case OpKind::keep:
            return *path == PathKind::record || *path == PathKind::instance;
    }
    return false;
}

bool is_known_kind(std::uint8_t k) {
    return k >= 1 && k <= 4;
}

bool is_known_format(std::uint8_t f) {
    return f == kChangesetFormatText || f == kChangesetFormatCompact;
}

Result<void> validate_names(const ChangesetHeader& h) {
    for (const std::string* s : {&h.project, &h.form_id, &h.form_version}) {
        if (s->empty() || s->size() > kMaxNameBytes || !is_valid_utf8(*s))
            return invalid("project, form id and form version must be 1 to 256 bytes of UTF-8");
    }
    return {};
}

Result<void> validate_ops(const ChangesetHeader& h) {
    if (h.ops.empty() || h.ops.size() > kMaxOps)
        return invalid("a changeset holds 1 to " + std::to_string(kMaxOps) + " ops");
    std::size_t total = 0;
    std::vector<std::string_view> paths;
    paths.reserve(h.ops.size());
    for (const Op& op : h.ops) {
        if (!is_known_kind(static_cast<std::uint8_t>(op.kind))) return invalid("unknown op kind");
        if (!kind_fits_path(op.kind, path_kind(op.path)))
            return invalid("bad path for its op kind: \"" + op.path.substr(0, 64) + "\"");
        paths.push_back(op.path);
        total += op.supersedes.size();
        for (const OpId& s : op.supersedes) {
            if (s.seq == 0) return invalid("supersedes an op of seq 0");
            if (s.index >= kMaxOps) return invalid("supersedes an op index above the limit");
            // An author can only have seen its own earlier changesets.
            if (s.device == h.device && s.seq >= h.seq)
                return invalid("supersedes an op of its own or a later changeset");
        }
    }
    if (total > kMaxSupersedesPerChangeset) return invalid("too many supersedes entries");
    std::sort(paths.begin(), paths.end());
    if (auto twice = std::adjacent_find(paths.begin(), paths.end()); twice != paths.end())
        return invalid("two ops on path \"" + std::string(*twice) + "\"");
    return {};
}

bool strictly_sorted(const std::vector<OpId>& ids) {
    return std::adjacent_find(ids.begin(), ids.end(),
                              [](const OpId& a, const OpId& b) { return !(a < b); }) == ids.end();
}

void sort_unique(std::vector<OpId>& ids) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

void write_op_ids(Writer& w, const std::vector<OpId>& ids) {
    w.varint(ids.size());
    for (const OpId& id : ids) {
        w.fixed(id.device);
        w.varint(id.seq);
        w.varint(id.index);
    }
}

void write_op(Writer& w, const Op& op) {
    w.byte(static_cast<std::uint8_t>(op.kind));
    w.string(op.path);
    if (strictly_sorted(op.supersedes)) {
        write_op_ids(w, op.supersedes);
    } else {
        auto sorted = op.supersedes;
        sort_unique(sorted);
        write_op_ids(w, sorted);
    }
}

void write_header(Writer& w, const ChangesetHeader& h) {
    w.byte(h.format);
    w.fixed(h.device);
    w.varint(h.seq);
    w.fixed(h.prev);
    w.varint(h.hlc);
    w.string(h.project);
    w.string(h.form_id);
    w.string(h.form_version);
    w.fixed(h.record);
    // Only the op section differs between formats.
    if (h.format == kChangesetFormatCompact) {
        compact::write_ops(w, h);
    } else {
        w.varint(h.ops.size());
        for (const Op& op : h.ops) write_op(w, op);
    }
    w.fixed(h.epoch);
    w.fixed(h.nonce);
}

Result<std::vector<OpId>> read_op_ids(Reader& r, std::size_t& budget) {
    CANVASS_TRY(const std::uint64_t n, r.varint("supersedes count", budget));
    budget -= n;
    std::vector<OpId> ids;
    for (std::uint64_t i = 0; i < n; ++i) {
        OpId id;
        CANVASS_TRY(id.device, r.fixed<16>("supersedes device"));
        CANVASS_TRY(id.seq, r.varint("supersedes seq"));
        CANVASS_TRY(const std::uint64_t index, r.varint("supersedes index", kMaxOps - 1));
        id.index = static_cast<std::uint32_t>(index);
        if (!ids.empty() && !(ids.back() < id))
            return r.fail("supersedes", "not sorted or repeated");
        ids.push_back(id);
    }
    return ids;
}

Result<Op> read_op(Reader& r, std::size_t& budget) {
    Op op;
    CANVASS_TRY(const std::uint8_t kind, r.byte("op kind"));
    if (!is_known_kind(kind)) return r.fail("op kind", "unknown kind " + std::to_string(kind));
    op.kind = static_cast<OpKind>(kind);
    CANVASS_TRY(op.path, r.string("op path", kMaxPathBytes));
    CANVASS_TRY(op.supersedes, read_op_ids(r, budget));
    return op;
}

Result<ChangesetHeader> read_header(Reader& r) {
    ChangesetHeader h;
    CANVASS_TRY(h.format, r.byte("format"));
    if (!is_known_format(h.format))
        return r.fail("format", "unsupported format " + std::to_string(h.format));
    CANVASS_TRY(h.device, r.fixed<16>("device"));
    CANVASS_TRY(h.seq, r.varint("seq"));
    CANVASS_TRY(h.prev, r.fixed<32>("prev"));
    CANVASS_TRY(h.hlc, r.varint("hlc"));
    CANVASS_TRY(h.project, r.string("project", kMaxNameBytes));
    CANVASS_TRY(h.form_id, r.string("form id", kMaxNameBytes));
    CANVASS_TRY(h.form_version, r.string("form version", kMaxNameBytes));
    CANVASS_TRY(h.record, r.fixed<16>("record"));
    if (h.format == kChangesetFormatCompact) {
        CANVASS_TRY(h.ops, compact::read_ops(r, h.device));
    } else {
        CANVASS_TRY(const std::uint64_t n_ops, r.varint("op count", kMaxOps));
        std::size_t budget = kMaxSupersedesPerChangeset;
        h.ops.reserve(n_ops);  // at most kMaxOps
        for (std::uint64_t i = 0; i < n_ops; ++i) {
            CANVASS_TRY(Op op, read_op(r, budget));
            h.ops.push_back(std::move(op));
        }
    }
    CANVASS_TRY(h.epoch, r.fixed<16>("epoch"));
    CANVASS_TRY(h.nonce, r.fixed<24>("nonce"));
    return h;
}

}  // namespace

Result<void> validate(const ChangesetHeader& h) {
    if (!is_known_format(h.format))
        return invalid("unsupported format " + std::to_string(h.format));
    if (h.seq == 0) return invalid("seq starts at 1");
    if (h.seq == 1 && h.prev != Hash{}) return invalid("the first changeset has a zero prev");
    CANVASS_TRY_VOID(validate_names(h));
    return validate_ops(h);
}

void canonicalize(ChangesetHeader& h) {
    for (Op& op : h.ops) sort_unique(op.supersedes);
}

std::vector<std::uint8_t> encode_header(const ChangesetHeader& h) {
    Writer w;
    write_header(w, h);
    return w.take();
}

std::vector<std::uint8_t> encode(const Changeset& cs) {
    Writer w;
    write_header(w, cs.header);
    w.bytes(cs.ciphertext);
    return w.take();
}

Result<Changeset> decode(std::span<const std::uint8_t> bytes) {
    Reader r(bytes, "changeset");
    Changeset cs;
    CANVASS_TRY(cs.header, read_header(r));
    CANVASS_TRY(cs.ciphertext, r.bytes("ciphertext", kMaxCiphertextBytes));
    CANVASS_TRY_VOID(r.finish());
    // The checks that need the whole header: paths per kind, names, causality.
    auto valid = validate(cs.header);
    if (!valid) return unexpected(Domain::protocol, errc::corrupt, valid.error().message);
    return cs;
}

Hash changeset_hash(const Changeset& cs) {
    return crypto::blake2b_256(encode(cs));
}

}  // namespace canvass::merge
