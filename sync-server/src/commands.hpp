// The administrator's commands (DESIGN.md section 8), each a function the CLI parser calls
// with its parsed arguments, rendering what canvass::Server (canvass/server.hpp) does. Each prints
// its result on stdout (JSON with `json`), explains a failure on stderr, and returns the exit code:
// 0 done, 1 failed.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "canvass/server.hpp"

namespace canvass::server {

struct TokenRequest {
    std::string project;
    std::string role;
    std::string expires = "72h";
    std::string address;  // empty: the address saved by `init --address`
    std::string label;    // the name of the device it enrolls, shown in lists and logs
    bool json = false;
    bool dark_on_light = false;
};

int cmd_init(const ServerPaths& data, const std::string& address, bool json);
// Creates a project from a first recipient statement (a file, or its text).
int cmd_project_create(const ServerPaths& data, const std::string& name,
                       const std::string& statement);
// Prints the project's current recipient statement (for `canvass keys recipients --from`), or
// with `update` appends the next one.
int cmd_project_recipients(const ServerPaths& data, const std::string& name,
                           const std::string& update);
// Projects with their device, record and form counts (reads only).
int cmd_project_list(const ServerPaths& data, bool json);
// Published form versions with their dates and record counts (reads only).
int cmd_form_list(const ServerPaths& data, const std::string& project, bool json);
int cmd_form_publish(const ServerPaths& data, const std::string& project, const std::string& file);
int cmd_token_create(const ServerPaths& data, const TokenRequest& request);
int cmd_token_list(const ServerPaths& data, const std::string& project, bool json);
int cmd_token_revoke(const ServerPaths& data, const std::string& id);
int cmd_run(const ServerPaths& data, const ServeOptions& options);
// Devices with label, last-seen time and records (reads only).
int cmd_devices(const ServerPaths& data, bool json);
// Revokes the device whose id starts with `device` (at least 4 hex digits, unique).
int cmd_revoke(const ServerPaths& data, const std::string& device);
// Copies the embedded store of `from` into the empty PostgreSQL database `to`, checked by
// equal state digests.
int cmd_migrate(const std::filesystem::path& from, const std::string& to, bool json);
// Reads only: works on a full disk or a read-only data directory, beside a running server.
int cmd_stats(const ServerPaths& data, const std::string& project, bool json);

}  // namespace canvass::server
