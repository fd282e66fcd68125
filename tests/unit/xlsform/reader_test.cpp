// Reading .xlsx and .xls workbooks: every kind of cell, references, sheets, and hostile files.
#include <gtest/gtest.h>

#include "xlsform_test_support.hpp"

namespace canvass::xlsform {
namespace {

using namespace testing;

Workbook read_parts(const std::map<std::string, std::string>& parts, const Limits& limits = {}) {
    auto book = read_xlsx(zip_of(parts), limits);
    EXPECT_TRUE(book.has_value()) << (book ? "" : book.error().message);
    return book ? std::move(book).value() : Workbook{};
}

std::string read_error(const std::string& bytes, const Limits& limits = {}) {
    auto book = read_xlsx(bytes, limits);
    EXPECT_FALSE(book.has_value());
    return book ? "" : book.error().message;
}

TEST(XlsxReader, ReadsSharedInlineNumberBooleanAndFormulaCells) {
    auto parts = xlsx_parts(
        {{"survey", R"(<row r="1">
        <c r="A1" t="s"><v>0</v></c>
        <c r="B1" t="inlineStr"><is><t>inline</t></is></c>
        <c r="C1"><v>1</v></c>
        <c r="D1" t="n"><v>2.5</v></c>
        <c r="E1" t="b"><v>1</v></c>
        <c r="F1" t="b"><v>0</v></c>
        <c r="G1" t="str"><f>CONCAT("a","b")</f><v>ab</v></c>
        <c r="H1"><v>1.0E-3</v></c>
        <c r="I1"><v>20261101</v></c>
        <c r="J1" t="s"><v>1</v></c></row>)"}},
        {"<t>shared</t>", "<r><t>rich </t></r><r><t>text</t></r><rPh><t>ignored</t></rPh>"});
    Workbook b = read_parts(parts);
    ASSERT_EQ(b.sheets.size(), 1u);
    const SheetRow& row = b.sheets[0].rows.at(0);
    EXPECT_EQ(row.at(0), "shared");
    EXPECT_EQ(row.at(1), "inline");
    EXPECT_EQ(row.at(2), "1");  // Excel stores 1 as 1: no ".0"
    EXPECT_EQ(row.at(3), "2.5");
    EXPECT_EQ(row.at(4), "TRUE");
    EXPECT_EQ(row.at(5), "FALSE");
    EXPECT_EQ(row.at(6), "ab");
    EXPECT_EQ(row.at(7), "0.001");
    EXPECT_EQ(row.at(8), "20261101");
    EXPECT_EQ(row.at(9), "rich text");
}

TEST(XlsxReader, PlacesCellsByReferenceWithSkippedCellsAndColumnsInAnyOrder) {
    auto parts = xlsx_parts({{"survey", R"(
        <row r="1"><c r="AA1" t="inlineStr"><is><t>aa1</t></is></c></row>
        <row r="3"><c r="D3" t="inlineStr"><is><t>d3</t></is></c><c r="B3" t="inlineStr"><is><t>b3</t></is></c></row>
        <row><c t="inlineStr"><is><t>a4</t></is></c><c t="inlineStr"><is><t>b4</t></is></c></row>
        <row r="6"><c r="C6" t="inlineStr"><is><t>   </t></is></c></row>)"}});
    Workbook b = read_parts(parts);
    const Sheet& s = b.sheets.at(0);
    ASSERT_EQ(s.rows.size(), 3u);  // row 6 holds only spaces: an empty row
    EXPECT_EQ(s.rows[0].number, 1u);
    EXPECT_EQ(s.rows[0].at(26), "aa1");
    EXPECT_EQ(s.rows[1].number, 3u);
    EXPECT_EQ(s.rows[1].at(1), "b3");
    EXPECT_EQ(s.rows[1].at(3), "d3");
    EXPECT_EQ(s.rows[1].at(2), "");
    EXPECT_EQ(s.rows[2].number, 4u);  // a row without r follows the one before
    EXPECT_EQ(s.rows[2].at(0), "a4");
    EXPECT_EQ(s.rows[2].at(1), "b4");
}

TEST(XlsxReader, DecodesOoxmlEscapes) {
    auto parts = xlsx_parts(
        {{"survey",
          R"(<row r="1"><c r="A1" t="inlineStr"><is><t>line_x000D_two _x00E9_</t></is></c></row>)"}});
    EXPECT_EQ(read_parts(parts).sheets[0].rows[0].at(0), "line\rtwo \xC3\xA9");
}

TEST(XlsxReader, FindsSheetsByNameInAnyCase) {
    auto b = read_parts(
        xlsx_parts({{"Settings", ""}, {"SURVEY", inline_rows({{"type"}})}, {"choices", ""}}));
    ASSERT_NE(b.find("survey"), nullptr);
    EXPECT_EQ(b.find("survey")->name, "SURVEY");
    EXPECT_EQ(b.find("settings")->name, "Settings");
    EXPECT_EQ(b.find("external_choices"), nullptr);
}

TEST(XlsxReader, RefusesCellReferencesOutsideTheGrid) {
    for (std::string ref : {"ZZZZZZ99999999", "XFE1", "A1048577", "A0", "12"}) {
        auto bytes = zip_of(
            xlsx_parts({{"survey", "<row r=\"1\"><c r=\"" + ref + "\"><v>1</v></c></row>"}}));
        EXPECT_EQ(read_error(bytes), "sheet survey: xl/worksheets/sheet1.xml: cell reference " +
                                         ref +
                                         " is outside a spreadsheet's grid (A1 to XFD1048576)");
    }
    auto bytes = zip_of(xlsx_parts({{"survey", "<row r=\"99999999999\"><c><v>1</v></c></row>"}}));
    EXPECT_EQ(read_error(bytes),
              "sheet survey: xl/worksheets/sheet1.xml: row 99999999999 is outside a "
              "spreadsheet's grid (A1 to XFD1048576)");
    // The last cell of the grid is fine.
    auto b = read_parts(
        xlsx_parts({{"survey", R"(<row r="1048576"><c r="XFD1048576"><v>7</v></c></row>)"}}));
    EXPECT_EQ(b.sheets[0].rows.at(0).number, 1048576u);
    EXPECT_EQ(b.sheets[0].rows.at(0).at(16383), "7");
}

TEST(XlsxReader, RefusesASharedStringThatDoesNotExist) {
    auto bytes = zip_of(xlsx_parts({{"survey", R"(<row r="1"><c r="B1" t="s"><v>5</v></c></row>)"}},
                                   {"<t>only</t>"}));
    EXPECT_EQ(read_error(bytes),
              "sheet survey: xl/worksheets/sheet1.xml: cell B1 refers to shared string 5, which "
              "does not exist");
}

TEST(XlsxReader, RefusesFilesThatAreNotXlsx) {
    EXPECT_EQ(read_error("{\"settings\": {}}")
                  .rfind("not an .xlsx workbook: the zip archive is damaged or truncated", 0),
              0u);
    std::string good = zip_of(xlsx_parts({{"survey", inline_rows({{"type", "name"}})}}));
    EXPECT_EQ(read_error(good.substr(0, good.size() / 2))
                  .rfind("not an .xlsx workbook: the zip archive is damaged", 0),
              0u);
    EXPECT_EQ(read_error(zip_of({{"readme.txt", "hello"}})),
              "a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)");
    EXPECT_EQ(read_error(zip_of({{"mimetype", "application/vnd.oasis.opendocument.spreadsheet"},
                                 {"content.xml", "<x/>"}})),
              "an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx");
    auto parts = xlsx_parts({{"survey", "<row r=\"1\"><c r=\"A1\"><v>1</v></row>"}});
    EXPECT_EQ(
        read_error(zip_of(parts))
            .rfind("sheet survey: xl/worksheets/sheet1.xml: not well-formed XML at line 1", 0),
        0u);
}

TEST(XlsxReader, RefusesDocumentTypeDeclarations) {
    auto parts = xlsx_parts({{"survey", ""}});
    parts["xl/workbook.xml"] =
        R"(<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><workbook><sheets><sheet name="&b;" r:id="rId1"/></sheets></workbook>)";
    EXPECT_EQ(
        read_error(zip_of(parts)),
        "xl/workbook.xml: a document type declaration is not allowed (canvass reads XML without "
        "DTDs)");
}

TEST(XlsxReader, CapsTheUncompressedSizeOfEveryPart) {
    // 65 MiB of shared strings compress to a few dozen KiB: the reader stops at its cap.
    std::string big = "<t>" + std::string(65u << 20, 'a') + "</t>";
    auto bytes = zip_of(xlsx_parts({{"survey", ""}}, {big}));
    big.clear();
    big.shrink_to_fit();
    ASSERT_LT(bytes.size(), 1u << 20);
    Limits roomy;
    roomy.strings_bytes = 128u << 20;  // so that the part's own cap is the one reached
    EXPECT_EQ(
        read_error(bytes, roomy),
        "the part xl/sharedStrings.xml uncompressed is larger than 64 MiB, the most canvass reads");
}

TEST(XlsxReader, CapsSharedStringTextCellsAndStrings) {
    Limits small;
    small.strings_bytes = 1u << 20;
    auto bytes =
        zip_of(xlsx_parts({{"survey", ""}}, {"<t>" + std::string((1u << 20) + 1, 'a') + "</t>"}));
    EXPECT_EQ(read_error(bytes, small),
              "xl/sharedStrings.xml: shared strings longer than 1 MiB, the most canvass reads");
    Limits few;
    few.cells = 2;
    bytes = zip_of(xlsx_parts({{"survey", inline_rows({{"a", "b", "c"}})}}));
    EXPECT_EQ(read_error(bytes, few),
              "sheet survey: xl/worksheets/sheet1.xml: more than 2 cells, the most canvass reads");
    bytes = zip_of(xlsx_parts({{"survey", ""}}, {"<t>a</t>", "<t>b</t>", "<t>c</t>"}));
    EXPECT_EQ(read_error(bytes, few),
              "xl/sharedStrings.xml: more than 2 shared strings, the most canvass reads");
    Limits tiny;
    tiny.file_bytes = 10;
    EXPECT_EQ(read_error(bytes, tiny), "the workbook is larger than 0 MiB, the most canvass reads");
}

TEST(WorkbookFiles, SniffsByContentWhateverTheExtension) {
    canvass::testing::TempDir dir;
    std::string xlsx = write_file(dir, "form.data", xlsx_of({{"survey", {{"type"}, {"text"}}}}));
    auto b = read_workbook(xlsx);
    ASSERT_TRUE(b.has_value()) << b.error().message;
    EXPECT_EQ(b->find("survey")->rows.size(), 2u);
    EXPECT_TRUE(is_spreadsheet_file(xlsx));
    std::string json = write_file(dir, "form.json", "{}");
    EXPECT_FALSE(is_spreadsheet_file(json));
    EXPECT_EQ(read_workbook(json).error().message, json + " is not an .xlsx or .xls workbook");
    std::string fake = write_file(dir, "form.xlsx", "{}");
    EXPECT_TRUE(is_spreadsheet_file(fake));
    EXPECT_EQ(read_workbook(fake).error().message,
              fake + " is not an .xlsx workbook (it is not a zip archive)");
    std::string fake_xls = write_file(dir, "old.XLS", "text");
    EXPECT_EQ(read_workbook(fake_xls).error().message,
              fake_xls + " is not an .xls workbook (it is not an OLE2 document)");
}

TEST(ColumnLetters, NamesColumnsAsExcelDoes) {
    EXPECT_EQ(column_letters(0), "A");
    EXPECT_EQ(column_letters(25), "Z");
    EXPECT_EQ(column_letters(26), "AA");
    EXPECT_EQ(column_letters(701), "ZZ");
    EXPECT_EQ(column_letters(702), "AAA");
    EXPECT_EQ(column_letters(16383), "XFD");
}

// pyxform's own test workbook tests/example_xls/group.xls (see tests/data/xlsform/README.md).
TEST(XlsReader, ReadsALegacyBiffWorkbook) {
    auto b = read_workbook(std::string(CANVASS_SOURCE_DIR) + "/tests/data/xlsform/group.xls");
    ASSERT_TRUE(b.has_value()) << b.error().message;
    const Sheet* survey = b->find("survey");
    ASSERT_NE(survey, nullptr);
    ASSERT_EQ(survey->rows.size(), 6u);
    EXPECT_EQ(survey->rows[0].at(0), "type");
    EXPECT_EQ(survey->rows[0].at(2), "label:English (en)");
    EXPECT_EQ(survey->rows[2].at(0), "begin group");
    EXPECT_EQ(survey->rows[2].at(1), "father");
    EXPECT_EQ(survey->rows[5].at(0), "end group");
}

TEST(XlsReader, RefusesADamagedFile) {
    canvass::testing::TempDir dir;
    std::string bytes = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + std::string(100, '\0');
    std::string path = write_file(dir, "broken.xls", bytes);
    auto b = read_workbook(path);
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().message.rfind(path + ": cannot read the .xls workbook: ", 0), 0u)
        << b.error().message;
}

// An OpenStreetMap field mapping form (tests/data/xlsform/corpus/README.md) that Excel and
// LibreOffice open, for which FreeXL reports success but gives no workbook.
TEST(XlsReader, SaysWhatToDoWithAnXlsFreexlFindsNoWorkbookIn) {
    std::string path =
        std::string(CANVASS_SOURCE_DIR) + "/tests/data/xlsform/corpus/osm-fieldwork_amenities.xls";
    auto b = read_workbook(path);
    ASSERT_FALSE(b.has_value());
    EXPECT_EQ(b.error().message,
              path + ": FreeXL, which reads .xls files, finds no workbook in it; save it as .xlsx");
}

}  // namespace
}  // namespace canvass::xlsform
