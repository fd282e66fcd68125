#include "export/conflict_text.hpp"

#include <nlohmann/json.hpp>

#include "export/cells.hpp"

namespace canvass::cli::exporting {

std::string answer_text(const std::optional<std::string>& json_text, bool readable, const char* unreadable) {
    if (!readable || !json_text) return unreadable;
    auto v = nlohmann::json::parse(*json_text, nullptr, false);
    if (v.is_discarded()) return *json_text;
    if (v.is_null()) return "(cleared)";
    return cell_text(v);
}

std::string candidate_text(const coordinator::ConflictCandidate& c, const char* unreadable) {
    using coordinator::CandidateKind;
    switch (c.kind) {
        case CandidateKind::deleted: return "(deleted)";
        case CandidateKind::kept: return "(kept)";
        case CandidateKind::edited:
            return "(edited " + c.edited_path + ": " + answer_text(c.value, c.readable, unreadable) + ")";
        case CandidateKind::value: return answer_text(c.value, c.readable, unreadable);
    }
    return {};
}

const char* candidate_kind_name(coordinator::CandidateKind kind) {
    switch (kind) {
        case coordinator::CandidateKind::value: return "value";
        case coordinator::CandidateKind::deleted: return "deleted";
        case coordinator::CandidateKind::kept: return "kept";
        case coordinator::CandidateKind::edited: return "edited";
    }
    return "value";
}

const char* change_kind_name(coordinator::ChangeKind kind) {
    switch (kind) {
        case coordinator::ChangeKind::answer: return "answer";
        case coordinator::ChangeKind::delete_record: return "delete record";
        case coordinator::ChangeKind::delete_instance: return "delete instance";
        case coordinator::ChangeKind::keep: return "keep";
    }
    return "answer";
}

}  // namespace canvass::cli::exporting
