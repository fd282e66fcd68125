// Attachment chunks on the server's disk, outside server.db (docs/media.md):
//
//   DIR/media/<project>/<author>/<id>/item     "<author hex> <size> <chunks> <root hex> <signature
//   hex>\n" DIR/media/<project>/<author>/<id>/chunks   the sealed chunks as the device sent them,
//                                              chunk i at i * (63 KiB + 16)
//
// <project> is the hex of the first 16 bytes of BLAKE2b-256 of the project's name (no name
// chosen by an administrator reaches a path), <author> the hex of the device that attached
// it, <id> the attachment's server-visible id in hex: two authors' items of one id are two
// items. The item file is written to a temporary name, fsync'd, renamed into place and its
// folder fsync'd; each chunk is written in place and fdatasync'd before it is acknowledged,
// so an acknowledged chunk survives a crash, and a chunk a crash tore is caught when the
// attachment is whole (its chunks no longer hash to the signed root: it is discarded and
// sent again). The server holds only sealed chunks: it has no key that opens one.
#pragma once

#include <filesystem>
#include <functional>

#include "sync/media_exchange.hpp"

namespace canvass::server {

struct MediaCensus {
    std::uint64_t attachments = 0;  // held whole
    std::uint64_t partial = 0;      // chunks still missing
    std::uint64_t chunks = 0;
    std::uint64_t bytes = 0;  // sealed bytes on disk
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

    // Moves the items of the layout before authors (DIR/media/<project>/<id>/) under their
    // authors' folders; the running server calls it once before serving.
    Result<void> upgrade_layout();

    Result<std::optional<Held>> find(const std::string& project, const sync::MediaId& id) override;
    Result<void> open(const std::string& project, const sync::MediaItem& item) override;
    Result<void> put(const std::string& project, const sync::MediaId& id, std::uint64_t index,
                     std::span<const std::uint8_t> data) override;
    Result<sync::Bytes> get(const std::string& project, const sync::MediaId& id,
                            std::uint64_t index) override;
    Result<std::uint64_t> device_bytes(const std::string& project,
                                       const merge::DeviceId& author) override;
    Result<std::vector<sync::MediaItem>> complete(const std::string& project) override;
    Result<void> discard(const std::string& project, const sync::MediaId& id) override;

    Result<MediaCensus> census(const std::string& project) override;

  private:
    std::filesystem::path project_dir(const std::string& project) const;
    std::filesystem::path item_dir(const std::string& project, const sync::MediaId& id) const;
    // Calls `fn` with the folder of every item of the project (of `author` only, if given).
    void for_each_item(const std::string& project, const std::optional<merge::DeviceId>& author,
                       const std::function<void(const std::filesystem::path&)>& fn) const;
    std::filesystem::path root_;
};

}  // namespace canvass::server
