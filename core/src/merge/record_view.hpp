// What a person sees of one merged record: answers, conflicts with every candidate,
// repeat instances in their shared order, and what was deleted. Every replica holding the
// same changesets builds the same view (values aside, where a replica cannot decrypt).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "merge/record_state.hpp"

namespace canvass::merge {

struct Candidate {
    OpId op;  // op.device is the author
    std::uint64_t hlc = 0;
    std::optional<std::string> value;  // JSON text; nullopt where not decrypted

    friend bool operator==(const Candidate&, const Candidate&) = default;
};

struct FieldView {
    std::string path;
    // Every live value, the displayed winner first, then by decreasing (hlc, device, seq,
    // index). Never empty.
    std::vector<Candidate> candidates;
    // Inside a deleted record or instance: hidden from answers and exports.
    bool deleted = false;

    bool conflict() const { return candidates.size() > 1; }
    const Candidate& winner() const { return candidates.front(); }
    friend bool operator==(const FieldView&, const FieldView&) = default;
};

struct InstanceView {
    std::string path;  // `members[<uuid>]`
    InstanceId id{};
    DeleteStatus status;   // of its own delete and keep ops
    bool deleted = false;  // deleted itself or inside a deleted record or instance

    friend bool operator==(const InstanceView&, const InstanceView&) = default;
};

struct RepeatView {
    std::string path;                     // `members`, `members[<uuid>]/jobs`
    std::vector<InstanceView> instances;  // in order of their first op

    friend bool operator==(const RepeatView&, const RepeatView&) = default;
};

struct RecordView {
    RecordId id{};
    RecordMeta meta;
    std::size_t edits = 0;
    std::vector<DeviceId> devices;
    DeleteStatus status;              // of the record's own delete and keep ops
    std::vector<FieldView> fields;    // sorted by path
    std::vector<RepeatView> repeats;  // sorted by path
    // The coordinators' review (merge::kReviewPath, coordinator/review.hpp), never among
    // `fields`: it is not an answer, so answers, edits and exports of answers never see it.
    std::optional<FieldView> review;

    bool deleted() const { return status.deleted; }
    // Paths with several candidates, and records or instances with a delete conflict.
    bool has_conflicts() const;
    friend bool operator==(const RecordView&, const RecordView&) = default;
};

RecordView make_view(const RecordState& state);

}  // namespace canvass::merge
