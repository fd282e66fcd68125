#include "media_vault.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/hash.hpp"

namespace canvass::server {
namespace {

namespace fs = std::filesystem;

Error io_error(const fs::path& p, const std::string& what) {
    return Error{Domain::store, errc::io, what + " " + p.string() + ": " + std::strerror(errno)};
}

Result<void> fsync_dir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return unexpected(io_error(dir, "cannot open"));
    int rc = ::fsync(fd);
    ::close(fd);
    if (rc != 0) return unexpected(io_error(dir, "cannot sync"));
    return {};
}

// Writes `bytes` as `path`, atomically and durably: a temporary file, fsync, rename, fsync
// of the folder. Owner-only (0600).
Result<void> write_durably(const fs::path& path, std::span<const std::uint8_t> bytes) {
    fs::path tmp = path;
    tmp += ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(io_error(tmp, "cannot create"));
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            auto e = io_error(tmp, errno == ENOSPC ? "the disk is full writing" : "cannot write");
            if (errno == ENOSPC) e.code = errc::disk_full;
            ::close(fd);
            ::unlink(tmp.c_str());
            return unexpected(std::move(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        auto e = io_error(tmp, "cannot sync");
        ::close(fd);
        ::unlink(tmp.c_str());
        return unexpected(std::move(e));
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return unexpected(io_error(path, "cannot rename into"));
    return fsync_dir(path.parent_path());
}

Result<void> make_dirs(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) return {};
    fs::create_directories(dir, ec);
    if (ec) return unexpected(Domain::store, errc::io, "cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    return fsync_dir(dir.parent_path());
}

fs::path chunk_path(const fs::path& dir, std::uint64_t index) { return dir / (std::to_string(index) + ".chunk"); }

struct ItemFile {
    sync::MediaItem item;
    merge::DeviceId device{};
};

std::optional<ItemFile> read_item(const fs::path& dir) {
    std::ifstream in(dir / "item");
    std::string device_hex, root_hex, signature_hex;
    ItemFile f;
    if (!(in >> device_hex >> f.item.size >> f.item.chunks >> root_hex >> signature_hex)) return std::nullopt;
    if (!crypto::from_hex(device_hex, f.device) || !crypto::from_hex(root_hex, f.item.root) ||
        !crypto::from_hex(signature_hex, f.item.signature))
        return std::nullopt;
    if (!crypto::from_hex(dir.filename().string(), f.item.id)) return std::nullopt;
    f.item.author = f.device;
    return f;
}

std::uint64_t chunks_held(const fs::path& dir, std::uint64_t chunks) {
    std::uint64_t n = 0;
    std::error_code ec;
    while (n < chunks && fs::exists(chunk_path(dir, n), ec)) ++n;
    return n;
}

}  // namespace

fs::path FileMediaVault::project_dir(const std::string& project) const {
    auto h = crypto::blake2b_256(project);
    return root_ / crypto::to_hex(std::span<const std::uint8_t>(h).first(16));
}

Result<std::optional<sync::MediaVault::Held>> FileMediaVault::find(const std::string& project, const crypto::Hash& id) {
    auto dir = project_dir(project) / crypto::to_hex(id);
    std::error_code ec;
    if (!fs::exists(dir / "item", ec)) return std::optional<Held>();
    auto f = read_item(dir);
    if (!f) return unexpected(Domain::store, errc::corrupt, (dir / "item").string() + " is damaged");
    return std::optional<Held>(Held{f->item, f->device, chunks_held(dir, f->item.chunks)});
}

Result<void> FileMediaVault::open(const std::string& project, const merge::DeviceId& device, const sync::MediaItem& item) {
    auto dir = project_dir(project) / crypto::to_hex(item.id);
    std::error_code ec;
    if (fs::exists(dir / "item", ec)) return {};
    CANVASS_TRY_VOID(make_dirs(dir));
    std::string text = crypto::to_hex(device) + " " + std::to_string(item.size) + " " + std::to_string(item.chunks) +
                       " " + crypto::to_hex(item.root) + " " + crypto::to_hex(item.signature) + "\n";
    return write_durably(dir / "item", std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

Result<void> FileMediaVault::put(const std::string& project, const crypto::Hash& id, std::uint64_t index,
                                 std::span<const std::uint8_t> data) {
    return write_durably(chunk_path(project_dir(project) / crypto::to_hex(id), index), data);
}

Result<sync::Bytes> FileMediaVault::get(const std::string& project, const crypto::Hash& id, std::uint64_t index) {
    auto path = chunk_path(project_dir(project) / crypto::to_hex(id), index);
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(io_error(path, "cannot read"));
    std::ostringstream s;
    s << in.rdbuf();
    auto text = s.str();
    return sync::Bytes(text.begin(), text.end());
}

Result<std::uint64_t> FileMediaVault::device_bytes(const std::string& project, const merge::DeviceId& device) {
    std::uint64_t total = 0;
    std::error_code ec;
    auto dir = project_dir(project);
    if (!fs::exists(dir, ec)) return total;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto f = read_item(entry.path());
        if (f && f->device == device) total += f->item.size;
    }
    return total;
}

Result<std::vector<sync::MediaItem>> FileMediaVault::complete(const std::string& project) {
    std::vector<sync::MediaItem> out;
    std::error_code ec;
    auto dir = project_dir(project);
    if (!fs::exists(dir, ec)) return out;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto f = read_item(entry.path());
        if (f && chunks_held(entry.path(), f->item.chunks) == f->item.chunks) out.push_back(f->item);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    return out;
}

Result<void> FileMediaVault::discard(const std::string& project, const crypto::Hash& id) {
    // Renamed away first, so that a crash while removing leaves no item half there.
    auto dir = project_dir(project) / crypto::to_hex(id);
    auto gone = dir;
    gone += ".discarded";
    std::error_code ec;
    fs::remove_all(gone, ec);
    if (!fs::exists(dir, ec)) return {};
    fs::rename(dir, gone, ec);
    if (ec) return unexpected(Domain::store, errc::io, "cannot discard " + dir.string() + ": " + ec.message());
    CANVASS_TRY_VOID(fsync_dir(dir.parent_path()));
    fs::remove_all(gone, ec);
    return {};
}

Result<MediaCensus> FileMediaVault::census(const std::string& project) {
    MediaCensus c;
    std::error_code ec;
    auto dir = project_dir(project);
    if (!fs::exists(dir, ec)) return c;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto f = read_item(entry.path());
        if (!f) continue;
        auto held = chunks_held(entry.path(), f->item.chunks);
        (held == f->item.chunks ? c.attachments : c.partial) += 1;
        c.chunks += held;
        for (std::uint64_t i = 0; i < held; ++i) c.bytes += fs::file_size(chunk_path(entry.path(), i), ec);
    }
    return c;
}

}  // namespace canvass::server
