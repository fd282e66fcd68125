// The administrator's commands (DESIGN.md section 8), each a function the CLI parser calls
// with its parsed arguments. Each prints its result on stdout (JSON with `json`), explains a
// failure on stderr, and returns the exit code: 0 done, 1 failed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "listener.hpp"

namespace canvass::server {

struct TokenRequest {
    std::string project;
    std::string role;
    std::string expires = "72h";
    std::string address;  // empty: the address saved by `init --address`
    bool json = false;
    bool dark_on_light = false;
};

int cmd_init(const std::filesystem::path& data, const std::string& address, bool json);
// Creates a project from a first recipient statement (a file, or its text).
int cmd_project_create(const std::filesystem::path& data, const std::string& name, const std::string& statement);
// Prints the project's current recipient statement (for `canvass keys recipients --from`), or
// with `update` appends the next one.
int cmd_project_recipients(const std::filesystem::path& data, const std::string& name, const std::string& update);
int cmd_form_publish(const std::filesystem::path& data, const std::string& project, const std::string& file);
int cmd_token_create(const std::filesystem::path& data, const TokenRequest& request);
int cmd_token_list(const std::filesystem::path& data, const std::string& project, bool json);
int cmd_token_revoke(const std::filesystem::path& data, const std::string& id);
int cmd_run(const std::filesystem::path& data, ListenOptions options);
int cmd_devices(const std::filesystem::path& data, bool json);
int cmd_revoke(const std::filesystem::path& data, const std::string& device);
int cmd_stats(const std::filesystem::path& data, const std::string& project, bool json);

// "72h", "30m", "7d", "90s" in seconds; nullopt for anything else (or zero).
std::optional<std::uint64_t> parse_duration(const std::string& text);

}  // namespace canvass::server
