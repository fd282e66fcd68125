// A real PostgreSQL for tests, started once per test program in a temporary directory and
// stopped when the program ends. The tests run as root and initdb refuses root, so the
// cluster belongs to the unprivileged `postgres` user the Debian package creates (runuser);
// it listens on a Unix socket in its own directory only, never on a network port. Tests
// call skip_reason() and GTEST_SKIP with it when PostgreSQL is not installed.
#pragma once

#include <gtest/gtest.h>
#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "pg/connection.hpp"

namespace canvass::pg_test {

class PostgresServer {
public:
    // The one server of this test program, started on first use.
    static PostgresServer& get() {
        static PostgresServer server;
        return server;
    }

    // Why PostgreSQL tests cannot run here, or nullopt when the server is up.
    const std::optional<std::string>& skip_reason() const { return skip_; }

    // A new, empty database on the server, and its URL.
    std::string create_database() {
        static std::atomic<int> n{0};
        std::string name = "canvass_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
        auto admin = server::pg::Connection::open(url("postgres"));
        EXPECT_TRUE(admin) << admin.error().describe();
        if (!admin) return url(name);
        auto created = admin->script("CREATE DATABASE " + name);
        EXPECT_TRUE(created) << created.error().describe();
        return url(name);
    }

    std::string url(const std::string& database) const {
        return "postgresql://postgres@/" + database + "?host=" + socket_dir_.string() + "&port=" + std::to_string(port_);
    }

    ~PostgresServer() {
        if (!started_) return;
        run_as_postgres(bin_ / "pg_ctl", {"-D", data_.string(), "-m", "immediate", "-w", "stop"});
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }

private:
    PostgresServer() {
        bin_ = find_bin_dir();
        if (bin_.empty()) {
            skip_ = "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install the postgresql "
                    "package (scripts/setup.sh) to run the PostgreSQL store tests";
            return;
        }
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) {
            skip_ = "no `postgres` system user to run PostgreSQL as (the postgresql package creates it)";
            return;
        }
        char pattern[] = "/tmp/canvass-pg-XXXXXX";
        if (!::mkdtemp(pattern)) {
            skip_ = "cannot create a temporary directory for PostgreSQL";
            return;
        }
        root_ = pattern;
        data_ = root_ / "data";
        socket_dir_ = root_ / "socket";
        std::filesystem::create_directories(socket_dir_);
        // Only the postgres user may read its cluster; root (the tests) reaches the socket.
        for (const auto& p : {root_, socket_dir_})
            if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                skip_ = "cannot give " + p.string() + " to the postgres user";
                return;
            }
        port_ = 20000 + static_cast<int>(::getpid() % 20000);
        int rc = run_as_postgres(bin_ / "initdb", {"-D", data_.string(), "-U", "postgres", "-A", "trust",
                                                   "-E", "UTF8", "--no-sync"});
        if (rc != 0) {
            skip_ = "initdb failed (exit " + std::to_string(rc) + "); see " + (root_ / "initdb.log").string();
            return;
        }
        // No TCP at all; the socket in our own directory. fsync stays on: durability is tested.
        std::string options = "-c listen_addresses='' -c unix_socket_directories=" + socket_dir_.string() +
                              " -p " + std::to_string(port_) + " -c max_connections=200 -c shared_buffers=64MB";
        rc = run_as_postgres(bin_ / "pg_ctl", {"-D", data_.string(), "-o", "\"" + options + "\"", "-l",
                                               (root_ / "server.log").string(), "-w", "-t", "60", "start"});
        if (rc != 0) {
            skip_ = "PostgreSQL did not start (exit " + std::to_string(rc) + "): " + slurp(root_ / "server.log");
            return;
        }
        started_ = true;
    }

    static std::filesystem::path find_bin_dir() {
        std::vector<std::filesystem::path> found;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
            if (std::filesystem::exists(e.path() / "bin" / "initdb")) found.push_back(e.path() / "bin");
        if (found.empty()) return {};
        // The newest major version installed.
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
            return std::stoi(a.parent_path().filename().string()) < std::stoi(b.parent_path().filename().string());
        });
        return found.back();
    }

    int run_as_postgres(const std::filesystem::path& program, const std::vector<std::string>& args) const {
        std::string cmd = "runuser -u postgres -- " + program.string();
        for (const auto& a : args) cmd += " " + a;
        cmd += " >>" + (root_ / (program.filename().string() + ".log")).string() + " 2>&1";
        int rc = std::system(cmd.c_str());
        return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
    }

    static std::string slurp(const std::filesystem::path& p) {
        std::ifstream in(p);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str().substr(0, 2000);
    }

    std::filesystem::path bin_, root_, data_, socket_dir_;
    int port_ = 5432;
    bool started_ = false;
    std::optional<std::string> skip_;
};

#define CANVASS_REQUIRE_POSTGRES()                                                   \
    do {                                                                             \
        if (const auto& why = ::canvass::pg_test::PostgresServer::get().skip_reason(); why) \
            GTEST_SKIP() << *why;                                                    \
    } while (0)

}  // namespace canvass::pg_test
