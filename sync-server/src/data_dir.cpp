#include "data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/hash.hpp"

namespace canvass::server {
namespace {

namespace fs = std::filesystem;

Error io_error(const fs::path& p, const std::string& what) {
    return Error{Domain::store, errc::io, what + " " + p.string() + ": " + std::strerror(errno)};
}

// Writes `bytes` to a new file readable by the owner only; refuses to overwrite.
Result<void> write_private_file(const fs::path& p, std::span<const std::uint8_t> bytes) {
    int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return unexpected(io_error(p, "cannot create"));
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok) return unexpected(io_error(p, "cannot write"));
    return {};
}

}  // namespace

Result<crypto::DhPublicKey> init_data_dir(const fs::path& dir) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        fs::create_directories(dir, ec);
        if (ec) return unexpected(Domain::store, errc::io, "cannot create " + dir.string() + ": " + ec.message());
        fs::permissions(dir, fs::perms::owner_all, ec);
    }
    if (fs::exists(dir / "server.key", ec))
        return unexpected(Domain::store, errc::already_exists,
                          dir.string() + " is already initialized (server.key exists); refusing to replace the "
                                         "key that enrolled devices trust");
    auto key = crypto::generate_dh_key();
    CANVASS_TRY_VOID(write_private_file(dir / "server.key", key.secret_key.span()));
    {
        std::ofstream pub(dir / "server.pub");
        pub << crypto::to_hex(key.public_key) << "\n";
        if (!pub) return unexpected(io_error(dir / "server.pub", "cannot write"));
    }
    CANVASS_TRY(auto store, open_sqlite_store((dir / "server.db").string(), true));
    return key.public_key;
}

Result<crypto::DhKeyPair> load_server_key(const fs::path& dir) {
    auto p = dir / "server.key";
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return unexpected(Domain::store, errc::not_found,
                              "no server key in " + dir.string() + "; run: canvass-server --data " + dir.string() + " init");
        return unexpected(io_error(p, "cannot open"));
    }
    struct stat st{};
    ::fstat(fd, &st);
    crypto::SecretBytes secret(32);
    ssize_t n = ::read(fd, secret.data(), 32);
    char extra;
    ssize_t more = ::read(fd, &extra, 1);
    ::close(fd);
    if (n != 32 || more != 0)
        return unexpected(Domain::store, errc::corrupt, p.string() + " is not a 32-byte server key");
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        return unexpected(Domain::store, errc::permission_denied,
                          p.string() + " is readable by other users; run: chmod 600 " + p.string());
    return crypto::dh_key_from_secret(std::move(secret));
}

Result<std::unique_ptr<ServerStore>> open_data_store(const fs::path& dir, Access access) {
    std::error_code ec;
    if (!fs::exists(dir / "server.db", ec))
        return unexpected(Domain::store, errc::not_found,
                          dir.string() + " is not a canvass-server data directory; run: canvass-server --data " +
                              dir.string() + " init");
    if (access == Access::read_only) return open_sqlite_store_read_only((dir / "server.db").string());
    return open_sqlite_store((dir / "server.db").string(), false);
}

}  // namespace canvass::server
