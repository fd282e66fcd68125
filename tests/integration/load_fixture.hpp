// A data directory with a project and a form, a running server's peak memory, and the open
// file limit raised for tests that hold many connections.
#pragma once

#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include "crypto/box.hpp"
#include "server_harness.hpp"

namespace canvass::server_test {

struct LoadTest : ::testing::Test {
    testing::TempDir tmp;
    std::string data = tmp / "data";
    crypto::DhKeyPair coordinator_key = crypto::generate_dh_key();

    void SetUp() override {
        auto init = server_command(tmp, data, {"init"});
        ASSERT_EQ(init.exit_code, 0) << init.err;
        auto project = server_command(tmp, data,
                                      {"project", "create", "demo", "--recipients",
                                       recipients_file(tmp, "demo", coordinator_key)});
        ASSERT_EQ(project.exit_code, 0) << project.err;
        auto form = server_command(
            tmp, data,
            {"form", "publish", "--project", "demo",
             std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json"});
        ASSERT_EQ(form.exit_code, 0) << form.err;
    }

    std::string token(const RunningServer& server, const std::string& role = "collector") {
        auto t = server_command(tmp, data,
                                {"token", "create", "--project", "demo", "--role", role,
                                 "--expires", "1h", "--address", server.address(), "--json"});
        EXPECT_EQ(t.exit_code, 0) << t.err;
        return nlohmann::json::parse(t.out).at("token").get<std::string>();
    }

    long changesets() {
        auto s = server_command(tmp, data, {"stats", "--project", "demo", "--json"});
        EXPECT_EQ(s.exit_code, 0) << s.err;
        return nlohmann::json::parse(s.out).at("changesets").get<long>();
    }
};

// The peak resident memory of process `pid` so far, in KiB (VmHWM), or -1.
inline long peak_rss_kib(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    return -1;
}

// Raises this process's open file limit to at least `wanted` if the hard limit allows;
// returns the limit now in force.
inline rlim_t raise_open_files(rlim_t wanted) {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 0;
    if (r.rlim_cur < wanted) {
        r.rlim_cur = std::min(wanted, r.rlim_max);
        setrlimit(RLIMIT_NOFILE, &r);
    }
    return r.rlim_cur;
}

// Everything a server sends on a fresh TCP connection until it closes it (or `limit` passes).
inline std::string read_until_closed(int fd, std::chrono::milliseconds limit) {
    std::string got;
    auto until = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < until) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 100) <= 0) continue;
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        got.append(buf, static_cast<std::size_t>(n));
    }
    return got;
}

// A TCP connection to 127.0.0.1:port that never says anything.
inline int silent_connection(std::uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace canvass::server_test
