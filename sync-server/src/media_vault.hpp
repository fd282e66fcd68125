// Attachment chunks on the server's disk, outside server.db (docs/media.md):
//
//   DIR/media/<project>/<id>/item     "<author hex> <size> <chunks> <root hex> <signature hex>\n"
//   DIR/media/<project>/<id>/chunks   the sealed chunks as the device sent them, chunk i at
//                                     i * (63 KiB + 16)
//
// <project> is the hex of the first 16 bytes of BLAKE2b-256 of the project's name (no name
// chosen by an administrator reaches a path), <id> the attachment's server-visible id in
// hex. The item file is written to a temporary name, fsync'd, renamed into place and its
// folder fsync'd; each chunk is written in place and fdatasync'd before it is acknowledged,
// so an acknowledged chunk survives a crash, and a chunk a crash tore is caught when the
// attachment is whole (its chunks no longer hash to the signed root: it is discarded and
// sent again). The server holds only sealed chunks: it has no key that opens one.
#pragma once

#include <filesystem>

#include "sync/media_exchange.hpp"

namespace canvass::server {

struct MediaCensus {
    std::uint64_t attachments = 0;  // held whole
    std::uint64_t partial = 0;      // chunks still missing
    std::uint64_t chunks = 0;
    std::uint64_t bytes = 0;        // sealed bytes on disk
};

// A vault of the server: the protocol's MediaVault, and what `stats` counts of it.
class ServerMediaVault : public sync::MediaVault {
public:
    // What `stats` shows of a project (reads only).
    virtual Result<MediaCensus> census(const std::string& project) = 0;
};

class FileMediaVault final : public ServerMediaVault {
public:
    explicit FileMediaVault(std::filesystem::path root) : root_(std::move(root)) {}

    Result<std::optional<Held>> find(const std::string& project, const crypto::Hash& id) override;
    Result<void> open(const std::string& project, const merge::DeviceId& device, const sync::MediaItem& item) override;
    Result<void> put(const std::string& project, const crypto::Hash& id, std::uint64_t index,
                     std::span<const std::uint8_t> data) override;
    Result<sync::Bytes> get(const std::string& project, const crypto::Hash& id, std::uint64_t index) override;
    Result<std::uint64_t> device_bytes(const std::string& project, const merge::DeviceId& device) override;
    Result<std::vector<sync::MediaItem>> complete(const std::string& project) override;
    Result<void> discard(const std::string& project, const crypto::Hash& id) override;

    Result<MediaCensus> census(const std::string& project) override;

private:
    std::filesystem::path project_dir(const std::string& project) const;
    std::filesystem::path root_;
};

}  // namespace canvass::server
