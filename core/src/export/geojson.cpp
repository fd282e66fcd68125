// `<form id>.geojson`: the records' positions for QGIS and other GIS tools, one Point
// feature per record at the main table's first geopoint question (in form order; not the
// start-geopoint metadata), its
// `id` the record's KEY, its properties the main table's other answers as the CSV writes
// them. Records without that answer are left out; geopoints inside repeats are not mapped.
#include <optional>

#include "export/cells.hpp"
#include "canvass/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

using nlohmann::json;

namespace {

// The collection as nlohmann::json would dump it whole ({"features":[…],"type":…}, keys
// sorted), written a feature at a time.
class GeojsonWriter final : public OneFileWriter {
  public:
    explicit GeojsonWriter(const ExportSpec& spec)
        : OneFileWriter(spec.dir + "/" + file_stem(spec.form) + ".geojson", "features"),
          spec_(spec) {
        for (form::RowId id : spec.layouts[0].fields) {
            if (spec.form.row(id).type == form::RowType::geopoint) {
                point_ = &spec.form.row(id);
                break;
            }
        }
    }

    void start(std::ostream& out) override { out << R"({"features":[)"; }
    void end(std::ostream& out) override {
        out << R"(],"type":"FeatureCollection"})"
            << "\n";
    }

    Result<void> add(const ExportRecord&, const RecordRows& rows) override {
        for (const auto& r : rows[0]) {
            auto feature = feature_of(r);
            if (!feature) continue;
            out() << (count ? "," : "") << feature->dump();
            ++count;
        }
        return {};
    }

  private:
    std::optional<json> feature_of(const TableRow& r) const {
        const auto& layout = spec_.layouts[0];
        const json* answer = point_ ? answer_of(r, *point_) : nullptr;
        auto lat = answer ? geopoint_part(*answer, 0) : std::nullopt;
        auto lon = answer ? geopoint_part(*answer, 1) : std::nullopt;
        if (!lat || !lon) return std::nullopt;
        json coordinates = {*lon, *lat};  // GeoJSON (RFC 7946) puts longitude first
        if (auto alt = geopoint_part(*answer, 2)) coordinates.push_back(*alt);
        json properties = {{"KEY", r.key},
                           {"SubmissionDate", iso_time(r.record->view.meta.created)},
                           {"question", point_->name}};
        if (auto acc = geopoint_part(*answer, 3)) properties["accuracy"] = *acc;
        for (form::RowId id : layout.fields) {
            const auto& row = spec_.form.row(id);
            if (form::is_geopoint(row.type)) continue;
            const json* a = answer_of(r, row);
            properties[odk_column(spec_.form, row, std::nullopt)] =
                a ? json(cell_text(*a)) : json();
        }
        return json{{"type", "Feature"},
                    {"id", r.key},
                    {"geometry", {{"type", "Point"}, {"coordinates", coordinates}}},
                    {"properties", properties}};
    }

    const ExportSpec& spec_;
    const form::Row* point_ = nullptr;
};

}  // namespace

std::unique_ptr<RecordWriter> geojson_writer(const ExportSpec& spec) {
    return std::make_unique<GeojsonWriter>(spec);
}

}  // namespace canvass::exporting
