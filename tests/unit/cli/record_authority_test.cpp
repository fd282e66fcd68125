// Who may change a record, at the command line: a device holding another collector's record
// (from a bundle) is refused before anything is saved, and told who may change it; delete
// asks on a terminal; bundle import says what becomes of the chains it keeps.
#include <gtest/gtest.h>

#include "export_test_support.hpp"

namespace canvass::cli {
namespace {

using namespace export_test;
using canvass::testing::TempDir;

const std::string kForm = "street_vendors";

// Runs canvass as if stdin and stdout were a terminal, reading `input`.
Outcome run_on_terminal(const std::vector<std::string>& args, const std::string& input) {
    std::ostringstream out, err;
    std::istringstream in(input);
    Context ctx{out, err, in};
    ctx.interactive = true;
    int code = run(args, ctx);
    return {code, out.str(), err.str()};
}

class RecordAuthorityCliTest : public ::testing::Test {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string form_text = source_file("schemas/forms/" + kForm + ".json");
    std::string alice_home = dir / "alice";
    std::string bob_home = dir / "bob";
    std::string edit_file = dir / "edit.json";
    std::vector<merge::RecordId> ids;
    std::string alice_prefix;

    void SetUp() override {
        std::ofstream(edit_file) << R"({"age": 52})";
        auto alice = make_store(alice_home, {form_text}, {coord.public_key}, "collector");
        auto imported = alice.import_records(kForm, answer_sets(kForm, alice), true);
        ASSERT_TRUE(imported) << imported.error().message;
        ids = *imported;
        alice_prefix = crypto::to_hex(alice.keys().id).substr(0, 8);
        // Bob, another collector, holds alice's chain, as a bundle import leaves it.
        auto bob = make_store(bob_home, {form_text}, {coord.public_key}, "collector");
        ship(alice, bob);
    }
    std::vector<std::string> on(const std::string& home, std::vector<std::string> args) {
        args.insert(args.begin(), {"--home", home, "--passphrase-file", coord.passphrase_file});
        return args;
    }
    std::uint64_t own_changesets(const std::string& home) {
        return json::parse(canvass(on(home, {"status", "--json"})).out)
            .at("own_changesets")
            .get<std::uint64_t>();
    }
    void expect_refused(const Outcome& r) {
        EXPECT_EQ(r.code, 1) << r.out;
        EXPECT_NE(r.err.find("may be changed only by its creator's device (" + alice_prefix + ")"),
                  std::string::npos)
            << r.err;
        EXPECT_NE(r.err.find("or by a coordinator"), std::string::npos) << r.err;
        EXPECT_NE(r.err.find("nothing was saved"), std::string::npos) << r.err;
    }
};

TEST_F(RecordAuthorityCliTest, AnotherCollectorsRecordIsRefusedBeforeAnythingIsSaved) {
    const auto record = merge::format_uuid(ids[0]);
    expect_refused(canvass(on(bob_home, {"edit", record, "--answers", edit_file})));
    expect_refused(
        canvass(on(bob_home, {"edit", record, "--answers", edit_file, "--key", coord.key_file})));
    expect_refused(canvass(on(bob_home, {"delete", record, "--yes"})));
    expect_refused(canvass(on(bob_home, {"resolve", record, "age", "--value", "40"})));
    // The interactive edit is refused before its first question, with the key before it is
    // opened.
    auto interactive = run_on_terminal(on(bob_home, {"edit", record.substr(0, 8)}), "60\n\n\n\n\n");
    expect_refused(interactive);
    expect_refused(run_on_terminal(
        on(bob_home, {"edit", record.substr(0, 8), "--key", coord.key_file}), "60\n\n\n\n\n"));
    EXPECT_EQ(own_changesets(bob_home), 0u);
    EXPECT_EQ(json::parse(canvass(on(bob_home, {"show", record, "--json"})).out)["status"],
              "finalized");
}

TEST_F(RecordAuthorityCliTest, TheCreatorAndACoordinatorMayChangeIt) {
    const auto record = merge::format_uuid(ids[0]);
    auto own = canvass(on(alice_home, {"edit", record, "--answers", edit_file}));
    ASSERT_EQ(own.code, 0) << own.err;
    std::string coordinator_home = dir / "coordinator";
    {
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        auto alice =
            std::move(store::DeviceStore::open(alice_home, store::Passphrase{kPassphrase})).value();
        ship(alice, c);
    }
    auto corrected = canvass(on(coordinator_home, {"resolve", record, "age", "--value", "40"}));
    ASSERT_EQ(corrected.code, 0) << corrected.err;
    EXPECT_EQ(own_changesets(coordinator_home), 1u);

    // Question by question: the answers are sealed to the coordinators, so the key opens them.
    auto sealed = run_captured(on(coordinator_home, {"edit", record.substr(0, 8)}), "quit\ny\n");
    EXPECT_EQ(sealed.code, 1);
    EXPECT_NE(sealed.err.find("give --key FILE, a coordinator key"), std::string::npos)
        << sealed.err;
    auto walked =
        run_captured(on(coordinator_home, {"edit", record.substr(0, 8), "--key", coord.key_file}),
                     "go age\n41\nquit\ny\n");
    ASSERT_EQ(walked.code, 0) << walked.err << walked.out;
    EXPECT_NE(walked.out.find("Saved the edit of record " + record), std::string::npos)
        << walked.out;
    EXPECT_EQ(own_changesets(coordinator_home), 2u);
    auto shown = canvass(on(coordinator_home, {"show", record, "--json", "--key", coord.key_file}));
    EXPECT_EQ(json::parse(shown.out).at("answers").at("age"), 41) << shown.out;
}

TEST_F(RecordAuthorityCliTest, DeleteAsksOnATerminalUnlessToldYes) {
    const auto first = merge::format_uuid(ids[0]);
    auto declined = run_on_terminal(on(alice_home, {"delete", first}), "n\n");
    ASSERT_EQ(declined.code, 0) << declined.err;
    EXPECT_NE(declined.out.find("delete record " + first + " (" + kForm + ", finalized)"),
              std::string::npos)
        << declined.out;
    EXPECT_NE(declined.out.find("? [y/N]"), std::string::npos) << declined.out;
    EXPECT_NE(declined.out.find("nothing deleted"), std::string::npos) << declined.out;
    auto unanswered = run_on_terminal(on(alice_home, {"delete", first}), "");  // end of input: no
    EXPECT_NE(unanswered.out.find("nothing deleted"), std::string::npos) << unanswered.out;
    EXPECT_EQ(own_changesets(alice_home), ids.size());

    auto confirmed = run_on_terminal(on(alice_home, {"delete", first}), "yes\n");
    ASSERT_EQ(confirmed.code, 0) << confirmed.err;
    EXPECT_NE(confirmed.out.find("deleted " + first), std::string::npos) << confirmed.out;
    EXPECT_EQ(json::parse(canvass(on(alice_home, {"show", first, "--json"})).out)["status"],
              "deleted");

    // --yes skips the question; off a terminal (a script) nothing is asked.
    const auto second = merge::format_uuid(ids[1]);
    auto yes = run_on_terminal(on(alice_home, {"delete", second, "--yes"}), "");
    ASSERT_EQ(yes.code, 0) << yes.err;
    EXPECT_EQ(yes.out.find("[y/N]"), std::string::npos) << yes.out;
    const auto third = merge::format_uuid(ids[2]);
    auto script = canvass(on(alice_home, {"delete", third}));
    ASSERT_EQ(script.code, 0) << script.err;
    EXPECT_EQ(script.out.find("[y/N]"), std::string::npos) << script.out;
    EXPECT_EQ(own_changesets(alice_home), ids.size() + 3);
}

TEST_F(RecordAuthorityCliTest, BundleImportSaysOnlyOrganizersForwardOthersWork) {
    const std::string bundle = dir / "alice.bundle";
    auto written = canvass(on(alice_home, {"bundle", "export", "--out", bundle}));
    ASSERT_EQ(written.code, 0) << written.err;

    std::string carol_home = dir / "carol";
    std::string organizer_home = dir / "organizer";
    make_store(carol_home, {form_text}, {coord.public_key}, "collector");
    make_store(organizer_home, {form_text}, {coord.public_key}, "organizer");
    auto collector = canvass(on(carol_home, {"bundle", "import", bundle}));
    ASSERT_EQ(collector.code, 0) << collector.err;
    EXPECT_NE(
        collector.out.find("only organizers forward others' work: this device is a collector"),
        std::string::npos)
        << collector.out;
    EXPECT_EQ(collector.out.find("go on to the server"), std::string::npos) << collector.out;
    auto organizer = canvass(on(organizer_home, {"bundle", "import", bundle}));
    ASSERT_EQ(organizer.code, 0) << organizer.err;
    EXPECT_NE(organizer.out.find("they go on to the server at this device's next 'canvass sync'"),
              std::string::npos)
        << organizer.out;
    // status says what is carried and whether it will be delivered.
    auto carrying = canvass(on(organizer_home, {"status"}));
    EXPECT_NE(carrying.out.find("not yet delivered to the server"), std::string::npos)
        << carrying.out;
    auto carried = json::parse(canvass(on(organizer_home, {"status", "--json"})).out);
    EXPECT_GT(carried.at("carried_changesets").get<int>(), 0);
    EXPECT_EQ(carried.at("carried_unsent_changesets"), carried.at("carried_changesets"));
    EXPECT_NE(canvass(on(carol_home, {"status"}))
                  .out.find("kept here (only an organizer delivers others' work)"),
              std::string::npos);
}

TEST_F(RecordAuthorityCliTest, StatusNamesACarriedChainTheServerRefused) {
    std::string organizer_home = dir / "organizer";
    std::string alice_hex;
    std::uint64_t held = 0;
    {
        auto alice = store::DeviceStore::open(alice_home, store::Passphrase{kPassphrase}, fast());
        ASSERT_TRUE(alice);
        alice_hex = crypto::to_hex(alice->keys().id);
        held = alice->status()->own_changesets;
        ASSERT_GE(held, 2u);
        auto organizer = make_store(organizer_home, {form_text}, {coord.public_key}, "organizer");
        ship(*alice, organizer);
        // What a sync records when the server refuses that chain (sync/exchange.cpp).
        ASSERT_TRUE(
            organizer.mark_refused(alice->keys().id, 2, "device x may not change record y"));
        EXPECT_FALSE(organizer.mark_refused(organizer.keys().id, 1, "own"))
            << "never its own chain";
    }
    auto status = canvass(on(organizer_home, {"status"}));
    ASSERT_EQ(status.code, 0) << status.err;
    EXPECT_NE(
        status.out.find("REFUSED     " + std::to_string(held - 1) +
                        " carried changesets of device " + alice_hex +
                        " from seq 2: the server refused them (device x may not change record y)"),
        std::string::npos)
        << status.out;
    EXPECT_NE(status.out.find("1 not yet delivered to the server"), std::string::npos)
        << status.out;
    auto j = json::parse(canvass(on(organizer_home, {"status", "--json"})).out);
    ASSERT_EQ(j.at("refused_chains").size(), 1u);
    EXPECT_EQ(j.at("refused_chains")[0].at("device"), alice_hex);
    EXPECT_EQ(j.at("refused_chains")[0].at("changesets"), held - 1);
}

}  // namespace
}  // namespace canvass::cli
