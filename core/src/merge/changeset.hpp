// The changeset: the unit of authorship (DESIGN.md section 4). One save of one record by
// one device; its canonical bytes are specified in schemas/protocol/changeset.md.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"
#include "merge/ids.hpp"
#include "merge/path.hpp"

namespace canvass::merge {

using crypto::Hash;

// Changeset formats (schemas/protocol/changeset.md). Every format stays decodable: a stored
// or received changeset keeps its bytes, hence its hash and its chain link, whatever format
// the device writes now. Both encode the same ChangesetHeader; only the bytes differ.
inline constexpr std::uint8_t kChangesetFormatText = 1;  // paths and op ids written out
inline constexpr std::uint8_t kChangesetFormatCompact =
    2;  // names, instance ids, devices in tables
// The format new changesets are written in.
inline constexpr std::uint8_t kChangesetFormat = kChangesetFormatCompact;

// Limits of a decodable changeset. Anything larger is refused before it is allocated.
inline constexpr std::size_t kMaxOps = 10'000;
inline constexpr std::size_t kMaxSupersedesPerChangeset = 100'000;  // summed over all ops
inline constexpr std::size_t kMaxNameBytes = 256;                   // project, form id, version
inline constexpr std::size_t kMaxCiphertextBytes = 16 * 1024 * 1024;

// What one save may hold, end to end. This is the one place that states it: the server
// refuses a batch holding an encoded changeset larger than kMaxChangesetBytes (its
// sync::MessageLimits take this value), so a device refuses to save one, naming the answer
// (store/device_records.cpp), and nothing it saved can block its sync. docs/limits.md
// explains them to users.
inline constexpr std::size_t kMaxChangesetBytes = 1u << 20;  // one encoded changeset
// The largest single answer (its JSON text): a changeset holding it alone, with the header,
// paths and the AEAD tag around it, stays under kMaxChangesetBytes. Several large answers
// in one save are bounded together by kMaxChangesetBytes.
inline constexpr std::size_t kMaxAnswerBytes = kMaxChangesetBytes - (64u << 10);

enum class OpKind : std::uint8_t { set = 1, delete_record = 2, delete_instance = 3, keep = 4 };

// What one op does at one path. `supersedes` lists the ops the author saw and replaces:
// at the same path they are superseded; for a delete, the ops inside its path are the ones
// the delete covers (see record_state.hpp).
struct Op {
    std::string path;
    OpKind kind = OpKind::set;
    std::vector<OpId> supersedes;

    friend bool operator==(const Op&, const Op&) = default;
};

struct ChangesetHeader {
    std::uint8_t format = kChangesetFormat;  // how encode() writes it; decode() keeps what it read
    DeviceId device{};
    std::uint64_t seq = 0;  // 1, 2, 3... per device, no gaps
    Hash prev{};            // hash of the device's changeset seq - 1; all zero for seq 1
    std::uint64_t hlc = 0;
    std::string project;
    std::string form_id;
    std::string form_version;
    RecordId record{};
    std::vector<Op> ops;  // op id = (device, seq, index in ops)
    // The epoch data key the values are encrypted under. The key itself reaches recipients
    // as signed epoch grants (store/grant.hpp), never inside a changeset.
    std::array<std::uint8_t, 16> epoch{};
    std::array<std::uint8_t, 24> nonce{};

    friend bool operator==(const ChangesetHeader&, const ChangesetHeader&) = default;
};

struct Changeset {
    ChangesetHeader header;
    std::vector<std::uint8_t> ciphertext;  // all op values, one AEAD

    friend bool operator==(const Changeset&, const Changeset&) = default;
};

inline OpId op_id(const ChangesetHeader& h, std::size_t index) {
    return OpId{h.device, h.seq, static_cast<std::uint32_t>(index)};
}

// Checks everything decode() checks except order: a known format, limits, seq >= 1, prev zero for
// seq 1, UTF-8 and non-empty names, at least one op, each path well-formed for its kind
// (set: a field; delete_record: ""; delete_instance: an instance; keep: "" or an instance),
// one op per path, supersedes pointing only at earlier changesets of the author.
// Error domain protocol, code invalid_argument.
Result<void> validate(const ChangesetHeader& h);

// Sorts each op's supersedes by (device, seq, index) dropping duplicates: the order the
// encoding requires. encode() does this on the fly, so calling it is only needed to make
// an in-memory header equal to decode(encode(header)).
void canonicalize(ChangesetHeader& h);

// Canonical bytes of a header: the AEAD associated data that binds the ciphertext to its
// device, seq, record and paths. Precondition: validate(h) succeeds (otherwise the bytes
// are not decodable). Supersedes are written in canonical order whatever their order in
// memory, so one logical changeset always has one encoding.
std::vector<std::uint8_t> encode_header(const ChangesetHeader& h);
// encode_header(h) then the ciphertext, length-prefixed. Same precondition.
std::vector<std::uint8_t> encode(const Changeset& cs);

// Strict inverse of encode(), for every format: refuses unknown formats, truncation, trailing
// bytes, non-canonical forms (non-minimal varints, unsorted or repeated supersedes; in
// format 2 tables out of first-use order, unused or repeated entries, references out of range),
// invalid UTF-8, bad paths and anything above the limits, with an Error of domain protocol.
// Never reads out of bounds nor allocates more than the input justifies.
Result<Changeset> decode(std::span<const std::uint8_t> bytes);

// BLAKE2b-256 of encode(cs): the changeset's identity and its chain link.
Hash changeset_hash(const Changeset& cs);

}  // namespace canvass::merge
