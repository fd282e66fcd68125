// Running the project's programs from tests: a command run to completion with its output
// captured in files, or started and left running. Only POSIX and the standard library, so
// that tests of the public API (tests/api/) can use it without the core's private headers.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

extern char** environ;

namespace canvass::testing {

struct Output {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Reads a whole file (a captured stream).
// Starts argv[0] with stdout going to `out_path` and stderr appended to `err_path`; -1 on failure.
inline pid_t spawn(std::vector<std::string> argv_s, const std::string& out_path,
                   const std::string& err_path) {
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0600);
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    return rc == 0 ? pid : -1;
}

// Waits for a process; -1 if it has not exited within `limit` (it is then killed).
inline int wait_exit(pid_t pid, std::chrono::milliseconds limit = std::chrono::seconds(120)) {
    auto until = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (std::chrono::steady_clock::now() > until) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

// Runs `argv` to completion, its output captured in files named `stem`.out and .err.
inline Output run(const std::vector<std::string>& argv, const std::string& stem) {
    const std::string out = stem + ".out", err = stem + ".err";
    pid_t pid = spawn(argv, out, err);
    Output o;
    o.exit_code = pid < 0 ? -1 : wait_exit(pid);
    o.out = slurp(out);
    o.err = slurp(err);
    return o;
}

}  // namespace canvass::testing
