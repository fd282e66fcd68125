#include "passphrase.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace canvass::cli {

namespace {

// Reads one line from the controlling terminal with echo off.
std::optional<std::string> ask_terminal(const std::string& prompt) {
    FILE* tty = std::fopen("/dev/tty", "r+");
    if (!tty) return std::nullopt;
    int fd = fileno(tty);
    termios old{};
    bool restore = tcgetattr(fd, &old) == 0;
    if (restore) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    std::fputs(prompt.c_str(), tty);
    std::fflush(tty);
    std::string line;
    for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line.push_back(static_cast<char>(c));
    if (restore) tcsetattr(fd, TCSAFLUSH, &old);
    std::fputs("\n", tty);
    std::fclose(tty);
    return line;
}

}  // namespace

Result<std::string> read_passphrase(const PassphraseSource& source, const std::string& prompt,
                                    bool confirm) {
    if (source.file) {
        std::ifstream in(*source.file);
        if (!in) {
            return unexpected(Domain::core, errc::io,
                              "cannot read passphrase file " + *source.file);
        }
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) {
            return unexpected(Domain::core, errc::invalid_argument,
                              "passphrase file " + *source.file + " is empty");
        }
        return line;
    }
    if (const char* env = std::getenv(source.env_var.c_str()); env && *env) return std::string(env);
    auto first = ask_terminal(prompt);
    if (!first) {
        return unexpected(Domain::core, errc::invalid_argument,
                          "no passphrase: give --passphrase-file FILE, set " + source.env_var +
                              ", or run in a terminal");
    }
    if (first->empty()) return unexpected(Domain::core, errc::invalid_argument, "empty passphrase");
    if (confirm) {
        auto second = ask_terminal("Repeat: ");
        if (!second || *second != *first) {
            return unexpected(Domain::core, errc::invalid_argument, "the passphrases differ");
        }
    }
    return *first;
}

}  // namespace canvass::cli
