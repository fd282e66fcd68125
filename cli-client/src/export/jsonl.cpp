// JSON Lines: one merged record per line, answers nested as a person gave them (repeats
// as arrays of instance objects with their "_id"), every answer kept, including answers
// to questions the newest form version no longer has.
#include "export/cells.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"
#include "crypto/hash.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;

namespace {

// Paths of the record's open conflicts below the record itself (whose delete conflict has
// its own key): fields first, then instances, each in the listing's order.
json conflict_paths(const ExportRecord& r) {
    json out = json::array();
    for (bool fields : {true, false}) {
        for (const auto& c : r.conflicts) {
            if (c.resolved || c.path.empty() || c.delete_conflict == fields) continue;
            out.push_back(c.path);
        }
    }
    return out;
}

json record_line(const form::Form& form, const ExportRecord& r) {
    json devices = json::array();
    for (const auto& d : r.view.devices) devices.push_back(crypto::to_hex(d));
    return json{{"id", merge::format_uuid(r.view.id)},
                {"instance_name", instance_name(form, r)},
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

}  // namespace

Result<void> write_jsonl(const ExportJob& job, ExportResult& result) {
    CANVASS_TRY(auto file, OutputFile::create(job.dir + "/" + file_stem(job.form) + ".jsonl"));
    std::size_t n = 0;
    for (const auto& r : job.dataset.records) {
        if (r.view.deleted()) continue;
        file.stream() << record_line(job.form, r).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        ++n;
    }
    CANVASS_TRY_VOID(file.commit());
    result.files.push_back({file.path(), n});
    return {};
}

}  // namespace canvass::cli::exporting
