#include "canvass/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

namespace canvass {

namespace {

std::string part_name(const std::string& path) {
    return path + ".part";
}

}  // namespace

Result<void> create_private_directories(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path dir;
    for (const auto& part : fs::path(path).lexically_normal()) {
        dir /= part;
        if (part.empty() || part == dir.root_path()) continue;
        std::error_code ec;
        if (fs::is_directory(dir, ec)) continue;
        if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
            return unexpected(
                Domain::core, errc::io,
                "cannot create the directory " + dir.string() + ": " + std::strerror(errno));
        }
        ::chmod(dir.c_str(), 0700);  // exact, whatever the umask
    }
    std::error_code ec;
    if (!fs::is_directory(path, ec)) {
        return unexpected(Domain::core, errc::io,
                          "cannot create the directory " + path + ": a file is in the way");
    }
    return {};
}

OutputFile::OutputFile(std::string path, std::unique_ptr<std::ofstream> out)
    : path_(std::move(path)), out_(std::move(out)) {}

Result<OutputFile> OutputFile::create(const std::string& path) {
    // Owner-only before a byte is written: these files hold decrypted answers. The mode is
    // set on the file itself, whatever the umask, and also on a leftover of an earlier run.
    const std::string part = part_name(path);
    int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 || ::fchmod(fd, 0600) != 0) {
        auto err = unexpected(Domain::core, errc::io,
                              "cannot write " + path + ": " + std::strerror(errno));
        if (fd >= 0) ::close(fd);
        return err;
    }
    ::close(fd);
    auto out = std::make_unique<std::ofstream>(part, std::ios::binary | std::ios::trunc);
    if (!*out) {
        return unexpected(Domain::core, errc::io,
                          "cannot write " + path + ": " + std::strerror(errno));
    }
    return OutputFile(path, std::move(out));
}

OutputFile::~OutputFile() {
    if (!out_ || committed_) return;
    out_->close();
    std::remove(part_name(path_).c_str());
}

Result<void> OutputFile::flush() {
    out_->flush();
    if (!*out_)
        return unexpected(Domain::core, errc::io, "cannot write " + path_ + " (disk full?)");
    return {};
}

Result<void> OutputFile::commit() {
    out_->flush();
    bool ok = static_cast<bool>(*out_);
    out_->close();
    if (!ok || out_->fail()) {
        return unexpected(Domain::core, errc::io, "cannot write " + path_ + " (disk full?)");
    }
    if (std::rename(part_name(path_).c_str(), path_.c_str()) != 0) {
        return unexpected(
            Domain::core, errc::io,
            "cannot rename " + part_name(path_) + " to " + path_ + ": " + std::strerror(errno));
    }
    committed_ = true;
    return {};
}

}  // namespace canvass
