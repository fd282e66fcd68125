// CSV files in ODK Central's layout (its "CSV files (.zip)" export, briefcase.js):
//   main table:  SubmissionDate, fields in form order (groups joined by '-', a geopoint as
//                four -Latitude -Longitude -Altitude -Accuracy columns, a select_multiple
//                as its choice names joined by spaces), meta-instanceName when the form
//                has an instance_name, KEY, SubmitterID, SubmitterName,
//                AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID,
//                Edits, FormVersion
//   repeat table: its fields (groups inside the repeat joined by '-'), PARENT_KEY, KEY
// Deviations are listed in docs/export.md.
#include <algorithm>
#include <string>
#include <vector>

#include "export/cells.hpp"
#include "export/csv.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"
#include "form/answer_types.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;

std::string file_stem(const form::Form& form) {
    std::string name = form.settings().form_id;
    std::replace(name.begin(), name.end(), ':', '-');
    return name;
}

std::string table_path(const ExportJob& job, std::size_t table, const std::string& ext) {
    std::string name = file_stem(job.form);
    if (table > 0) name += "-" + job.tables.layouts[table].name;
    return job.dir + "/" + name + "." + ext;
}

namespace {

std::vector<std::string> header(const ExportJob& job, std::size_t table) {
    const auto& layout = job.tables.layouts[table];
    std::vector<std::string> out;
    if (table == 0) out.push_back(submission_date_column().name);
    for (form::RowId id : layout.fields) {
        const auto& row = job.form.row(id);
        std::string base = odk_column(job.form, row, layout.repeat);
        if (row.type == form::RowType::geopoint || row.type == form::RowType::start_geopoint) {
            for (const char* part : kGeopointParts) out.push_back(base + "-" + part);
        } else {
            out.push_back(base);
        }
    }
    if (table == 0) {
        // Where ODK Central puts the meta group's instanceName: after the form's fields.
        if (job.form.settings().instance_name) out.push_back("meta-instanceName");
        for (const auto& m : meta_columns()) out.push_back(m.name);
    } else {
        out.push_back("PARENT_KEY");
        out.push_back("KEY");
    }
    return out;
}

std::vector<std::string> record(const ExportJob& job, std::size_t table, const TableRow& r) {
    const auto& layout = job.tables.layouts[table];
    std::vector<std::string> out;
    if (table == 0) out.push_back(iso_time(r.record->view.meta.created));
    for (form::RowId id : layout.fields) {
        const auto& row = job.form.row(id);
        const json* answer = answer_of(r, row);
        if (row.type == form::RowType::geopoint || row.type == form::RowType::start_geopoint) {
            for (int part = 0; part < 4; ++part) {
                auto v = answer ? geopoint_part(*answer, part) : std::nullopt;
                out.push_back(v ? form::answer_text(json(*v)) : std::string());
            }
        } else {
            out.push_back(answer ? cell_text(*answer) : std::string());
        }
    }
    if (table == 0) {
        if (job.form.settings().instance_name) out.push_back(instance_name(job.form, *r.record));
        for (const auto& cell : meta_values(*r.record)) out.push_back(cell_text(cell));
    } else {
        out.push_back(r.parent_key);
        out.push_back(r.key);
    }
    return out;
}

}  // namespace

Result<void> write_odk_csv(const ExportJob& job, ExportResult& result) {
    for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
        CANVASS_TRY(auto file, OutputFile::create(table_path(job, t, "csv")));
        write_csv_record(file.stream(), header(job, t));
        for (const auto& r : job.tables.rows[t]) write_csv_record(file.stream(), record(job, t, r));
        CANVASS_TRY_VOID(file.commit());
        result.files.push_back({file.path(), job.tables.rows[t].size()});
    }
    return {};
}

}  // namespace canvass::cli::exporting
