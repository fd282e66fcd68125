// The export reads a record at a time (coordinator/record_stream.hpp): the records it gives
// must be those load_dataset builds in memory, in the same order, across the windows it
// loads them in, with records whose changesets lie apart in a chain or in two chains.
#include "coordinator/key_file.hpp"
#include "coordinator/record_stream.hpp"
#include "export_test_support.hpp"

namespace canvass::cli::export_test {
namespace {

const std::string kStreamForm = "home_based_workers";

// `n` answer sets, the examples again and again with another age each time.
std::vector<json> answers(std::size_t n, int offset) {
    auto samples = answer_sets(kStreamForm);
    std::vector<json> out;
    for (std::size_t i = 0; i < n; ++i) {
        json a = samples[i % samples.size()];
        a["age"] = 18 + static_cast<int>((i + static_cast<std::size_t>(offset)) % 60);
        out.push_back(a);
    }
    return out;
}

class ExportStream : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string form = source_file("schemas/forms/" + kStreamForm + ".json");
        auto a = make_store(dir / "a", {form}, {coord.public_key}, "collector");
        auto b = make_store(dir / "b", {form}, {coord.public_key}, "collector");
        // Two collectors take turns, so their records interleave in creation order, and more
        // records than a window holds.
        std::vector<merge::RecordId> first_ids;
        for (int round = 0; round < 3; ++round) {
            for (auto* s : {&a, &b}) {
                auto ids = s->import_records(kStreamForm, answers(60, round), true);
                ASSERT_TRUE(ids) << ids.error().message;
                if (first_ids.empty()) first_ids = *ids;
            }
        }
        // Edits made later: these records' changesets are far apart in the chain.
        ASSERT_TRUE(a.edit(first_ids[3], json{{"age", 77}}));
        ASSERT_TRUE(a.edit(first_ids[130 % first_ids.size()], json{{"age", 78}}));
        ASSERT_TRUE(a.delete_record(first_ids[5]));
        coordinator_store.emplace(make_store(dir / "c", {form}, {coord.public_key}, "coordinator"));
        ship(a, *coordinator_store);
        ship(b, *coordinator_store);
        auto opened = coordinator::open_key_file(coord.key_file, kPassphrase);
        ASSERT_TRUE(opened) << opened.error().message;
        key.emplace(std::move(opened).value());
    }

    canvass::testing::TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::optional<store::DeviceStore> coordinator_store;
    std::optional<crypto::DhKeyPair> key;
};

TEST_F(ExportStream, GivesTheRecordsLoadDatasetBuildsInTheSameOrderPassAfterPass) {
    coordinator::DeviceStoreSource source(*coordinator_store);
    auto all = coordinator::load_dataset(source, *key, kStreamForm);
    ASSERT_TRUE(all) << all.error().message;
    ASSERT_EQ(all->records.size(), 360u);
    auto stream = coordinator::RecordStream::open(source, *key, kStreamForm);
    ASSERT_TRUE(stream) << stream.error().message;
    EXPECT_EQ(stream->size(), all->records.size());
    EXPECT_EQ(stream->report().changesets, all->report.changesets);
    EXPECT_EQ(stream->report().decrypted, all->report.decrypted);
    for (int pass = 0; pass < 2; ++pass) {
        std::size_t i = 0, deleted = 0, edited = 0;
        auto done = stream->for_each([&](coordinator::Record& r) -> Result<void> {
            const auto& want = all->records.at(i++);
            EXPECT_EQ(r.view.id, want.view.id) << "record " << i - 1 << " in pass " << pass;
            EXPECT_EQ(r.view.meta.created, want.view.meta.created);
            EXPECT_EQ(r.view.deleted(), want.view.deleted());
            EXPECT_EQ(r.answers, want.answers);
            EXPECT_EQ(r.creator, want.creator);
            EXPECT_EQ(r.changesets, want.changesets);
            EXPECT_EQ(r.conflicts.size(), want.conflicts.size());
            EXPECT_FALSE(r.state) << "dropped once the view is made, as load_dataset drops it";
            deleted += r.view.deleted() ? 1 : 0;
            edited += r.changesets > 1 ? 1 : 0;
            return {};
        });
        ASSERT_TRUE(done) << done.error().message;
        EXPECT_EQ(i, all->records.size());
        EXPECT_EQ(deleted, 1u);
        EXPECT_EQ(edited, 3u) << "two edits and a delete, each a changeset of its own";
    }
}

TEST_F(ExportStream, AnErrorOfTheWritersStopsThePassAndComesBack) {
    coordinator::DeviceStoreSource source(*coordinator_store);
    auto stream = coordinator::RecordStream::open(source, *key, kStreamForm);
    ASSERT_TRUE(stream) << stream.error().message;
    std::size_t seen = 0;
    auto done = stream->for_each([&](coordinator::Record&) -> Result<void> {
        if (++seen == 200) return unexpected(Domain::core, errc::io, "disk full");
        return {};
    });
    ASSERT_FALSE(done);
    EXPECT_EQ(done.error().message, "disk full");
    EXPECT_EQ(seen, 200u);
}

TEST_F(ExportStream, AKeyThatIsNoRecipientFailsBeforeAnyRecord) {
    coordinator::DeviceStoreSource source(*coordinator_store);
    auto stranger = crypto::generate_dh_key();
    auto stream = coordinator::RecordStream::open(source, stranger, kStreamForm);
    ASSERT_FALSE(stream);
    EXPECT_EQ(stream.error().code, errc::wrong_key) << stream.error().message;
}

}  // namespace
}  // namespace canvass::cli::export_test
