#include "coordinator/review.hpp"
#include "form/json_text.hpp"

#include <nlohmann/json.hpp>

namespace canvass::coordinator {

using nlohmann::json;

std::string_view central_name(ReviewState state) {
    switch (state) {
        case ReviewState::approved:
            return "approved";
        case ReviewState::has_issues:
            return "hasIssues";
        case ReviewState::rejected:
            return "rejected";
        case ReviewState::none:
            return "";
    }
    return "";
}

std::optional<ReviewState> parse_review_state(std::string_view name) {
    if (name == "approved") return ReviewState::approved;
    if (name == "hasIssues" || name == "has-issues" || name == "has_issues")
        return ReviewState::has_issues;
    if (name == "rejected") return ReviewState::rejected;
    if (name.empty() || name == "none") return ReviewState::none;
    return std::nullopt;
}

Result<std::string> review_value(ReviewState state, std::string_view comment) {
    if (comment.size() > kMaxReviewCommentBytes)
        return unexpected(
            Domain::form, errc::invalid_argument,
            "a review comment holds at most " + std::to_string(kMaxReviewCommentBytes) + " bytes");
    json value{{"state", std::string(central_name(state))}, {"comment", std::string(comment)}};
    try {
        return value.dump();
    } catch (const json::exception&) {
        return unexpected(Domain::form, errc::invalid_argument,
                          "a review comment must be UTF-8 text");
    }
}

Review read_review(const std::optional<std::string>& value_json) {
    Review r;
    if (!value_json) {
        r.readable = false;
        return r;
    }
    auto value = form::parse_value(*value_json);
    if (!value.is_object()) return r;
    if (auto it = value.find("state"); it != value.end() && it->is_string())
        r.state = parse_review_state(it->get<std::string>()).value_or(ReviewState::none);
    if (auto it = value.find("comment"); it != value.end() && it->is_string())
        r.comment = it->get<std::string>();
    return r;
}

std::optional<Review> review_of(const merge::RecordView& view) {
    if (!view.review || view.review->candidates.empty()) return std::nullopt;
    const auto& winner = view.review->winner();
    Review r = read_review(winner.value);
    r.by = winner.op.device;
    r.hlc = winner.hlc;
    r.contested = view.review->conflict();
    return r;
}

}  // namespace canvass::coordinator
