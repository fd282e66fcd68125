// `canvass export --format xlsx`: one workbook, a sheet per table, holding what the CSV
// files hold; read back with the XLSForm part's workbook reader.
#include <sys/stat.h>

#include "export_form_support.hpp"
#include "xlsform/workbook.hpp"

namespace canvass::cli::export_test {
namespace {

const std::string kXlsxForm = "home_based_workers";

TEST(XlsxExport, OneSheetPerTableWithTheCellsOfTheCsvFiles) {
    FormExport e;
    e.load(source_file("schemas/forms/" + kXlsxForm + ".json"), answer_sets(kXlsxForm));
    auto r = e.run({"--format", "csv,xlsx", "--split-select-multiples"});
    ASSERT_EQ(r.code, 0) << r.err;
    std::string path = e.out + "/" + kXlsxForm + ".xlsx";
    auto book = xlsform::read_workbook(path);
    ASSERT_TRUE(book) << book.error().message;
    const std::vector<std::pair<std::string, std::string>> tables{
        {kXlsxForm, kXlsxForm + ".csv"},
        {"hh_members", kXlsxForm + "-hh_members.csv"},
        {"member_jobs", kXlsxForm + "-member_jobs.csv"}};
    ASSERT_EQ(book->sheets.size(), tables.size());
    for (std::size_t s = 0; s < tables.size(); ++s) {
        const auto& sheet = book->sheets[s];
        EXPECT_EQ(sheet.name, tables[s].first);
        auto csv = parse_csv(slurp(e.out + "/" + tables[s].second));
        ASSERT_EQ(sheet.rows.size(), csv.size()) << sheet.name;
        for (std::size_t row = 0; row < csv.size(); ++row) {
            EXPECT_EQ(sheet.rows[row].number, row + 1);
            for (std::size_t c = 0; c < csv[row].size(); ++c) {
                EXPECT_EQ(sheet.rows[row].at(static_cast<std::uint32_t>(c)), csv[row][c])
                    << sheet.name << " row " << row + 1 << " column " << csv[0][c];
            }
        }
    }
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << "decrypted answers: owner only";
    EXPECT_FALSE(std::filesystem::exists(path + ".part"));
}

}  // namespace
}  // namespace canvass::cli::export_test
