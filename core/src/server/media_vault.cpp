#include "server/media_vault.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <tuple>

#include "crypto/attachment_crypto.hpp"
#include "crypto/hash.hpp"
#include "server/io_error.hpp"

namespace canvass::server {
namespace {

namespace fs = std::filesystem;

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
    if (::rename(tmp.c_str(), path.c_str()) != 0)
        return unexpected(io_error(path, "cannot rename into"));
    return fsync_dir(path.parent_path());
}

Result<void> make_dirs(const fs::path& dir) {
    std::error_code ec;
    if (fs::exists(dir, ec)) return {};
    fs::create_directories(dir, ec);
    if (ec)
        return unexpected(Domain::store, errc::io,
                          "cannot create " + dir.string() + ": " + ec.message());
    fs::permissions(dir, fs::perms::owner_all, ec);
    return fsync_dir(dir.parent_path());
}

// Every chunk but the last has the same sealed length, so chunk i lies at i * slot.
constexpr std::uint64_t slot = crypto::attachment_chunk_bytes + crypto::sync_chunk_overhead;

fs::path chunks_path(const fs::path& dir) {
    return dir / "chunks";
}

std::optional<sync::MediaItem> read_item(const fs::path& dir) {
    std::ifstream in(dir / "item");
    std::string author_hex, root_hex, signature_hex;
    sync::MediaItem item;
    if (!(in >> author_hex >> item.size >> item.chunks >> root_hex >> signature_hex))
        return std::nullopt;
    if (!crypto::from_hex(author_hex, item.author) || !crypto::from_hex(root_hex, item.root) ||
        !crypto::from_hex(signature_hex, item.signature))
        return std::nullopt;
    if (!crypto::from_hex(dir.filename().string(), item.id)) return std::nullopt;
    return item;
}

// Chunks are written in order, so those held are the whole slots the file holds.
std::uint64_t chunks_held(const fs::path& dir, const sync::MediaItem& item) {
    std::error_code ec;
    const auto bytes = fs::file_size(chunks_path(dir), ec);
    if (ec) return 0;
    const std::uint64_t last_end =
        (item.chunks - 1) * slot + sync::sealed_chunk_bytes(item, item.chunks - 1);
    if (bytes >= last_end) return item.chunks;
    return std::min<std::uint64_t>(bytes / slot, item.chunks - 1);
}

}  // namespace

fs::path FileMediaVault::project_dir(const std::string& project) const {
    auto h = crypto::blake2b_256(project);
    return root_ / crypto::to_hex(std::span<const std::uint8_t>(h).first(16));
}

fs::path FileMediaVault::item_dir(const std::string& project, const sync::MediaId& id) const {
    return project_dir(project) / crypto::to_hex(id.author) / crypto::to_hex(id.id);
}

void FileMediaVault::for_each_item(const std::string& project,
                                   const std::optional<merge::DeviceId>& author,
                                   const std::function<void(const fs::path&)>& fn) const {
    auto items_of = [&fn](const fs::path& author_dir) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(author_dir, ec))
            if (entry.is_directory(ec)) fn(entry.path());
    };
    const auto dir = project_dir(project);
    if (author) return items_of(dir / crypto::to_hex(*author));
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_directory(ec)) items_of(entry.path());
}

Result<void> FileMediaVault::upgrade_layout() {
    constexpr std::size_t id_digits = 2 * std::tuple_size_v<crypto::Hash>;
    // An item's folder is named by its id (64 hex digits), an author's by 32.
    std::vector<fs::path> old;
    std::error_code ec;
    for (const auto& project : fs::directory_iterator(root_, ec))
        for (const auto& entry : fs::directory_iterator(project.path(), ec)) {
            crypto::Hash id{};
            const auto name = entry.path().filename().string();
            if (name.size() == id_digits && crypto::from_hex(name, id)) old.push_back(entry.path());
        }
    for (const auto& dir : old) {
        auto item = read_item(dir);
        if (!item) {  // never registered: a crash between its folder and its item file
            fs::remove_all(dir, ec);
            continue;
        }
        const auto author_dir = dir.parent_path() / crypto::to_hex(item->author);
        CANVASS_TRY_VOID(make_dirs(author_dir));
        fs::rename(dir, author_dir / dir.filename(), ec);
        if (ec)
            return unexpected(Domain::store, errc::io,
                              "cannot move " + dir.string() + ": " + ec.message());
        CANVASS_TRY_VOID(fsync_dir(author_dir));
        CANVASS_TRY_VOID(fsync_dir(dir.parent_path()));
    }
    return {};
}

Result<std::optional<sync::MediaVault::Held>> FileMediaVault::find(const std::string& project,
                                                                   const sync::MediaId& id) {
    auto dir = item_dir(project, id);
    std::error_code ec;
    if (!fs::exists(dir / "item", ec)) return std::optional<Held>();
    auto f = read_item(dir);
    if (!f || f->author != id.author)
        return unexpected(Domain::store, errc::corrupt, (dir / "item").string() + " is damaged");
    return std::optional<Held>(Held{*f, chunks_held(dir, *f)});
}

Result<void> FileMediaVault::open(const std::string& project, const sync::MediaItem& item) {
    auto dir = item_dir(project, item.media_id());
    std::error_code ec;
    if (fs::exists(dir / "item", ec)) return {};
    CANVASS_TRY_VOID(make_dirs(dir));
    std::string text = crypto::to_hex(item.author) + " " + std::to_string(item.size) + " " +
                       std::to_string(item.chunks) + " " + crypto::to_hex(item.root) + " " +
                       crypto::to_hex(item.signature) + "\n";
    return write_durably(dir / "item",
                         std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

// One write and one fdatasync per chunk (a file per chunk took a file, a rename and two
// fsyncs): the chunk is durable when this returns. A crash may leave the file longer than
// what was written; the torn chunk is found when the attachment is whole, since its chunks
// then do not hash to the root its author signed, and it is discarded and sent again.
Result<void> FileMediaVault::put(const std::string& project, const sync::MediaId& id,
                                 std::uint64_t index, std::span<const std::uint8_t> data) {
    const auto dir = item_dir(project, id);
    const auto path = chunks_path(dir);
    std::error_code ec;
    const bool created = !fs::exists(path, ec);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(io_error(path, "cannot open"));
    std::size_t done = 0;
    const auto at = static_cast<off_t>(index * slot);
    while (done < data.size()) {
        ssize_t n =
            ::pwrite(fd, data.data() + done, data.size() - done, at + static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            auto e = io_error(path, errno == ENOSPC ? "the disk is full writing" : "cannot write");
            if (errno == ENOSPC) e.code = errc::disk_full;
            ::close(fd);
            return unexpected(std::move(e));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fdatasync(fd) != 0) {
        auto e = io_error(path, "cannot sync");
        ::close(fd);
        return unexpected(std::move(e));
    }
    ::close(fd);
    return created ? fsync_dir(dir) : Result<void>{};
}

Result<sync::Bytes> FileMediaVault::get(const std::string& project, const sync::MediaId& id,
                                        std::uint64_t index) {
    const auto dir = item_dir(project, id);
    auto f = read_item(dir);
    if (!f || index >= f->chunks)
        return unexpected(Domain::store, errc::not_found, "no such attachment chunk");
    const auto path = chunks_path(dir);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return unexpected(io_error(path, "cannot read"));
    sync::Bytes out(sync::sealed_chunk_bytes(*f, index));
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(fd, out.data() + done, out.size() - done,
                            static_cast<off_t>(index * slot + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (done != out.size())
        return unexpected(Domain::store, errc::corrupt,
                          path.string() + " is shorter than its chunks");
    return out;
}

Result<std::uint64_t> FileMediaVault::device_bytes(const std::string& project,
                                                   const merge::DeviceId& author) {
    std::uint64_t total = 0;
    for_each_item(project, author, [&](const fs::path& dir) {
        auto f = read_item(dir);
        if (f && f->author == author) total += f->size;
    });
    return total;
}

Result<std::vector<sync::MediaItem>> FileMediaVault::complete(const std::string& project) {
    std::vector<sync::MediaItem> out;
    for_each_item(project, std::nullopt, [&](const fs::path& dir) {
        auto f = read_item(dir);
        if (f && chunks_held(dir, *f) == f->chunks) out.push_back(*f);
    });
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        return std::tie(a.id, a.author) < std::tie(b.id, b.author);
    });
    return out;
}

Result<void> FileMediaVault::discard(const std::string& project, const sync::MediaId& id) {
    // Renamed away first, so that a crash while removing leaves no item half there.
    auto dir = item_dir(project, id);
    auto gone = dir;
    gone += ".discarded";
    std::error_code ec;
    fs::remove_all(gone, ec);
    if (!fs::exists(dir, ec)) return {};
    fs::rename(dir, gone, ec);
    if (ec)
        return unexpected(Domain::store, errc::io,
                          "cannot discard " + dir.string() + ": " + ec.message());
    CANVASS_TRY_VOID(fsync_dir(dir.parent_path()));
    fs::remove_all(gone, ec);
    return {};
}

Result<MediaCensus> FileMediaVault::census(const std::string& project) {
    MediaCensus c;
    for_each_item(project, std::nullopt, [&](const fs::path& dir) {
        auto f = read_item(dir);
        if (!f) return;
        auto held = chunks_held(dir, *f);
        (held == f->chunks ? c.attachments : c.partial) += 1;
        c.chunks += held;
        for (std::uint64_t i = 0; i < held; ++i) c.bytes += sync::sealed_chunk_bytes(*f, i);
    });
    return c;
}

}  // namespace canvass::server
