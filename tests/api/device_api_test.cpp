// The C++ API (canvass/device.hpp, canvass/coordinator.hpp) as an app sees it: built with only
// core/include on the include path (no header of the core's own is reachable from here), against a
// real canvass-server, with the coordinator's side done by the real `canvass` command line.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <canvass/coordinator.hpp>
#include <canvass/device.hpp>
#include <canvass/export.hpp>
#include <canvass/forms.hpp>
#include <canvass/interview.hpp>
#include <canvass/record_table.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>
#include <thread>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "example_form.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace {

using canvass::Device;
using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;
using canvass::testing::answers_line;
using canvass::testing::kForm;
using canvass::testing::source;

// A project on a real server: its coordinator's key and store made by the command line, the
// form published, the server listening on 127.0.0.1 at a port the OS chose.
class Project {
  public:
    Project() {
        setenv("CANVASS_PASSPHRASE", "coordinator passphrase", 1);
        cli({"init"});
        cli({"keys", "create", "--out", tmp / "coordinator.key"});
        cli({"keys", "recipients", "--key", tmp / "coordinator.key", "--project", "demo", "--out",
             tmp / "recipients.txt"});
        server({"init"});
        auto created =
            server({"project", "create", "demo", "--recipients", tmp / "recipients.txt"});
        fingerprint = created.out.substr(created.out.find("fingerprint ") + 12, 16);
        server(
            {"form", "publish", "--project", "demo", source("schemas/forms/" + kForm + ".json")});
        start();
    }
    ~Project() { stop(); }

    // At `listen`: a restart takes the address the devices know.
    void start(const std::string& listen = "127.0.0.1:0") {
        const std::string out = tmp / ("server-" + std::to_string(++commands) + ".out");
        pid = canvass::testing::spawn(
            {CANVASS_SERVER_BIN, "--data", tmp / "server", "run", "--listen", listen}, out,
            tmp / "server.log");
        ASSERT_GT(pid, 0);
        auto until = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < until) {
            auto text = canvass::testing::slurp(out);
            if (auto at = text.find("listening on ");
                at != std::string::npos && text.find('\n', at) != std::string::npos) {
                address = text.substr(at + 13, text.find('\n', at) - at - 13);
                return;
            }
            std::this_thread::sleep_for(20ms);
        }
        FAIL() << "canvass-server did not start: " << canvass::testing::slurp(tmp / "server.log");
    }
    void stop() {
        if (pid <= 0) return;
        kill(pid, SIGTERM);
        canvass::testing::wait_exit(pid);
        pid = -1;
    }

    std::string token(const std::string& role) {
        auto t = server({"token", "create", "--project", "demo", "--role", role, "--address",
                         address, "--json"});
        return json::parse(t.out).at("token");
    }
    canvass::testing::Output server(std::vector<std::string> args) {
        args.insert(args.begin(), {CANVASS_SERVER_BIN, "--data", tmp / "server"});
        auto o =
            canvass::testing::run(args, tmp / ("server-command-" + std::to_string(++commands)));
        EXPECT_EQ(o.exit_code, 0) << o.err;
        return o;
    }
    // The coordinator's command line.
    canvass::testing::Output cli(std::vector<std::string> args) {
        args.insert(args.begin(), {CANVASS_BIN, "--home", tmp / "coordinator"});
        auto o = canvass::testing::run(args, tmp / ("cli-" + std::to_string(++commands)));
        EXPECT_EQ(o.exit_code, 0) << o.err;
        return o;
    }

    canvass::testing::TempDir tmp;
    std::string address, fingerprint;
    pid_t pid = -1;
    int commands = 0;
};

// The app's own connection: a plain socket it opened, counting what crosses it.
class AppSocket final : public canvass::Connection {
  public:
    AppSocket(const std::string& address, int& closes) : closes_(closes) {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port =
            htons(static_cast<std::uint16_t>(std::stoi(address.substr(address.rfind(':') + 1))));
        inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0;
    }
    ~AppSocket() override {
        if (fd_ >= 0) ::close(fd_);
    }
    canvass::Result<void> send(std::span<const std::uint8_t> bytes) override {
        while (!bytes.empty()) {
            auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
            if (n <= 0)
                return canvass::unexpected(canvass::Domain::net, canvass::errc::io, "send failed");
            bytes = bytes.subspan(static_cast<std::size_t>(n));
            sent += static_cast<std::size_t>(n);
        }
        return {};
    }
    canvass::Result<std::size_t> receive(std::span<std::uint8_t> into) override {
        auto n = ::recv(fd_, into.data(), into.size(), 0);
        if (n < 0)
            return canvass::unexpected(canvass::Domain::net, canvass::errc::io, "receive failed");
        return static_cast<std::size_t>(n);
    }
    void close() override {
        ++closes_;
        ::close(fd_);
        fd_ = -1;
    }
    bool connected() const { return connected_; }
    std::size_t sent = 0;

  private:
    int fd_ = -1;
    bool connected_ = false;
    int& closes_;
};

TEST(DeviceApi, AnInterviewIsSavedAsItGoesAndResumesInItsLanguage) {
    canvass::testing::TempDir tmp;
    const std::string home = tmp / "phone";
    EXPECT_FALSE(Device::exists(home));
    auto device = Device::create(home, "phone passphrase");
    ASSERT_TRUE(device) << device.error().message;
    std::ifstream form_file(source("schemas/forms/" + kForm + ".json"));
    std::string form((std::istreambuf_iterator<char>(form_file)), std::istreambuf_iterator<char>());
    ASSERT_TRUE(device->add_form(form));
    EXPECT_EQ(json::parse(*device->forms()).at(0).at("form_id"), kForm);

    std::string draft;
    {
        auto iv = device->start_interview(kForm, "fr");
        ASSERT_TRUE(iv) << iv.error().message;
        EXPECT_FALSE(iv->record_id()) << "nothing is saved before the first answer";
        auto& s = iv->session();
        ASSERT_EQ(s.current().name, "survey_round");
        ASSERT_TRUE(s.jump(std::string_view("interviewer")));
        auto answered = s.answer("\"PN01\"");
        ASSERT_TRUE(answered) << answered.error().message;
        ASSERT_TRUE(iv->record_id()) << "the first answer creates the draft";
        draft = *iv->record_id();
    }  // the app is killed here: the answer is already in the encrypted draft

    auto records = json::parse(*device->records(kForm));
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records.at(0).at("id"), draft);
    EXPECT_EQ(records.at(0).at("status"), "draft");

    auto resumed = device->resume_interview(draft);
    ASSERT_TRUE(resumed) << resumed.error().message;
    EXPECT_EQ(resumed->session().language(), "fr")
        << "a draft keeps the language it was started in";
    EXPECT_EQ(resumed->session().current().name, "country") << "resumed after its last answer";
    auto saved = json::parse(*device->record(draft));
    EXPECT_EQ(saved.at("answers").at("interviewer"), "PN01");

    // What an app gets wrong is refused by name, and changes nothing.
    auto bad = device->save_draft("not-an-id", "{}");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("not-an-id"), std::string::npos) << bad.error().message;
    EXPECT_FALSE(device->create_record(kForm, "{\"age\": ", true)) << "not JSON";
    EXPECT_FALSE(device->start_interview("no_such_form"));
    EXPECT_EQ(json::parse(*device->records()).size(), 1u);

    auto wrong = Device::open(home, "not the passphrase");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().domain, canvass::Domain::crypto);
    EXPECT_EQ(wrong.error().code, canvass::errc::wrong_key);
}

TEST(DeviceApi, APhoneEnrollsAndSyncsOverTcpAndOverItsOwnConnectionAndTheCoordinatorReadsIt) {
    Project project;
    ASSERT_FALSE(project.address.empty());
    const std::string home = project.tmp / "phone";
    auto device = Device::create(home, "phone passphrase");
    ASSERT_TRUE(device) << device.error().message;

    auto early = device->sync();
    ASSERT_FALSE(early);
    EXPECT_EQ(early.error().code, canvass::errc::not_found) << early.error().message;

    auto info = canvass::inspect_token(project.token("collector"));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->project, "demo");
    EXPECT_EQ(info->role, "collector");
    EXPECT_FALSE(canvass::inspect_token("not a token"));

    auto misdirected = device->enroll(project.token("collector"), "00000000000000000000");
    ASSERT_FALSE(misdirected) << "a token for another project's fingerprint must be refused";

    auto enrolled = device->enroll(project.token("collector"), project.fingerprint);
    ASSERT_TRUE(enrolled) << enrolled.error().message;
    EXPECT_EQ(enrolled->project, "demo");
    EXPECT_EQ(enrolled->role, "collector");
    EXPECT_EQ(enrolled->server, project.address);
    ASSERT_EQ(enrolled->forms_installed.size(), 1u);
    EXPECT_EQ(enrolled->forms_installed[0].form_id, kForm);

    // Over canvass's own TCP connection, with progress.
    auto first = device->create_record(kForm, answers_line(0), true);
    ASSERT_TRUE(first) << first.error().message;
    std::vector<canvass::SyncCounts> seen;
    auto synced = device->sync(nullptr, [&](const canvass::SyncCounts& c) { seen.push_back(c); });
    ASSERT_TRUE(synced) << synced.error().message;
    EXPECT_EQ(synced->changesets.sent, 1u);
    EXPECT_EQ(synced->changesets.acknowledged, 1u);
    EXPECT_EQ(synced->project, "demo");
    EXPECT_TRUE(synced->forks.empty() && synced->refused_chains.empty());
    EXPECT_GT(synced->bytes_sent, 0u);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.back().acknowledged, 1u);

    // Over a socket the app opened itself: every byte of the sync crosses it.
    auto second = device->create_record(kForm, answers_line(1), true);
    ASSERT_TRUE(second) << second.error().message;
    int closes = 0;
    auto socket = std::make_unique<AppSocket>(project.address, closes);
    ASSERT_TRUE(socket->connected());
    auto over = device->sync(std::move(socket));
    ASSERT_TRUE(over) << over.error().message;
    EXPECT_EQ(over->changesets.acknowledged, 1u);
    EXPECT_EQ(closes, 1) << "the connection is closed once, when the sync is done with it";
    EXPECT_EQ(json::parse(*device->status()).at("unsent_changesets"), 0);

    // A server that is gone: the failure says a later sync may work, and nothing is lost.
    auto third = device->create_record(kForm, answers_line(2), true);
    ASSERT_TRUE(third);
    project.stop();
    auto lost = device->sync();
    ASSERT_FALSE(lost);
    EXPECT_TRUE(canvass::sync_worth_retrying(lost.error())) << lost.error().message;
    EXPECT_GT(canvass::sync_retry_delay_ms(1), 0u);
    EXPECT_EQ(json::parse(*device->status()).at("unsent_changesets"), 1);
    project.start(project.address);
    auto again = device->sync();
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->changesets.acknowledged, 1u);

    // The coordinator reads all three.
    project.cli({"enroll", project.token("coordinator")});
    project.cli({"sync"});
    project.cli({"export", "--key", project.tmp / "coordinator.key", "--form", kForm, "--format",
                 "csv", "--out", project.tmp / "export"});
    auto csv = canvass::testing::slurp(project.tmp / ("export/" + kForm + ".csv"));
    for (const auto& id : {*first, *second, *third})
        EXPECT_NE(csv.find("uuid:" + id), std::string::npos) << id;

    // And a coordinator's own app reads them through canvass::Coordinator.
    auto desk = Device::create(project.tmp / "desk", "desk passphrase");
    ASSERT_TRUE(desk) << desk.error().message;
    ASSERT_TRUE(desk->enroll(project.token("coordinator")));
    auto pulled = desk->sync();
    ASSERT_TRUE(pulled) << pulled.error().message;
    EXPECT_EQ(pulled->changesets.stored, 3u);
    const std::string key = project.tmp / "coordinator.key";
    auto wrong = canvass::Coordinator::open(*desk, key, "not the passphrase");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, canvass::errc::wrong_key);
    auto view = canvass::Coordinator::open(*desk, key, "coordinator passphrase");
    ASSERT_TRUE(view) << view.error().message;
    auto records = json::parse(*view->records(kForm));
    ASSERT_EQ(records.at("records").size(), 3u) << records.dump();
    const auto expected = json::parse(answers_line(0)).at("first_name");
    auto one = json::parse(*view->record(*first));
    EXPECT_EQ(one.at("answers").at("first_name"), expected) << one.dump();
    EXPECT_EQ(one.at("readable"), true);
    EXPECT_NE(view->history(*first)->find("\"path\":\"first_name\""), std::string::npos);
    EXPECT_FALSE(view->label_devices(R"([{"label": "no id"}])"));
    ASSERT_TRUE(view->label_devices(
        json::array({{{"device", enrolled->device}, {"label", "Asha's phone"}}}).dump()));
    auto created = json::parse(*view->history(*first)).at("entries").at(0);
    EXPECT_EQ(created.at("label"), "Asha's phone");
    bool named = false;
    for (const auto& c : created.at("changes"))
        named |= c.at("path") == "first_name" && c.at("text") == expected.get<std::string>();
    EXPECT_TRUE(named) << "each value also as a person reads it: " << created.dump();

    auto corrected = view->resolve(*first, "first_name", "\"Ramesh Kumar\"");
    ASSERT_TRUE(corrected) << corrected.error().message;
    EXPECT_EQ(json::parse(*view->record(*first)).at("answers").at("first_name"), "Ramesh Kumar");
    EXPECT_FALSE(view->resolve(*first, "no_such_question", "1"))
        << "a path that is not a question is refused";
    // An edit of the whole record: refused without the key (the answers are sealed to the
    // coordinators), opened through the view with it, saving only what changed.
    auto sealed = desk->edit_interview(*second);
    ASSERT_FALSE(sealed);
    EXPECT_EQ(sealed.error().code, canvass::errc::wrong_key) << sealed.error().message;
    const std::string changesets_before = *view->history(*second);
    auto edit = view->edit_interview(second->substr(0, 8));
    ASSERT_TRUE(edit) << edit.error().message;
    auto& session = edit->session();
    ASSERT_TRUE(session.jump(std::string_view("first_name")));
    EXPECT_EQ(session.current().answer, json::parse(answers_line(1)).at("first_name").dump())
        << "the edit starts from the decrypted answers";
    ASSERT_TRUE(session.answer("\"Sunita Devi\""));
    ASSERT_TRUE(session.finalize()) << "every other answer is kept as it was";
    EXPECT_EQ(edit->record_id(), *second);
    auto edited = json::parse(*view->record(*second));
    EXPECT_EQ(edited.at("answers").at("first_name"), "Sunita Devi");
    auto before = json::parse(answers_line(1));
    for (const auto& [name, value] : before.items()) {
        if (name != "first_name" && value.is_primitive()) {
            EXPECT_EQ(edited.at("answers").at(name), value) << name;
        }
    }
    auto entries = json::parse(*view->history(*second)).at("entries");
    ASSERT_EQ(entries.size(), json::parse(changesets_before).at("entries").size() + 1)
        << "one changeset for the edit";
    EXPECT_EQ(entries.back().at("coordinator_edit"), true);
    ASSERT_EQ(entries.back().at("changes").size(), 1u) << entries.back().dump();
    EXPECT_EQ(entries.back().at("changes")[0].at("path"), "first_name");
    EXPECT_FALSE(view->edit_interview("ffffffff")) << "no such record";
    auto draft = desk->create_record(kForm, answers_line(3), false);
    ASSERT_TRUE(draft) << draft.error().message;
    auto of_draft = view->edit_interview(*draft);
    ASSERT_FALSE(of_draft);
    EXPECT_NE(of_draft.error().message.find("is a draft: continue it with"), std::string::npos)
        << of_draft.error().message;

    ASSERT_TRUE(desk->review(*first, "approved", "called back to check"));
    EXPECT_FALSE(desk->review(*first, "fine")) << "not a review state";
    EXPECT_EQ(json::parse(*view->record(*first)).at("review_state"), "approved");
    // One record as its page shows it: answers in form order, the review, each field's history.
    auto detail = view->record_detail(*first);
    ASSERT_TRUE(detail) << detail.error().message;
    EXPECT_EQ(detail->device, enrolled->device);
    ASSERT_TRUE(detail->review);
    EXPECT_EQ(detail->review->state, "approved");
    EXPECT_EQ(detail->review->comment, "called back to check");
    ASSERT_EQ(detail->reviews.size(), 1u);
    EXPECT_TRUE(detail->conflicts.empty());
    auto field = std::find_if(detail->fields.begin(), detail->fields.end(),
                              [](const auto& f) { return f.path == "first_name"; });
    ASSERT_NE(field, detail->fields.end());
    EXPECT_EQ(field->value_json, std::optional<std::string>("\"Ramesh Kumar\""));
    auto age = std::find_if(detail->fields.begin(), detail->fields.end(),
                            [](const auto& f) { return f.path == "age"; });
    EXPECT_LT(field, age) << "in form order: first_name is asked before age";
    std::vector<bool> by_creator;
    for (const auto& changeset : detail->history)
        for (const auto& change : changeset.changes)
            if (change.path == "first_name") by_creator.push_back(changeset.by_creator);
    EXPECT_EQ(by_creator, (std::vector<bool>{true, false})) << "answered, then corrected";
    for (const auto& changeset : detail->history)
        for (const auto& change : changeset.changes)
            EXPECT_NE(change.path, "_review") << "reviews are apart from the answers";
    EXPECT_FALSE(view->record_detail("ffffffff"));

    // The records as a table the coordinator filters, searches and pages (the desk's), and
    // the form's words in its languages.
    auto records_table = canvass::RecordTable::load(*view, kForm);
    ASSERT_TRUE(records_table) << records_table.error().message;
    EXPECT_EQ(records_table->rows().size(), 3u) << "the draft is not in the table";
    ASSERT_TRUE(records_table->find(*first));
    EXPECT_EQ(records_table->find(*first)->review, "approved");
    EXPECT_EQ(records_table->find(*first)->device, enrolled->device);
    EXPECT_EQ(records_table->count_by_device().at(enrolled->device), 3u);
    ASSERT_TRUE(records_table->find(*first)->point) << "the record's place, for a map";
    canvass::TableQuery search;
    search.search = "sunita";
    auto found = records_table->query(search);
    ASSERT_EQ(found.matched, 1u);
    EXPECT_EQ(records_table->rows()[found.rows.at(0)].id, *second);
    canvass::TableQuery by_city;
    by_city.field = "city";
    by_city.value = records_table->rows()[0].cells.at([&] {
        std::size_t c = 0;
        while (records_table->columns().at(c).name != "city") ++c;
        return c;
    }());
    EXPECT_GE(records_table->query(by_city).matched, 1u);
    const auto& form = records_table->form();
    EXPECT_EQ(form.label("first_name", "fr"), "Prénom ou surnom");
    EXPECT_FALSE(form.find("sales_section")->main_table) << "a group is no column";
    EXPECT_FALSE(canvass::RecordTable::load(*view, "nosuch"));
    auto viewed = desk->form_view(kForm);
    ASSERT_TRUE(viewed) << viewed.error().message;
    EXPECT_EQ(viewed->form_id(), kForm);
    EXPECT_EQ(desk->form_ids().value(), std::vector<std::string>{kForm});
    auto not_a_form = canvass::FormView::parse(R"({"settings": {}})");
    ASSERT_FALSE(not_a_form);
    EXPECT_NE(not_a_form.error().message.find("the form is not valid"), std::string::npos);

    auto key_info = canvass::inspect_coordinator_key(key);
    ASSERT_TRUE(key_info) << key_info.error().message;
    EXPECT_NE(project.cli({"keys", "show", key}).out.find(key_info->public_key), std::string::npos);

    // The dataset as files, from the app itself: what `canvass export` writes.
    canvass::ExportRequest request;
    request.form_id = kForm;
    request.dir = project.tmp / "app-export";
    request.formats = {"csv", "dta"};
    std::vector<std::string> stages;
    request.progress = [&](std::string_view stage, std::size_t, std::size_t) {
        if (stages.empty() || stages.back() != stage) stages.emplace_back(stage);
    };
    auto exported = canvass::export_form(*view, request);
    ASSERT_TRUE(exported) << exported.error().message;
    EXPECT_EQ(exported->records, 3u) << "the draft is not exported";
    EXPECT_EQ(exported->form_id, kForm);
    std::vector<std::string> files;
    for (const auto& f : exported->files) files.push_back(fs::path(f.path).filename().string());
    EXPECT_EQ(files,
              (std::vector<std::string>{
                  kForm + ".csv", kForm + "-sales.csv", kForm + "-children.csv", kForm + ".dta",
                  kForm + "-sales.dta", kForm + "-children.dta", "codebook.csv", "conflicts.csv"}))
        << "a table for each repeat, as ODK Central names them";
    const auto table = canvass::testing::slurp(fs::path(request.dir) / (kForm + ".csv"));
    EXPECT_NE(table.find("Sunita Devi"), std::string::npos) << "the coordinator's edit";
    EXPECT_NE(table.find("Ramesh Kumar"), std::string::npos) << "the correction";
    EXPECT_EQ(fs::status(fs::path(request.dir) / (kForm + ".dta")).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write)
        << "decrypted answers are readable by their owner only";
    EXPECT_EQ(stages, (std::vector<std::string>{"decrypt", "survey", "write"}));
    // The export handed over as one file.
    const std::string zip = project.tmp / "app-export.zip";
    ASSERT_TRUE(canvass::zip_folder(request.dir, zip));
    const auto packed = canvass::testing::slurp(zip);
    EXPECT_EQ(packed.substr(0, 2), "PK");
    EXPECT_NE(packed.find("app-export/" + kForm + "-sales.csv"), std::string::npos)
        << "entries named from the folder's parent";
    EXPECT_EQ(fs::status(zip).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    auto no_folder = canvass::zip_folder(project.tmp / "no-such-export", zip);
    ASSERT_FALSE(no_folder);
    EXPECT_NE(no_folder.error().message.find("no such folder"), std::string::npos);
    // Refused before anything is written, naming what is wrong.
    for (auto [change, says] :
         std::vector<std::pair<std::function<void(canvass::ExportRequest&)>, std::string>>{
             {[](auto& r) { r.formats = {"pdf"}; }, "no export format 'pdf'"},
             {[](auto& r) { r.language = "de"; }, "has no language 'de'"},
             {[](auto& r) { r.labels = "de"; }, "choice labels in de"},
             {[](auto& r) { r.form_id = "nosuch"; }, "no form 'nosuch' on this device"}}) {
        canvass::ExportRequest bad = request;
        bad.dir = project.tmp / "refused-export";
        change(bad);
        auto refused = canvass::export_form(*view, bad);
        ASSERT_FALSE(refused) << says;
        EXPECT_NE(refused.error().message.find(says), std::string::npos) << refused.error().message;
        EXPECT_FALSE(fs::exists(bad.dir)) << says;
    }
}

TEST(DeviceApi, AnOrganizerCarriesABundleAndSyncsUntilEverythingIsDelivered) {
    Project project;
    ASSERT_FALSE(project.address.empty());
    auto phone = Device::create(project.tmp / "phone", "phone passphrase");
    ASSERT_TRUE(phone) << phone.error().message;
    ASSERT_TRUE(phone->enroll(project.token("collector")));
    auto joined = phone->project();
    ASSERT_TRUE(joined && *joined);
    EXPECT_EQ((*joined)->project, "demo");
    EXPECT_EQ((*joined)->role, "collector");
    EXPECT_EQ((*joined)->server, project.address);

    auto first = phone->create_record(kForm, answers_line(0), true);
    auto second = phone->create_record(kForm, answers_line(1), true);
    ASSERT_TRUE(first && second);
    EXPECT_EQ(phone->find_record(first->substr(0, 8)).value_or(""), *first)
        << "a record is found by its first characters";
    EXPECT_FALSE(phone->find_record("zzzzzzzz"));
    EXPECT_EQ(phone->pending().value_or(canvass::Pending{}), (canvass::Pending{2, 0}));

    // No network where the phone is: its work travels in a file.
    const std::string file = project.tmp / "day.bundle";
    auto written = phone->export_bundle(file);
    ASSERT_TRUE(written) << written.error().message;
    EXPECT_EQ(written->devices, 1u);
    EXPECT_EQ(written->changesets, 2u);

    auto organizer = Device::create(project.tmp / "organizer", "organizer passphrase");
    ASSERT_TRUE(organizer) << organizer.error().message;
    ASSERT_TRUE(organizer->enroll(project.token("organizer")));
    auto kept = organizer->import_bundle(file);
    ASSERT_TRUE(kept) << kept.error().message;
    EXPECT_EQ(kept->changesets, 2u);
    auto again = organizer->import_bundle(file);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->changesets, 0u) << "a bundle read twice keeps nothing twice";
    { std::ofstream(project.tmp / "torn.bundle") << "CVBUNDL1 and then nothing"; }
    auto torn = organizer->import_bundle(project.tmp / "torn.bundle");
    ASSERT_FALSE(torn);
    EXPECT_NE(torn.error().message.find("torn.bundle"), std::string::npos) << torn.error().message;
    EXPECT_EQ(organizer->pending().value_or(canvass::Pending{}), (canvass::Pending{0, 2}))
        << "an organizer counts what it carries";

    // The server is down when the organizer reaches signal; it comes back while the device waits.
    project.stop();
    canvass::SyncUntilDone options;
    std::vector<std::string> retried;
    std::vector<std::uint64_t> waits;
    int synced = 0;
    options.retrying = [&](const canvass::Error& why, const canvass::Pending& left,
                           std::uint64_t wait_ms) {
        retried.push_back(why.message);
        EXPECT_EQ(left, (canvass::Pending{0, 2}));
        EXPECT_GE(wait_ms, 1000u);
    };
    options.wait = [&](std::uint64_t ms) {
        waits.push_back(ms);
        if (waits.size() == 2) project.start(project.address);
    };
    options.synced = [&](const canvass::SyncOutcome&) { ++synced; };
    auto run = organizer->sync_until_done(options);
    ASSERT_TRUE(run) << run.error().message;
    EXPECT_EQ(run->end, canvass::SyncEnd::delivered) << (run->failure ? run->failure->message : "");
    EXPECT_FALSE(run->failure);
    EXPECT_TRUE(run->left.empty());
    EXPECT_EQ(retried.size(), 2u) << "two attempts failed before the server came back";
    EXPECT_EQ(waits.size(), 2u);
    EXPECT_GT(waits[1], waits[0]) << "the waits grow while nothing gets through";
    EXPECT_EQ(synced, 1);

    // Told to give up soon, it gives up at the first wait that would pass the limit, keeping
    // everything.
    auto third = phone->create_record(kForm, answers_line(2), true);
    ASSERT_TRUE(third);
    project.stop();
    canvass::SyncUntilDone hurried;
    hurried.give_up_after_ms = 1;
    hurried.wait = [](std::uint64_t) { ADD_FAILURE() << "no wait past the limit"; };
    auto gave_up = phone->sync_until_done(hurried);
    ASSERT_TRUE(gave_up) << gave_up.error().message;
    EXPECT_EQ(gave_up->end, canvass::SyncEnd::gave_up);
    ASSERT_TRUE(gave_up->failure);
    EXPECT_TRUE(canvass::sync_worth_retrying(*gave_up->failure)) << gave_up->failure->message;
    EXPECT_EQ(gave_up->interviews, 3u);
    EXPECT_EQ(gave_up->left.interviews, 3u)
        << "the phone's own never reached the server: only the organizer's copy did";

    // A device that never enrolled: a failure no retry can cure ends the run at once.
    auto stray = Device::create(project.tmp / "stray", "stray passphrase");
    ASSERT_TRUE(stray);
    auto unenrolled = stray->sync_until_done();
    ASSERT_TRUE(unenrolled) << unenrolled.error().message;
    EXPECT_EQ(unenrolled->end, canvass::SyncEnd::failed);
    EXPECT_EQ(unenrolled->failure->code, canvass::errc::not_found);
}

TEST(DeviceApi, ReviewStatesAreNamedAsOdkCentralNamesThem) {
    EXPECT_EQ(canvass::review_state_name("approved"), "approved");
    EXPECT_EQ(canvass::review_state_name("has-issues"), "hasIssues");
    EXPECT_EQ(canvass::review_state_name("hasIssues"), "hasIssues");
    EXPECT_EQ(canvass::review_state_name("none"), "none");
    EXPECT_EQ(canvass::review_state_name(""), "none");
    EXPECT_FALSE(canvass::review_state_name("fine"));
}

}  // namespace

// The keys of a conflict object and of its candidates, to compare two listings' shapes.
std::vector<std::string> shape(const json& conflict) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : conflict.items()) keys.push_back(k);
    for (const auto& [k, v] : conflict.at("candidates").at(0).items()) keys.push_back("." + k);
    return keys;
}

TEST(DeviceApi, ConflictsAreListedInOneShapeWithAndWithoutTheKeyAndSettledThroughEither) {
    Project project;
    ASSERT_FALSE(project.address.empty());
    auto phone = Device::create(project.tmp / "phone", "phone passphrase");
    ASSERT_TRUE(phone && phone->enroll(project.token("collector"), project.fingerprint));
    auto desk = Device::create(project.tmp / "desk", "desk passphrase");
    ASSERT_TRUE(desk && desk->enroll(project.token("coordinator"), project.fingerprint));
    auto kept = phone->create_record(kForm, answers_line(0), true);
    auto dropped = phone->create_record(kForm, answers_line(1), true);
    ASSERT_TRUE(kept && dropped);
    ASSERT_TRUE(phone->sync());
    ASSERT_TRUE(desk->sync());
    auto view = canvass::Coordinator::open(*desk, project.tmp / "coordinator.key",
                                           "coordinator passphrase");
    ASSERT_TRUE(view) << view.error().message;

    // Both change age while apart; the phone deletes a record the desk corrects.
    ASSERT_TRUE(phone->edit(*kept, R"({"age": 33})"));
    ASSERT_TRUE(phone->delete_record(*dropped));
    auto fixed = view->resolve(*kept, "age", "34");
    ASSERT_TRUE(fixed) << fixed.error().message;
    EXPECT_FALSE(fixed->settled) << "no conflict was open: a correction";
    EXPECT_EQ(fixed->record, *kept);
    EXPECT_EQ(fixed->value, "34");
    ASSERT_TRUE(view->resolve(*dropped, "first_name", "\"Sunil\""));
    ASSERT_TRUE(phone->sync());
    ASSERT_TRUE(desk->sync());

    // The desk's own view: its value readable, the phone's sealed to the coordinators.
    auto held = json::parse(*desk->conflicts());
    ASSERT_EQ(held.size(), 2u) << held.dump();
    const auto& age = held.at(0).at("record") == *kept ? held.at(0) : held.at(1);
    const auto& gone = held.at(0).at("record") == *kept ? held.at(1) : held.at(0);
    EXPECT_EQ(age.at("path"), "age");
    EXPECT_EQ(age.at("conflict"), "value");
    EXPECT_EQ(age.at("form"), kForm);
    ASSERT_EQ(age.at("candidates").size(), 2u);
    int sealed = 0;
    for (const auto& c : age.at("candidates")) {
        if (c.at("readable").get<bool>()) {
            EXPECT_EQ(c.at("value"), 34);
        } else {
            ++sealed;
            EXPECT_EQ(c.at("text"), "(encrypted)");
        }
    }
    EXPECT_EQ(sealed, 1) << age.dump();
    EXPECT_EQ(gone.at("path"), "");
    EXPECT_EQ(gone.at("conflict"), "delete");
    std::vector<std::string> kinds;
    for (const auto& c : gone.at("candidates")) kinds.push_back(c.at("kind"));
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), "deleted"), kinds.end()) << gone.dump();
    EXPECT_NE(std::find(kinds.begin(), kinds.end(), "edited"), kinds.end()) << gone.dump();
    EXPECT_EQ(json::parse(*desk->record(*kept)).at("conflicts"), json::array({age}))
        << "a record's conflicts are the listing's";
    canvass::ConflictQuery one;
    one.record = kept->substr(0, 8);
    EXPECT_EQ(json::parse(*desk->conflicts(one)), json::array({age}));
    canvass::ConflictQuery other_form;
    other_form.form_id = "no_such_form";
    EXPECT_EQ(json::parse(*desk->conflicts(other_form)), json::array());
    canvass::ConflictQuery settled;
    settled.resolved_too = true;
    EXPECT_FALSE(desk->conflicts(settled)) << "settled conflicts need the key";
    auto draft = desk->create_record(kForm, answers_line(2), false);
    ASSERT_TRUE(draft);
    canvass::ConflictQuery of_draft;
    of_draft.record = *draft;
    auto refused = desk->conflicts(of_draft);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("is a draft"), std::string::npos);

    // The coordinator's view lists the same conflicts in the same shape, every value read.
    auto read = json::parse(*view->conflicts());
    EXPECT_EQ(read.at("unreadable").at("warnings"), json::array());
    ASSERT_EQ(read.at("conflicts").size(), 2u);
    for (const auto& c : read.at("conflicts")) {
        if (c.at("path") != "age") continue;
        EXPECT_EQ(shape(c), shape(age));
        for (const auto& cand : c.at("candidates")) EXPECT_EQ(cand.at("readable"), true);
    }

    // Settled through the view: it says what it replaced, and the listing moves it to the
    // settled ones.
    auto done = view->resolve(*kept, "age", "35");
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_TRUE(done->settled);
    EXPECT_EQ(done->superseded, 2u);
    EXPECT_EQ(json::parse(*desk->conflicts(one)), json::array());
    canvass::ConflictQuery all_of_kept = one;
    all_of_kept.resolved_too = true;
    auto history = json::parse(*view->conflicts(all_of_kept)).at("conflicts");
    ASSERT_EQ(history.size(), 1u) << history.dump();
    EXPECT_EQ(history.at(0).at("resolved"), true);
    EXPECT_EQ(history.at(0).at("resolution").at("value"), 35);
    // A coordinator's edit from the fields to change, over the decrypted answers.
    auto edited = view->edit(*kept, R"({"first_name": "Ramesh K."})");
    ASSERT_TRUE(edited) << edited.error().message;
    EXPECT_TRUE(*edited);
    EXPECT_FALSE(*view->edit(*kept, R"({"first_name": "Ramesh K."})")) << "nothing changed";
    EXPECT_FALSE(desk->edit(*kept, R"({"first_name": "R."})"))
        << "without the key the record's answers are sealed: the edit is refused, not guessed";
    EXPECT_EQ(json::parse(*view->record(*kept)).at("answers").at("first_name"), "Ramesh K.");
    auto refused_delete = desk->resolve(*dropped, "", "null");
    EXPECT_FALSE(refused_delete) << "a path is required";
}

TEST(DeviceApi, AnImportSavesAllOrNothingNeverTwiceAndAttachesTheFilesItNames) {
    canvass::testing::TempDir tmp;
    const std::string files = tmp.path().string();
    auto device = Device::create(tmp / "home", "passphrase");
    ASSERT_TRUE(device) << device.error().message;
    auto added = device->add_form(R"({
      "settings": {"form_id": "stalls", "version": "1", "title": {"en": "Stalls"},
                   "default_language": "en"},
      "survey": [
        {"type": "text", "name": "market", "label": {"en": "Market?"}, "required": true},
        {"type": "image", "name": "stall", "label": {"en": "Photo of the stall?"}}
      ]})");
    ASSERT_TRUE(added) << added.error().message;
    EXPECT_EQ(json::parse(*added).at("form_id"), "stalls");
    EXPECT_EQ(json::parse(*added).at("questions"), 2);
    EXPECT_FALSE(device->add_form(R"({"settings": {}})")) << "a form with problems";
    std::ofstream(tmp / "stall.png", std::ios::binary)
        << std::string("\x89PNG\r\n\x1a\n", 8) << std::string(5000, 'x');
    std::ofstream(tmp / "notes.txt") << "not a photo";

    // A bad line refuses the import; nothing of it is kept.
    {
        auto import = device->begin_import("stalls", true, {}, files);
        ASSERT_TRUE(import) << import.error().message;
        auto good = import->add(R"({"market": "Gikomba", "stall": "stall.png"})");
        ASSERT_TRUE(good);
        EXPECT_EQ(good->outcome, canvass::Import::Outcome::saved);
        auto array = import->add("[1, 2]");
        ASSERT_TRUE(array);
        EXPECT_EQ(array->outcome, canvass::Import::Outcome::refused);
        EXPECT_NE(array->problems.at(0).message.find("a JSON object"), std::string::npos);
        auto wrong_file = import->add(R"({"market": "Toi", "stall": "notes.txt"})");
        ASSERT_TRUE(wrong_file);
        EXPECT_EQ(wrong_file->outcome, canvass::Import::Outcome::refused);
        EXPECT_EQ(wrong_file->problems.at(0).path, "stall");
        auto missing = import->add(R"({"stall": "stall.png"})");
        ASSERT_TRUE(missing);
        EXPECT_EQ(missing->outcome, canvass::Import::Outcome::refused) << "market is required";
        EXPECT_EQ(import->refused(), 3u);
    }  // dropped, not committed
    EXPECT_EQ(json::parse(*device->records("stalls")).size(), 0u);

    // Committed: saved once, with the photo attached; the same lines again are skipped.
    for (int run = 0; run < 2; ++run) {
        auto import = device->begin_import("stalls", true, {}, files);
        ASSERT_TRUE(import);
        auto first = import->add(R"({"market": "Gikomba", "stall": "stall.png"})");
        auto again = import->add(R"({"market": "Gikomba", "stall": "stall.png"})");
        ASSERT_TRUE(first && again);
        EXPECT_EQ(first->outcome,
                  run == 0 ? canvass::Import::Outcome::saved : canvass::Import::Outcome::skipped);
        EXPECT_EQ(again->outcome, canvass::Import::Outcome::skipped);
        EXPECT_EQ(again->record, first->record);
        EXPECT_EQ(again->same_as, 1u) << "it repeats the import's first record";
        ASSERT_TRUE(import->commit());
        EXPECT_EQ(import->saved(), run == 0 ? 1u : 0u);
    }
    auto records = json::parse(*device->records("stalls"));
    ASSERT_EQ(records.size(), 1u);
    const std::string id = records[0].at("id");
    auto stall = json::parse(*device->record(id)).at("answers").at("stall");
    EXPECT_EQ(stall.at("name"), "stall.png");
    EXPECT_EQ(stall.at("size"), 5008);

    // Fields to change that name a file: attached the same way, or refused by question.
    auto changes = device->attach_files("stalls", R"({"stall": "notes.txt"})", files);
    ASSERT_TRUE(changes);
    ASSERT_EQ(changes->problems.size(), 1u);
    EXPECT_EQ(changes->problems[0].path, "stall");
    changes = device->attach_files("stalls", R"({"market": "Toi", "stall": "stall.png"})", files);
    ASSERT_TRUE(changes && changes->problems.empty());
    EXPECT_EQ(json::parse(changes->answers).at("stall").at("name"), "stall.png");
    ASSERT_TRUE(device->edit(id, changes->answers));
    EXPECT_EQ(json::parse(*device->record(id)).at("answers").at("market"), "Toi");
    EXPECT_FALSE(device->attach_files("no_such_form", "{}", files));
    EXPECT_FALSE(device->begin_import("no_such_form", true));
}

TEST(DeviceApi, ACoordinatorSignsWhoMayReadAndNobodyElseCanChangeIt) {
    canvass::testing::TempDir tmp;
    const std::string mine = tmp / "mine.key", colleague = tmp / "colleague.key";
    auto me = canvass::create_coordinator_key(mine, "my passphrase");
    auto them = canvass::create_coordinator_key(colleague, "their passphrase");
    ASSERT_TRUE(me && them);
    EXPECT_FALSE(canvass::create_coordinator_key(mine, "again")) << "never overwritten";
    auto unlocked = canvass::unlock_coordinator_key(mine, "my passphrase");
    ASSERT_TRUE(unlocked);
    EXPECT_EQ(unlocked->signing_key, me->signing_key);
    auto wrong = canvass::unlock_coordinator_key(mine, "not it");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().code, canvass::errc::wrong_key);

    canvass::RecipientChange first;
    first.project = "vendors";
    auto genesis = canvass::sign_recipients(mine, "my passphrase", first);
    ASSERT_TRUE(genesis) << genesis.error().message;
    EXPECT_EQ(genesis->serial, 1u);
    EXPECT_EQ(genesis->recipients, 1u);
    EXPECT_EQ(genesis->signers, 1u);
    EXPECT_EQ(genesis->fingerprint.size(), 64u);
    EXPECT_EQ(genesis->text.rfind("canvass-recipients1-", 0), 0u);
    auto removing = first;
    removing.remove_recipients = {me->public_key};
    EXPECT_FALSE(canvass::sign_recipients(mine, "my passphrase", removing))
        << "a first statement removes nothing";

    // Adding the colleague: only a signer of the current statement may.
    canvass::RecipientChange add;
    add.from = genesis->text;
    add.add_recipients = {them->public_key};
    auto forged = canvass::sign_recipients(colleague, "their passphrase", add);
    ASSERT_FALSE(forged);
    EXPECT_EQ(forged.error().code, canvass::errc::permission_denied) << forged.error().message;
    auto next = canvass::sign_recipients(mine, "my passphrase", add);
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_EQ(next->serial, 2u);
    EXPECT_EQ(next->recipients, 2u);
    EXPECT_EQ(next->project, "vendors");

    auto twice = add;
    twice.from = next->text;
    auto again = canvass::sign_recipients(mine, "my passphrase", twice);
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message.find("already listed"), std::string::npos);
    auto last_signer = add;
    last_signer.add_recipients.clear();
    last_signer.remove_signers = {*me->signing_key};
    auto alone = canvass::sign_recipients(mine, "my passphrase", last_signer);
    ASSERT_FALSE(alone);
    EXPECT_NE(alone.error().message.find("at least one signer"), std::string::npos);
    auto typo = add;
    typo.add_recipients = {"not hex"};
    auto bad = canvass::sign_recipients(mine, "my passphrase", typo);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("is not 64 hex digits"), std::string::npos);
    auto elsewhere = add;
    elsewhere.project = "waste";
    EXPECT_FALSE(canvass::sign_recipients(mine, "my passphrase", elsewhere))
        << "a statement of another project";
}

TEST(DeviceApi, FormFilesAndAnswersAreCheckedBeforeAnythingIsInstalled) {
    canvass::testing::TempDir tmp;
    auto bad = canvass::check_form(R"({"settings": {"form_id": "x"}, "survey": []})");
    EXPECT_FALSE(bad.valid());
    ASSERT_FALSE(bad.problems.empty());
    EXPECT_FALSE(bad.problems[0].text.empty());

    // The same form as a spreadsheet and as its twin.
    auto sheet = canvass::check_form_file(source("schemas/forms/street_vendors.xlsx"));
    ASSERT_TRUE(sheet.valid()) << (sheet.problems.empty() ? "" : sheet.problems[0].text);
    EXPECT_TRUE(sheet.spreadsheet);
    auto twin = canvass::check_form_file(source("schemas/forms/street_vendors.json"));
    ASSERT_TRUE(twin.valid());
    EXPECT_FALSE(twin.spreadsheet);
    EXPECT_EQ(sheet.form->form_id, twin.form->form_id);
    EXPECT_EQ(sheet.form->questions, twin.form->questions);
    EXPECT_FALSE(canvass::import_xlsform(source("schemas/forms/street_vendors.json")).valid())
        << "import takes spreadsheets only";
    std::ofstream(tmp / "notes.txt") << "hello";
    auto neither = canvass::check_form_file(tmp / "notes.txt");
    ASSERT_FALSE(neither.valid());
    EXPECT_NE(neither.problems[0].text.find("is not a form"), std::string::npos);

    // Written back as a spreadsheet, it reads as the same form.
    const std::string out = tmp / "again.xlsx";
    ASSERT_TRUE(canvass::write_xlsform(twin.json_text, out));
    auto again = canvass::check_form_file(out);
    ASSERT_TRUE(again.valid());
    EXPECT_EQ(again.form->questions, twin.form->questions);
    EXPECT_FALSE(canvass::write_xlsform(bad.json_text, tmp / "bad.xlsx"));

    // Answers: the line of a street vendors' answers file is valid; broken, it is refused.
    std::ifstream lines(source("schemas/forms/street_vendors.answers.jsonl"));
    std::string line;
    std::getline(lines, line);
    canvass::AnswersCheck beside;  // the photo it names is in the same folder
    beside.files_dir = source("schemas/forms");
    auto fine = canvass::check_answers(twin.json_text, line, beside);
    ASSERT_TRUE(fine) << fine.error().message;
    EXPECT_TRUE(fine->empty()) << fine->at(0).path << ": " << fine->at(0).message;
    auto record = json::parse(line);
    record["no_such_question"] = 1;
    auto wrong = canvass::check_answers(twin.json_text, record.dump(), beside);
    ASSERT_TRUE(wrong);
    ASSERT_EQ(wrong->size(), 1u);
    EXPECT_EQ(wrong->at(0).path, "no_such_question");
    EXPECT_FALSE(canvass::check_answers(twin.json_text, "{not json"));
    canvass::AnswersCheck in_klingon;
    in_klingon.language = "tlh";
    EXPECT_FALSE(canvass::check_answers(twin.json_text, line, in_klingon));
    EXPECT_FALSE(canvass::check_answers(bad.json_text, line)) << "the form itself is not valid";
    canvass::AnswersCheck finished;
    finished.final = true;
    auto empty = canvass::check_answers(twin.json_text, "{}", finished);
    ASSERT_TRUE(empty);
    EXPECT_FALSE(empty->empty()) << "a finished interview needs its required answers";
}
