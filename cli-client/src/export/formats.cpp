// The one table of export formats: `canvass export --format` and the desk's downloads both
// write through it.
#include "export/writers.hpp"

namespace canvass::cli::exporting {

const std::vector<std::string>& format_names() {
    static const std::vector<std::string> names{"csv", "jsonl", "xlsx", "geojson", "dta", "sav"};
    return names;
}

Result<void> write_format(const ExportJob& job, std::string_view format, ExportResult& result) {
    if (format == "csv") return write_odk_csv(job, result);
    if (format == "jsonl") return write_jsonl(job, result);
    if (format == "xlsx") return write_xlsx(job, result);
    if (format == "geojson") return write_geojson(job, result);
    if (format == "dta") return write_stat(job, StatFormat::dta, result);
    if (format == "sav") return write_stat(job, StatFormat::sav, result);
    return unexpected(Domain::core, errc::invalid_argument,
                      "no export format '" + std::string(format) + "'");
}

}  // namespace canvass::cli::exporting
