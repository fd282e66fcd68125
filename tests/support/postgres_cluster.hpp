// A throwaway PostgreSQL cluster in a temporary directory, for tests and benches: initdb and
// pg_ctl run as the unprivileged `postgres` user (initdb refuses root, and tests run as
// root), the cluster listening on a Unix socket in its own directory only. Stopped and
// removed on destruction. No gtest and no libpq here: databases are made with createdb.
#pragma once

#include <pwd.h>
#include <sys/wait.h>
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

namespace canvass::testing {

class PostgresCluster {
  public:
    PostgresCluster() {
        bin_ = find_bin_dir();
        if (bin_.empty()) {
            unavailable_ =
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); install the "
                "postgresql package (scripts/setup.sh) to run the PostgreSQL store tests";
            return;
        }
        const passwd* pw = ::getpwnam("postgres");
        if (!pw) {
            unavailable_ =
                "no `postgres` system user to run PostgreSQL as (the postgresql package creates "
                "it)";
            return;
        }
        char pattern[] = "/tmp/canvass-pg-XXXXXX";
        if (!::mkdtemp(pattern)) {
            unavailable_ = "cannot create a temporary directory for PostgreSQL";
            return;
        }
        root_ = pattern;
        data_ = root_ / "data";
        socket_dir_ = root_ / "socket";
        std::filesystem::create_directories(socket_dir_);
        for (const auto& p : {root_, socket_dir_})
            if (::chown(p.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                unavailable_ = "cannot give " + p.string() + " to the postgres user";
                return;
            }
        port_ = 20000 + static_cast<int>(::getpid() % 20000);
        int rc = as_postgres(bin_ / "initdb", {"-D", data_.string(), "-U", "postgres", "-A",
                                               "trust", "-E", "UTF8", "--no-sync"});
        if (rc != 0) {
            unavailable_ =
                "initdb failed (exit " + std::to_string(rc) + "): " + slurp(root_ / "initdb.log");
            return;
        }
        // No TCP at all; the socket in our own directory. fsync stays on: durability is tested.
        std::string options =
            "-c listen_addresses='' -c unix_socket_directories=" + socket_dir_.string() + " -p " +
            std::to_string(port_) + " -c max_connections=300 -c shared_buffers=64MB";
        rc = as_postgres(bin_ / "pg_ctl",
                         {"-D", data_.string(), "-o", "\"" + options + "\"", "-l",
                          (root_ / "server.log").string(), "-w", "-t", "60", "start"});
        if (rc != 0) {
            unavailable_ = "PostgreSQL did not start (exit " + std::to_string(rc) +
                           "): " + slurp(root_ / "server.log");
            return;
        }
        started_ = true;
    }
    ~PostgresCluster() {
        if (started_)
            as_postgres(bin_ / "pg_ctl", {"-D", data_.string(), "-m", "immediate", "-w", "stop"});
        std::error_code ec;
        if (!root_.empty()) std::filesystem::remove_all(root_, ec);
    }
    PostgresCluster(const PostgresCluster&) = delete;
    PostgresCluster& operator=(const PostgresCluster&) = delete;

    // Why the cluster is not running, or nullopt when it is.
    const std::optional<std::string>& unavailable() const { return unavailable_; }

    // A new, empty database and its URL; empty if it could not be made.
    std::string create_database() {
        static std::atomic<int> n{0};
        std::string name = "canvass_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
        std::string cmd = (bin_ / "createdb").string() + " -h " + socket_dir_.string() + " -p " +
                          std::to_string(port_) + " -U postgres " + name + " >>" +
                          (root_ / "createdb.log").string() + " 2>&1";
        return std::system(cmd.c_str()) == 0 ? url(name) : std::string();
    }

    std::string url(const std::string& database) const {
        return "postgresql://postgres@/" + database + "?host=" + socket_dir_.string() +
               "&port=" + std::to_string(port_);
    }

  private:
    static std::filesystem::path find_bin_dir() {
        std::vector<std::filesystem::path> found;
        std::error_code ec;
        for (const auto& e : std::filesystem::directory_iterator("/usr/lib/postgresql", ec))
            if (std::filesystem::exists(e.path() / "bin" / "initdb"))
                found.push_back(e.path() / "bin");
        // The newest major version installed.
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
            return std::atoi(a.parent_path().filename().c_str()) <
                   std::atoi(b.parent_path().filename().c_str());
        });
        return found.empty() ? std::filesystem::path() : found.back();
    }

    int as_postgres(const std::filesystem::path& program,
                    const std::vector<std::string>& args) const {
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
    std::optional<std::string> unavailable_;
};

}  // namespace canvass::testing
