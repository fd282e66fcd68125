// `canvass export --format geojson`: one Point feature per record with a position, for QGIS.
#include "export_form_support.hpp"

namespace canvass::cli::export_test {
namespace {

const std::string kGeoForm = "home_based_workers";

TEST(GeoJsonExport, OneFeaturePerRecordAtItsGeopointWithItsKey) {
    FormExport e;
    auto answers = answer_sets(kGeoForm);
    e.load(source_file("schemas/forms/" + kGeoForm + ".json"), answers);
    auto r = e.run({"--format", "geojson"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto doc = json::parse(slurp(e.out + "/" + kGeoForm + ".geojson"));
    EXPECT_EQ(doc["type"], "FeatureCollection");
    std::map<std::string, json> by_key;
    for (const auto& f : doc["features"]) by_key[f["id"]] = f;
    std::size_t located = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (!answers[i].contains("location")) {
            EXPECT_FALSE(by_key.count(e.key_of(i))) << "no position, no feature";
            continue;
        }
        ++located;
        ASSERT_TRUE(by_key.count(e.key_of(i))) << i;
        const auto& f = by_key[e.key_of(i)];
        const auto& where = answers[i]["location"];
        EXPECT_EQ(f["type"], "Feature");
        EXPECT_EQ(f["geometry"]["type"], "Point");
        const auto& c = f["geometry"]["coordinates"];
        ASSERT_GE(c.size(), 2u);
        EXPECT_DOUBLE_EQ(c[0].get<double>(), where["lon"].get<double>())
            << "longitude first (RFC 7946)";
        EXPECT_DOUBLE_EQ(c[1].get<double>(), where["lat"].get<double>());
        EXPECT_EQ(c.size(), where.contains("alt") ? 3u : 2u);
        EXPECT_EQ(f["properties"]["KEY"], e.key_of(i));
        EXPECT_EQ(f["properties"]["question"], "location");
        EXPECT_EQ(f["properties"]["respondent-age"], odk_text(answers[i]["age"]));
    }
    EXPECT_GT(located, 0u) << "the example answers must hold positions";
    EXPECT_EQ(doc["features"].size(), located);
}

}  // namespace
}  // namespace canvass::cli::export_test
