// Driving the real canvass-server binary from tests: one-shot commands, a running server on
// 127.0.0.1 with an OS-chosen port, raw sockets for hostile clients, and in-memory devices
// that enroll and sync over TCP with the sync library.
#pragma once

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "merge/authority.hpp"
#include "merge/changeset.hpp"
#include "net/tcp_transport.hpp"
#include "store/keyring.hpp"
#include "store/recipients.hpp"
#include "sync/client.hpp"
#include "sync/memory_replica.hpp"
#include "sync/token.hpp"
#include "process.hpp"
#include "temp_dir.hpp"

namespace canvass::server_test {

using namespace std::chrono_literals;

using testing::Output;
using testing::slurp;
using testing::wait_exit;

// Writes the first recipient statement of `project`, naming `coordinator`, to a file in `tmp`
// (what `canvass keys recipients` writes) and returns its path, for `project create --recipients`.
inline std::string recipients_file(const testing::TempDir& tmp, const std::string& project,
                                   const crypto::DhKeyPair& coordinator) {
    std::string path =
        tmp / ("recipients-" + crypto::to_hex(coordinator.public_key).substr(0, 8) + ".txt");
    std::ofstream(path) << store::statement_text(store::first_statement(project, coordinator))
                        << "\n";
    return path;
}

// `stats --project P --json` of the server in `data`.
inline nlohmann::json project_stats(const testing::TempDir& tmp, const std::string& data,
                                    const std::string& project = "demo");
// A single-use token of `project` for `role`, for a server listening at `address`.
inline std::string mint_token(const testing::TempDir& tmp, const std::string& data,
                              const std::string& address, const std::string& role = "collector",
                              const std::string& project = "demo");

// Starts CANVASS_SERVER_BIN --data DIR ARGS... with stdout and stderr going to files.
inline pid_t spawn_server(const std::string& data, const std::vector<std::string>& args,
                          const std::string& out_path, const std::string& err_path) {
    std::vector<std::string> argv{CANVASS_SERVER_BIN, "--data", data};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::spawn(std::move(argv), out_path, err_path);
}

// One command of canvass-server against `data`, run to completion.
inline Output server_command(const testing::TempDir& tmp, const std::string& data,
                             const std::vector<std::string>& args) {
    static int n = 0;
    std::vector<std::string> argv{CANVASS_SERVER_BIN, "--data", data};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::run(argv, tmp / ("cmd" + std::to_string(++n)));
}

inline nlohmann::json project_stats(const testing::TempDir& tmp, const std::string& data,
                                    const std::string& project) {
    auto s = server_command(tmp, data, {"stats", "--project", project, "--json"});
    EXPECT_EQ(s.exit_code, 0) << s.err;
    return nlohmann::json::parse(s.out, nullptr, false);
}

inline std::string mint_token(const testing::TempDir& tmp, const std::string& data,
                              const std::string& address, const std::string& role,
                              const std::string& project) {
    auto t = server_command(
        tmp, data,
        {"token", "create", "--project", project, "--role", role, "--address", address, "--json"});
    EXPECT_EQ(t.exit_code, 0) << t.err;
    auto j = nlohmann::json::parse(t.out, nullptr, false);
    return j.is_object() ? j.value("token", "") : "";
}

inline std::string first_line(const std::string& s) {
    return s.substr(0, s.find('\n'));
}

// `canvass-server run` on 127.0.0.1, port chosen by the OS, with short deadlines for tests.
class RunningServer {
  public:
    RunningServer(const testing::TempDir& tmp, std::string data,
                  std::vector<std::string> extra = {})
        : tmp_(tmp), data_(std::move(data)), extra_(std::move(extra)) {}
    ~RunningServer() {
        kill_now();
        // CANVASS_TEST_SERVER_LOGS=1 shows what the server logged, to debug a failure.
        if (std::getenv("CANVASS_TEST_SERVER_LOGS") && !log_.empty()) std::cerr << slurp(log_);
    }

    // Starts it and waits for "listening on ADDRESS" (generous: the machine may be loaded).
    void start() {
        std::vector<std::string> args{"run", "--listen", "127.0.0.1:0"};
        args.insert(args.end(), extra_.begin(), extra_.end());
        out_ = tmp_ / ("server" + std::to_string(++starts_) + ".out");
        log_ = tmp_ / "server.log";
        pid_ = spawn_server(data_, args, out_, log_);
        ASSERT_GT(pid_, 0);
        auto until = std::chrono::steady_clock::now() + 60s;
        while (std::chrono::steady_clock::now() < until) {
            auto text = slurp(out_);
            if (auto at = text.find("listening on ");
                at != std::string::npos && text.find('\n', at) != std::string::npos) {
                address_ = first_line(text.substr(at + 13));
                return;
            }
            int status;
            ASSERT_EQ(waitpid(pid_, &status, WNOHANG), 0) << "server exited: " << slurp(log_);
            std::this_thread::sleep_for(20ms);
        }
        FAIL() << "server did not start: " << slurp(log_);
    }
    // SIGTERM, then the exit code.
    int stop() {
        if (pid_ <= 0) return -1;
        kill(pid_, SIGTERM);
        int code = wait_exit(pid_, 60s);
        pid_ = -1;
        return code;
    }
    void kill_now() {
        if (pid_ <= 0) return;
        kill(pid_, SIGKILL);
        wait_exit(pid_, 60s);
        pid_ = -1;
    }
    pid_t pid() const { return pid_; }
    const std::string& address() const { return address_; }
    std::uint16_t port() const {
        return static_cast<std::uint16_t>(std::stoi(address_.substr(address_.rfind(':') + 1)));
    }
    std::string log() const { return slurp(log_); }

  private:
    const testing::TempDir& tmp_;
    std::string data_;
    std::vector<std::string> extra_;
    std::string out_, log_, address_;
    pid_t pid_ = -1;
    int starts_ = 0;
};

// A raw TCP connection to the server, for sending what no client would.
class RawSocket {
  public:
    explicit RawSocket(std::uint16_t port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    }
    ~RawSocket() { ::close(fd_); }
    bool connected() const { return connected_; }
    bool send(const std::vector<std::uint8_t>& bytes) {
        return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(bytes.size());
    }
    // True once the server has closed the connection (read returns 0 or an error) within `limit`.
    bool closed_by_server(std::chrono::milliseconds limit) {
        auto until = std::chrono::steady_clock::now() + limit;
        char buf[4096];
        while (std::chrono::steady_clock::now() < until) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) {
                ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
                if (n <= 0) return true;
            }
        }
        return false;
    }

  private:
    int fd_ = -1;
    bool connected_ = false;
};

// A device for tests: keys, an in-memory chain, and what it received.
struct Device : sync::ProjectSink {
    store::DeviceKeys keys = store::generate_device_keys();
    sync::MemoryReplica replica;
    std::optional<sync::Welcome> welcome;
    std::map<std::string, std::string> forms;
    merge::Hash last{};
    std::uint64_t seq = 0;
    crypto::DhPublicKey server_key{};
    std::string address;

    Result<void> on_welcome(const sync::Welcome& w) override {
        welcome = w;
        return {};
    }
    bool has_form(const sync::FormRef& f) override {
        return forms.contains(f.id + "@" + f.version);
    }
    Result<void> add_form(const sync::FormRef& f, std::string_view body) override {
        forms[f.id + "@" + f.version] = std::string(body);
        return {};
    }

    // Saves `n` interviews whose answer bytes (already encrypted, as a device would) carry
    // `marker` so a test can look for them in the server's files.
    void author(int n, const std::string& project, const std::string& marker = "") {
        for (int i = 0; i < n; ++i) {
            merge::Changeset cs;
            auto& h = cs.header;
            h.device = keys.id;
            h.seq = ++seq;
            h.prev = last;
            h.hlc = merge::make_hlc(1'790'000'000'000 + seq, 0);
            h.project = project;
            h.form_id = "street_vendors";
            h.form_version = "2026.11.1";
            h.nonce = crypto::random_array<24>();
            h.record = merge::record_id_for(keys.id, h.nonce);  // a new record of this device
            h.ops.push_back(merge::Op{"age", merge::OpKind::set, {}});
            auto noise = crypto::random_array<64>();
            cs.ciphertext.assign(noise.begin(), noise.end());
            cs.ciphertext.insert(cs.ciphertext.end(), marker.begin(), marker.end());
            last = merge::changeset_hash(cs);
            replica.append_own(cs, keys.signing);
        }
    }

    Result<sync::EnrollmentResult> enroll(const std::string& token_text) {
        CANVASS_TRY(auto token, sync::decode_token(token_text));
        CANVASS_TRY(auto t, net::connect_tcp(token.address, tcp_options()));
        CANVASS_TRY(auto result, sync::enroll(*t, token, keys, *this));
        server_key = token.server_key;
        address = token.address;
        return result;
    }

    Result<sync::SyncReport> sync(std::function<void(const sync::ExchangeStats&)> progress = {}) {
        return sync_from(replica, std::move(progress));
    }
    // A sync that hands out changesets from `from` (a test's wrapper of `replica`).
    Result<sync::SyncReport> sync_from(
        sync::Replica& from, std::function<void(const sync::ExchangeStats&)> progress = {}) {
        CANVASS_TRY(auto t, net::connect_tcp(address, tcp_options()));
        sync::ClientOptions options;
        options.progress = std::move(progress);
        return sync::run_client_sync(*t, server_key, keys, from, *this, options);
    }

    static net::TcpOptions tcp_options() {
        net::TcpOptions o;
        o.connect_timeout = 30s;
        o.read_timeout = 60s;
        o.write_timeout = 60s;
        return o;
    }
};

}  // namespace canvass::server_test
