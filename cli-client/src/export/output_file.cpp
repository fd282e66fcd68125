#include "export/output_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace canvass::cli::exporting {

namespace {

std::string part_name(const std::string& path) { return path + ".part"; }

}  // namespace

OutputFile::OutputFile(std::string path, std::unique_ptr<std::ofstream> out)
    : path_(std::move(path)), out_(std::move(out)) {}

Result<OutputFile> OutputFile::create(const std::string& path) {
    auto out = std::make_unique<std::ofstream>(part_name(path), std::ios::binary | std::ios::trunc);
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

Result<void> OutputFile::commit() {
    out_->flush();
    bool ok = static_cast<bool>(*out_);
    out_->close();
    if (!ok || out_->fail()) {
        return unexpected(Domain::core, errc::io, "cannot write " + path_ + " (disk full?)");
    }
    if (std::rename(part_name(path_).c_str(), path_.c_str()) != 0) {
        return unexpected(Domain::core, errc::io,
                          "cannot rename " + part_name(path_) + " to " + path_ + ": " +
                              std::strerror(errno));
    }
    committed_ = true;
    return {};
}

}  // namespace canvass::cli::exporting
