// The one table of export formats, and the passes that write them: `canvass export --format`
// and the desk's downloads both write through it.
#include <algorithm>

#include "export/writers.hpp"

namespace canvass::exporting {

const std::vector<std::string>& format_names() {
    static const std::vector<std::string> names{"csv", "jsonl", "xlsx", "geojson", "dta", "sav"};
    return names;
}

bool needs_survey(std::string_view format, const CsvOptions& csv) {
    if (format == "dta" || format == "sav")
        return true;  // row counts, widths and codes in the header
    return (format == "csv" || format == "xlsx") &&
           csv.split_select_multiples;  // the split columns
}

Result<std::unique_ptr<RecordWriter>> make_writer(const ExportSpec& spec, std::string_view format) {
    std::unique_ptr<RecordWriter> w;
    if (format == "csv") w = odk_csv_writer(spec);
    if (format == "jsonl") w = jsonl_writer(spec);
    if (format == "xlsx") w = xlsx_writer(spec);
    if (format == "geojson") w = geojson_writer(spec);
    if (format == "dta") w = stat_writer(spec, StatFormat::dta);
    if (format == "sav") w = stat_writer(spec, StatFormat::sav);
    if (format == "codebook") w = codebook_writer(spec);
    if (format == "conflicts") w = conflicts_writer(spec);
    if (!w)
        return unexpected(Domain::core, errc::invalid_argument,
                          "no export format '" + std::string(format) + "'");
    return w;
}

Result<void> write_export(const form::Form& form, const RecordPass& pass,
                          const std::vector<std::string>& writers, const std::string& dir,
                          const std::string& lang, const CsvOptions& csv, ExportResult& result) {
    const auto layouts = table_layouts(form);
    Survey survey(layouts);
    // Each record's rows, made once per pass and dropped with the record.
    auto rows_pass =
        [&](std::string_view what,
            const std::function<Result<void>(const ExportRecord&, const RecordRows&)>& fn) {
            return pass(what, [&](const ExportRecord& r) -> Result<void> {
                return fn(r, record_rows(form, layouts, r));
            });
        };
    const bool survey_first = std::any_of(
        writers.begin(), writers.end(), [&](const std::string& w) { return needs_survey(w, csv); });
    if (survey_first) {
        CANVASS_TRY_VOID(
            rows_pass("survey", [&](const ExportRecord&, const RecordRows& rows) -> Result<void> {
                survey.add(form, rows);
                return {};
            }));
    }
    ExportSpec spec{form, layouts, survey, dir, lang, csv};
    std::vector<std::unique_ptr<RecordWriter>> open;
    for (const auto& name : writers) {
        CANVASS_TRY(auto w, make_writer(spec, name));
        open.push_back(std::move(w));
    }
    std::vector<RecordWriter*> gathering;
    for (auto& w : open) {
        if (w->needs_gathering()) gathering.push_back(w.get());
    }
    if (!gathering.empty()) {
        CANVASS_TRY_VOID(
            rows_pass("gather", [&](const ExportRecord&, const RecordRows& rows) -> Result<void> {
                for (auto* w : gathering) w->gather(rows);
                return {};
            }));
    }
    for (auto& w : open) CANVASS_TRY_VOID(w->begin());
    CANVASS_TRY_VOID(
        rows_pass("write", [&](const ExportRecord& r, const RecordRows& rows) -> Result<void> {
            if (!survey_first) survey.add(form, rows);  // for the codebook, written last
            for (auto& w : open) CANVASS_TRY_VOID(w->add(r, rows));
            return {};
        }));
    for (auto& w : open) CANVASS_TRY_VOID(w->finish(result));
    return {};
}

}  // namespace canvass::exporting
