#include "store/record_json.hpp"

#include "crypto/hash.hpp"
#include "util/utc_text.hpp"

namespace canvass::store {

using nlohmann::json;

std::string time_text(std::uint64_t ms) {
    return ms == 0 ? "-" : util::utc_text(ms);
}

std::string status_text(const RecordSummary& s) {
    if (s.deleted) return "deleted";
    if (s.status == RecordStatus::draft) return "draft";
    return s.pending_edit ? "finalized, edit pending" : "finalized";
}

json summary_json(const RecordSummary& s) {
    return json{{"id", merge::format_uuid(s.id)},     {"form", s.form_id},
                {"status", status_text(s)},           {"conflicts", s.conflicts},
                {"updated", time_text(s.updated_ms)}, {"name", s.name}};
}

json record_json(const RecordSnapshot& snap) {
    json out = summary_json(snap.summary);
    out["form_version"] = snap.form_version;
    out["readable"] = snap.readable;
    out["answers"] = snap.readable ? snap.answers : json();
    return out;
}

json forms_json(const std::vector<FormInfo>& forms) {
    json out = json::array();
    for (const auto& f : forms) {
        out.push_back({{"form_id", f.form_id},
                       {"version", f.version},
                       {"title", f.title},
                       {"questions", f.questions},
                       {"languages", f.languages}});
    }
    return out;
}

json status_json(const StoreStatus& s) {
    const auto& p = s.project;
    json refused = json::array();
    for (const auto& r : s.refused)
        refused.push_back({{"device", crypto::to_hex(r.device)},
                           {"from_seq", r.seq},
                           {"changesets", r.changesets},
                           {"reason", r.why}});
    return json{{"device", crypto::to_hex(s.device)},
                {"project", p ? json(p->project) : json()},
                {"role", p ? json(p->role) : json()},
                {"label", p ? json(p->label) : json()},
                {"server", p ? json(p->server_address) : json()},
                {"forms", s.forms},
                {"drafts", s.drafts},
                {"finalized", s.finalized},
                {"records_with_conflicts", s.conflicts},
                {"own_changesets", s.own_changesets},
                {"unsent_changesets", s.unsent},
                {"unsent_records", s.unsent_records},
                {"carried_changesets", s.carried},
                {"carried_unsent_changesets", s.carried_unsent},
                {"refused_chains", std::move(refused)},
                {"equivocations", s.equivocations},
                {"attachments",
                 {{"held", s.attachments.held},
                  {"held_bytes", s.attachments.held_bytes},
                  {"unsent", s.attachments.unsent},
                  {"unsent_bytes", s.attachments.unsent_bytes},
                  {"records_waiting", s.attachments.records_waiting},
                  {"carried", s.attachments.carried},
                  {"received", s.attachments.received},
                  {"partial", s.attachments.partial}}},
                {"digest", crypto::to_hex(s.digest)}};
}

}  // namespace canvass::store
