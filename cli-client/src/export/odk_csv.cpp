// CSV files in ODK Central's layout (its "CSV files (.zip)" export, briefcase.js):
//   main table:  SubmissionDate, fields in form order (groups joined by '-', a geopoint as
//                four -Latitude -Longitude -Altitude -Accuracy columns, a select_multiple
//                as its choice names joined by spaces), meta-instanceID, meta-instanceName
//                when the form has an instance_name, KEY, SubmitterID, SubmitterName,
//                AttachmentsPresent, AttachmentsExpected, Status, ReviewState, DeviceID,
//                Edits, FormVersion
//   repeat table: its fields (groups inside the repeat joined by '-'), PARENT_KEY, KEY
// The download options of ODK Central (split select multiples, group paths off, the .zip)
// are CsvOptions. Deviations are listed in docs/export.md.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "export/cells.hpp"
#include "export/csv.hpp"
#include "export/csv_zip.hpp"
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
    return job.dir + "/" + table_file_name(job, table, ext);
}

std::string table_file_name(const ExportJob& job, std::size_t table, const std::string& ext) {
    std::string name = file_stem(job.form);
    if (table > 0) name += "-" + job.tables.layouts[table].name;
    return name + "." + ext;
}

namespace {

bool is_geopoint(const form::Row& row) {
    return row.type == form::RowType::geopoint || row.type == form::RowType::start_geopoint;
}

std::string choice_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : form::answer_text(v);
}

// The columns a split select_multiple gets: the form's choices in order, then values the
// data holds that the newest form does not list (answered under an older version), in the
// order first met, so no answer is lost.
std::vector<std::string> split_choices(const ExportJob& job, std::size_t table,
                                       const form::Row& row) {
    std::vector<std::string> out;
    if (const auto* list = job.form.choices(row.list_name)) {
        for (const auto& c : list->choices) out.push_back(c.name);
    }
    for (const auto& r : job.tables.rows[table]) {
        const json* a = answer_of(r, row);
        if (!a || !a->is_array()) continue;
        for (const auto& v : *a) {
            auto name = choice_text(v);
            if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
        }
    }
    return out;
}

// One table's layout under the job's options: what each field becomes.
class CsvTable {
  public:
    CsvTable(const ExportJob& job, std::size_t table) : job_(job), table_(table) {
        const auto& layout = job.tables.layouts[table];
        for (form::RowId id : layout.fields) {
            const auto& row = job.form.row(id);
            bool split =
                job.csv.split_select_multiples && row.type == form::RowType::select_multiple;
            splits_.push_back(split ? split_choices(job, table, row) : std::vector<std::string>{});
        }
    }

    std::vector<std::string> header() const {
        const auto& layout = job_.tables.layouts[table_];
        std::vector<std::string> out;
        if (table_ == 0) out.push_back(submission_date_column().name);
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = job_.form.row(layout.fields[f]);
            std::string base =
                job_.csv.group_paths ? odk_column(job_.form, row, layout.repeat) : row.name;
            if (is_geopoint(row)) {
                for (const char* part : kGeopointParts) out.push_back(base + "-" + part);
                continue;
            }
            out.push_back(base);
            for (const auto& choice : splits_[f]) out.push_back(base + "/" + choice);
        }
        if (table_ == 0) {
            // ODK Central's meta group follows the form's fields: instanceID, then instanceName.
            std::string meta = job_.csv.group_paths ? "meta-" : "";
            out.push_back(meta + "instanceID");
            if (job_.form.settings().instance_name) out.push_back(meta + "instanceName");
            for (const auto& m : meta_columns()) out.push_back(m.name);
        } else {
            out.push_back("PARENT_KEY");
            out.push_back("KEY");
        }
        return out;
    }

    // Which columns of header() hold numbers (numeric questions, geopoint parts, split
    // columns, counts), for formats that type their cells.
    std::vector<bool> numeric_columns() const {
        const auto& layout = job_.tables.layouts[table_];
        std::vector<bool> out;
        if (table_ == 0) out.push_back(false);
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = job_.form.row(layout.fields[f]);
            if (is_geopoint(row)) {
                out.insert(out.end(), 4, true);
                continue;
            }
            using form::RowType;
            out.push_back(row.type == RowType::integer || row.type == RowType::decimal ||
                          row.type == RowType::range);
            out.insert(out.end(), splits_[f].size(), true);
        }
        if (table_ == 0) {
            out.push_back(false);
            if (job_.form.settings().instance_name) out.push_back(false);
            for (const auto& m : meta_columns()) out.push_back(m.numeric);
        } else {
            out.insert(out.end(), 2, false);
        }
        return out;
    }

    std::vector<std::string> record(const TableRow& r) const {
        const auto& layout = job_.tables.layouts[table_];
        std::vector<std::string> out;
        if (table_ == 0) out.push_back(iso_time(r.record->view.meta.created));
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = job_.form.row(layout.fields[f]);
            const json* answer = answer_of(r, row);
            if (is_geopoint(row)) {
                for (int part = 0; part < 4; ++part) {
                    auto v = answer ? geopoint_part(*answer, part) : std::nullopt;
                    out.push_back(v ? form::answer_text(json(*v)) : std::string());
                }
                continue;
            }
            out.push_back(answer ? answer_cell(row, *answer) : std::string());
            for (const auto& choice : splits_[f]) out.push_back(split_cell(answer, choice));
        }
        if (table_ == 0) {
            // The record's id as its instanceID, as ODK Central fills it (the same as KEY).
            out.push_back(record_key(r.record->view.id));
            if (job_.form.settings().instance_name)
                out.push_back(instance_name(job_.form, *r.record));
            for (const auto& cell : meta_values(*r.record)) out.push_back(cell_text(cell));
        } else {
            out.push_back(r.parent_key);
            out.push_back(r.key);
        }
        return out;
    }

  private:
    // The answer's cell; with CsvOptions::labels, a select's choices as their labels in that
    // language (a choice the newest form no longer lists keeps its name), joined by spaces
    // like the names.
    std::string answer_cell(const form::Row& row, const json& answer) const {
        bool select =
            row.type == form::RowType::select_one || row.type == form::RowType::select_multiple;
        if (job_.csv.labels.empty() || !select) return cell_text(answer);
        const auto* list = job_.form.choices(row.list_name);
        auto label = [&](const json& v) {
            auto name = choice_text(v);
            const auto* c = list ? list->find(name) : nullptr;
            if (!c) return name;
            auto text =
                form::text_in(c->label, job_.csv.labels, job_.form.settings().default_language);
            return text.empty() ? name : text;
        };
        if (!answer.is_array()) return label(answer);
        std::string out;
        for (const auto& v : answer) out += (out.empty() ? "" : " ") + label(v);
        return out;
    }

    // ODK Central's split cell: empty when the question has no answer, else 1 or 0.
    static std::string split_cell(const json* answer, const std::string& choice) {
        if (!answer) return {};
        if (answer->is_array()) {
            for (const auto& v : *answer)
                if (choice_text(v) == choice) return "1";
        }
        return "0";
    }

    const ExportJob& job_;
    std::size_t table_;
    std::vector<std::vector<std::string>> splits_;  // per field: its split columns' choices
};

void write_table(const ExportJob& job, std::size_t t, std::ostream& out,
                 std::string_view line_end) {
    CsvTable table(job, t);
    write_csv_record(out, table.header(), line_end);
    for (const auto& r : job.tables.rows[t]) write_csv_record(out, table.record(r), line_end);
}

}  // namespace

OdkTable odk_table(const ExportJob& job, std::size_t table) {
    CsvTable t(job, table);
    OdkTable out{t.header(), t.numeric_columns(), {}};
    for (const auto& r : job.tables.rows[table]) out.rows.push_back(t.record(r));
    return out;
}

Result<void> write_odk_csv(const ExportJob& job, ExportResult& result) {
    if (job.csv.zip) {
        // ODK Central's download: `<form id>.zip` with the tables at its root, LF line ends.
        std::vector<ZipEntry> entries;
        std::size_t rows = 0;
        for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
            std::ostringstream text;
            write_table(job, t, text, "\n");
            entries.push_back({table_file_name(job, t, "csv"), std::move(text).str()});
            rows += job.tables.rows[t].size();
        }
        auto path = job.dir + "/" + file_stem(job.form) + ".zip";
        CANVASS_TRY_VOID(write_zip(path, entries));
        result.files.push_back({path, entries.size(), "tables"});
        return {};
    }
    for (std::size_t t = 0; t < job.tables.layouts.size(); ++t) {
        CANVASS_TRY(auto file, OutputFile::create(table_path(job, t, "csv")));
        write_table(job, t, file.stream(), "\r\n");
        CANVASS_TRY_VOID(file.commit());
        result.files.push_back({file.path(), job.tables.rows[t].size()});
    }
    return {};
}

}  // namespace canvass::cli::exporting
