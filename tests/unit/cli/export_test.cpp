// `canvass export` end to end in-process: a collector's records, shipped to the
// coordinator's device as a sync would, decrypted with the coordinator key and written in
// ODK Central's CSV layout, JSON Lines, a codebook and a conflicts file.
#include <sys/stat.h>

#include <fstream>
#include <set>

#include "coordinator/key_file.hpp"
#include "export_test_support.hpp"
#include "merge/ids.hpp"

namespace canvass::cli::export_test {
namespace {

using canvass::testing::TempDir;

const std::string kExportForm = "home_based_workers";
const std::vector<std::string> kOdkMeta{"KEY",
                                        "SubmitterID",
                                        "SubmitterName",
                                        "AttachmentsPresent",
                                        "AttachmentsExpected",
                                        "Status",
                                        "ReviewState",
                                        "DeviceID",
                                        "Edits",
                                        "FormVersion"};

class ExportTest : public ::testing::Test {
  protected:
    TempDir dir;
    Coordinator coord = Coordinator::create(dir);
    std::string form_text = source_file("schemas/forms/" + kExportForm + ".json");
    std::vector<json> answers = answer_sets(kExportForm);
    std::string collector_home = dir / "collector";
    std::string coordinator_home = dir / "coordinator";
    std::string out = dir / "out";
    std::vector<merge::RecordId> ids;
    std::string collector_id;

    void SetUp() override {
        auto collector = make_store(collector_home, {form_text}, {coord.public_key}, "collector");
        auto imported = collector.import_records(kExportForm, answers, true);
        ASSERT_TRUE(imported) << imported.error().message;
        ids = *imported;
        collector_id = crypto::to_hex(collector.keys().id);
        auto c = make_store(coordinator_home, {form_text}, {coord.public_key}, "coordinator");
        ship(collector, c);
    }

    store::DeviceStore open(const std::string& home) {
        return std::move(store::DeviceStore::open(home, store::Passphrase{kPassphrase})).value();
    }

    std::vector<std::string> on_coordinator(std::vector<std::string> args) {
        args.insert(args.begin(),
                    {"--home", coordinator_home, "--passphrase-file", coord.passphrase_file});
        return args;
    }

    Outcome export_all(const std::vector<std::string>& extra = {}) {
        std::vector<std::string> args{"export",   "--key", coord.key_file, "--form", kExportForm,
                                      "--format", "all",   "--out",        out};
        args.insert(args.end(), extra.begin(), extra.end());
        return canvass(on_coordinator(args));
    }

    std::string key_of(std::size_t i) const { return "uuid:" + merge::format_uuid(ids[i]); }
    CsvTable table(const std::string& name) const { return CsvTable::read(out + "/" + name); }
};

TEST_F(ExportTest, MainCsvFollowsOdkCentralsLayoutAndHoldsEveryAnswer) {
    auto r = export_all();
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("files are in " + out), std::string::npos) << r.out;
    auto t = table(kExportForm + ".csv");
    ASSERT_EQ(t.rows.size(), answers.size());
    EXPECT_EQ(t.header.front(), "SubmissionDate");
    std::vector<std::string> tail(t.header.end() - static_cast<long>(kOdkMeta.size()),
                                  t.header.end());
    EXPECT_EQ(tail, kOdkMeta);
    for (const char* part : {"Latitude", "Longitude", "Altitude", "Accuracy"}) {
        EXPECT_TRUE(t.has(std::string("place-location-") + part)) << part;
    }
    EXPECT_FALSE(t.has("intro")) << "notes are not exported";
    EXPECT_FALSE(t.has("household-household_note"));
    EXPECT_FALSE(t.has("household-hh_members")) << "repeats have their own files";
    EXPECT_TRUE(t.has("work-weekly_hours")) << "calculations are exported";

    auto columns = odk_columns(json::parse(form_text));
    for (std::size_t i = 0; i < answers.size(); ++i) {
        auto rows = t.where("KEY", key_of(i));
        ASSERT_EQ(rows.size(), 1u) << key_of(i);
        std::size_t row = rows[0];
        for (const auto& [name, value] : answers[i].items()) {
            if (value.is_array() && !value.empty() && value[0].is_object()) continue;  // a repeat
            if (name == "location") {
                EXPECT_EQ(t.cell(row, "place-location-Latitude"), odk_text(value["lat"]));
                EXPECT_EQ(t.cell(row, "place-location-Longitude"), odk_text(value["lon"]));
                EXPECT_EQ(t.cell(row, "place-location-Altitude"),
                          value.contains("alt") ? odk_text(value["alt"]) : "");
                EXPECT_EQ(t.cell(row, "place-location-Accuracy"),
                          value.contains("acc") ? odk_text(value["acc"]) : "");
                continue;
            }
            if (value.is_array() && value.empty()) continue;
            EXPECT_EQ(t.cell(row, columns.at(name)), odk_text(value))
                << "record " << i << " " << name;
        }
        EXPECT_EQ(t.cell(row, "SubmitterID"), collector_id);
        EXPECT_EQ(t.cell(row, "DeviceID"), collector_id);
        EXPECT_EQ(t.cell(row, "FormVersion"), "2026.11.1");
        EXPECT_EQ(t.cell(row, "Edits"), "0");
        EXPECT_EQ(t.cell(row, "Status"), "");
        EXPECT_EQ(t.cell(row, "AttachmentsPresent"), "0");
        EXPECT_EQ(t.cell(row, "SubmissionDate").size(), 24u) << t.cell(row, "SubmissionDate");
    }
    // select_multiple: names joined by spaces, in the order given.
    EXPECT_EQ(t.cell(t.where("KEY", key_of(0))[0], "piece_rate-inputs_provided"),
              "raw_material tools accessories");
}

TEST_F(ExportTest, RepeatFilesCarryParentKeyAndKeyDownToNestedRepeats) {
    ASSERT_EQ(export_all().code, 0);
    auto members = table(kExportForm + "-hh_members.csv");
    auto jobs = table(kExportForm + "-member_jobs.csv");
    ASSERT_GE(members.header.size(), 3u);
    EXPECT_EQ(members.header[members.header.size() - 2], "PARENT_KEY");
    EXPECT_EQ(members.header.back(), "KEY");
    EXPECT_EQ(jobs.header.back(), "KEY");
    EXPECT_TRUE(members.has("member_name"));
    EXPECT_FALSE(members.has("job_type")) << "a nested repeat's fields are in its own file";
    EXPECT_TRUE(jobs.has("job_type"));

    std::size_t all_members = 0, all_jobs = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& given = answers[i].value("hh_members", json::array());
        auto rows = members.where("PARENT_KEY", key_of(i));
        ASSERT_EQ(rows.size(), given.size()) << "record " << i;
        all_members += rows.size();
        std::set<std::string> keys;
        for (auto row : rows) keys.insert(members.cell(row, "KEY"));
        for (std::size_t k = 1; k <= given.size(); ++k) {
            EXPECT_TRUE(keys.count(key_of(i) + "/household/hh_members[" + std::to_string(k) + "]"))
                << "record " << i << " member " << k;
        }
        for (std::size_t k = 0; k < given.size(); ++k) {
            const auto& m = given[k];
            auto mine = members.where("member_name", m["member_name"].get<std::string>());
            std::size_t row = 0;
            bool found = false;
            for (auto candidate : mine) {
                if (members.cell(candidate, "PARENT_KEY") == key_of(i))
                    row = candidate, found = true;
            }
            ASSERT_TRUE(found) << m["member_name"];
            EXPECT_EQ(members.cell(row, "KEY"),
                      key_of(i) + "/household/hh_members[" + std::to_string(k + 1) + "]")
                << m["member_name"];
            EXPECT_EQ(members.cell(row, "member_age"), odk_text(m["member_age"]));
            EXPECT_EQ(members.cell(row, "member_relation"),
                      m["member_relation"].get<std::string>());
            const auto& given_jobs = m.value("member_jobs", json::array());
            auto job_rows = jobs.where("PARENT_KEY", members.cell(row, "KEY"));
            ASSERT_EQ(job_rows.size(), given_jobs.size()) << m["member_name"];
            all_jobs += job_rows.size();
            for (std::size_t j = 0; j < given_jobs.size(); ++j) {
                EXPECT_TRUE(jobs.where("KEY", members.cell(row, "KEY") + "/member_jobs[" +
                                                  std::to_string(j + 1) + "]")
                                .size() == 1);
            }
            // Instances saved together keep the order of the answers: member_jobs[n] is the
            // n-th job given.
            for (std::size_t j = 0; j < given_jobs.size(); ++j) {
                auto at = jobs.where("KEY", members.cell(row, "KEY") + "/member_jobs[" +
                                                std::to_string(j + 1) + "]");
                ASSERT_EQ(at.size(), 1u);
                EXPECT_EQ(jobs.cell(at[0], "job_type"),
                          given_jobs[j]["job_type"].get<std::string>());
            }
        }
    }
    EXPECT_EQ(members.rows.size(), all_members);
    EXPECT_EQ(jobs.rows.size(), all_jobs);
    EXPECT_GT(all_jobs, 0u) << "the example answers must exercise the nested repeat";
}

TEST_F(ExportTest, JsonLinesHoldOneMergedRecordPerLine) {
    ASSERT_EQ(canvass(on_coordinator({"export", "--key", coord.key_file, "--form", kExportForm,
                                      "--format", "jsonl", "--out", out}))
                  .code,
              0);
    EXPECT_FALSE(std::filesystem::exists(out + "/" + kExportForm + ".csv"))
        << "only the formats asked for";
    std::istringstream lines(slurp(out + "/" + kExportForm + ".jsonl"));
    std::map<std::string, json> by_id;
    for (std::string line; std::getline(lines, line);) {
        auto j = json::parse(line);
        by_id[j.at("id")] = j;
    }
    ASSERT_EQ(by_id.size(), answers.size());
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const auto& j = by_id.at(merge::format_uuid(ids[i]));
        EXPECT_EQ(j["KEY"], key_of(i));
        EXPECT_EQ(j["form_version"], "2026.11.1");
        EXPECT_EQ(j["answers"]["age"], answers[i]["age"]);
        EXPECT_EQ(j["answers"].value("location", json()), answers[i].value("location", json()));
        EXPECT_EQ(j["answers"].value("hh_members", json::array()).size(),
                  answers[i].value("hh_members", json::array()).size());
        for (const auto& m : j["answers"].value("hh_members", json::array())) {
            EXPECT_TRUE(m.contains("_id")) << "instances keep their id for later edits";
        }
    }
}

TEST_F(ExportTest, CodebookDescribesEveryVariableInEveryLanguage) {
    ASSERT_EQ(export_all().code, 0);
    auto cb = table("codebook.csv");
    auto row = cb.where("name", "age");
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(cb.cell(row[0], "table"), kExportForm + ".csv");
    EXPECT_EQ(cb.cell(row[0], "column"), "respondent-age");
    EXPECT_EQ(cb.cell(row[0], "type"), "integer");
    EXPECT_EQ(cb.cell(row[0], "label::en"), "How old are you?");
    EXPECT_EQ(cb.cell(row[0], "label::fr"), "Quel âge avez-vous ?");
    EXPECT_EQ(cb.cell(row[0], "label::es"), "¿Cuántos años tiene?");
    EXPECT_EQ(cb.cell(row[0], "constraint"), ". >= 15 and . <= 100");
    auto gender = cb.where("name", "gender");
    ASSERT_EQ(gender.size(), 1u);
    EXPECT_EQ(cb.cell(gender[0], "type"), "select_one gender");
    EXPECT_NE(cb.cell(gender[0], "choices::en").find("female="), std::string::npos);
    auto loc = cb.where("name", "location");
    ASSERT_EQ(loc.size(), 1u);
    EXPECT_EQ(cb.cell(loc[0], "relevant"), "${interview_mode} = 'home'");
    EXPECT_EQ(cb.cell(loc[0], "column"),
              "place-location-Latitude place-location-Longitude place-location-Altitude "
              "place-location-Accuracy");
    EXPECT_EQ(cb.cell(loc[0], "stata"),
              "location_latitude location_longitude location_altitude location_accuracy");
    auto job = cb.where("name", "job_type");
    ASSERT_EQ(job.size(), 1u);
    EXPECT_EQ(cb.cell(job[0], "table"), kExportForm + "-member_jobs.csv");
    EXPECT_EQ(cb.where("name", "KEY").size(), 3u) << "main table and each repeat table";
    EXPECT_TRUE(cb.where("name", "intro").empty());
}

TEST_F(ExportTest, RecordsOfAnOlderVersionExportUnderTheNewestColumns) {
    json v2 = json::parse(form_text);
    v2["settings"]["version"] = "2027.01.1";
    auto& survey = v2["survey"];
    for (auto it = survey.begin(); it != survey.end(); ++it) {
        if ((*it)["name"] == "comments") {
            survey.erase(it);
            break;
        }
    }
    survey.push_back({{"type", "text"},
                      {"name", "phone_owner"},
                      {"label",
                       {{"en", "Whose phone?"},
                        {"fr", "Téléphone de qui ?"},
                        {"es", "¿De quién es el teléfono?"}}}});
    json newer = answers[1];
    newer.erase("comments");
    newer["phone_owner"] = "her own";
    merge::RecordId new_id{};
    {
        auto collector = open(collector_home);
        ASSERT_TRUE(collector.add_form(v2.dump()));
        auto created = collector.create_record(kExportForm, newer, true);
        ASSERT_TRUE(created) << created.error().message;
        new_id = *created;
        auto c = open(coordinator_home);
        ASSERT_TRUE(c.add_form(v2.dump()));
        ship(collector, c);
    }
    ASSERT_EQ(export_all().code, 0);
    auto t = table(kExportForm + ".csv");
    ASSERT_EQ(t.rows.size(), answers.size() + 1);
    ASSERT_TRUE(t.has("phone_owner"));
    EXPECT_FALSE(t.has("comments")) << "the newest version dropped it";
    auto old_row = t.where("KEY", key_of(0))[0];
    EXPECT_EQ(t.cell(old_row, "phone_owner"), "");
    EXPECT_EQ(t.cell(old_row, "FormVersion"), "2026.11.1");
    EXPECT_EQ(t.cell(old_row, "respondent-age"), odk_text(answers[0]["age"]));
    auto new_row = t.where("KEY", "uuid:" + merge::format_uuid(new_id))[0];
    EXPECT_EQ(t.cell(new_row, "phone_owner"), "her own");
    EXPECT_EQ(t.cell(new_row, "FormVersion"), "2027.01.1");
    // JSON Lines keeps what the old record answered to the question now gone.
    std::istringstream lines(slurp(out + "/" + kExportForm + ".jsonl"));
    bool seen = false;
    for (std::string line; std::getline(lines, line);) {
        auto j = json::parse(line);
        if (j["id"] == merge::format_uuid(ids[0]) && answers[0].contains("comments")) {
            EXPECT_EQ(j["answers"]["comments"], answers[0]["comments"]);
            seen = true;
        }
    }
    if (answers[0].contains("comments")) {
        EXPECT_TRUE(seen);
    }
}

// ODK Central's deletedFields, Kobo's "all versions": a question the newest version removed
// keeps its column, where it stood, with what older records answered.
TEST_F(ExportTest, AllVersionsKeepsTheColumnsOfQuestionsTheNewestVersionRemoved) {
    json v2 = json::parse(form_text);
    v2["settings"]["version"] = "2027.01.1";
    auto& survey = v2["survey"];
    std::string before_comments;
    for (auto it = survey.begin(); it != survey.end(); ++it) {
        if ((*it)["name"] == "comments") {
            before_comments = (*std::prev(it))["name"];
            survey.erase(it);
            break;
        }
    }
    ASSERT_FALSE(before_comments.empty());
    survey.push_back({{"type", "text"},
                      {"name", "phone_owner"},
                      {"label",
                       {{"en", "Whose phone?"},
                        {"fr", "Téléphone de qui ?"},
                        {"es", "¿De quién es el teléfono?"}}}});
    {
        auto collector = open(collector_home);
        ASSERT_TRUE(collector.add_form(v2.dump()));
        json newer = answers[1];
        newer.erase("comments");
        newer["phone_owner"] = "her own";
        ASSERT_TRUE(collector.create_record(kExportForm, newer, true));
        auto c = open(coordinator_home);
        ASSERT_TRUE(c.add_form(v2.dump()));
        ship(collector, c);
    }
    auto r = export_all({"--all-versions"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto t = table(kExportForm + ".csv");
    ASSERT_TRUE(t.has("phone_owner"));
    ASSERT_TRUE(t.has("comments")) << "the newest version removed it; --all-versions keeps it";
    const auto at = std::find(t.header.begin(), t.header.end(), "comments");
    const auto added = std::find(t.header.begin(), t.header.end(), "phone_owner");
    EXPECT_LT(at, added) << "it comes back where it stood (after " << before_comments
                         << "), before what the newest version added at the end";
    for (std::size_t i = 0; i < answers.size(); ++i) {
        if (!answers[i].contains("comments")) continue;
        auto row = t.where("KEY", key_of(i))[0];
        EXPECT_EQ(t.cell(row, "comments"), answers[i]["comments"].get<std::string>());
    }
    auto codebook = table("codebook.csv");
    EXPECT_EQ(codebook.where("name", "comments").size(), 1u);
}

TEST_F(ExportTest, ASameFieldClashListsBothCandidatesUntilResolved) {
    {
        auto collector = open(collector_home);
        auto c = open(coordinator_home);
        // Concurrent edits of one field: the collector after a call-back, the coordinator cleaning.
        ASSERT_TRUE(collector.edit(ids[0], json{{"age", 35}}));
        ASSERT_TRUE(c.resolve(ids[0], "age", json(36)));
        ship(collector, c);
    }
    ASSERT_EQ(export_all().code, 0);
    auto conflicts = table("conflicts.csv");
    auto rows = conflicts.where("path", "age");
    ASSERT_EQ(rows.size(), 2u);
    std::set<std::string> values;
    for (auto row : rows) {
        values.insert(conflicts.cell(row, "value"));
        EXPECT_EQ(conflicts.cell(row, "record"), merge::format_uuid(ids[0]));
        EXPECT_EQ(conflicts.cell(row, "KEY"), key_of(0));
        EXPECT_EQ(conflicts.cell(row, "conflict"), "value");
        EXPECT_EQ(conflicts.cell(row, "device").size(), 32u);
    }
    EXPECT_EQ(values, (std::set<std::string>{"35", "36"}));
    EXPECT_EQ(conflicts.where("shown", "yes").size(), 1u);
    auto main = table(kExportForm + ".csv");
    auto row = main.where("KEY", key_of(0))[0];
    EXPECT_EQ(main.cell(row, "ReviewState"), "hasIssues");
    EXPECT_EQ(main.cell(row, "Edits"), "2");

    // The listing, decrypted, then a resolution by the coordinator.
    auto listed = canvass(on_coordinator({"conflicts", "--key", coord.key_file, "--json"}));
    ASSERT_EQ(listed.code, 0) << listed.err;
    auto list = json::parse(listed.out);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0]["path"], "age");
    EXPECT_EQ(list[0]["candidates"].size(), 2u);
    auto sealed = canvass(on_coordinator({"conflicts"}));
    EXPECT_NE(sealed.out.find("(encrypted)"), std::string::npos)
        << "the collector's value, without the key";

    auto resolved =
        canvass(on_coordinator({"resolve", merge::format_uuid(ids[0]), "age", "--value", "40"}));
    ASSERT_EQ(resolved.code, 0) << resolved.err;
    EXPECT_NE(resolved.out.find("superseding 2 candidates"), std::string::npos) << resolved.out;
    // Without a conflict it is a correction; a path the form does not have is refused.
    auto typo =
        canvass(on_coordinator({"resolve", merge::format_uuid(ids[0]), "agee", "--value", "41"}));
    EXPECT_EQ(typo.code, 1);
    EXPECT_NE(typo.err.find("has no question agee"), std::string::npos) << typo.err;
    auto misplaced = canvass(
        on_coordinator({"resolve", merge::format_uuid(ids[0]), "member_age", "--value", "4"}));
    EXPECT_EQ(misplaced.code, 1);
    EXPECT_NE(misplaced.err.find("is in repeat hh_members"), std::string::npos) << misplaced.err;
    auto corrected = canvass(
        on_coordinator({"resolve", merge::format_uuid(ids[0]), "can_read", "--value", "yes"}));
    ASSERT_EQ(corrected.code, 0) << corrected.err;
    EXPECT_NE(corrected.out.find("corrected can_read"), std::string::npos) << corrected.out;

    ASSERT_EQ(export_all().code, 0);
    EXPECT_TRUE(table("conflicts.csv").rows.empty());
    main = table(kExportForm + ".csv");
    row = main.where("KEY", key_of(0))[0];
    EXPECT_EQ(main.cell(row, "respondent-age"), "40");
    EXPECT_EQ(main.cell(row, "respondent-can_read"), "yes");
    EXPECT_EQ(main.cell(row, "ReviewState"), "edited");

    // The resolution is an edit like any other: it syncs back and settles the clash there too.
    {
        auto collector = open(collector_home);
        auto c = open(coordinator_home);
        ship(c, collector);
        auto view = collector.record(ids[0])->view;
        ASSERT_TRUE(view);
        EXPECT_FALSE(view->has_conflicts());
    }
}

TEST_F(ExportTest, ACoordinatorReadsAndEditsACollectorsRecordWithTheKey) {
    const auto record = merge::format_uuid(ids[0]);
    const std::string edit_file = dir / "edit.json";
    std::ofstream(edit_file) << R"({"age": 52})";

    // Without the key the answers are sealed: shown as such, and an edit is refused, not guessed.
    auto sealed = canvass(on_coordinator({"show", record}));
    ASSERT_EQ(sealed.code, 0) << sealed.err;
    EXPECT_NE(sealed.out.find("encrypted for the project's coordinators"), std::string::npos)
        << sealed.out;
    auto refused = canvass(on_coordinator({"edit", record, "--answers", edit_file}));
    EXPECT_EQ(refused.code, 1);
    EXPECT_NE(refused.err.find("give --key FILE"), std::string::npos) << refused.err;
    auto other = Coordinator::create(dir, "other.key");
    auto wrong =
        canvass(on_coordinator({"edit", record, "--answers", edit_file, "--key", other.key_file}));
    EXPECT_EQ(wrong.code, 1);
    EXPECT_NE(wrong.err.find("cannot decrypt"), std::string::npos) << wrong.err;

    auto shown = canvass(on_coordinator({"show", record, "--json", "--key", coord.key_file}));
    ASSERT_EQ(shown.code, 0) << shown.err;
    auto before = json::parse(shown.out)["answers"];
    EXPECT_EQ(before["age"], answers[0]["age"]);

    auto edited =
        canvass(on_coordinator({"edit", record, "--answers", edit_file, "--key", coord.key_file}));
    ASSERT_EQ(edited.code, 0) << edited.err;
    EXPECT_NE(edited.out.find("saved the edit of " + record), std::string::npos) << edited.out;
    auto again =
        canvass(on_coordinator({"edit", record, "--answers", edit_file, "--key", coord.key_file}));
    ASSERT_EQ(again.code, 0) << again.err;
    EXPECT_NE(again.out.find("nothing changed"), std::string::npos) << again.out;

    // Only the edited answer changed; the export and the collector's device agree.
    shown = canvass(on_coordinator({"show", record, "--json", "--key", coord.key_file}));
    auto after = json::parse(shown.out)["answers"];
    EXPECT_EQ(after["age"], 52);
    after["age"] = before["age"];
    EXPECT_EQ(after, before);
    ASSERT_EQ(export_all().code, 0);
    auto main = table(kExportForm + ".csv");
    auto row = main.where("KEY", key_of(0))[0];
    EXPECT_EQ(main.cell(row, "respondent-age"), "52");
    EXPECT_EQ(main.cell(row, "ReviewState"), "edited");
    EXPECT_TRUE(table("conflicts.csv").rows.empty());
    {
        auto collector = open(collector_home);
        auto c = open(coordinator_home);
        ship(c, collector);
        auto held = collector.record(ids[0]);
        ASSERT_TRUE(held && held->view);
        EXPECT_FALSE(held->view->has_conflicts());
        EXPECT_EQ(held->summary.updated_ms, c.record(ids[0])->summary.updated_ms);
    }
}

TEST_F(ExportTest, ResolveRefusesAValueOfTheWrongType) {
    {
        auto collector = open(collector_home);
        auto c = open(coordinator_home);
        ASSERT_TRUE(collector.edit(ids[0], json{{"gender", "male"}}));
        ASSERT_TRUE(c.resolve(ids[0], "gender", json("female")));
        ship(collector, c);
    }
    auto r = canvass(
        on_coordinator({"resolve", merge::format_uuid(ids[0]), "gender", "--value", "martian"}));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("not an answer to gender"), std::string::npos) << r.err;
    r = canvass(on_coordinator(
        {"resolve", merge::format_uuid(ids[0]).substr(0, 8), "gender", "--value", "female"}));
    EXPECT_EQ(r.code, 0) << r.err;

    // A correction inside a repeat instance, addressed by the instance's path.
    std::string instance;
    {
        auto c = open(coordinator_home);
        auto snap = c.record(ids[0]);  // named: the loop must not walk a dead temporary
        ASSERT_TRUE(snap && snap->view);
        for (const auto& rep : snap->view->repeats) {
            if (rep.path == "hh_members") instance = rep.instances.at(0).path;
        }
    }
    ASSERT_FALSE(instance.empty());
    r = canvass(on_coordinator(
        {"resolve", merge::format_uuid(ids[0]), instance + "/member_age", "--value", "12"}));
    ASSERT_EQ(r.code, 0) << r.err;
    r = canvass(on_coordinator({"resolve", merge::format_uuid(ids[0]),
                                "hh_members[00000000-0000-4000-8000-000000000000]/member_age",
                                "--value", "12"}));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("has no instance"), std::string::npos) << r.err;
    ASSERT_EQ(export_all().code, 0);
    auto members = table(kExportForm + "-hh_members.csv");
    bool found = false;
    for (auto row : members.where("PARENT_KEY", key_of(0)))
        found = found || members.cell(row, "member_age") == "12";
    EXPECT_TRUE(found);
}

TEST_F(ExportTest, DeletedRecordsAndInstancesAreLeftOutAndDeleteConflictsKept) {
    std::string removed_member;
    {
        auto collector = open(collector_home);
        auto c = open(coordinator_home);
        ASSERT_TRUE(collector.delete_record(ids[2]));  // a clean delete
        // Record 1 deleted by the collector while the coordinator edits it: kept, flagged.
        ASSERT_TRUE(collector.delete_record(ids[1]));
        ASSERT_TRUE(c.resolve(ids[1], "age", json(50)));
        // One household member removed.
        auto current = collector.record(ids[0])->answers;
        ASSERT_GE(current["hh_members"].size(), 2u);
        removed_member = current["hh_members"][1]["member_name"];
        json change{{"hh_members",
                     json::array({{{"_id", current["hh_members"][1]["_id"]}, {"_delete", true}}})}};
        ASSERT_TRUE(collector.edit(ids[0], change));
        ship(collector, c);
    }
    ASSERT_EQ(export_all().code, 0);
    auto main = table(kExportForm + ".csv");
    EXPECT_EQ(main.rows.size(), answers.size() - 1);
    EXPECT_TRUE(main.where("KEY", key_of(2)).empty());
    auto kept = main.where("KEY", key_of(1));
    ASSERT_EQ(kept.size(), 1u);
    EXPECT_EQ(main.cell(kept[0], "ReviewState"), "hasIssues");
    auto members = table(kExportForm + "-hh_members.csv");
    EXPECT_EQ(members.where("PARENT_KEY", key_of(0)).size(), answers[0]["hh_members"].size() - 1);
    for (auto row : members.where("PARENT_KEY", key_of(0))) {
        EXPECT_NE(members.cell(row, "member_name"), removed_member);
    }
    EXPECT_TRUE(members.where("PARENT_KEY", key_of(2)).empty());

    auto conflicts = table("conflicts.csv");
    auto rows = conflicts.where("record", merge::format_uuid(ids[1]));
    ASSERT_EQ(rows.size(), 2u);
    std::set<std::string> values;
    for (auto row : rows) {
        EXPECT_EQ(conflicts.cell(row, "conflict"), "delete");
        values.insert(conflicts.cell(row, "value"));
    }
    EXPECT_EQ(values, (std::set<std::string>{"(deleted)", "(edited age: 50)"}));
}

TEST_F(ExportTest, ChangesetsWithoutAGrantAreReportedAndTheirRecordsKept) {
    {
        // A device whose recipients never included this coordinator key: nothing sealed to it.
        auto stranger = make_store(dir / "stranger", {form_text},
                                   {crypto::generate_dh_key().public_key}, "collector");
        ASSERT_TRUE(stranger.create_record(kExportForm, answers[3], true));
        auto c = open(coordinator_home);
        ship(stranger, c);
    }
    auto r = export_all();
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("1 changeset of device"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("could not be decrypted"), std::string::npos) << r.err;
    auto main = table(kExportForm + ".csv");
    ASSERT_EQ(main.rows.size(), answers.size() + 1);
    auto sealed = main.where("Status", "not decrypted");
    ASSERT_EQ(sealed.size(), 1u);
    EXPECT_EQ(main.cell(sealed[0], "respondent-age"), "");
}

TEST_F(ExportTest, AWrongKeyIsAClearError) {
    auto other = Coordinator::create(dir, "other.key");
    auto r = canvass(
        on_coordinator({"export", "--key", other.key_file, "--form", kExportForm, "--out", out}));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("cannot decrypt any of the"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--key"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out + "/" + kExportForm + ".csv"));
}

TEST_F(ExportTest, AWrongPassphraseIsAClearError) {
    std::string wrong = dir / "wrong.txt";
    std::ofstream(wrong) << "not the passphrase\n";
    auto r = canvass(on_coordinator({"export", "--key", coord.key_file, "--key-passphrase-file",
                                     wrong, "--form", kExportForm, "--out", out}));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("wrong passphrase for coordinator key " + coord.key_file),
              std::string::npos)
        << r.err;
}

TEST_F(ExportTest, UnknownLanguageAndFormAreClearErrors) {
    auto r = export_all({"--lang", "de"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("has no language 'de' (it has en fr es)"), std::string::npos) << r.err;
    r = canvass(
        on_coordinator({"export", "--key", coord.key_file, "--form", "nope", "--out", out}));
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("no form 'nope'"), std::string::npos) << r.err;
    r = canvass(on_coordinator({"export", "--key", coord.key_file, "--form", kExportForm,
                                "--format", "xls", "--out", out}));
    EXPECT_EQ(r.code, 2);
}

TEST(KeysCommands, CreateWritesAPrivateFileOnceAndShowPrintsItsPublicKey) {
    TempDir dir;
    auto c = Coordinator::create(dir);
    struct stat st {};
    ASSERT_EQ(::stat(c.key_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    auto shown = canvass({"keys", "show", c.key_file});
    EXPECT_EQ(shown.code, 0);
    EXPECT_EQ(shown.out, crypto::to_hex(c.public_key) + "\n");
    EXPECT_EQ(shown.out.size(), 65u);
    std::string before = slurp(c.key_file);
    auto again = canvass(
        {"keys", "create", "--out", c.key_file, "--key-passphrase-file", c.passphrase_file});
    EXPECT_EQ(again.code, 1);
    EXPECT_NE(again.err.find("already exists"), std::string::npos);
    EXPECT_EQ(slurp(c.key_file), before);
    EXPECT_EQ(slurp(c.key_file).find(kPassphrase), std::string::npos);
}

TEST(KeysCommands, ADamagedKeyFileIsAClearError) {
    TempDir dir;
    auto c = Coordinator::create(dir);
    auto other = Coordinator::create(dir, "other.key");
    // Halves of two different keys: refused, not silently decrypting nothing.
    auto doc = json::parse(slurp(c.key_file));
    doc["public_key"] = crypto::to_hex(other.public_key);
    std::string mixed = dir / "mixed.key";
    std::ofstream(mixed) << doc.dump();
    auto opened = coordinator::open_key_file(mixed, kPassphrase);
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().code, errc::corrupt);
    EXPECT_NE(opened.error().message.find("does not match"), std::string::npos)
        << opened.error().message;
    EXPECT_EQ(coordinator::open_key_file(c.key_file, "wrong").error().code, errc::wrong_key);

    std::string foreign = dir / "foreign.key";
    std::ofstream(foreign) << "{\"format\": \"something else\"}";
    auto r = canvass({"keys", "show", foreign});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("not a usable coordinator key file"), std::string::npos) << r.err;
    r = canvass({"keys", "show", dir / "missing.key"});
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("cannot read coordinator key"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace canvass::cli::export_test
