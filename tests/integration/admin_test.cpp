// Administration as administrators expect it, against the real canvass-server: reports that
// never stop a push and write nothing, damaged databases named with what to do, and the
// lists (projects, forms, devices with labels, last-seen times and records) with --json.
#include <grp.h>
#include <sys/stat.h>

#include <filesystem>
#include <thread>

#include "field_device.hpp"

namespace canvass::server_test {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kForm = std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json";

// Runs another program (the device's `canvass`) to completion, its output captured.
Output run_program(const testing::TempDir& tmp, const std::string& program,
                   const std::vector<std::string>& args) {
    static int n = 0;
    std::vector<std::string> argv{program};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, tmp / ("prog" + std::to_string(++n)));
}

// Runs canvass-server as the unprivileged user `uid` (when the tests run as root, where
// permissions stop nothing), its output captured in files `uid` may write.
Output server_command_as(const testing::TempDir& tmp, uid_t uid, gid_t gid, const std::string& data,
                         const std::vector<std::string>& args) {
    static int n = 0;
    std::string dir = tmp / ("as-" + std::to_string(++n));
    fs::create_directory(dir);
    EXPECT_EQ(::chown(dir.c_str(), uid, gid), 0);
    std::string out = dir + "/out", err = dir + "/err";
    std::vector<std::string> argv_s{CANVASS_SERVER_BIN, "--data", data};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid == 0) {  // only async-signal-safe calls until exec
        if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) ::_exit(126);
        int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0) ::_exit(126);
        ::dup2(o, 1);
        ::dup2(e, 2);
        ::execve(argv[0], argv.data(), environ);
        ::_exit(127);
    }
    Output r;
    r.exit_code = pid < 0 ? -1 : wait_exit(pid);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

// Overwrites `length` bytes of `path` at `offset` with garbage.
void overwrite(const std::string& path, std::uintmax_t offset, std::size_t length) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    ASSERT_TRUE(f) << path;
    f.seekp(static_cast<std::streamoff>(offset));
    std::string garbage(length, '\xA5');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    ASSERT_TRUE(f);
}

// What a file is now: its size, modification time and bytes, to prove nothing wrote to it.
struct FileState {
    bool exists = false;
    std::uintmax_t size = 0;
    std::int64_t mtime_ns = 0;
    crypto::Hash content{};
    friend bool operator==(const FileState&, const FileState&) = default;
};
FileState state_of(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    auto text = slurp(path);
    return FileState{
        true, static_cast<std::uintmax_t>(st.st_size),
        static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec,
        crypto::blake2b_256(
            std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()))};
}

struct AdminTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    std::optional<RunningServer> server;

    void SetUp() override {
        ASSERT_EQ(server_command(tmp, data, {"init"}).exit_code, 0);
        create_project("demo");
        auto form = server_command(tmp, data, {"form", "publish", "--project", "demo", kForm});
        ASSERT_EQ(form.exit_code, 0) << form.err;
    }

    void create_project(const std::string& name) {
        auto p = server_command(tmp, data,
                                {"project", "create", name, "--recipients",
                                 recipients_file(tmp, name, crypto::generate_dh_key())});
        ASSERT_EQ(p.exit_code, 0) << p.err;
    }

    void start() {
        server.emplace(
            tmp, data,
            std::vector<std::string>{"--handshake-timeout", "3000", "--batch-changesets", "200"});
        server->start();
    }

    std::string token(const std::string& label = "", const std::string& project = "demo") {
        std::vector<std::string> args{"token",     "create",          "--project",
                                      project,     "--role",          "collector",
                                      "--address", server->address(), "--json"};
        if (!label.empty()) args.insert(args.end(), {"--label", label});
        auto t = server_command(tmp, data, args);
        EXPECT_EQ(t.exit_code, 0) << t.err;
        return json::parse(t.out).at("token").get<std::string>();
    }

    json command_json(const std::vector<std::string>& args) {
        auto o = server_command(tmp, data, args);
        EXPECT_EQ(o.exit_code, 0) << o.err;
        auto j = json::parse(o.out, nullptr, false);
        EXPECT_FALSE(j.is_discarded()) << o.out;
        return j;
    }

    json device_row(const Device& d) {
        for (const auto& row : command_json({"devices", "--json"}))
            if (row.at("device") == crypto::to_hex(d.keys.id)) return row;
        ADD_FAILURE() << "device not listed";
        return json::object();
    }
};

// Regression: `stats` merged every record's state in one transaction, holding the write lock
// for seconds on a big project, and devices pushing meanwhile were refused ("could not store
// the batch").
TEST_F(AdminTest, StatsOnABigProjectNeverStopsAPush) {
    start();
    Device bulk, pusher;
    ASSERT_TRUE(bulk.enroll(token("bulk")));
    ASSERT_TRUE(pusher.enroll(token("pusher")));
    constexpr int kRecords = 40000;  // the old stats held the lock for seconds on this many
    bulk.author(kRecords, "demo");
    auto pushed = bulk.sync();
    ASSERT_TRUE(pushed) << pushed.error().describe();
    ASSERT_EQ(pushed->stats.acknowledged, static_cast<std::uint64_t>(kRecords));

    constexpr int kPushes = 12;
    std::atomic<int> done{0};
    std::vector<std::string> failures;
    std::thread pushes([&] {
        for (int i = 0; i < kPushes; ++i, ++done) {
            pusher.author(5, "demo");
            auto r = pusher.sync();
            if (!r) failures.push_back(r.error().describe());
        }
    });
    int stats_runs = 0;
    while (done.load() < kPushes || stats_runs == 0) {
        auto s = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        ++stats_runs;
    }
    pushes.join();
    EXPECT_TRUE(failures.empty()) << failures.size()
                                  << " pushes failed while stats ran, first: " << failures.front();
    auto s = command_json({"stats", "--project", "demo", "--json"});
    EXPECT_EQ(s.at("records"), kRecords + 5 * kPushes);
    EXPECT_EQ(s.at("changesets"), kRecords + 5 * kPushes);
}

TEST_F(AdminTest, TheDigestIsTheSameBeforeAndAfterTheRecordStatesAreStored) {
    start();
    Device collector, coordinator;
    ASSERT_TRUE(collector.enroll(token()));
    auto t = server_command(tmp, data,
                            {"token", "create", "--project", "demo", "--role", "coordinator",
                             "--address", server->address(), "--json"});
    ASSERT_EQ(t.exit_code, 0) << t.err;
    ASSERT_TRUE(coordinator.enroll(json::parse(t.out).at("token")));
    collector.author(300, "demo");
    ASSERT_TRUE(collector.sync());
    ASSERT_TRUE(coordinator.sync());
    auto expected = crypto::to_hex(coordinator.replica.state_digest());
    // Right after the push most states are not stored yet: the digest merges them in memory.
    EXPECT_EQ(command_json({"stats", "--project", "demo", "--json"}).at("state_digest"), expected);
    // Once the server has stored them all (it does so between pushes), the same digest.
    auto until = std::chrono::steady_clock::now() + 60s;
    for (;;) {
        sqlite3* db = nullptr;
        ASSERT_EQ(
            sqlite3_open_v2((data + "/server.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(db, "SELECT count(*) FROM dirty_records", -1, &st, nullptr);
        int dirty = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
        sqlite3_finalize(st);
        sqlite3_close(db);
        if (dirty == 0) break;
        ASSERT_LT(std::chrono::steady_clock::now(), until)
            << dirty << " record states never stored";
        std::this_thread::sleep_for(100ms);
    }
    auto s = command_json({"stats", "--project", "demo", "--json"});
    EXPECT_EQ(s.at("state_digest"), expected);
    EXPECT_EQ(s.at("records"), 300);
}

// Runs as root in CI, where chmod stops nothing: the proof is that no file of the data
// directory changed, while SQLite's read-only mode is what makes it so.
TEST_F(AdminTest, StatsAndTheListsWorkOnAReadOnlyDataDirectoryAndWriteNothing) {
    start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token("Amina")));
    collector.author(40, "demo");
    ASSERT_TRUE(collector.sync());
    ASSERT_EQ(server->stop(), 0);

    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(data)) files.push_back(e.path().string());
    for (const char* extra : {"/server.db-wal", "/server.db-shm"}) files.push_back(data + extra);
    std::map<std::string, FileState> before;
    for (const auto& f : files) before[f] = state_of(f);
    fs::permissions(data + "/server.db", fs::perms::owner_read);
    fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec);

    auto s = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
    auto devices = server_command(tmp, data, {"devices", "--json"});
    auto projects = server_command(tmp, data, {"project", "list", "--json"});
    auto forms = server_command(tmp, data, {"form", "list", "--json"});
    auto tokens = server_command(tmp, data, {"token", "list", "--json"});

    fs::permissions(data, fs::perms::owner_all);
    fs::permissions(data + "/server.db", fs::perms::owner_read | fs::perms::owner_write);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(json::parse(s.out).at("records"), 40);
    EXPECT_EQ(devices.exit_code, 0) << devices.err;
    EXPECT_EQ(projects.exit_code, 0) << projects.err;
    EXPECT_EQ(forms.exit_code, 0) << forms.err;
    EXPECT_EQ(tokens.exit_code, 0) << tokens.err;
    const auto& db = before.at(data + "/server.db");
    EXPECT_TRUE(state_of(data + "/server.db") == db) << "server.db was written to by a report";
    for (const auto& [f, was] : before)
        if (was.exists) {
            EXPECT_TRUE(state_of(f) == was) << f << " changed";
        }
}

// The directory and its files belong to an unprivileged user who may only read them, and no
// -wal or -shm file is left after a clean stop: SQLite can create neither, so the report
// must read the database as it is.
TEST_F(AdminTest, StatsWorksForAUserWhoCanOnlyReadTheDataDirectory) {
    start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token()));
    collector.author(25, "demo");
    ASSERT_TRUE(collector.sync());
    ASSERT_EQ(server->stop(), 0);
    ASSERT_FALSE(fs::exists(data + "/server.db-wal")) << "a clean stop leaves no WAL";
    uid_t uid = ::getuid();
    gid_t gid = ::getgid();
    if (uid == 0) {
        uid = 65534;  // nobody
        gid = 65534;
        for (const auto& e : fs::directory_iterator(data))
            ASSERT_EQ(::chown(e.path().c_str(), uid, gid), 0);
        ASSERT_EQ(::chown(data.c_str(), uid, gid), 0);
    }
    fs::permissions(data + "/server.db", fs::perms::owner_read);
    fs::permissions(data, fs::perms::owner_read | fs::perms::owner_exec);
    auto before = state_of(data + "/server.db");
    auto s = ::getuid() == 0
                 ? server_command_as(tmp, uid, gid, data, {"stats", "--project", "demo", "--json"})
                 : server_command(tmp, data, {"stats", "--project", "demo", "--json"});
    fs::permissions(data, fs::perms::owner_all);
    ASSERT_EQ(s.exit_code, 0) << s.err;
    EXPECT_EQ(json::parse(s.out).at("records"), 25);
    EXPECT_TRUE(state_of(data + "/server.db") == before);
    EXPECT_FALSE(fs::exists(data + "/server.db-wal"));
}

TEST_F(AdminTest, AServerDatabaseWithDamagedPagesIsReportedAtStartWithWhatToDo) {
    start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token()));
    collector.author(400, "demo");
    ASSERT_TRUE(collector.sync());
    ASSERT_EQ(server->stop(), 0);
    auto db = data + "/server.db";
    auto size = fs::file_size(db);
    ASSERT_GT(size, 64u * 4096);
    overwrite(db, size / 2 / 4096 * 4096, 8192);  // two whole pages in the middle

    pid_t pid = spawn_server(data, {"run", "--listen", "127.0.0.1:0"}, tmp / "damaged.out",
                             tmp / "damaged.err");
    ASSERT_GT(pid, 0);
    EXPECT_EQ(wait_exit(pid, 60s), 1) << "a damaged database was served";
    auto err = slurp(tmp / "damaged.err");
    EXPECT_NE(err.find(db), std::string::npos) << err;
    EXPECT_NE(err.find("restore"), std::string::npos) << err;
    EXPECT_NE(err.find("integrity_check"), std::string::npos) << err;
    EXPECT_EQ(slurp(tmp / "damaged.out").find("listening"), std::string::npos);
}

TEST_F(AdminTest, EveryCommandMeetingADamagedServerDatabaseNamesItAndSaysWhatToDo) {
    auto db = data + "/server.db";
    overwrite(db, 0, 16);  // the header: not a database any more
    for (std::vector<std::string> args : {std::vector<std::string>{"stats"},
                                          {"devices"},
                                          {"project", "list"},
                                          {"token", "create", "--project", "demo", "--role",
                                           "collector", "--address", "127.0.0.1:7433"}}) {
        auto o = server_command(tmp, data, args);
        EXPECT_EQ(o.exit_code, 1) << args.front();
        EXPECT_NE(o.err.find(db + " is damaged"), std::string::npos)
            << args.front() << ": " << o.err;
        EXPECT_NE(o.err.find("restore it from a backup"), std::string::npos) << o.err;
    }
}

TEST_F(AdminTest, ADeviceStoreCutInHalfIsNamedWithWhatToDo) {
    std::string home = tmp / "device";
    {
        auto device = FieldDevice::create(home);
        for (int i = 0; i < 60; ++i) device.interview("person " + std::to_string(i));
    }  // closed: the WAL is checkpointed into device.db
    auto file = home + "/device.db";
    ASSERT_TRUE(fs::exists(file));
    fs::resize_file(file, fs::file_size(file) / 2);
    std::string passphrase = tmp / "passphrase";
    std::ofstream(passphrase) << "field passphrase\n";
    auto o =
        run_program(tmp, CANVASS_BIN, {"records", "--home", home, "--passphrase-file", passphrase});
    EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
    EXPECT_NE(o.err.find(file), std::string::npos) << o.err;
    EXPECT_NE(o.err.find("restore it from a backup"), std::string::npos) << o.err;
}

TEST_F(AdminTest, ProjectListCountsDevicesRecordsAndForms) {
    create_project("second");
    start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token()));
    collector.author(7, "demo");
    ASSERT_TRUE(collector.sync());
    auto list = command_json({"project", "list", "--json"});
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("project"), "demo");
    EXPECT_EQ(list[0].at("devices"), 1);
    EXPECT_EQ(list[0].at("records"), 7);
    EXPECT_EQ(list[0].at("forms"), 1);
    EXPECT_EQ(list[0].at("form_versions"), 1);
    EXPECT_EQ(list[1].at("project"), "second");
    EXPECT_EQ(list[1].at("devices"), 0);
    EXPECT_EQ(list[1].at("records"), 0);
    auto text = server_command(tmp, data, {"project", "list"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("demo"), std::string::npos);
    EXPECT_NE(text.out.find("7 record(s)"), std::string::npos) << text.out;
}

TEST_F(AdminTest, FormListShowsVersionsDatesAndRecordsPerVersion) {
    auto body = json::parse(slurp(kForm));
    body["settings"]["version"] = "2026.12.1";
    std::string newer = tmp / "newer.json";
    std::ofstream(newer) << body.dump();
    auto publish = server_command(tmp, data, {"form", "publish", "--project", "demo", newer});
    ASSERT_EQ(publish.exit_code, 0) << publish.err;
    start();
    Device collector;
    ASSERT_TRUE(collector.enroll(token()));
    collector.author(3, "demo");  // answered under 2026.11.1
    ASSERT_TRUE(collector.sync());
    auto list = command_json({"form", "list", "--project", "demo", "--json"});
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].at("form"), "street_vendors");
    EXPECT_EQ(list[0].at("version"), "2026.11.1");
    EXPECT_EQ(list[0].at("records"), 3);
    EXPECT_GT(list[0].at("published").get<std::uint64_t>(), 1'700'000'000u);
    EXPECT_EQ(list[1].at("version"), "2026.12.1");
    EXPECT_EQ(list[1].at("records"), 0);
    auto text = server_command(tmp, data, {"form", "list"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find("2026.12.1  published "), std::string::npos) << text.out;
    auto missing = server_command(tmp, data, {"form", "list", "--project", "nope"});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("no project named"), std::string::npos) << missing.err;
}

TEST_F(AdminTest, DevicesCarryTheirTokensLabelLastSeenTimeAndRecords) {
    start();
    Device amina, bo;
    ASSERT_TRUE(amina.enroll(token("Amina (market team)")));
    ASSERT_TRUE(bo.enroll(token()));
    amina.author(4, "demo");
    ASSERT_TRUE(amina.sync());
    auto row = device_row(amina);
    EXPECT_EQ(row.at("label"), "Amina (market team)");
    EXPECT_EQ(row.at("records"), 4);
    EXPECT_EQ(device_row(bo).at("records"), 0);
    EXPECT_EQ(device_row(bo).at("label"), "");
    auto seen = row.at("last_seen").get<std::uint64_t>();
    EXPECT_GE(seen, row.at("enrolled").get<std::uint64_t>());
    std::this_thread::sleep_for(1100ms);
    ASSERT_TRUE(amina.sync());
    EXPECT_GT(device_row(amina).at("last_seen").get<std::uint64_t>(), seen)
        << "a sync did not update last seen";

    auto text = server_command(tmp, data, {"devices"});
    ASSERT_EQ(text.exit_code, 0) << text.err;
    EXPECT_NE(text.out.find(crypto::to_hex(amina.keys.id) + "  \"Amina (market team)\""),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("4 records"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("last seen 20"), std::string::npos) << text.out;
    // The enrollment's log line names the device by its label too.
    EXPECT_NE(server->log().find("device=" + crypto::to_hex(amina.keys.id) +
                                 " label=\"Amina (market team)\""),
              std::string::npos)
        << server->log();
    auto tokens = command_json({"token", "list", "--json"});
    bool listed = false;
    for (const auto& t : tokens)
        listed = listed || (t.contains("label") && t.at("label") == "Amina (market team)");
    EXPECT_TRUE(listed) << tokens.dump();
}

TEST_F(AdminTest, ALabelThatCouldForgeALogLineIsRefused) {
    start();
    for (std::string bad : {std::string("a\nrole=coordinator outcome=ok"),
                            std::string("say \"hi\""), std::string(65, 'x')}) {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", "collector",
                                 "--address", server->address(), "--label", bad});
        EXPECT_EQ(t.exit_code, 1) << bad;
        EXPECT_NE(t.err.find("a device label is"), std::string::npos) << t.err;
    }
    EXPECT_EQ(command_json({"token", "list", "--json"}).size(), 0u);
}

TEST_F(AdminTest, RevokeTakesAUniqueIdPrefixOfAtLeastFourHexDigits) {
    start();
    Device device;
    ASSERT_TRUE(device.enroll(token("field phone 3")));
    auto id = crypto::to_hex(device.keys.id);
    auto short_prefix = server_command(tmp, data, {"revoke", id.substr(0, 3)});
    EXPECT_EQ(short_prefix.exit_code, 1);
    EXPECT_NE(short_prefix.err.find("4 to 32 hex digits"), std::string::npos) << short_prefix.err;
    auto unknown = server_command(tmp, data, {"revoke", id[0] == '0' ? "1111" : "0000"});
    EXPECT_EQ(unknown.exit_code, 1);
    EXPECT_NE(unknown.err.find("no enrolled device"), std::string::npos) << unknown.err;
    auto upper = id.substr(0, 6);
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto revoked = server_command(tmp, data, {"revoke", upper});
    ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
    EXPECT_NE(revoked.out.find("revoked " + id + " (field phone 3)"), std::string::npos)
        << revoked.out;
    EXPECT_EQ(device_row(device).at("revoked"), true);
    device.author(1, "demo");
    EXPECT_FALSE(device.sync());
}

TEST_F(AdminTest, AnAmbiguousDevicePrefixIsRefused) {
    // Two devices whose ids share their first 4 hex digits: found by generating keys.
    start();
    Device* first = nullptr;
    Device* second = nullptr;
    std::vector<std::unique_ptr<Device>> pool;
    std::map<std::string, Device*> seen;
    while (!second) {
        pool.push_back(std::make_unique<Device>());
        auto prefix = crypto::to_hex(pool.back()->keys.id).substr(0, 4);
        if (auto it = seen.find(prefix); it != seen.end()) {
            first = it->second;
            second = pool.back().get();
        } else {
            seen.emplace(prefix, pool.back().get());
        }
    }
    ASSERT_TRUE(first->enroll(token()));
    ASSERT_TRUE(second->enroll(token()));
    auto prefix = crypto::to_hex(first->keys.id).substr(0, 4);
    auto o = server_command(tmp, data, {"revoke", prefix});
    EXPECT_EQ(o.exit_code, 1);
    EXPECT_NE(o.err.find("2 devices start with " + prefix), std::string::npos) << o.err;
    EXPECT_EQ(device_row(*first).at("revoked"), false);
}

TEST_F(AdminTest, VersionNeedsNoDataDirectory) {
    auto o = run_program(tmp, CANVASS_SERVER_BIN, {"--version"});
    EXPECT_EQ(o.exit_code, 0) << o.err;
    EXPECT_TRUE(o.out.starts_with("canvass-server ")) << o.out;
}

}  // namespace
}  // namespace canvass::server_test
