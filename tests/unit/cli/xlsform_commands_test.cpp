// `canvass form import`, `form export`, and the form commands that take XLSForm
// spreadsheets directly (`form check`, `form add`), run through canvass::cli::run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../xlsform/xlsform_test_support.hpp"
#include "app.hpp"
#include "run_captured.hpp"
#include "temp_dir.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;
using xlsform::testing::xlsx_of;

using canvass::testing::slurp;

json example(const std::string& name) {
    json j =
        json::parse(slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/" + name + ".json"));
    j.erase("$schema");
    return j;
}

const std::string vendors_xlsx =
    std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.xlsx";

class XlsformCommandsTest : public ::testing::Test {
  protected:
    canvass::testing::TempDir dir;

    std::string write(const std::string& name, const std::string& bytes) {
        return xlsform::testing::write_file(dir, name, bytes);
    }
    std::string bad_xlsx() {
        return write("bad.xlsx", xlsx_of({{"survey",
                                           {{"type", "name", "label", "relevant"},
                                            {"integer", "age", "Age"},
                                            {"text", "job", "Job", "${agee} > 14"},
                                            {"begin group", "g", "G"}}},
                                          {"settings", {{"form_id", "version"}, {"f", "1"}}}}));
    }
};

TEST_F(XlsformCommandsTest, ImportWritesTheJsonTwin) {
    std::string out = dir / "vendors.json";
    auto r = run_captured({"form", "import", vendors_xlsx, "--out", out});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(r.out.rfind("wrote " + out + ": street_vendors version 2026.11.1, ", 0), 0u) << r.out;
    EXPECT_EQ(json::parse(slurp(out)), example("street_vendors"));
}

TEST_F(XlsformCommandsTest, ImportWithoutOutPrintsTheTwin) {
    auto r = run_captured({"form", "import", vendors_xlsx});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(json::parse(r.out), example("street_vendors"));
}

TEST_F(XlsformCommandsTest, ImportPrintsEveryProblemByCellAndWritesNothing) {
    std::string bad = bad_xlsx();
    std::string out = dir / "bad.json";
    auto r = run_captured({"form", "import", bad, "--out", out});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(
        r.out,
        bad + ": survey row 4, column type: begin group without an end group after it\n" + bad +
            ": survey row 4: a group must have at least one row (survey[2].children)\n" + bad +
            ": survey row 3, column relevant: unknown field ${agee} (survey[1].relevant)\n");
    EXPECT_EQ(r.err, "canvass: " + bad + ": 3 problems; nothing was written\n");
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(XlsformCommandsTest, ImportRefusesWhatIsNoSpreadsheet) {
    std::string text = write("notes.txt", "hello");
    auto r = run_captured({"form", "import", text});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, text + ": " + text + " is not an .xlsx or .xls workbook\n");
    std::string zip = write("photos.xlsx", xlsform::testing::zip_of({{"a.jpg", "jpeg"}}));
    r = run_captured({"form", "import", zip});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out,
              zip + ": a zip archive but not an .xlsx workbook (it has no xl/workbook.xml)\n");
}

TEST_F(XlsformCommandsTest, CheckSaysWhenAFileIsNeitherKindOfForm) {
    std::string csv = write("survey.csv", "type,name,label\ntext,a,A\n");
    auto r = run_captured({"form", "check", csv});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, csv + ": " + csv +
                         " is not a form: neither a JSON form nor an .xlsx or .xls spreadsheet\n");
}

TEST_F(XlsformCommandsTest, CheckTakesSpreadsheetsBesideJsonForms) {
    std::string bad = bad_xlsx();
    auto r = run_captured({"form", "check", vendors_xlsx, bad, "--json"});
    EXPECT_EQ(r.code, 1);
    json report = json::parse(r.out);
    ASSERT_EQ(report.size(), 2u);
    EXPECT_EQ(report[0]["valid"], true);
    EXPECT_EQ(report[0]["form_id"], "street_vendors");
    EXPECT_EQ(report[1]["valid"], false);
    EXPECT_EQ(report[1]["problems"][2],
              json::parse(R"({"sheet":"survey","row":3,"column":"relevant",
        "path":"survey[1].relevant","message":"unknown field ${agee}"})"));
    r = run_captured({"form", "check", vendors_xlsx});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.rfind(vendors_xlsx + ": ok: street_vendors version 2026.11.1, ", 0), 0u)
        << r.out;
}

TEST_F(XlsformCommandsTest, ExportWritesAnXlsformThatImportsToTheSameForm) {
    std::string xlsx = dir / "waste.xlsx";
    auto r = run_captured({"form", "export",
                           std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/waste_pickers.json",
                           "--out", xlsx});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "wrote " + xlsx +
                         ": waste_pickers version 2026.11.1 as an XLSForm (survey, choices and "
                         "settings sheets)\n");
    r = run_captured({"form", "import", xlsx});
    ASSERT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(json::parse(r.out), example("waste_pickers"));
}

TEST_F(XlsformCommandsTest, ExportRefusesAnInvalidForm) {
    std::string bad = bad_xlsx();
    std::string out = dir / "out.xlsx";
    auto r = run_captured({"form", "export", bad, "--out", out});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.out.find("survey row 3, column relevant: unknown field ${agee}"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.err, "canvass: " + bad + " is not a valid form; nothing was written\n");
    EXPECT_FALSE(std::filesystem::exists(out));
}

TEST_F(XlsformCommandsTest, AddInstallsASpreadsheetAndRefusesABrokenOne) {
    setenv("CANVASS_PASSPHRASE", "xlsform commands test", 1);
    std::string home = dir / "home";
    ASSERT_EQ(run_captured({"--home", home, "init"}).code, 0);
    auto r = run_captured({"--home", home, "form", "add", vendors_xlsx});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("installed street_vendors version 2026.11.1 (", 0), 0u) << r.out;
    std::string bad = bad_xlsx();
    r = run_captured({"--home", home, "form", "add", bad});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(
        r.err.find(bad +
                   ": survey row 3, column relevant: unknown field ${agee} (survey[1].relevant)\n"),
        std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("is not a valid form; nothing was installed"), std::string::npos) << r.err;
    r = run_captured({"--home", home, "forms"});
    EXPECT_EQ(r.out.find("f "), std::string::npos);
    unsetenv("CANVASS_PASSPHRASE");
}

TEST_F(XlsformCommandsTest, ColumnsNoToolReadsAreWarningsOfImportCheckAndAdd) {
    std::string noted =
        write("noted.xlsx", xlsx_of({{"survey",
                                      {{"type", "name", "label", "notes", "relevent"},
                                       {"text", "a", "A?", "ask twice", "1 = 1"}}},
                                     {"settings", {{"form_id", "version"}, {"noted", "1"}}}}));
    const std::string notes = noted +
                              ": warning: survey row 1, column notes: unknown column, ignored "
                              "(pyxform ignores it too)\n";
    const std::string typo = noted +
                             ": warning: survey row 1, column relevent: unknown column, ignored "
                             "(did you mean relevant?)\n";
    auto r = run_captured({"form", "import", noted});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, notes + typo);  // stdout is the twin
    EXPECT_FALSE(json::parse(r.out)["survey"][0].contains("notes"));
    r = run_captured({"form", "check", noted});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_EQ(r.out.rfind(notes + typo + noted + ": ok: noted version 1, 1 questions", 0), 0u)
        << r.out;
    r = run_captured({"form", "check", noted, "--json"});
    json report = json::parse(r.out);
    EXPECT_EQ(report[0]["valid"], true);
    EXPECT_EQ(report[0]["warnings"][1],
              json::parse(R"j({"sheet":"survey","row":1,"column":"relevent","path":"",
        "message":"unknown column, ignored (did you mean relevant?)"})j"));
    setenv("CANVASS_PASSPHRASE", "xlsform commands test", 1);
    std::string home = dir / "home";
    ASSERT_EQ(run_captured({"--home", home, "init"}).code, 0);
    r = run_captured({"--home", home, "form", "add", noted});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find(notes + typo), std::string::npos) << r.err;
    unsetenv("CANVASS_PASSPHRASE");
}

}  // namespace
}  // namespace canvass::cli
