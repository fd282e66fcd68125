// The error of a failed system call on a file of the data directory: what was being done,
// the file, and the system's reason (errno, read at the call).
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>

#include "canvass/result.hpp"

namespace canvass::server {

inline Error io_error(const std::filesystem::path& p, const std::string& what) {
    return Error{Domain::store, errc::io, what + " " + p.string() + ": " + std::strerror(errno)};
}

}  // namespace canvass::server
