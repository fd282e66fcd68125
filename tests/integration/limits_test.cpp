// Limits agree end to end: what a device saves, a real canvass-server accepts. A save that
// would make a changeset the server refuses is refused on the device, naming the answer and
// the limit, and the largest saves the device does accept sync.
#include <stdlib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "merge/changeset.hpp"
#include "../unit/cli/run_captured.hpp"
#include "server_harness.hpp"
#include "store/device_store.hpp"

namespace canvass::server_test {
namespace {

using json = nlohmann::json;

const std::string kPassphrase = "limits test";

const char* kNotesForm = R"({
  "settings": {"form_id": "notes", "version": "1", "title": {"en": "Notes"}, "default_language": "en"},
  "survey": [
    {"type": "text", "name": "story", "label": {"en": "Tell us what happened"}},
    {"type": "text", "name": "more", "label": {"en": "Anything else?"}}
  ]
})";

struct LimitsTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    std::string home = tmp / "device";

    void SetUp() override {
        setenv("CANVASS_PASSPHRASE", kPassphrase.c_str(), 1);
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        auto key = crypto::generate_dh_key();
        ASSERT_EQ(server_command(tmp, data,
                                 {"project", "create", "demo", "--recipients",
                                  recipients_file(tmp, "demo", key)})
                      .exit_code,
                  0);
        std::string form = tmp / "notes.json";
        std::ofstream(form) << kNotesForm;
        auto published = server_command(tmp, data, {"form", "publish", "--project", "demo", form});
        ASSERT_EQ(published.exit_code, 0) << published.err;
    }
    void TearDown() override { unsetenv("CANVASS_PASSPHRASE"); }

    cli::Outcome canvass(std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", home});
        return cli::run_captured(args);
    }
    void enroll(const RunningServer& server) {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", "collector",
                                 "--address", server.address(), "--json"});
        ASSERT_EQ(t.exit_code, 0) << t.err;
        ASSERT_EQ(canvass({"init"}).code, 0);
        auto enrolled = canvass({"enroll", json::parse(t.out).at("token").get<std::string>()});
        ASSERT_EQ(enrolled.code, 0) << enrolled.err;
    }
    cli::Outcome fill(const json& answers) {
        std::string file = tmp / "answers.json";
        std::ofstream(file, std::ios::binary) << answers.dump();
        return canvass({"fill", "notes", "--answers", file, "--finalize"});
    }
};

// A text answer whose JSON text (quotes included) is `bytes` long.
std::string text_of_json_size(std::size_t bytes) {
    return std::string(bytes - 2, 'x');
}

TEST_F(LimitsTest, TheLargestSavesADeviceAcceptsSyncToARealServerAndLargerOnesAreRefusedAtSave) {
    RunningServer server(tmp, data, {});
    server.start();
    enroll(server);

    // The issue's report: a 1.1 MB answer saved fine, then blocked every later sync.
    auto huge = fill(json{{"story", std::string(1'100'000, 'h')}});
    EXPECT_EQ(huge.code, 1);
    EXPECT_NE(huge.err.find("story: the answer is 1100002 bytes long"), std::string::npos)
        << huge.err;
    EXPECT_NE(huge.err.find("at most " + std::to_string(merge::kMaxAnswerBytes) + " bytes"),
              std::string::npos)
        << huge.err;

    // One answer at its limit is saved; one byte more is refused.
    auto largest = fill(json{{"story", text_of_json_size(merge::kMaxAnswerBytes)}});
    ASSERT_EQ(largest.code, 0) << largest.err;
    auto over = fill(json{{"story", text_of_json_size(merge::kMaxAnswerBytes + 1)}});
    EXPECT_EQ(over.code, 1);

    // Two answers, each under its limit, bounded together by the changeset limit: find the
    // largest second answer the device saves. Every accepted try is a record to sync.
    std::size_t saved = 1;
    std::string refusal;
    {
        auto store = store::DeviceStore::open(home, store::Passphrase{kPassphrase});
        ASSERT_TRUE(store) << store.error().message;
        const std::string story = text_of_json_size(600'000);
        std::size_t lo = 2, hi = merge::kMaxAnswerBytes;  // lo is accepted, hi refused
        ASSERT_FALSE(store->create_record(
            "notes", json{{"story", story}, {"more", text_of_json_size(hi)}}, true));
        while (hi - lo > 1) {
            std::size_t mid = lo + (hi - lo) / 2;
            auto r = store->create_record(
                "notes", json{{"story", story}, {"more", text_of_json_size(mid)}}, true);
            if (r) {
                lo = mid;
                ++saved;
            } else {
                hi = mid;
                refusal = r.error().message;
            }
        }
        // The boundary is the changeset limit itself, not a margin below it.
        auto chain = store->changesets(store->keys().id, saved, saved);
        ASSERT_TRUE(chain && chain->size() == 1);
        EXPECT_LE(chain->front().size(), merge::kMaxChangesetBytes);
        EXPECT_GT(chain->front().size(), merge::kMaxChangesetBytes - 64);
    }
    EXPECT_NE(refusal.find("a server accepts at most " + std::to_string(merge::kMaxChangesetBytes)),
              std::string::npos)
        << refusal;
    EXPECT_NE(refusal.find("the largest answer is to story"), std::string::npos) << refusal;

    auto synced = canvass({"sync"});
    ASSERT_EQ(synced.code, 0) << synced.err << synced.out;
    auto status = json::parse(canvass({"status", "--json"}).out);
    EXPECT_EQ(status["own_changesets"], saved);
    EXPECT_EQ(status["unsent_changesets"], 0) << synced.out;
    auto stats = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
    ASSERT_EQ(stats.exit_code, 0) << stats.err;
    EXPECT_EQ(json::parse(stats.out)["changesets"], saved);

    // And the device is not blocked: a later ordinary save syncs too.
    ASSERT_EQ(fill(json{{"story", "a short one"}}).code, 0);
    ASSERT_EQ(canvass({"sync"}).code, 0);
    EXPECT_EQ(json::parse(canvass({"status", "--json"}).out)["unsent_changesets"], 0);
    EXPECT_EQ(server.stop(), 0);
}

}  // namespace
}  // namespace canvass::server_test
