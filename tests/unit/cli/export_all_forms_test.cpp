// `canvass export` without --form: every form of the device, each in its own folder, so one
// form's codebook.csv and conflicts.csv never overwrite another's.
#include "export_form_support.hpp"

namespace canvass::cli::export_test {
namespace {

TEST(AllFormsExport, EachFormGetsItsOwnFolderWithItsOwnCodebook) {
    canvass::testing::TempDir dir;
    auto coord = Coordinator::create(dir);
    const std::vector<std::string> ids{"home_based_workers", "street_vendors"};
    std::vector<std::string> texts;
    for (const auto& id : ids) texts.push_back(source_file("schemas/forms/" + id + ".json"));
    auto collector = make_store(dir / "collector", texts, {coord.public_key}, "collector");
    for (const auto& id : ids)
        ASSERT_TRUE(collector.import_records(id, answer_sets(id, collector), true));
    auto c = make_store(dir / "coordinator", texts, {coord.public_key}, "coordinator");
    ship(collector, c);

    std::string out = dir / "out";
    auto r = canvass({"--home", dir / "coordinator", "--passphrase-file", coord.passphrase_file,
                      "export", "--key", coord.key_file, "--out", out, "--format", "csv"});
    ASSERT_EQ(r.code, 0) << r.err;
    for (const auto& id : ids) {
        auto main = CsvTable::read(out + "/" + id + "/" + id + ".csv");
        EXPECT_EQ(main.rows.size(), answer_sets(id).size()) << id;
        auto cb = CsvTable::read(out + "/" + id + "/codebook.csv");
        ASSERT_FALSE(cb.rows.empty());
        for (std::size_t i = 0; i < cb.rows.size(); ++i) {
            EXPECT_EQ(cb.cell(i, "table").rfind(id, 0), 0u) << id << ": another form's codebook";
        }
        EXPECT_TRUE(std::filesystem::exists(out + "/" + id + "/conflicts.csv"));
        EXPECT_NE(r.out.find("of " + id + " "), std::string::npos) << r.out;
    }
    EXPECT_FALSE(std::filesystem::exists(out + "/codebook.csv"));
}

}  // namespace
}  // namespace canvass::cli::export_test
