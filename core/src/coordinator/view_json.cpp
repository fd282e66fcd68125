#include "coordinator/view_json.hpp"

#include "coordinator/review.hpp"
#include "crypto/hash.hpp"
#include "form/answer_types.hpp"
#include "form/validate.hpp"
#include "merge/hlc.hpp"
#include "util/utc_text.hpp"
#include "form/json_text.hpp"

namespace canvass::coordinator {

using nlohmann::json;

std::string iso_time(std::uint64_t hlc) {
    return util::utc_text(merge::hlc_ms(hlc), true);
}

std::string record_key(const merge::RecordId& id) {
    return "uuid:" + merge::format_uuid(id);
}

std::string instance_name(const form::Form& form, const Record& record) {
    if (!form.settings().instance_name) return {};
    auto at = static_cast<std::int64_t>(merge::hlc_ms(record.view.meta.updated));
    return form::record_name(form, record.answers, form::fixed_clock({at, 0}));
}

std::string status_text(const Record& record) {
    switch (record.readability()) {
        case Readability::full:
            return {};
        case Readability::partial:
            return "partly decrypted";
        case Readability::none:
            return "not decrypted";
    }
    return {};
}

std::string review_state(const Record& record) {
    for (const auto& c : record.conflicts)
        if (!c.resolved) return "hasIssues";
    if (auto review = review_of(record.view); review && review->state != ReviewState::none)
        return std::string(central_name(review->state));
    return record.view.edits > 1 ? "edited" : "";
}

std::string review_comment(const Record& record) {
    auto review = review_of(record.view);
    return review ? review->comment : std::string();
}

std::string answer_text(const std::optional<std::string>& json_text, bool readable,
                        const char* unreadable) {
    if (!readable || !json_text) return unreadable;
    auto v = form::parse_value(*json_text);
    if (v.is_discarded()) return *json_text;
    if (v.is_null()) return "(cleared)";
    return cell_text(v);
}

std::string candidate_text(const ConflictCandidate& c, const char* unreadable) {
    switch (c.kind) {
        case CandidateKind::deleted:
            return "(deleted)";
        case CandidateKind::kept:
            return "(kept)";
        case CandidateKind::edited:
            return "(edited " + c.edited_path + ": " +
                   answer_text(c.value, c.readable, unreadable) + ")";
        case CandidateKind::value:
            return answer_text(c.value, c.readable, unreadable);
    }
    return {};
}

const char* candidate_kind_name(CandidateKind kind) {
    switch (kind) {
        case CandidateKind::value:
            return "value";
        case CandidateKind::deleted:
            return "deleted";
        case CandidateKind::kept:
            return "kept";
        case CandidateKind::edited:
            return "edited";
    }
    return "value";
}

const char* change_kind_name(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::answer:
            return "answer";
        case ChangeKind::delete_record:
            return "delete record";
        case ChangeKind::delete_instance:
            return "delete instance";
        case ChangeKind::keep:
            return "keep";
    }
    return "answer";
}

namespace {

// A value's JSON text as JSON; null where it was not decrypted (or is not JSON).
json value_json(const std::optional<std::string>& value, bool readable) {
    if (!readable || !value) return nullptr;
    auto v = form::parse_value(*value);
    return v.is_discarded() ? json(nullptr) : v;
}

// Paths of the record's open conflicts below the record itself (whose delete conflict has
// its own key): fields first, then instances, each in the listing's order.
json conflict_paths(const Record& r) {
    json out = json::array();
    for (bool fields : {true, false}) {
        for (const auto& c : r.conflicts) {
            if (c.resolved || c.path.empty() || c.delete_conflict == fields) continue;
            out.push_back(c.path);
        }
    }
    return out;
}

json candidate_json(const ConflictCandidate& c, const char* unreadable) {
    json out{{"kind", candidate_kind_name(c.kind)},
             {"value", value_json(c.value, c.readable)},
             {"text", candidate_text(c, unreadable)},
             {"readable", c.readable},
             {"device", crypto::to_hex(c.device)},
             {"time", iso_time(c.hlc)},
             {"shown", c.shown}};
    if (c.kind == CandidateKind::edited) out["path"] = c.edited_path;
    return out;
}

json tally_json(const std::map<merge::DeviceId, std::size_t>& tally) {
    json out = json::array();
    for (const auto& [device, count] : tally)
        out.push_back({{"device", crypto::to_hex(device)}, {"changesets", count}});
    return out;
}

}  // namespace

json record_json(const form::Form* form, const Record& r) {
    json devices = json::array();
    for (const auto& d : r.view.devices) devices.push_back(crypto::to_hex(d));
    return json{{"id", merge::format_uuid(r.view.id)},
                {"instance_name", form ? instance_name(*form, r) : std::string()},
                {"KEY", record_key(r.view.id)},
                {"form_id", r.view.meta.form_id},
                {"form_version", r.view.meta.form_version},
                {"submission_date", iso_time(r.view.meta.created)},
                {"updated", iso_time(r.view.meta.updated)},
                {"device", crypto::to_hex(r.creator)},
                {"devices", devices},
                {"edits", r.view.edits > 0 ? r.view.edits - 1 : 0},
                {"status", status_text(r)},
                {"review_state", review_state(r)},
                {"review_comment", review_comment(r)},
                {"conflicts", conflict_paths(r)},
                {"delete_conflict", r.view.status.conflict},
                {"answers", r.answers}};
}

json conflicts_json(const std::vector<RecordConflicts>& records, const char* unreadable) {
    json out = json::array();
    for (const auto& r : records) {
        for (const auto& c : r.conflicts) {
            json candidates = json::array();
            for (const auto& cand : c.candidates)
                candidates.push_back(candidate_json(cand, unreadable));
            json item{{"record", merge::format_uuid(r.record)},
                      {"form", r.form_id},
                      {"path", c.path},
                      {"conflict", c.delete_conflict ? "delete" : "value"},
                      {"resolved", c.resolved},
                      {"candidates", candidates}};
            if (c.resolution) item["resolution"] = candidate_json(*c.resolution, unreadable);
            out.push_back(std::move(item));
        }
    }
    return out;
}

json history_json(const History& h, const merge::DeviceId& me) {
    json entries = json::array();
    for (const auto& e : h.entries) {
        json changes = json::array();
        for (const auto& c : e.changes) {
            json replaced = json::array();
            for (const auto& r : c.replaced) {
                replaced.push_back({{"device", crypto::to_hex(r.op.device)},
                                    {"seq", r.op.seq},
                                    {"time", iso_time(r.hlc)},
                                    {"kind", change_kind_name(r.kind)},
                                    {"value", value_json(r.value, r.readable)},
                                    {"text", answer_text(r.value, r.readable, kNotDecrypted)},
                                    {"readable", r.readable}});
            }
            changes.push_back({{"path", c.path},
                               {"kind", change_kind_name(c.kind)},
                               {"value", value_json(c.value, c.readable)},
                               {"text", answer_text(c.value, c.readable, kNotDecrypted)},
                               {"readable", c.readable},
                               {"resolves", c.resolves()},
                               {"replaced", replaced}});
        }
        entries.push_back({{"time", iso_time(e.hlc)},
                           {"device", crypto::to_hex(e.device)},
                           {"label", e.label},
                           {"this_device", e.device == me},
                           {"seq", e.seq},
                           {"form_version", e.form_version},
                           {"creates", e.creates},
                           {"coordinator_edit", !e.by_creator},
                           {"resolves", e.resolves()},
                           {"readable", e.readable},
                           {"changes", changes}});
    }
    return json{{"record", merge::format_uuid(h.record)},
                {"form", h.form_id},
                {"creator", crypto::to_hex(h.creator)},
                {"unreadable", h.unreadable},
                {"entries", entries}};
}

Result<DeviceLabels> parse_device_labels(std::string_view devices_json) {
    auto bad = [](const std::string& why) {
        return unexpected(Domain::core, errc::invalid_argument,
                          why + " (give the file 'canvass-server devices --json' writes)");
    };
    constexpr std::size_t max_bytes = 16u << 20;
    if (devices_json.size() > max_bytes) return bad("too large for a device list");
    auto doc = form::parse_json(devices_json);
    if (!doc) return bad(doc.error().message);
    if (!doc->is_array()) return bad("not a JSON array of devices");
    DeviceLabels labels;
    for (std::size_t i = 0; i < doc->size(); ++i) {
        const auto& d = (*doc)[i];
        merge::DeviceId id{};
        auto where = "device " + std::to_string(i + 1);
        if (!d.is_object() || !d.contains("device") || !d["device"].is_string() ||
            !crypto::from_hex(d["device"].get<std::string>(), id))
            return bad(where + " has no \"device\" of 32 hex digits");
        if (d.contains("label") && !d["label"].is_string())
            return bad(where + ": \"label\" is not text");
        auto label = d.value("label", std::string());
        if (!label.empty()) labels[id] = label;
    }
    return labels;
}

std::vector<std::string> report_lines(const DecryptionReport& report) {
    std::vector<std::string> lines;
    auto list = [&](const std::map<merge::DeviceId, std::size_t>& tally, const std::string& why) {
        for (const auto& [device, count] : tally) {
            lines.push_back(std::to_string(count) + " changeset" + (count == 1 ? "" : "s") +
                            " of device " + crypto::to_hex(device) + " " + why);
        }
    };
    list(
        report.no_grant,
        "could not be decrypted: the device never sealed that epoch's key to this coordinator "
        "key (it was not a recipient when the device enrolled, or its grants have not synced yet)");
    list(report.damaged,
         "could not be decrypted: the grant or the ciphertext does not open (damaged)");
    return lines;
}

json report_json(const DecryptionReport& report) {
    return json{{"changesets", report.changesets},
                {"decrypted", report.decrypted},
                {"no_grant", tally_json(report.no_grant)},
                {"damaged", tally_json(report.damaged)},
                {"warnings", report_lines(report)}};
}

}  // namespace canvass::coordinator
