// The desk's pages and actions in process, on a coordinator store holding a collector's
// interviews: counts, the table's search, filter and paging, escaping of answers, a record's
// conflict settled by one click, a review saved and carried by the export's ReviewState, a
// download, and who may review.
#include <gtest/gtest.h>

#include <optional>

#include "coordinator/key_file.hpp"
#include "coordinator/records.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/review.hpp"
#include "coordinator/source.hpp"
#include "coordinator_commands.hpp"
#include "desk/desk.hpp"
#include "device/access.hpp"
#include "export_test_support.hpp"
#include "merge/authority.hpp"

namespace canvass::cli::desk {
namespace {

using namespace export_test;
using canvass::testing::TempDir;

const std::string kForm = "street_vendors";
const std::string kSession = "canvass_desk_8123=session";
const std::string kScript = "<script>alert(1)</script>";

class DeskPagesTest : public ::testing::Test {
  protected:
    TempDir dir;
    export_test::Coordinator coord = export_test::Coordinator::create(dir);
    std::string form_text = source_file("schemas/forms/" + kForm + ".json");
    std::optional<store::DeviceStore> collector;
    std::optional<store::DeviceStore> coordinator_store;
    std::optional<crypto::DhKeyPair> key;
    std::optional<Device> device;              // over coordinator_store
    std::optional<canvass::Coordinator> view;  // its coordinator's view, the key opened
    std::vector<merge::RecordId> ids;
    std::vector<json> answers;  // the example answers, their photos attached (SetUp)

    void SetUp() override {
        collector.emplace(make_store(dir / "alice", {form_text}, {coord.public_key}, "collector"));
        answers = answer_sets(kForm, *collector);
        answers[0]["org_member"] = "yes";
        answers[0]["org_name"] = kScript;
        auto imported = collector->import_records(kForm, answers, true);
        ASSERT_TRUE(imported) << imported.error().message;
        ids = *imported;
        coordinator_store.emplace(
            make_store(dir / "coord", {form_text}, {coord.public_key}, "coordinator"));
        ship(*collector, *coordinator_store);
        auto opened = coordinator::open_key_file(coord.key_file, kPassphrase);
        ASSERT_TRUE(opened) << opened.error().message;
        key.emplace(std::move(opened).value());
        device.emplace(device_over(*coordinator_store));
        auto viewed = canvass::Coordinator::open(*device, coord.key_file, kPassphrase);
        ASSERT_TRUE(viewed) << viewed.error().message;
        view.emplace(std::move(viewed).value());
    }

    Desk open_desk() {
        Desk desk(*device, *view, Guard("secret", "session", "csrf", 8123), DeskSetup{});
        auto loaded = desk.load();
        EXPECT_TRUE(loaded) << (loaded ? "" : loaded.error().message);
        return desk;
    }
    static Response get(Desk& desk, const std::string& target) {
        Request r;
        r.target = target;
        r.headers = {{"host", "127.0.0.1:8123"}, {"cookie", kSession}};
        return desk.handle(r);
    }
    static Response post(Desk& desk, const std::string& target, const std::string& body) {
        Request r;
        r.method = "POST";
        r.target = target;
        r.body = "csrf=csrf&" + body;
        r.headers = {{"host", "127.0.0.1:8123"},
                     {"cookie", kSession},
                     {"origin", "http://127.0.0.1:8123"},
                     {"content-type", "application/x-www-form-urlencoded"}};
        return desk.handle(r);
    }
    std::size_t count_answers(const std::string& field, const std::string& value) {
        std::size_t n = 0;
        for (const auto& a : answers) n += a.value(field, std::string()) == value ? 1 : 0;
        return n;
    }
    // A clash on `age`: the coordinator corrects it while the collector edits it offline.
    void make_clash(const merge::RecordId& id) {
        coordinator::DeviceStoreSource source(*coordinator_store);
        auto readable = coordinator::load_record(source, *key, id);
        ASSERT_TRUE(readable) << readable.error().message;
        auto corrected =
            coordinator::resolve_field(*coordinator_store, id, "age", 40, "", &*readable);
        ASSERT_TRUE(corrected) << corrected.error().message;
        auto edited = collector->edit(id, json{{"age", 41}});
        ASSERT_TRUE(edited) << edited.error().message;
        ship(*collector, *coordinator_store);
    }
};

bool has(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST_F(DeskPagesTest, TheFormsPageCountsRecordsByResearcherAndByDay) {
    auto desk = open_desk();
    auto r = get(desk, "/");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(has(r.body, "data-count=\"" + std::to_string(answers.size()) + "\"")) << r.body;
    EXPECT_TRUE(has(r.body, merge::short_device(collector->keys().id)));
    EXPECT_TRUE(has(r.body, "By field researcher"));
    EXPECT_EQ(r.get("Cache-Control"), "no-store");
    EXPECT_TRUE(r.get("Content-Security-Policy"));
    EXPECT_TRUE(has(get(desk, "/?lang=fr").body, "Par enquêteur·rice"));
    EXPECT_TRUE(has(get(desk, "/?lang=es").body, "Por día"));
}

TEST_F(DeskPagesTest, TheTableSearchesFiltersAndPagesOnTheServer) {
    auto desk = open_desk();
    auto all = get(desk, "/form?id=" + kForm);
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_TRUE(has(all.body, "id=\"matched\">" + std::to_string(answers.size()) + "<"));
    auto makola = count_answers("market", "makola");
    ASSERT_GT(makola, 0u);
    EXPECT_TRUE(has(get(desk, "/form?id=" + kForm + "&field=market&value=makola").body,
                    "id=\"matched\">" + std::to_string(makola) + "<"));
    EXPECT_TRUE(has(get(desk, "/form?id=" + kForm + "&q=MAKOLA").body,
                    "id=\"matched\">" + std::to_string(makola) + "<"));
    const auto& table = desk.tables().front();
    TableQuery q;
    q.per_page = 5;
    q.sort = "age";
    q.descending = false;
    auto first = table.query(q);
    EXPECT_EQ(first.pages, (answers.size() + 4) / 5);
    ASSERT_EQ(first.rows.size(), 5u);
    q.page = first.pages;
    auto last = table.query(q);
    EXPECT_EQ(last.rows.size(), answers.size() - 5 * (first.pages - 1));
    std::size_t age = 0;
    for (std::size_t c = 0; c < table.columns().size(); ++c)
        if (table.columns()[c].name == "age") age = c;
    EXPECT_LE(std::stod(table.rows()[first.rows[0]].cells[age]),
              std::stod(table.rows()[first.rows[4]].cells[age]));
}

TEST_F(DeskPagesTest, AnswersAreEscapedEverywhere) {
    auto desk = open_desk();
    auto record = get(desk, "/record?id=" + merge::format_uuid(ids[0]));
    ASSERT_EQ(record.status, 200) << record.body;
    EXPECT_TRUE(has(record.body, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    EXPECT_FALSE(has(record.body, kScript));
    auto table = get(desk, "/form?id=" + kForm + "&q=" + percent_encode(kScript));
    EXPECT_TRUE(has(table.body, "id=\"matched\">1<")) << table.body;
    EXPECT_FALSE(has(table.body, kScript));
    EXPECT_EQ(get(desk, "/record?id=" + merge::format_uuid(ids[0]) + "&lang=fr").status, 200);
    EXPECT_EQ(get(desk, "/record?id=nope").status, 404);
    EXPECT_EQ(get(desk, "/map?id=" + kForm).status, 200);
}

TEST_F(DeskPagesTest, AConflictIsSettledByOneClickOnACandidate) {
    make_clash(ids[1]);
    auto desk = open_desk();
    const auto rid = merge::format_uuid(ids[1]);
    auto before = get(desk, "/record?id=" + rid);
    ASSERT_TRUE(has(before.body, "class=\"conflict\" data-path=\"age\"")) << before.body;
    EXPECT_TRUE(
        has(get(desk, "/form?id=" + kForm + "&sort=conflicts").body, "class=\"conflict\">1<"));
    // Candidate 0 is the one shown (the newest); keep the other.
    auto settled = post(desk, "/settle", "record=" + rid + "&path=age&candidate=1");
    ASSERT_EQ(settled.status, 303) << settled.body;
    auto after = get(desk, "/record?id=" + rid + "&notice=settled");
    EXPECT_TRUE(has(after.body, "id=\"no-conflicts\"")) << after.body;
    EXPECT_TRUE(has(after.body, "resolving a conflict"));
    // Settled the same way `canvass conflicts` sees it.
    auto listed = canvass({"conflicts", "--home", dir / "coord", "--passphrase-file",
                           coord.passphrase_file, "--key", coord.key_file, "--json"});
    EXPECT_EQ(listed.code, 0) << listed.err;
    EXPECT_EQ(json::parse(listed.out), json::array());
    // Twice: nothing left to settle.
    EXPECT_EQ(post(desk, "/settle", "record=" + rid + "&path=age&candidate=1").status, 409);
}

TEST_F(DeskPagesTest, AConflictIsSettledWithAValueTheCoordinatorTypes) {
    make_clash(ids[1]);
    auto desk = open_desk();
    const auto rid = merge::format_uuid(ids[1]);
    auto page = get(desk, "/record?id=" + rid);
    ASSERT_TRUE(has(page.body, "class=\"typed\"")) << page.body;
    ASSERT_TRUE(has(page.body, "name=\"value\""));
    // Not an answer to an integer question: refused with the reason, nothing written.
    auto refused = post(desk, "/settle", "record=" + rid + "&path=age&value=forty");
    EXPECT_EQ(refused.status, 409);
    EXPECT_TRUE(has(refused.body, "not an answer to age")) << refused.body;
    auto settled = post(desk, "/settle", "record=" + rid + "&path=age&value=44");
    ASSERT_EQ(settled.status, 303) << settled.body;
    EXPECT_TRUE(has(get(desk, "/record?id=" + rid).body, "id=\"no-conflicts\""));
    auto shown = canvass({"show", rid, "--home", dir / "coord", "--passphrase-file",
                          coord.passphrase_file, "--key", coord.key_file, "--json"});
    ASSERT_EQ(shown.code, 0) << shown.err;
    EXPECT_EQ(json::parse(shown.out)["answers"]["age"], 44) << shown.out;
    // Nothing left to settle there.
    EXPECT_EQ(post(desk, "/settle", "record=" + rid + "&path=age&value=45").status, 409);
}

TEST_F(DeskPagesTest, AReviewIsSavedShownAndExportedAsCentralsReviewState) {
    auto desk = open_desk();
    const auto rid = merge::format_uuid(ids[2]);
    auto saved =
        post(desk, "/review",
             "record=" + rid + "&state=hasIssues&comment=" + percent_encode("age & <dates>?"));
    ASSERT_EQ(saved.status, 303) << saved.body;
    ASSERT_EQ(
        post(desk, "/review", "record=" + merge::format_uuid(ids[3]) + "&state=approved").status,
        303);
    ASSERT_EQ(post(desk, "/review", "record=" + rid + "&state=bogus").status, 400);
    auto page = get(desk, "/record?id=" + rid);
    EXPECT_TRUE(has(page.body, "data-state=\"hasIssues\"")) << page.body;
    EXPECT_TRUE(has(page.body, "age &amp; &lt;dates&gt;?"));
    EXPECT_TRUE(has(get(desk, "/form?id=" + kForm + "&sort=review").body, "Has issues"));
    // The answers are untouched: the review is not an answer.
    auto snap = coordinator_store->record(ids[2]);
    ASSERT_TRUE(snap);
    EXPECT_FALSE(snap->answers.contains("_review"));

    auto out = dir / "export";
    auto exported =
        canvass({"export", "--home", dir / "coord", "--passphrase-file", coord.passphrase_file,
                 "--key", coord.key_file, "--form", kForm, "--out", out});
    ASSERT_EQ(exported.code, 0) << exported.err;
    auto csv = CsvTable::read(out + "/" + kForm + ".csv");
    auto key_col = csv.col("KEY");
    auto review_col = csv.col("ReviewState");
    std::map<std::string, std::string> states;
    for (const auto& row : csv.rows) states[row[key_col]] = row[review_col];
    EXPECT_EQ(states["uuid:" + rid], "hasIssues");
    EXPECT_EQ(states["uuid:" + merge::format_uuid(ids[3])], "approved");
    EXPECT_EQ(states["uuid:" + merge::format_uuid(ids[4])], "");
    // Editing an answer afterwards keeps the review.
    coordinator::DeviceStoreSource source(*coordinator_store);
    auto readable = coordinator::load_record(source, *key, ids[2]);
    ASSERT_TRUE(readable);
    ASSERT_TRUE(coordinator::resolve_field(*coordinator_store, ids[2], "age", 33, "", &*readable));
    auto again = coordinator::load_record(source, *key, ids[2]);
    ASSERT_TRUE(again);
    auto review = coordinator::review_of(again->view);
    ASSERT_TRUE(review);
    EXPECT_EQ(review->state, coordinator::ReviewState::has_issues);
    EXPECT_EQ(review->comment, "age & <dates>?");
}

TEST_F(DeskPagesTest, TheSyncButtonSyncsAndSaysWhyWhenItCannot) {
    bool fail = true;
    Desk desk(*device, *view, Guard("secret", "session", "csrf", 8123),
              DeskSetup{[&fail]() -> Result<std::string> {
                  if (fail)
                      return unexpected(Domain::net, errc::unavailable,
                                        "cannot reach 127.0.0.1:1 <now>");
                  return std::string("synced with <server>\nsent 0 changesets");
              }});
    ASSERT_TRUE(desk.load());
    EXPECT_TRUE(has(get(desk, "/").body, "id=\"sync\""));
    auto failed = post(desk, "/sync", "");
    EXPECT_EQ(failed.status, 502);
    EXPECT_TRUE(has(failed.body, "cannot reach 127.0.0.1:1 &lt;now&gt;")) << failed.body;
    fail = false;
    auto done = post(desk, "/sync", "");
    EXPECT_EQ(done.status, 200);
    EXPECT_TRUE(has(done.body, "id=\"synced\""));
    EXPECT_TRUE(has(done.body, "synced with &lt;server&gt;"));
    // Without a sync action (no server), no button.
    auto plain_desk = open_desk();
    EXPECT_FALSE(has(get(plain_desk, "/").body, "id=\"sync\""));
    EXPECT_EQ(post(plain_desk, "/sync", "").status, 404);
}

TEST_F(DeskPagesTest, TheTableShowsChoicesByTheirLabelsInTheFormsLanguage) {
    auto desk = open_desk();
    auto fr = get(desk, "/form?id=" + kForm + "&lang=fr&field=country&value=pe");
    ASSERT_EQ(fr.status, 200);
    EXPECT_TRUE(has(fr.body, "<td>Pérou</td>")) << fr.body.substr(0, 4000);
    EXPECT_FALSE(has(fr.body, "<td>pe</td>"));
}

TEST_F(DeskPagesTest, TwoCoordinatorsReviewingAtOnceAreBothKeptUntilALaterReview) {
    auto other = make_store(dir / "coord2", {form_text}, {coord.public_key}, "coordinator");
    ship(*collector, other);
    auto approved = coordinator::review_value(coordinator::ReviewState::approved, "fine");
    auto rejected = coordinator::review_value(coordinator::ReviewState::rejected, "a duplicate");
    ASSERT_TRUE(approved && rejected);
    ASSERT_TRUE(coordinator_store->set_review(ids[5], *approved));
    ASSERT_TRUE(other.set_review(ids[5], *rejected));
    ship(other, *coordinator_store);
    const auto rid = merge::format_uuid(ids[5]);
    auto desk = open_desk();
    auto page = get(desk, "/record?id=" + rid);
    EXPECT_TRUE(has(page.body, "Two coordinators reviewed it at once")) << page.body;
    coordinator::DeviceStoreSource source(*coordinator_store);
    auto record = coordinator::load_record(source, *key, ids[5]);
    ASSERT_TRUE(record);
    auto review = coordinator::review_of(record->view);
    ASSERT_TRUE(review);
    EXPECT_TRUE(review->contested);
    // The review is not an answer: no answer conflict is listed for it.
    EXPECT_TRUE(record->conflicts.empty());
    ASSERT_EQ(post(desk, "/review", "record=" + rid + "&state=rejected&comment=agreed").status,
              303);
    auto settled = get(desk, "/record?id=" + rid);
    EXPECT_FALSE(has(settled.body, "Two coordinators reviewed it at once"));
    EXPECT_TRUE(has(settled.body, "data-state=\"rejected\""));
    // The review's own history: the three reviews, each with its comment.
    auto from = settled.body.find("id=\"review-history\"");
    ASSERT_NE(from, std::string::npos);
    auto list = settled.body.substr(from, settled.body.find("</ol>", from) - from);
    EXPECT_TRUE(has(list, "Approved: fine") && has(list, "Rejected: a duplicate") &&
                has(list, "Rejected: agreed"))
        << list;
}

TEST_F(DeskPagesTest, ADownloadIsAZipOfTheExport) {
    auto desk = open_desk();
    for (const char* format : {"csv", "xlsx", "jsonl", "geojson", "dta", "sav"}) {
        auto r = post(desk, "/export", "form=" + kForm + "&format=" + format);
        ASSERT_EQ(r.status, 200) << format << ": " << r.body;
        EXPECT_EQ(r.get("Content-Type"), "application/zip");
        EXPECT_EQ(r.body.substr(0, 2), "PK");
        // Zip entries name their files in clear: the form's table in that format, and the codebook.
        EXPECT_TRUE(has(r.body, kForm + "/" + kForm + "." + format)) << format;
        EXPECT_TRUE(has(r.body, kForm + "/codebook.csv")) << format;
        EXPECT_TRUE(has(*r.get("Content-Disposition"), kForm + "-" + format + ".zip"));
    }
    EXPECT_EQ(post(desk, "/export", "form=" + kForm + "&format=pdf").status, 404);
    // Nothing decrypted stays on disk: the scratch folders are gone.
    for (const auto& e :
         std::filesystem::directory_iterator(std::filesystem::temp_directory_path()))
        EXPECT_NE(e.path().filename().string().rfind("canvass-desk-export-", 0), 0u) << e.path();
}

TEST_F(DeskPagesTest, OnlyACoordinatorWhoDidNotCreateTheRecordReviewsIt) {
    auto value = coordinator::review_value(coordinator::ReviewState::approved, "fine");
    ASSERT_TRUE(value);
    auto by_collector = collector->set_review(ids[0], *value);
    ASSERT_FALSE(by_collector);
    EXPECT_EQ(by_collector.error().code, errc::permission_denied);
    // The rule itself, as the server applies it to every batch: the creator may not write it.
    merge::ChangesetHeader h;
    h.device = collector->keys().id;
    h.record = ids[0];
    h.seq = 99;
    h.ops.push_back(merge::Op{std::string(merge::kReviewPath), merge::OpKind::set, {}});
    merge::RecordAuthority known{collector->keys().id, true};
    auto right = merge::may_change(h, known);
    ASSERT_FALSE(right);
    EXPECT_TRUE(has(right.error().message, "only a coordinator who did not"));
    h.device = coordinator_store->keys().id;
    EXPECT_TRUE(merge::may_change(h, known));
}

TEST_F(DeskPagesTest, AFormMayNotNameAQuestionAfterTheReviewField) {
    auto doc = json::parse(form_text);
    doc["settings"]["version"] = "9999";
    doc["survey"].push_back({{"type", "text"},
                             {"name", "_review"},
                             {"label", {{"en", "x"}, {"fr", "x"}, {"es", "x"}}}});
    auto added = coordinator_store->add_form(doc.dump());
    ASSERT_FALSE(added);
    EXPECT_TRUE(has(added.error().message, "reserved")) << added.error().message;
}

}  // namespace
}  // namespace canvass::cli::desk
