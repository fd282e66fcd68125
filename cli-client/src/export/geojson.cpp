// `<form id>.geojson`: the records' positions for QGIS and other GIS tools, one Point
// feature per record at the main table's first geopoint question (in form order; not the
// start-geopoint metadata), its
// `id` the record's KEY, its properties the main table's other answers as the CSV writes
// them. Records without that answer are left out; geopoints inside repeats are not mapped.
#include "export/cells.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;

namespace {

bool is_geopoint(const form::Row& row) {
    return row.type == form::RowType::geopoint || row.type == form::RowType::start_geopoint;
}

}  // namespace

Result<void> write_geojson(const ExportJob& job, ExportResult& result) {
    const auto& layout = job.tables.layouts[0];
    const form::Row* point = nullptr;
    for (form::RowId id : layout.fields) {
        if (job.form.row(id).type == form::RowType::geopoint) {
            point = &job.form.row(id);
            break;
        }
    }
    json features = json::array();
    for (const auto& r : job.tables.rows[0]) {
        const json* answer = point ? answer_of(r, *point) : nullptr;
        auto lat = answer ? geopoint_part(*answer, 0) : std::nullopt;
        auto lon = answer ? geopoint_part(*answer, 1) : std::nullopt;
        if (!lat || !lon) continue;
        json coordinates = {*lon, *lat};  // GeoJSON (RFC 7946) puts longitude first
        if (auto alt = geopoint_part(*answer, 2)) coordinates.push_back(*alt);
        json properties = {{"KEY", r.key},
                           {"SubmissionDate", iso_time(r.record->view.meta.created)},
                           {"question", point->name}};
        if (auto acc = geopoint_part(*answer, 3)) properties["accuracy"] = *acc;
        for (form::RowId id : layout.fields) {
            const auto& row = job.form.row(id);
            if (is_geopoint(row)) continue;
            const json* a = answer_of(r, row);
            properties[odk_column(job.form, row, std::nullopt)] = a ? json(cell_text(*a)) : json();
        }
        features.push_back({{"type", "Feature"},
                            {"id", r.key},
                            {"geometry", {{"type", "Point"}, {"coordinates", coordinates}}},
                            {"properties", properties}});
    }
    CANVASS_TRY(auto file,
                OutputFile::create(job.dir + "/" + file_stem(job.form) + ".geojson"));
    file.stream() << json{{"type", "FeatureCollection"}, {"features", features}}.dump() << "\n";
    CANVASS_TRY_VOID(file.commit());
    result.files.push_back({file.path(), features.size(), "features"});
    return {};
}

}  // namespace canvass::cli::exporting
