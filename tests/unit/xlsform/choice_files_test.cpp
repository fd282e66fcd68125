// GeoJSON and XML choice files (ODK XForms "External secondary instances"; pyxform's
// select_one_from_file with .geojson and .xml): read into the twin's `external` as the
// tables CSV files give, so that choices, instance() lookups and pulldata() read them, and
// written back in their own format by export.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "form/loader.hpp"
#include "form/validate.hpp"
#include "xlsform/attached_files.hpp"
#include "xlsform/export.hpp"
#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using nlohmann::json;
using testing::book;
using ::testing::Contains;
using ::testing::HasSubstr;
using testing::problems_of;

const testing::Grid kStallSettings = {{"form_id", "version"}, {"stalls", "1"}};

FileSource files_from(std::map<std::string, std::string> files) {
    return
        [files = std::move(files)](const std::string& name) -> Result<std::optional<std::string>> {
            auto it = files.find(name);
            if (it == files.end()) return std::optional<std::string>();
            return std::optional<std::string>(it->second);
        };
}

// Market stalls as a mapping team publishes them: points and a polygon, ids as numbers or
// as a property, a property that is a number.
const std::string stalls_geojson = R"({
  "type": "FeatureCollection",
  "features": [
    {"type": "Feature", "id": 14,
     "geometry": {"type": "Point", "coordinates": [36.8219, -1.2921, 1700]},
     "properties": {"title": "Amina's stall", "market": "gikomba", "id": "ignored", "pitches": 2}},
    {"type": "Feature",
     "geometry": {"type": "LineString", "coordinates": [[36.8, -1.3], [36.81, -1.31]]},
     "properties": {"id": "row-b", "title": "Row B", "market": "gikomba", "covered": true}},
    {"type": "Feature",
     "geometry": {"type": "Polygon",
                  "coordinates": [[[36.8, -1.3], [36.81, -1.3], [36.81, -1.31], [36.8, -1.3]]]},
     "properties": {"id": "yard", "title": "Yard", "market": "toi", "pitches": null}},
    {"type": "Feature", "geometry": null, "properties": {"id": "office", "title": "Office"}}
  ]
})";

// A stall chosen from the file, its place and market looked up; `more` rows after them, and a
// choices sheet when given.
Workbook stalls_book(const testing::Grid& more = {}, const testing::Grid& choices = {}) {
    testing::Grid survey = {
        {"type", "name", "label", "calculation"},
        {"select_one_from_file stalls.geojson", "stall", "Stall", ""},
        {"calculate", "place", "", "instance('stalls')/root/item[id=${stall}]/geometry"},
        {"calculate", "market", "", "pulldata('stalls', 'market', 'id', ${stall})"}};
    survey.insert(survey.end(), more.begin(), more.end());
    std::vector<std::pair<std::string, testing::Grid>> sheets{{"survey", survey},
                                                              {"settings", kStallSettings}};
    if (!choices.empty()) sheets.emplace_back("choices", choices);
    return book(sheets);
}

TEST(GeoJsonChoices, FeaturesAreChoicesByIdAndTitleWithTheirGeometryAndProperties) {
    Import i =
        import_workbook(stalls_book(), "stalls", files_from({{"stalls.geojson", stalls_geojson}}));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    json t = json::parse(i.twin_text);
    EXPECT_EQ(t["external"]["stalls.geojson"], json::parse(R"({
        "columns": ["geometry", "id", "covered", "market", "pitches", "title"],
        "rows": [
          ["-1.2921 36.8219 0 0", "14", "", "gikomba", "2", "Amina's stall"],
          ["-1.3 36.8 0 0; -1.31 36.81 0 0", "row-b", "true", "gikomba", "", "Row B"],
          ["-1.3 36.8 0 0; -1.3 36.81 0 0; -1.31 36.81 0 0; -1.3 36.8 0 0", "yard", "", "toi", "", "Yard"],
          ["", "office", "", "", "", "Office"]]})"))
        << "the feature's own id wins over an id property, as in ODK Collect";
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    const auto* list = form.value().choices(form.value().find("stall")->list_name);
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->choices.size(), 4u);
    EXPECT_EQ(list->choices[0].name, "14");
    EXPECT_EQ(list->choices[0].label.begin()->second, "Amina's stall");
    EXPECT_EQ(list->choices[2].columns.at("market"), "toi");

    auto v = form::validate_answers(form.value(), {{"stall", "yard"}});
    ASSERT_TRUE(v.ok()) << form::describe(v.violations.front());
    EXPECT_EQ(v.completed["place"],
              "-1.3 36.8 0 0; -1.3 36.81 0 0; -1.31 36.81 0 0; -1.3 36.8 0 0");
    EXPECT_EQ(v.completed["market"], "toi");
    EXPECT_FALSE(form::validate_answers(form.value(), {{"stall", "ignored"}}).ok())
        << "no feature is named by its overridden id property";
}

TEST(GeoJsonChoices, WhatODKCollectCannotReadIsAProblemNamingTheFileAndFeature) {
    auto problem = [](const std::string& geojson) {
        Import i =
            import_workbook(stalls_book(), "stalls", files_from({{"stalls.geojson", geojson}}));
        EXPECT_FALSE(i.ok());
        return problems_of(i).empty() ? std::string() : problems_of(i).front();
    };
    EXPECT_THAT(problem("{\"type\": \"FeatureCollection\", \"features\": ["),
                HasSubstr("stalls.geojson: not GeoJSON"));
    EXPECT_THAT(problem(R"({"type": "Feature", "properties": {}})"),
                HasSubstr("stalls.geojson: a GeoJSON choice file is one FeatureCollection"));
    EXPECT_THAT(problem(R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a"}},
        {"type": "Feature", "geometry": {"type": "MultiPoint", "coordinates": [[1, 2]]},
         "properties": {"id": "b"}}]})"),
                HasSubstr("stalls.geojson: feature 2: its geometry is a MultiPoint: a choice "
                          "file's features are Points, LineStrings or Polygons"));
    EXPECT_THAT(problem(R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"id": "a", "owner": {"name": "Amina"}}}]})"),
                HasSubstr("stalls.geojson: feature 1: property owner is an object or a list"));
    EXPECT_THAT(problem(R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["36.8", -1.3]},
         "properties": {"id": "a"}}]})"),
                HasSubstr("feature 1: its coordinates are not [longitude, latitude] positions"));
    EXPECT_THAT(problem(R"({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "a", "title": "A"}}]})"),
                HasSubstr("stalls.geojson has no column id: each row of a choice file gives a "
                          "choice's name in the column id and its label in title"));
}

TEST(XmlChoices, ItemsAreRowsAndTheirElementsColumns) {
    const std::string markets_xml = R"(<?xml version="1.0"?>
<root>
  <item><name>gikomba</name><label>Gikomba</label><city>nairobi</city></item>
  <item><name>toi</name><label>Toi &amp; Kibera</label></item>
  <item><label>Kongowea</label><name>kongowea</name><city>mombasa</city></item>
</root>)";
    auto b =
        book({{"survey",
               {{"type", "name", "label", "calculation"},
                {"select_one_from_file markets.xml", "market", "Market", ""},
                {"calculate", "city", "", "instance('markets')/root/item[name=${market}]/city"}}},
              {"settings", kStallSettings}});
    Import i = import_workbook(b, "stalls", files_from({{"markets.xml", markets_xml}}));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    EXPECT_EQ(json::parse(i.twin_text)["external"]["markets.xml"], json::parse(R"({
        "columns": ["name", "label", "city"],
        "rows": [["gikomba", "Gikomba", "nairobi"], ["toi", "Toi & Kibera", ""],
                 ["kongowea", "Kongowea", "mombasa"]]})"));
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    auto v = form::validate_answers(form.value(), {{"market", "kongowea"}});
    ASSERT_TRUE(v.ok()) << form::describe(v.violations.front());
    EXPECT_EQ(v.completed["city"], "mombasa");

    auto refused = [&](const std::string& xml) {
        Import r = import_workbook(b, "stalls", files_from({{"markets.xml", xml}}));
        return problems_of(r).empty() ? std::string() : problems_of(r).front();
    };
    EXPECT_THAT(refused("<root><item><name>a</name>"), HasSubstr("markets.xml: not well-formed"));
    EXPECT_THAT(refused("<!DOCTYPE r [<!ENTITY a \"aaaa\">]><root/>"),
                HasSubstr("markets.xml: a document type declaration is not allowed"));
    EXPECT_THAT(refused("<root><item><name><b>a</b></name></item></root>"),
                HasSubstr("<b> is nested inside a value"));
    EXPECT_THAT(refused("<root/>"), HasSubstr("markets.xml: the file has no items"));
}

TEST(ChoiceFiles, ExportWritesEachFileInItsFormatAndImportReadsItBack) {
    auto b = stalls_book({{"select_one_from_file markets.xml", "where", "Where", ""}});
    Import first =
        import_workbook(b, "stalls",
                        files_from({{"stalls.geojson", stalls_geojson},
                                    {"markets.xml",
                                     "<root><item><name>toi</name><label>Toi &lt;3</label>"
                                     "</item></root>"}}));
    ASSERT_TRUE(first.ok()) << problems_of(first).front();
    canvass::testing::TempDir dir;
    json twin = json::parse(first.twin_text);
    ASSERT_TRUE(export_xlsform(twin, dir / "stalls.xlsx"));
    std::ifstream geojson(dir / "stalls.geojson");
    ASSERT_TRUE(geojson);
    EXPECT_EQ(json::parse(geojson)["type"], "FeatureCollection");
    Import again = import_file(dir / "stalls.xlsx");
    ASSERT_TRUE(again.ok()) << problems_of(again).front();
    EXPECT_EQ(json::parse(again.twin_text), twin);
}

TEST(ChoiceFiles, AFileGivesItsInstanceBeforeAChoiceListOfTheSameName) {
    auto b = stalls_book({}, {{"list_name", "name", "label"}, {"stalls", "unused", "Unused"}});
    Import i = import_workbook(b, "stalls", files_from({{"stalls.geojson", stalls_geojson}}));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    auto v = form::validate_answers(form.value(), {{"stall", "14"}});
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(v.completed["market"], "gikomba") << "instance('stalls') is the file, as in pyxform";

    json twin = json::parse(i.twin_text);
    twin["external"]["stalls.csv"] =
        json::parse(R"({"columns": ["name", "label"], "rows": [["a", "A"]]})");
    auto clash = form::load_form(twin.dump());
    ASSERT_FALSE(clash);
    EXPECT_THAT(clash.error().front().message,
                HasSubstr("two attached files give instance('stalls')"));
}

// pyxform's xml-external and csv-external rows: an instance read from a file, with no select.
TEST(ChoiceFiles, XmlExternalAndCsvExternalDeclareInstancesThatExportWritesBack) {
    auto b = book({{"survey",
                    {{"type", "name", "label", "calculation"},
                     {"xml-external", "houses", "", ""},
                     {"csv-external", "prices", "", ""},
                     {"text", "house", "House", ""},
                     {"calculate", "owner", "", "instance('houses')/root/item[id=${house}]/owner"},
                     {"calculate", "rent", "", "instance('prices')/root/item[id=${house}]/rent"}}},
                   {"settings", kStallSettings}});
    const std::map<std::string, std::string> files = {
        {"houses.xml", "<root><item><id>h1</id><owner>Amina</owner></item></root>"},
        {"prices.csv", "id,rent\nh1,1200\n"}};
    Import i = import_workbook(b, "stalls", files_from(files));
    ASSERT_TRUE(i.ok()) << problems_of(i).front();
    json twin = json::parse(i.twin_text);
    EXPECT_EQ(twin["survey"].size(), 3u) << "the declarations are files, not rows";
    EXPECT_TRUE(twin["external"].contains("houses.xml"));
    auto form = form::load_form(i.twin_text);
    ASSERT_TRUE(form);
    auto v = form::validate_answers(form.value(), {{"house", "h1"}});
    ASSERT_TRUE(v.ok()) << form::describe(v.violations.front());
    EXPECT_EQ(v.completed["owner"], "Amina");
    EXPECT_EQ(v.completed["rent"], "1200");

    canvass::testing::TempDir dir;
    ASSERT_TRUE(export_xlsform(twin, dir / "houses.xlsx"));
    Import again = import_file(dir / "houses.xlsx");
    ASSERT_TRUE(again.ok()) << problems_of(again).front();
    EXPECT_EQ(json::parse(again.twin_text), twin) << "export writes the declarations back";

    Import missing = import_workbook(b, "stalls", files_from({{"prices.csv", "id,rent\n"}}));
    EXPECT_THAT(problems_of(missing),
                Contains("survey row 2, column type: the file houses.xml is not beside the form: "
                         "put it in the spreadsheet's folder"));
    auto unnamed = book({{"survey", {{"type", "name"}, {"xml-external", ""}, {"text", "a"}}},
                         {"settings", kStallSettings}});
    EXPECT_THAT(problems_of(import_workbook(unnamed, "stalls", files_from({}))),
                Contains(HasSubstr("survey row 2, column type: xml-external needs a name")));
}

}  // namespace
}  // namespace canvass::xlsform
