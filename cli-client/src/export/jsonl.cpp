// JSON Lines: one merged record per line, answers nested as a person gave them (repeats
// as arrays of instance objects with their "_id"), every answer kept, including answers
// to questions the newest form version no longer has.
#include "export/cells.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;

Result<void> write_jsonl(const ExportJob& job, ExportResult& result) {
    CANVASS_TRY(auto file, OutputFile::create(job.dir + "/" + file_stem(job.form) + ".jsonl"));
    std::size_t n = 0;
    for (const auto& r : job.dataset.records) {
        if (r.view.deleted()) continue;
        file.stream() << coordinator::record_json(&job.form, r).dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
        ++n;
    }
    CANVASS_TRY_VOID(file.commit());
    result.files.push_back({file.path(), n});
    return {};
}

}  // namespace canvass::cli::exporting
