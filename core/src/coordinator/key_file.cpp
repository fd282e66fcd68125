#include "coordinator/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "crypto/hash.hpp"
#include "form/json_text.hpp"
#include "store/recipients.hpp"

namespace canvass::coordinator {

using nlohmann::json;

namespace {

constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;  // a real one is about 300 bytes

Unexpected<Error> damaged(const std::string& path, const std::string& why) {
    return unexpected(Domain::crypto, errc::corrupt,
                      path + ": not a usable coordinator key file (" + why + ")");
}

Result<json> read_key_json(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return unexpected(Domain::core, errc::io,
                          "cannot read coordinator key " + path + ": " + std::strerror(errno));
    }
    std::string text(kMaxKeyFileBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxKeyFileBytes) return damaged(path, "too large");
    auto j = form::parse_json(text, {kMaxKeyFileBytes, 4});
    if (!j) return damaged(path, j.error().message);
    if (!j->is_object() || j->value("format", "") != kKeyFileFormat) {
        return damaged(path, "it does not say \"format\": \"" + std::string(kKeyFileFormat) + "\"");
    }
    auto version = j->value("version", 0);
    if (version != kKeyFileVersion) {
        return unexpected(Domain::crypto, errc::unsupported,
                          path + ": coordinator key file version " + std::to_string(version) +
                              " is not supported by this canvass (it reads version " +
                              std::to_string(kKeyFileVersion) + ")");
    }
    return std::move(j).value();
}

Result<crypto::DhPublicKey> public_key_of(const json& j, const std::string& path) {
    crypto::DhPublicKey pk{};
    auto it = j.find("public_key");
    if (it == j.end() || !it->is_string() || !crypto::from_hex(it->get<std::string>(), pk)) {
        return damaged(path, "\"public_key\" is not 64 hex digits");
    }
    return pk;
}

// Writes `bytes` to a new file at `path` with mode 0600, durably. Never replaces a file.
Result<void> write_new_private_file(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return unexpected(Domain::core, errc::already_exists,
                              path +
                                  " already exists: a key file is never overwritten "
                                  "(choose another --out, or move the old key away first)");
        }
        return unexpected(Domain::core, errc::io,
                          "cannot create " + path + ": " + std::strerror(errno));
    }
    auto fail = [&](const char* what) {
        int e = errno;
        ::close(fd);
        ::unlink(path.c_str());
        return unexpected(Domain::core, errc::io,
                          std::string("cannot ") + what + " " + path + ": " + std::strerror(e));
    };
    ::fchmod(fd, 0600);  // the umask may only have narrowed it; make it exact
    std::size_t done = 0;
    while (done < bytes.size()) {
        auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return fail("write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail("sync");
    if (::close(fd) != 0) {
        int e = errno;
        ::unlink(path.c_str());
        return unexpected(Domain::core, errc::io, "cannot write " + path + ": " + std::strerror(e));
    }
    return {};
}

}  // namespace

std::string recipient_text(const crypto::DhPublicKey& key) {
    return crypto::to_hex(key);
}

Result<crypto::DhPublicKey> create_key_file(const std::string& path, const std::string& passphrase,
                                            crypto::PwhashParams params) {
    auto pair = crypto::generate_dh_key();
    auto blob = crypto::wrap_with_passphrase(pair.secret_key, passphrase, params);
    json doc{
        {"format", kKeyFileFormat},
        {"version", kKeyFileVersion},
        {"public_key", recipient_text(pair.public_key)},
        {"signing_key", crypto::to_hex(store::coordinator_signing_key(pair.secret_key).public_key)},
        {"secret", crypto::to_hex(blob)}};
    CANVASS_TRY_VOID(write_new_private_file(path, doc.dump(2) + "\n"));
    return pair.public_key;
}

Result<crypto::DhPublicKey> read_public_key(const std::string& path) {
    CANVASS_TRY(auto j, read_key_json(path));
    return public_key_of(j, path);
}

Result<std::optional<crypto::SigningPublicKey>> read_signing_key(const std::string& path) {
    CANVASS_TRY(auto j, read_key_json(path));
    auto it = j.find("signing_key");
    if (it == j.end()) return std::optional<crypto::SigningPublicKey>();
    crypto::SigningPublicKey pk{};
    if (!it->is_string() || !crypto::from_hex(it->get<std::string>(), pk))
        return damaged(path, "\"signing_key\" is not 64 hex digits");
    return std::optional<crypto::SigningPublicKey>(pk);
}

Result<crypto::DhKeyPair> open_key_file(const std::string& path, const std::string& passphrase) {
    CANVASS_TRY(auto j, read_key_json(path));
    CANVASS_TRY(auto pk, public_key_of(j, path));
    auto secret = j.find("secret");
    std::vector<std::uint8_t> blob;
    if (secret != j.end() && secret->is_string()) {
        const auto& hex = secret->get_ref<const std::string&>();
        blob.resize(hex.size() / 2);
        if (hex.size() % 2 != 0 || !crypto::from_hex(hex, blob)) blob.clear();
    }
    if (blob.empty()) return damaged(path, "\"secret\" is not hex");
    auto sk = crypto::unwrap_with_passphrase(blob, passphrase);
    if (!sk) {
        auto e = std::move(sk).error();
        if (e.code == errc::wrong_key) {
            e.message = "wrong passphrase for coordinator key " + path;
        } else {
            e.message = path + ": " + e.message;
        }
        return unexpected(std::move(e));
    }
    if (sk->size() != 32) return damaged(path, "the secret is not an X25519 key");
    auto pair = crypto::dh_key_from_secret(std::move(sk).value());
    if (pair.public_key != pk) return damaged(path, "the secret does not match the public key");
    CANVASS_TRY(auto signing, read_signing_key(path));
    if (signing && *signing != store::coordinator_signing_key(pair.secret_key).public_key)
        return damaged(path, "the secret does not match the signing key");
    return pair;
}

}  // namespace canvass::coordinator
