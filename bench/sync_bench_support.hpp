// What the sync benchmarks share: a real canvass-server started on 127.0.0.1 with an
// OS-chosen port, device stores filled with generated interviews, and a timed sync.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "crypto/hash.hpp"
#include "net/tcp_transport.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"
#include "sync/client.hpp"
#include "sync/device_replica.hpp"
#include "sync/token.hpp"

extern char** environ;

namespace canvass::bench {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

[[noreturn]] inline void die(const std::string& what) {
    std::fprintf(stderr, "bench: %s\n", what.c_str());
    std::exit(1);
}

// The value given to option `name` (`--records 5000`), else `fallback`.
inline int int_option(int argc, char** argv, const char* name, int fallback) {
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], name)) return std::stoi(argv[i + 1]);
    }
    return fallback;
}

// A fresh directory under the system's temporary one, removed with all it holds at the end
// (declare it before the Server and stores that live in it).
class TempRoot {
  public:
    explicit TempRoot(const std::string& name)
        : path_((fs::temp_directory_path() / (name + "-" + std::to_string(getpid()))).string()) {
        fs::remove_all(path_);
        fs::create_directories(path_);
    }
    ~TempRoot() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    TempRoot(const TempRoot&) = delete;
    TempRoot& operator=(const TempRoot&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

inline std::string form_of(int answers) {
    json survey = json::array();
    for (int i = 0; i < answers; ++i) {
        std::string type = i % 3 == 0 ? "integer" : (i % 3 == 1 ? "decimal" : "text");
        survey.push_back({{"type", type},
                          {"name", "q" + std::to_string(i)},
                          {"label", {{"en", "Question " + std::to_string(i)}}}});
    }
    return json{{"settings",
                 {{"form_id", "bench"},
                  {"version", std::to_string(answers)},
                  {"title", {{"en", "Bench"}}},
                  {"default_language", "en"}}},
                {"survey", survey}}
        .dump();
}

inline json answers_of(int answers, int record) {
    json a = json::object();
    for (int i = 0; i < answers; ++i) {
        auto name = "q" + std::to_string(i);
        if (i % 3 == 0)
            a[name] = record * 7 + i;
        else if (i % 3 == 1)
            a[name] = record * 0.5 + i;
        else
            a[name] = "answer " + std::to_string(record) + " to question " + std::to_string(i);
    }
    return a;
}

// Runs the server binary with `args`; returns its stdout.
inline std::string server_cmd(const std::string& data, const std::string& args) {
    std::string cmd = std::string(CANVASS_SERVER_BIN) + " --data '" + data + "' " + args;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) die("cannot run " + cmd);
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    if (pclose(p) != 0) die("failed: " + cmd);
    return out;
}

class Server {
  public:
    // `extra_form`: the JSON of a second form to publish (empty: none).
    Server(const std::string& root, const crypto::DhKeyPair& recipient,
           const std::string& extra_form = {})
        : data_(root + "/server") {
        server_cmd(data_, "init >/dev/null 2>&1");
        std::ofstream(root + "/recipients.txt")
            << store::statement_text(store::first_statement("bench", recipient)) << "\n";
        server_cmd(data_,
                   "project create bench --recipients '" + root + "/recipients.txt' >/dev/null");
        std::ofstream(root + "/form.json") << form_of(50);
        server_cmd(data_, "form publish --project bench '" + root + "/form.json' >/dev/null");
        if (!extra_form.empty()) {
            std::ofstream(root + "/extra_form.json") << extra_form;
            server_cmd(data_,
                       "form publish --project bench '" + root + "/extra_form.json' >/dev/null");
        }
        out_ = root + "/server.out";
        std::string a0 = CANVASS_SERVER_BIN, a1 = "--data", a3 = "run", a4 = "--listen",
                    a5 = "127.0.0.1:0";
        char* argv[] = {a0.data(), a1.data(), data_.data(), a3.data(),
                        a4.data(), a5.data(), nullptr};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&fa, 2, (root + "/server.log").c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv, environ) != 0)
            die("cannot start the server");
        posix_spawn_file_actions_destroy(&fa);
        for (int i = 0; i < 200 && address_.empty(); ++i) {
            std::ifstream in(out_);
            std::string word, line;
            std::getline(in, line);
            if (line.rfind("listening on ", 0) == 0)
                address_ = line.substr(13);
            else
                usleep(50'000);
        }
        if (address_.empty()) die("the server did not start");
    }
    ~Server() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    const std::string& address() const { return address_; }
    std::string token(const char* role) {
        auto out = server_cmd(data_, std::string("token create --project bench --role ") + role +
                                         " --address " + address_ + " --json");
        return json::parse(out)["token"].get<std::string>();
    }
    // Peak resident memory of the server process so far, in KiB (VmHWM).
    long peak_kib() const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
        }
        return -1;
    }

    // CPU time the server process used so far, user and system, in seconds.
    double cpu_seconds() const {
        std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), {});
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string f;
        double ticks = 0;
        for (int i = 3; i <= 15 && fields >> f; ++i) {
            if (i >= 14) ticks += std::stod(f);  // utime, stime
        }
        return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
    }

  private:
    std::string data_, out_, address_;
    pid_t pid_ = -1;
};

inline double own_cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    auto s = [](const timeval& t) {
        return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
    };
    return s(u.ru_utime) + s(u.ru_stime);
}

inline long own_peak_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

// A device store enrolled in the bench project as `role`, holding `records` finalized
// interviews.
inline store::DeviceStore enrolled_device(const std::string& home, Server& server, int records,
                                          int answers, const char* role = "collector") {
    store::StoreOptions options;
    options.pwhash = crypto::PwhashParams::minimum();  // not what is measured
    auto s = store::DeviceStore::create(home, store::Passphrase{"bench"}, options);
    if (!s) die(s.error().message);
    auto token = sync::decode_token(server.token(role));
    if (!token) die(token.error().message);
    auto t = net::connect_tcp(token->address);
    if (!t) die(t.error().message);
    sync::DeviceProjectSink sink(*s, token->address, token->server_key, token->fingerprint);
    auto e = sync::enroll(**t, *token, s->keys(), sink);
    if (!e) die(e.error().message);
    if (answers != 50 && !s->add_form(form_of(answers))) die("form");
    for (int start = 0; start < records; start += 1000) {
        std::vector<json> batch;
        for (int i = start; i < std::min(records, start + 1000); ++i)
            batch.push_back(answers_of(answers, i));
        auto r = s->import_records("bench", std::move(batch), true);
        if (!r) die(r.error().message);
    }
    return std::move(s).value();
}

struct Timed {
    double seconds = 0;
    sync::SyncReport report;
};

inline Timed timed_sync(store::DeviceStore& s, sync::Transport& t) {
    auto config = **s.project();
    sync::DeviceReplica replica(s);
    sync::DeviceProjectSink sink(s, config.server_address, config.server_key);
    auto t0 = Clock::now();
    sync::ClientOptions options;
    if (std::getenv("CANVASS_BENCH_TRACE")) {  // a timeline of the sync, to see where time goes
        options.progress = [t0](const sync::ExchangeStats& x) {
            std::fprintf(stderr, "%8.1f ms  sent %llu  acknowledged %llu\n",
                         std::chrono::duration<double, std::milli>(Clock::now() - t0).count(),
                         static_cast<unsigned long long>(x.sent),
                         static_cast<unsigned long long>(x.acknowledged));
        };
    }
    auto r = sync::run_client_sync(t, config.server_key, s.keys(), replica, sink, options);
    Timed out;
    out.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!r) die("sync: " + r.error().message);
    out.report = std::move(r).value();
    return out;
}

inline std::unique_ptr<sync::Transport> connect(store::DeviceStore& s) {
    auto t = net::connect_tcp((**s.project()).server_address);
    if (!t) die(t.error().message);
    return std::move(t).value();
}

// The baseline transfer: the same changeset bytes over a plain loopback TCP connection into a
// plain SQLite table on the other end, same batching and synchronous=FULL, no encryption, no
// verification, no protocol. What canvass adds is the difference.
inline double baseline_push(const std::vector<std::vector<std::uint8_t>>& bodies,
                            const std::string& dir, std::size_t batch = 256) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 1) != 0) {
        die("baseline socket");
    }
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    fs::create_directories(dir);
    auto read_all = [](int fd, void* p, std::size_t n) {
        auto* c = static_cast<char*>(p);
        while (n) {
            auto r = ::read(fd, c, n);
            if (r <= 0) return false;
            c += r;
            n -= static_cast<std::size_t>(r);
        }
        return true;
    };
    std::thread receiver([&] {
        int fd = accept(listener, nullptr, nullptr);
        auto db = store::Database::open(dir + "/plain.db", true);
        if (!db || !db->exec("CREATE TABLE changesets(n INTEGER PRIMARY KEY, body BLOB)"))
            die("baseline db");
        auto ins = *db->prepare("INSERT INTO changesets(body) VALUES(?)");
        std::uint32_t count = 0;
        while (read_all(fd, &count, 4) && count) {
            auto tx = store::Transaction::begin(*db);
            for (std::uint32_t i = 0; i < count; ++i) {
                std::uint32_t n = 0;
                read_all(fd, &n, 4);
                std::vector<std::uint8_t> body(n);
                read_all(fd, body.data(), n);
                ins.reset();
                if (!ins.bind(1, body).run()) die("baseline insert");
            }
            if (!tx->commit()) die("baseline commit");
            char ack = 1;
            if (::write(fd, &ack, 1) != 1) die("baseline ack");
        }
        ::close(fd);
    });
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    auto t0 = Clock::now();
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        die("baseline connect");
    auto write_all = [fd](const void* p, std::size_t n) {
        if (::write(fd, p, n) != static_cast<ssize_t>(n)) die("baseline write");
    };
    for (std::size_t start = 0; start < bodies.size(); start += batch) {
        auto count = static_cast<std::uint32_t>(std::min(batch, bodies.size() - start));
        write_all(&count, 4);
        for (std::size_t i = start; i < start + count; ++i) {
            auto n = static_cast<std::uint32_t>(bodies[i].size());
            write_all(&n, 4);
            write_all(bodies[i].data(), n);
        }
        char ack = 0;
        if (!read_all(fd, &ack, 1)) die("baseline ack");
    }
    std::uint32_t zero = 0;
    write_all(&zero, 4);
    receiver.join();
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    ::close(fd);
    ::close(listener);
    return seconds;
}

}  // namespace canvass::bench
