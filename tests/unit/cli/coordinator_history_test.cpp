// `canvass history RECORD --key FILE` and the filters of `canvass conflicts`: the core's
// history and conflict listing, as the command line prints them.
#include "export_test_support.hpp"
#include "merge/ids.hpp"

namespace canvass::cli::export_test {
namespace {

using canvass::testing::TempDir;

const std::string kHistoryForm = "home_based_workers";

class CoordinatorHistoryTest : public ::testing::Test {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string collector_home = dir / "collector";
    std::string coordinator_home = dir / "coordinator";
    std::vector<merge::RecordId> ids;
    std::string record, collector_id, coordinator_id;

    void SetUp() override {
        std::string form_text = source_file("schemas/forms/" + kHistoryForm + ".json");
        auto answers = answer_sets(kHistoryForm);
        answers.resize(2);
        auto collector = make_store(collector_home, {form_text}, {coord.public_key}, "collector");
        auto made = collector.import_records(kHistoryForm, answers, true);
        ASSERT_TRUE(made) << made.error().message;
        ids = *made;
        record = merge::format_uuid(ids[0]);
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        // The collector corrects one answer after the interview.
        ASSERT_TRUE(collector.edit(ids[0], json{{"age", 35}}));
        ship(collector, c);
        collector_id = crypto::to_hex(collector.keys().id);
        coordinator_id = crypto::to_hex(c.keys().id);
    }

    Outcome on_coordinator(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"--home", coordinator_home, "--passphrase-file", coord.passphrase_file});
        return canvass(args);
    }
};

TEST_F(CoordinatorHistoryTest, HistoryPrintsWhoChangedWhatWhenOldestFirst) {
    ASSERT_EQ(on_coordinator({"resolve", record, "marital_status", "--value", "widowed"}).code, 0);
    std::string devices = dir / "devices.json";
    std::ofstream(devices) << json::array({{{"device", collector_id},
                                            {"label", "Ana's phone"},
                                            {"role", "collector"}}})
                                  .dump();
    auto r = on_coordinator(
        {"history", record.substr(0, 8), "--key", coord.key_file, "--devices", devices});
    ASSERT_EQ(r.code, 0) << r.err;
    auto created = r.out.find("created the record");
    auto edited = r.out.find("  edited");
    auto coordinator_edit = r.out.find("coordinator's edit");
    ASSERT_NE(created, std::string::npos) << r.out;
    ASSERT_NE(edited, std::string::npos) << r.out;
    ASSERT_NE(coordinator_edit, std::string::npos) << r.out;
    EXPECT_LT(created, edited);
    EXPECT_LT(edited, coordinator_edit);
    EXPECT_NE(r.out.find("\"Ana's phone\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(this device)"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("age = 35  (was "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("marital_status = widowed  (was "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("record " + record + "  form " + kHistoryForm + "  3 changes"),
              std::string::npos)
        << r.out;
}

TEST_F(CoordinatorHistoryTest, HistoryJsonNamesDevicesKindsAndResolutions) {
    // A real clash: the coordinator's edit from before the collector's arrived.
    std::string fresh = dir / "coordinator2";
    {
        auto c2 = make_store(fresh, {source_file("schemas/forms/" + kHistoryForm + ".json")},
                             {coord.public_key}, "coordinator");
        auto collector = store::DeviceStore::open(collector_home, store::Passphrase{kPassphrase});
        ASSERT_TRUE(collector);
        // c2 received only the collector's first changesets, then edits, then gets the rest.
        std::vector<store::DeviceStore::IncomingRun> runs(1);
        const auto& id = collector->keys().id;
        auto head = **collector->head_at(id, 1, 2);
        runs[0] = {id, head.second, *collector->changesets(id, 1, 2), head.first,
                   *collector->grants(id)};
        ASSERT_TRUE(c2.ingest(runs));
        ASSERT_TRUE(c2.resolve(ids[0], "age", json(36)));
        ship(*collector, c2);
        ASSERT_TRUE(c2.resolve(ids[0], "age", json(40)));
        ASSERT_TRUE(c2.delete_record(ids[1]));
    }
    auto on_c2 = [&](std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", fresh, "--passphrase-file", coord.passphrase_file});
        return canvass(args);
    };
    auto r = on_c2({"history", record, "--key", coord.key_file, "--json"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto h = json::parse(r.out);
    EXPECT_EQ(h["record"], record);
    EXPECT_EQ(h["form"], kHistoryForm);
    EXPECT_EQ(h["creator"], collector_id);
    const auto& entries = h["entries"];
    ASSERT_EQ(entries.size(), 4u) << r.out;
    EXPECT_TRUE(entries[0]["creates"].get<bool>());
    EXPECT_EQ(entries[0]["device"], collector_id);
    EXPECT_FALSE(entries[0]["coordinator_edit"].get<bool>());
    const auto& last = entries[3];
    EXPECT_TRUE(last["coordinator_edit"].get<bool>());
    EXPECT_TRUE(last["this_device"].get<bool>());
    EXPECT_TRUE(last["resolves"].get<bool>());
    ASSERT_EQ(last["changes"].size(), 1u);
    EXPECT_EQ(last["changes"][0]["path"], "age");
    EXPECT_EQ(last["changes"][0]["value"], 40);
    EXPECT_EQ(last["changes"][0]["replaced"].size(), 2u);

    auto deleted = json::parse(
        on_c2({"history", merge::format_uuid(ids[1]), "--key", coord.key_file, "--json"}).out);
    const auto& del = deleted["entries"].back();
    EXPECT_EQ(del["changes"][0]["kind"], "delete record");
    EXPECT_EQ(del["changes"][0]["path"], "");

    // conflicts: nothing open; --resolved shows the settled clash with what settled it.
    auto open = on_c2({"conflicts", "--key", coord.key_file, "--json"});
    ASSERT_EQ(open.code, 0) << open.err;
    EXPECT_EQ(json::parse(open.out), json::array());
    auto settled = on_c2({"conflicts", "--key", coord.key_file, "--resolved", "--json"});
    ASSERT_EQ(settled.code, 0) << settled.err;
    auto list = json::parse(settled.out);
    ASSERT_EQ(list.size(), 1u) << settled.out;
    EXPECT_TRUE(list[0]["resolved"].get<bool>());
    EXPECT_EQ(list[0]["path"], "age");
    EXPECT_EQ(list[0]["resolution"]["value"], 40);
    EXPECT_EQ(list[0]["candidates"].size(), 2u);
    auto text = on_c2(
        {"conflicts", "--key", coord.key_file, "--resolved", "--record", record.substr(0, 6)});
    ASSERT_EQ(text.code, 0) << text.err;
    EXPECT_NE(text.out.find("age: resolved, 2 candidates replaced by"), std::string::npos)
        << text.out;
    auto other_record = on_c2({"conflicts", "--key", coord.key_file, "--resolved", "--record",
                               merge::format_uuid(ids[1])});
    ASSERT_EQ(other_record.code, 0) << other_record.err;
    EXPECT_NE(other_record.out.find("no conflicts, open or resolved"), std::string::npos)
        << other_record.out;
    auto other_form =
        on_c2({"conflicts", "--key", coord.key_file, "--resolved", "--form", "street_vendors"});
    EXPECT_NE(other_form.out.find("no conflicts, open or resolved"), std::string::npos)
        << other_form.out;
}

TEST_F(CoordinatorHistoryTest, HistoryRefusesBadInputClearly) {
    auto no_key = on_coordinator({"history", record});
    EXPECT_EQ(no_key.code, 2) << "the key is required";
    EXPECT_NE(no_key.err.find("--key"), std::string::npos) << no_key.err;
    auto missing = on_coordinator({"history", record, "--key", dir / "absent.key"});
    EXPECT_EQ(missing.code, 1);
    EXPECT_NE(missing.err.find("cannot read coordinator key"), std::string::npos) << missing.err;
    std::string other = dir / "other.key";
    ASSERT_EQ(
        canvass({"keys", "create", "--out", other, "--key-passphrase-file", coord.passphrase_file})
            .code,
        0);
    auto wrong = on_coordinator({"history", record, "--key", other});
    EXPECT_EQ(wrong.code, 1);
    EXPECT_NE(wrong.err.find("cannot decrypt any"), std::string::npos) << wrong.err;
    std::string devices = dir / "devices.json";
    std::ofstream(devices) << "[{\"label\": \"no id\"}]";
    auto bad = on_coordinator({"history", record, "--key", coord.key_file, "--devices", devices});
    EXPECT_EQ(bad.code, 1);
    EXPECT_NE(bad.err.find("device 1 has no \"device\" of 32 hex digits"), std::string::npos)
        << bad.err;
    auto unknown = on_coordinator({"history", "ffffffff", "--key", coord.key_file});
    EXPECT_EQ(unknown.code, 1);
    auto resolved_without_key = on_coordinator({"conflicts", "--resolved"});
    EXPECT_EQ(resolved_without_key.code, 1);
    EXPECT_NE(resolved_without_key.err.find("give --key FILE"), std::string::npos)
        << resolved_without_key.err;
}

}  // namespace
}  // namespace canvass::cli::export_test
