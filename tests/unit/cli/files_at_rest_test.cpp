// Files at rest: the device store (device.db, its -wal and -shm) and every decrypted file an
// export writes are created owner-only, 0600 (directories 0700), even under a permissive
// umask, like the server's files.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "export_test_support.hpp"

namespace canvass::cli::export_test {
namespace {

using canvass::testing::TempDir;

unsigned mode_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777;
}

// A permissive umask for the test's duration: what the files get is then their own doing.
class FilesAtRestTest : public ::testing::Test {
  protected:
    void SetUp() override { old_ = ::umask(022); }
    void TearDown() override { ::umask(old_); }
    mode_t old_ = 0;
};

TEST_F(FilesAtRestTest, TheDeviceStoreAndItsWriteAheadFilesAreOwnerOnly) {
    TempDir dir;
    std::string home = dir / "home";
    auto store =
        make_store(home, {source_file("schemas/forms/street_vendors.json")}, {}, "collector");
    // A second connection keeps the -wal and -shm files on disk while the first writes.
    auto holder = store::DeviceStore::open(home, store::Passphrase{kPassphrase}, fast());
    ASSERT_TRUE(holder) << holder.error().message;
    auto saved = store.import_records("street_vendors", answer_sets("street_vendors", store), true);
    ASSERT_TRUE(saved) << saved.error().message;
    EXPECT_EQ(mode_of(home), 0700u);
    for (const char* file : {"/device.db", "/device.db-wal", "/device.db-shm"}) {
        ASSERT_TRUE(std::filesystem::exists(home + file)) << file;
        EXPECT_EQ(mode_of(home + file), 0600u) << file;
    }
}

TEST_F(FilesAtRestTest, AStoreMadeWithWiderModesIsNarrowedWhenOpened) {
    TempDir dir;
    std::string home = dir / "home";
    { make_store(home, {}, {}, "collector"); }
    ASSERT_EQ(::chmod((home + "/device.db").c_str(), 0644), 0);
    auto store = store::DeviceStore::open(home, store::Passphrase{kPassphrase}, fast());
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_EQ(mode_of(home + "/device.db"), 0600u);
}

TEST_F(FilesAtRestTest, EveryExportedFileIsOwnerOnlyAndTheExportSaysWhereTheyAre) {
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    const std::string form = "street_vendors";
    std::string form_text = source_file("schemas/forms/" + form + ".json");
    std::string collector_home = dir / "collector", coordinator_home = dir / "coordinator";
    {
        auto collector = make_store(collector_home, {form_text}, {coord.public_key}, "collector");
        ASSERT_TRUE(collector.import_records(form, answer_sets(form, collector), true));
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        ship(collector, c);
    }
    std::string out = dir / "exports/today";  // neither directory exists yet
    auto r =
        canvass({"--home", coordinator_home, "--passphrase-file", coord.passphrase_file, "export",
                 "--key", coord.key_file, "--form", form, "--format", "all", "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("files are in " + out), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("they hold decrypted answers"), std::string::npos) << r.out;
    EXPECT_EQ(mode_of(dir / "exports"), 0700u);
    EXPECT_EQ(mode_of(out), 0700u);
    std::set<std::string> kinds;
    for (const auto& entry : std::filesystem::directory_iterator(out)) {
        kinds.insert(entry.path().extension().string());
        EXPECT_EQ(mode_of(entry.path().string()), 0600u) << entry.path();
    }
    EXPECT_EQ(kinds, (std::set<std::string>{".csv", ".jsonl", ".dta", ".sav"}));
    EXPECT_TRUE(std::filesystem::exists(out + "/codebook.csv"));
    EXPECT_TRUE(std::filesystem::exists(out + "/conflicts.csv"));

    // A second export over the first keeps them private (the files are replaced, not reused).
    ASSERT_EQ(::chmod((out + "/codebook.csv").c_str(), 0644), 0);
    r = canvass({"--home", coordinator_home, "--passphrase-file", coord.passphrase_file, "export",
                 "--key", coord.key_file, "--form", form, "--out", out});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(mode_of(out + "/codebook.csv"), 0600u);
}

}  // namespace
}  // namespace canvass::cli::export_test
