#include "server/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/hash.hpp"
#include "server/io_error.hpp"
#include "server/pg_connection.hpp"
#include "server/pg_store.hpp"

namespace canvass::server {
namespace {

namespace fs = std::filesystem;

// Writes `bytes` to a new file readable by the owner only; refuses to overwrite.
Result<void> write_private_file(const fs::path& p, std::span<const std::uint8_t> bytes) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(io_error(p, "cannot create"));
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
              ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return unexpected(io_error(p, "cannot write"));
    return {};
}

}  // namespace

Result<std::string> database_url(const DataDir& data) {
    if (!data.database.empty()) return data.database;
    std::ifstream in(data.dir / "database");
    if (!in) return std::string();
    std::string url;
    std::getline(in, url);
    while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
    if (!pg::is_postgres_url(url))
        return unexpected(Domain::store, errc::corrupt,
                          (data.dir / "database").string() + " does not hold a postgresql:// URL");
    return url;
}

Result<crypto::DhPublicKey> init_data_dir(const DataDir& data) {
    const auto& dir = data.dir;
    if (!data.database.empty() && !pg::is_postgres_url(data.database))
        return unexpected(
            Domain::store, errc::invalid_argument,
            "--database takes a postgresql://USER@HOST:PORT/DB URL, not \"" + data.database + "\"");
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec)
            return unexpected(Domain::store, errc::io,
                              "cannot create " + dir.string() + ": " + ec.message());
        fs::permissions(dir, fs::perms::owner_all, ec);
    }
    if (fs::exists(dir / "server.key", ec))
        return unexpected(
            Domain::store, errc::already_exists,
            dir.string() +
                " is already initialized (server.key exists); refusing to replace the "
                "key that enrolled devices trust");
    auto key = crypto::generate_dh_key();
    CANVASS_TRY_VOID(write_private_file(dir / "server.key", key.secret_key.span()));
    {
        std::ofstream pub(dir / "server.pub");
        pub << crypto::to_hex(key.public_key) << "\n";
        if (!pub) return unexpected(io_error(dir / "server.pub", "cannot write"));
    }
    if (data.database.empty()) {
        CANVASS_TRY(auto store, open_sqlite_store((dir / "server.db").string(), true));
        (void)store;
    } else {
        CANVASS_TRY(auto store, open_postgres_store(data.database));
        (void)store;
        std::string line = data.database + "\n";
        CANVASS_TRY_VOID(write_private_file(
            dir / "database",
            std::span(reinterpret_cast<const std::uint8_t*>(line.data()), line.size())));
    }
    return key.public_key;
}

Result<crypto::DhKeyPair> load_server_key(const fs::path& dir) {
    auto p = dir / "server.key";
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return unexpected(Domain::store, errc::not_found,
                              "no server key in " + dir.string() + "; run: canvass-server --data " +
                                  dir.string() + " init");
        return unexpected(io_error(p, "cannot open"));
    }
    struct stat st {};
    ::fstat(fd, &st);
    crypto::SecretBytes secret(32);
    ssize_t n = ::read(fd, secret.data(), 32);
    char extra;
    ssize_t more = ::read(fd, &extra, 1);
    ::close(fd);
    if (n != 32 || more != 0)
        return unexpected(Domain::store, errc::corrupt,
                          p.string() + " is not a 32-byte server key");
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return unexpected(Domain::store, errc::permission_denied,
                          p.string() + " is readable by other users; run: chmod 600 " + p.string());
    return crypto::dh_key_from_secret(std::move(secret));
}

Result<std::unique_ptr<ServerStore>> open_data_store(const DataDir& data, Access access) {
    const auto& dir = data.dir;
    CANVASS_TRY(auto url, database_url(data));
    if (!url.empty()) return open_postgres_store(url, access == Access::read_write);
    std::error_code ec;
    if (!fs::exists(dir / "server.db", ec))
        return unexpected(
            Domain::store, errc::not_found,
            dir.string() + " is not a canvass-server data directory; run: canvass-server --data " +
                dir.string() + " init");
    if (access == Access::read_only)
        return open_sqlite_store_read_only((dir / "server.db").string());
    return open_sqlite_store((dir / "server.db").string(), false);
}

}  // namespace canvass::server
