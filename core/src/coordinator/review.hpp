// A coordinator's review of a record: approved, has issues or rejected, with a comment, as
// ODK Central's review states (docs/decisions.md, "Review states").
//
// It is one reserved field of the record, merge::kReviewPath, whose value is the JSON object
// {"state": "approved"|"hasIssues"|"rejected"|"", "comment": "..."}. So it is written like any
// coordinator edit (a changeset that supersedes every review seen), encrypted under the
// coordinator's epoch key like every answer, merged field by field, and seen by every
// coordinator after a sync; the server enforces who may write it (merge/authority.hpp).
// Two coordinators reviewing at once leave two live values: the greatest (hlc, device)
// shows, and the record says the review is contested until a new review supersedes both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "canvass/result.hpp"
#include "canvass/record_detail.hpp"
#include "merge/ids.hpp"
#include "merge/record_view.hpp"

namespace canvass::coordinator {

enum class ReviewState { none, approved, has_issues, rejected };

using canvass::kMaxReviewCommentBytes;  // canvass/record_detail.hpp

struct Review {
    ReviewState state = ReviewState::none;
    std::string comment;
    merge::DeviceId by{};    // the coordinator's device
    std::uint64_t hlc = 0;   // when
    bool readable = true;    // false: written under a key this replica cannot read
    bool contested = false;  // several live reviews (written concurrently)
};

// ODK Central's name of a state, as its ReviewState column writes it: "approved",
// "hasIssues", "rejected"; "" for none.
std::string_view central_name(ReviewState state);
// The state for Central's name (also "has-issues" and "has_issues", as people type it).
// nullopt for anything else.
std::optional<ReviewState> parse_review_state(std::string_view name);

// The JSON text of the reserved field for a review. Error{form, invalid_argument} when the
// comment is longer than kMaxReviewCommentBytes or is not UTF-8.
Result<std::string> review_value(ReviewState state, std::string_view comment);

// The state and comment of one review value (the reserved field's JSON text); readable false
// when there is no text (not decrypted). A value no canvass writes reads as no state.
Review read_review(const std::optional<std::string>& value_json);

// The record's review, from its view (values decrypted where the key allowed); nullopt when
// nobody reviewed it.
std::optional<Review> review_of(const merge::RecordView& view);

}  // namespace canvass::coordinator
