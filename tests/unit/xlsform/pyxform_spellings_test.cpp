// Spellings that real XLSForms use and pyxform reads, found in the corpus: cells padded with
// no-break spaces, language codes in capitals, pyxform's older type names and `or specify
// other`, and settings that shape only the XForm XML pyxform writes.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "xlsform/import.hpp"
#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using namespace testing;
using nlohmann::json;

const Grid spellings_settings = {{"form_id", "version", "default_language"},
                                 {"spellings", "1", "en"}};

json twin_without_warnings(const Workbook& b) {
    Import i = import_workbook(b, "spellings");
    for (const auto& p : i.problems) ADD_FAILURE() << describe(p);
    return json::parse(i.twin_text);
}

// pyxform strips every cell as Python's str.strip() does, Unicode's spaces included: a list
// name pasted with a trailing U+00A0 is the same list.
TEST(PyxformSpellings, CellsAreTrimmedOfUnicodeSpaces) {
    auto b = book({{"survey",
                    {{"type", "name", "label"},
                     {"select_one specimen_type\xC2\xA0", "\xE2\x80\x83specimen", "Specimen?"}}},
                   {"choices",
                    {{"list_name", "name", "label"},
                     {"specimen_type\xC2\xA0", "blood\xC2\xA0", "Blood\xE3\x80\x80"}}},
                   {"settings", spellings_settings}});
    json t = twin_without_warnings(b);
    EXPECT_EQ(t["survey"][0]["type"], "select_one specimen_type");
    EXPECT_EQ(t["survey"][0]["name"], "specimen");
    EXPECT_EQ(t["choices"]["specimen_type"][0]["name"], "blood");
    EXPECT_EQ(t["choices"]["specimen_type"][0]["label"]["en"], "Blood");
}

TEST(PyxformSpellings, InnerNoBreakSpacesAreKept) {
    auto b = book({{"survey", {{"type", "name", "label"}, {"note", "n", "10\xC2\xA0km"}}},
                   {"settings", spellings_settings}});
    EXPECT_EQ(twin_without_warnings(b)["survey"][0]["label"]["en"], "10\xC2\xA0km");
}

// BCP 47 tags are case-insensitive: `label::EN` and a default_language `EN` are English.
TEST(PyxformSpellings, LanguageCodesInCapitals) {
    auto b = book(
        {{"SURVEY", {{"TYPE", "NAME", "LABEL::EN", "LABEL::FR-CA"}, {"text", "t", "T?", "T ?"}}},
         {"SETTINGS", {{"FORM_ID", "VERSION", "DEFAULT_LANGUAGE"}, {"caps", "1", "EN"}}}});
    json t = twin_without_warnings(b);
    EXPECT_EQ(t["settings"]["default_language"], "en");
    EXPECT_EQ(t["settings"]["languages"], json::parse(R"(["en","fr-CA"])"));
    EXPECT_EQ(t["survey"][0]["label"], json::parse(R"({"en":"T?","fr-CA":"T ?"})"));
}

// pyxform's question type dictionary: `gps` and `location` are geopoint, `imei` and `device
// id` deviceid, `start time` and `end time` the start and end metadata, `date time` datetime.
TEST(PyxformSpellings, OlderTypeNames) {
    auto b = book({{"survey",
                    {{"type", "name", "label"},
                     {"gps", "a", "A"},
                     {"Location", "b", "B"},
                     {"date time", "c", "C"},
                     {"imei", "d"},
                     {"device id", "e"},
                     {"start time", "f"},
                     {"end  time", "g"},
                     {"get today", "h"}}},
                   {"settings", spellings_settings}});
    std::vector<std::string> types;
    json t = twin_without_warnings(b);
    for (const auto& r : t["survey"]) types.push_back(r["type"]);
    EXPECT_EQ(t["survey"].size(), 8u) << t.dump();
    EXPECT_EQ(types, (std::vector<std::string>{"geopoint", "geopoint", "datetime", "deviceid",
                                               "deviceid", "start", "end", "today"}));
}

TEST(PyxformSpellings, OrSpecifyOtherIsOrOther) {
    auto b = book({{"survey",
                    {{"type", "name", "label"},
                     {"select one from sexes or specify other", "sex", "Sex?"},
                     {"select_multiple goods or other", "goods", "Goods?"},
                     {"select_one other", "plain", "A list named other"}}},
                   {"choices",
                    {{"list_name", "name", "label"},
                     {"sexes", "f", "Female"},
                     {"goods", "fruit", "Fruit"},
                     {"other", "x", "X"}}},
                   {"settings", spellings_settings}});
    json t = twin_without_warnings(b);
    EXPECT_EQ(t["survey"][0]["type"], "select_one sexes or_other");
    EXPECT_EQ(t["survey"][1]["type"], "select_multiple goods or_other");
    EXPECT_EQ(t["survey"][2]["type"], "select_one other");
}

// `name` (the XForm instance's root element), `namespaces`, `omit_instanceID` and
// `clean_text_values` only shape the XML pyxform writes, which canvass never writes.
TEST(PyxformSpellings, XformOnlySettingsAreLeftOut) {
    auto b = book(
        {{"survey", {{"type", "name", "label"}, {"text", "t", "T?"}}},
         {"settings",
          {{"form_id", "version", "name", "namespaces", "omit_instanceID", "clean_text_values",
            "style"},
           {"f", "1", "data", "cht=https://communityhealthtoolkit.org", "yes", "no", "pages"}}}});
    json s = twin_without_warnings(b)["settings"];
    EXPECT_FALSE(s.contains("name"));
    EXPECT_FALSE(s.contains("namespaces"));
    EXPECT_FALSE(s.contains("omit_instanceID"));
    EXPECT_FALSE(s.contains("clean_text_values"));
    EXPECT_EQ(s["style"], "pages");
}

}  // namespace
}  // namespace canvass::xlsform
