// GeoJSON and XML choice files as ODK Collect reads them (attached_files.hpp): each becomes
// the same {"columns", "rows"} table a CSV file does, so the loader, instance() and sync see
// one kind of attached file.
#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "form/json_text.hpp"
#include "xlsform/attached_files.hpp"
#include "xlsform/xml_part.hpp"

namespace canvass::xlsform {
namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

bool ends_with(const std::string& s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix.data(), suffix.size()) == 0;
}

CsvTable failed(const std::string& file, std::string message) {
    CsvTable out;
    out.problems.push_back({file, 0, "", "", std::move(message)});
    return out;
}

// A property or an id as the text a cell holds: strings as they are, numbers and booleans
// as JSON writes them, null as empty; nullopt for an object or an array.
std::optional<std::string> scalar_text(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return std::string();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
}

// "lat lon 0 0" of a GeoJSON position [lon, lat, …].
std::optional<std::string> odk_point(const json& position) {
    if (!position.is_array() || position.size() < 2 || !position[0].is_number() ||
        !position[1].is_number())
        return std::nullopt;
    return position[1].dump() + " " + position[0].dump() + " 0 0";
}

// A geometry as ODK's geo text, as JavaRosa gives it to a form: a Point as one point, a
// LineString as its points, a Polygon as the points of its outer ring, separated by "; ".
std::optional<std::string> odk_geometry(const json& g, std::string& why) {
    if (g.is_null()) return std::string();
    if (!g.is_object() || !g.contains("type") || !g.contains("coordinates")) {
        why = "its geometry has no type and coordinates";
        return std::nullopt;
    }
    const json& type = g["type"];
    const json& c = g["coordinates"];
    auto points = [&](const json& list) -> std::optional<std::string> {
        if (!list.is_array()) return std::nullopt;
        std::string out;
        for (const auto& p : list) {
            auto point = odk_point(p);
            if (!point) return std::nullopt;
            out += (out.empty() ? "" : "; ") + *point;
        }
        return out;
    };
    std::optional<std::string> text;
    if (type == "Point")
        text = odk_point(c);
    else if (type == "LineString")
        text = points(c);
    else if (type == "Polygon")
        text = c.is_array() && !c.empty() ? points(c[0]) : std::optional<std::string>("");
    else {
        why = "its geometry is a " + (type.is_string() ? type.get<std::string>() : type.dump()) +
              ": a choice file's features are Points, LineStrings or Polygons";
        return std::nullopt;
    }
    if (!text) why = "its coordinates are not [longitude, latitude] positions";
    return text;
}

// Back from ODK's geo text: one point a Point, a closed ring a Polygon, else a LineString.
json geometry_of(const std::string& text) {
    if (text.empty()) return nullptr;
    std::vector<json> positions;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find(';', start);
        std::string point = text.substr(start, end == std::string::npos ? end : end - start);
        std::vector<std::string> words;
        for (std::size_t i = 0; i < point.size();) {
            auto j = point.find(' ', i);
            if (j == std::string::npos) j = point.size();
            if (j > i) words.push_back(point.substr(i, j - i));
            i = j + 1;
        }
        if (words.size() >= 2) {
            auto lat = json::parse(words[0], nullptr, false);
            auto lon = json::parse(words[1], nullptr, false);
            if (lat.is_number() && lon.is_number()) positions.push_back(json::array({lon, lat}));
        }
        if (end == std::string::npos) break;
        start = end + 1;
    }
    if (positions.size() == 1) return {{"type", "Point"}, {"coordinates", positions[0]}};
    if (positions.size() > 3 && positions.front() == positions.back())
        return {{"type", "Polygon"}, {"coordinates", json::array({positions})}};
    return {{"type", "LineString"}, {"coordinates", positions}};
}

// Rows of an XML file: the children of its root element, each a row whose child elements
// are its columns, in the order they first appear.
class XmlTable final : public detail::XmlHandler {
  public:
    void start(std::string_view name, const char**) override {
        ++depth_;
        if (depth_ == 2) rows_.emplace_back();
        if (depth_ == 3) {
            cell_ = std::string(name);
            text_.clear();
            if (std::find(columns_.begin(), columns_.end(), cell_) == columns_.end())
                columns_.push_back(cell_);
        }
        if (depth_ > 3)
            failure = "<" + std::string(name) +
                      "> is nested inside a value: a choice file's "
                      "items hold values only, like <item><name>a</name><label>A</label></item>";
    }
    void end(std::string_view) override {
        if (depth_ == 3) {
            auto& row = rows_.back();
            if (row.contains(cell_)) failure = "an item has two <" + cell_ + "> values";
            row[cell_] = text_;
        }
        --depth_;
    }
    void text(std::string_view s) override {
        if (depth_ == 3) text_ += s;
    }
    std::vector<std::string> columns_;
    std::vector<std::map<std::string, std::string>> rows_;

  private:
    int depth_ = 0;
    std::string cell_, text_;
};

std::string xml_escaped(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

bool is_geojson_file(const std::string& name) {
    return ends_with(name, ".geojson");
}

bool is_xml_file(const std::string& name) {
    return ends_with(name, ".xml");
}

CsvTable read_geojson_table(std::string_view bytes, const std::string& file) {
    auto doc = form::parse_json(bytes, form::JsonLimits{max_attached_bytes, 32});
    if (!doc) return failed(file, "not GeoJSON: " + doc.error().message);
    if (!doc->is_object() || doc->value("type", json()) != "FeatureCollection")
        return failed(file,
                      "a GeoJSON choice file is one FeatureCollection (its type is "
                      "\"FeatureCollection\")");
    const json& features = (*doc)["features"];
    if (!features.is_array()) return failed(file, "the FeatureCollection has no features array");
    // Columns: geometry, id, then every other property in the order of its name, so that the
    // table is the same however the file orders its properties.
    bool geometry = false, id = false;
    std::set<std::string> properties;
    CsvTable out;
    for (std::size_t i = 0; i < features.size(); ++i) {
        const json& f = features[i];
        std::string where = "feature " + std::to_string(i + 1);
        if (!f.is_object() || f.value("type", json()) != "Feature") {
            out.problems.push_back({file, 0, "", "", where + " is not of type Feature"});
            continue;
        }
        if (f.contains("geometry") && !f["geometry"].is_null()) geometry = true;
        if (f.contains("id")) id = true;
        if (!f.contains("properties") || f["properties"].is_null()) continue;
        if (!f["properties"].is_object()) {
            out.problems.push_back({file, 0, "", "", where + ": its properties are not an object"});
            continue;
        }
        for (const auto& [name, value] : f["properties"].items()) {
            if (name == "id") {
                id = true;
                continue;
            }
            properties.insert(name);
        }
    }
    if (!out.problems.empty()) return out;
    ojson columns = ojson::array();
    if (geometry) columns.push_back("geometry");
    if (id) columns.push_back("id");
    for (const auto& p : properties) {
        if (p == "geometry")
            return failed(file,
                          "a property is named geometry, which is the "
                          "column of each feature's geometry: rename it");
        columns.push_back(p);
    }
    if (columns.empty()) return failed(file, "the features have no geometry and no properties");
    ojson rows = ojson::array();
    for (std::size_t i = 0; i < features.size(); ++i) {
        const json& f = features[i];
        std::string where = "feature " + std::to_string(i + 1);
        std::map<std::string, std::string> cells;
        std::string why;
        if (geometry) {
            auto g = odk_geometry(f.value("geometry", json()), why);
            if (!g) {
                out.problems.push_back({file, 0, "", "", where + ": " + why});
                continue;
            }
            cells["geometry"] = *g;
        }
        if (f.contains("properties") && f["properties"].is_object())
            for (const auto& [name, value] : f["properties"].items()) {
                auto text = scalar_text(value);
                if (!text) {
                    out.problems.push_back({file, 0, "", "",
                                            where + ": property " + name +
                                                " is an object or a list; a choice file's "
                                                "properties are text or numbers"});
                    continue;
                }
                cells[name] = *text;
            }
        // As JavaRosa does, the feature's own id wins over an id property.
        if (f.contains("id")) {
            auto text = scalar_text(f["id"]);
            if (!text) {
                out.problems.push_back(
                    {file, 0, "", "", where + ": its id is not text or a number"});
                continue;
            }
            cells["id"] = *text;
        }
        ojson row = ojson::array();
        for (const auto& c : columns) row.push_back(cells[c.get<std::string>()]);
        rows.push_back(std::move(row));
    }
    if (!out.problems.empty()) return out;
    out.table = {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
    return out;
}

CsvTable read_xml_table(std::string_view bytes, const std::string& file) {
    XmlTable table;
    detail::XmlParse parse(table, file);
    if (!parse.feed(bytes, true)) return failed(file, parse.error().substr(file.size() + 2));
    if (table.columns_.empty())
        return failed(file,
                      "the file has no items: an XML choice file is "
                      "<root><item><name>a</name><label>A</label></item>…</root>");
    ojson rows = ojson::array();
    for (auto& r : table.rows_) {
        ojson row = ojson::array();
        for (const auto& c : table.columns_) row.push_back(r[c]);
        rows.push_back(std::move(row));
    }
    CsvTable out;
    out.table = {{"columns", table.columns_}, {"rows", std::move(rows)}};
    return out;
}

CsvTable read_attached_table(std::string_view bytes, const std::string& file) {
    if (is_geojson_file(file)) return read_geojson_table(bytes, file);
    if (is_xml_file(file)) return read_xml_table(bytes, file);
    return read_csv_table(bytes, file);
}

std::string write_attached_table(const json& table, const std::string& file) {
    if (!is_geojson_file(file) && !is_xml_file(file)) return write_csv_table(table);
    std::vector<std::string> columns;
    if (table.contains("columns"))
        for (const auto& c : table["columns"]) columns.push_back(c.get<std::string>());
    const json rows = table.value("rows", json::array());
    if (is_xml_file(file)) {
        std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root>\n";
        for (const auto& row : rows) {
            out += "  <item>";
            for (std::size_t j = 0; j < columns.size() && j < row.size(); ++j)
                out += "<" + columns[j] + ">" + xml_escaped(row[j].get<std::string>()) + "</" +
                       columns[j] + ">";
            out += "</item>\n";
        }
        return out + "</root>\n";
    }
    ojson features = ojson::array();
    for (const auto& row : rows) {
        ojson feature = {{"type", "Feature"}};
        ojson properties = ojson::object();
        json geometry = nullptr;
        for (std::size_t j = 0; j < columns.size() && j < row.size(); ++j) {
            const std::string cell = row[j].get<std::string>();
            if (columns[j] == "geometry")
                geometry = geometry_of(cell);
            else
                properties[columns[j]] = cell;
        }
        feature["geometry"] = geometry;
        feature["properties"] = std::move(properties);
        features.push_back(std::move(feature));
    }
    return ojson{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump(1) + "\n";
}

}  // namespace canvass::xlsform
