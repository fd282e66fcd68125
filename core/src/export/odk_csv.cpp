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
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "export/cells.hpp"
#include "export/csv.hpp"
#include "export/csv_zip.hpp"
#include "canvass/output_file.hpp"
#include "export/writers.hpp"
#include "form/answer_types.hpp"

namespace canvass::exporting {

using nlohmann::json;

std::string file_stem(const form::Form& form) {
    std::string name = form.settings().form_id;
    std::replace(name.begin(), name.end(), ':', '-');
    return name;
}

std::string table_path(const ExportSpec& spec, std::size_t table, const std::string& ext) {
    return spec.dir + "/" + table_file_name(spec, table, ext);
}

std::string table_file_name(const ExportSpec& spec, std::size_t table, const std::string& ext) {
    std::string name = file_stem(spec.form);
    if (table > 0) name += "-" + spec.layouts[table].name;
    return name + "." + ext;
}

namespace {

std::string choice_text(const json& v) {
    return v.is_string() ? v.get<std::string>() : form::answer_text(v);
}

// The columns a split select_multiple gets: the form's choices in order, then values the
// data holds that the newest form does not list (answered under an older version), in the
// order first met (the survey's), so no answer is lost.
std::vector<std::string> split_choices(const ExportSpec& spec, std::size_t table,
                                       const form::Row& row) {
    std::vector<std::string> out;
    if (const auto* list = spec.form.choices(row.list_name)) {
        for (const auto& c : list->choices) out.push_back(c.name);
    }
    for (const auto& name : spec.survey.field(table, row.id).in_arrays) {
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(name);
    }
    return out;
}

}  // namespace

// One table's layout under the spec's options: what each field becomes.
class OdkTable::Layout {
  public:
    Layout(const ExportSpec& spec, std::size_t table) : spec_(spec), table_(table) {
        const auto& layout = spec.layouts[table];
        for (form::RowId id : layout.fields) {
            const auto& row = spec.form.row(id);
            bool split =
                spec.csv.split_select_multiples && row.type == form::RowType::select_multiple;
            splits_.push_back(split ? split_choices(spec, table, row) : std::vector<std::string>{});
        }
        header_ = make_header();
        numeric_ = numeric_columns();
    }

    const std::vector<std::string>& header() const { return header_; }
    const std::vector<bool>& numeric() const { return numeric_; }

  private:
    std::vector<std::string> make_header() const {
        const auto& layout = spec_.layouts[table_];
        std::vector<std::string> out;
        if (table_ == 0) out.push_back(submission_date_column().name);
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = spec_.form.row(layout.fields[f]);
            std::string base =
                spec_.csv.group_paths ? odk_column(spec_.form, row, layout.repeat) : row.name;
            if (form::is_geopoint(row.type)) {
                for (const char* part : kGeopointParts) out.push_back(base + "-" + part);
                continue;
            }
            out.push_back(base);
            for (const auto& choice : splits_[f]) out.push_back(base + "/" + choice);
        }
        if (table_ == 0) {
            // ODK Central's meta group follows the form's fields: instanceID, then instanceName.
            std::string meta = spec_.csv.group_paths ? "meta-" : "";
            out.push_back(meta + "instanceID");
            if (spec_.form.settings().instance_name) out.push_back(meta + "instanceName");
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
        const auto& layout = spec_.layouts[table_];
        std::vector<bool> out;
        if (table_ == 0) out.push_back(false);
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = spec_.form.row(layout.fields[f]);
            if (form::is_geopoint(row.type)) {
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
            if (spec_.form.settings().instance_name) out.push_back(false);
            for (const auto& m : meta_columns()) out.push_back(m.numeric);
        } else {
            out.insert(out.end(), 2, false);
        }
        return out;
    }

  public:
    std::vector<std::string> record(const TableRow& r) const {
        const auto& layout = spec_.layouts[table_];
        std::vector<std::string> out;
        if (table_ == 0) out.push_back(iso_time(r.record->view.meta.created));
        for (std::size_t f = 0; f < layout.fields.size(); ++f) {
            const auto& row = spec_.form.row(layout.fields[f]);
            const json* answer = answer_of(r, row);
            if (form::is_geopoint(row.type)) {
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
            if (spec_.form.settings().instance_name)
                out.push_back(instance_name(spec_.form, *r.record));
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
        if (spec_.csv.labels.empty() || !select) return cell_text(answer);
        const auto* list = spec_.form.choices(row.list_name);
        auto label = [&](const json& v) {
            auto name = choice_text(v);
            const auto* c = list ? list->find(name) : nullptr;
            if (!c) return name;
            auto text =
                form::text_in(c->label, spec_.csv.labels, spec_.form.settings().default_language);
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

    const ExportSpec& spec_;
    std::size_t table_;
    std::vector<std::vector<std::string>> splits_;  // per field: its split columns' choices
    std::vector<std::string> header_;
    std::vector<bool> numeric_;
};

OdkTable::OdkTable(const ExportSpec& spec, std::size_t table)
    : layout_(std::make_unique<Layout>(spec, table)) {}
OdkTable::~OdkTable() = default;
OdkTable::OdkTable(OdkTable&&) noexcept = default;
const std::vector<std::string>& OdkTable::header() const {
    return layout_->header();
}
const std::vector<bool>& OdkTable::numeric() const {
    return layout_->numeric();
}
std::vector<std::string> OdkTable::cells(const TableRow& row) const {
    return layout_->record(row);
}

namespace {

// One file per table, CRLF line ends; or with csv.zip the tables, LF line ends, into
// `<form id>.zip` when all are written (ODK Central's download has them at its root).
class OdkCsvWriter final : public RecordWriter {
  public:
    explicit OdkCsvWriter(const ExportSpec& spec) : spec_(spec) {}

    Result<void> begin() override {
        for (std::size_t t = 0; t < spec_.layouts.size(); ++t) {
            tables_.emplace_back(spec_, t);
            // Zipped, each table waits under its temporary name until the archive takes it.
            CANVASS_TRY(auto file, OutputFile::create(table_path(spec_, t, "csv")));
            files_.push_back(std::move(file));
            write_csv_record(files_.back().stream(), tables_.back().header(), line_end());
        }
        rows_.assign(spec_.layouts.size(), 0);
        return {};
    }

    Result<void> add(const ExportRecord&, const RecordRows& rows) override {
        for (std::size_t t = 0; t < rows.size(); ++t) {
            for (const auto& r : rows[t])
                write_csv_record(files_[t].stream(), tables_[t].cells(r), line_end());
            rows_[t] += rows[t].size();
        }
        return {};
    }

    Result<void> finish(ExportResult& result) override {
        if (spec_.csv.zip) {
            std::vector<ZipFileEntry> entries;
            for (std::size_t t = 0; t < files_.size(); ++t) {
                CANVASS_TRY_VOID(files_[t].flush());
                entries.push_back({table_file_name(spec_, t, "csv"), files_[t].path() + ".part"});
            }
            if (spec_.csv.attachment_files)
                for (const auto& file : spec_.csv.attachment_files())
                    entries.push_back(
                        {std::filesystem::path(file).lexically_relative(spec_.dir).generic_string(),
                         file});
            auto path = spec_.dir + "/" + file_stem(spec_.form) + ".zip";
            CANVASS_TRY_VOID(write_zip_files(path, entries));
            result.files.push_back({path, entries.size(), "tables"});
            files_.clear();  // the tables' temporary files go
            return {};
        }
        for (std::size_t t = 0; t < files_.size(); ++t) {
            CANVASS_TRY_VOID(files_[t].commit());
            result.files.push_back({files_[t].path(), rows_[t]});
        }
        return {};
    }

  private:
    std::string_view line_end() const { return spec_.csv.zip ? "\n" : "\r\n"; }

    const ExportSpec& spec_;
    std::vector<OdkTable> tables_;
    std::vector<OutputFile> files_;
    std::vector<std::size_t> rows_;
};

}  // namespace

std::unique_ptr<RecordWriter> odk_csv_writer(const ExportSpec& spec) {
    return std::make_unique<OdkCsvWriter>(spec);
}

}  // namespace canvass::exporting
