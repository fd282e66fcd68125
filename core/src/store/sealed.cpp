#include "store/sealed.hpp"

#include <algorithm>

#include "crypto/aead.hpp"
#include "crypto/kdf.hpp"

namespace canvass::store {

namespace {
std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
}  // namespace

Sealer::Sealer(crypto::SecretBytes store_key) {
    for (std::uint64_t i = 0; i < kSealPurposes; ++i)
        keys_[i] = crypto::derive_subkey(store_key, i + 1, "cnvstore");
}

const crypto::SecretBytes& Sealer::key(Purpose p) const {
    return keys_[static_cast<std::uint64_t>(p) - 1];
}

std::vector<std::uint8_t> Sealer::seal(Purpose purpose, std::span<const std::uint8_t> row,
                                       std::span<const std::uint8_t> plaintext) const {
    auto nonce = crypto::random_xnonce();
    auto ct = crypto::xchacha_encrypt(key(purpose), nonce, plaintext, row);
    // Sized once, then filled: growing a vector built from the 24-byte nonce makes g++ 12
    // see a copy past the nonce (-Warray-bounds), and it reallocates for nothing.
    std::vector<std::uint8_t> out(nonce.size() + ct.size());
    auto rest = std::copy(nonce.begin(), nonce.end(), out.begin());
    std::copy(ct.begin(), ct.end(), rest);
    return out;
}

std::vector<std::uint8_t> Sealer::seal(Purpose purpose, std::string_view row,
                                       std::string_view plaintext) const {
    return seal(purpose, bytes_of(row), bytes_of(plaintext));
}

crypto::Hash Sealer::mac(Purpose purpose, std::string_view data) const {
    return crypto::blake2b_256_keyed(key(purpose).span(), bytes_of(data));
}

Result<std::vector<std::uint8_t>> Sealer::open(Purpose purpose, std::span<const std::uint8_t> row,
                                               std::span<const std::uint8_t> blob,
                                               std::string_view what) const {
    crypto::XNonce nonce;
    if (blob.size() < nonce.size()) {
        return unexpected(Domain::store, errc::corrupt, std::string(what) + " is damaged");
    }
    std::copy_n(blob.begin(), nonce.size(), nonce.begin());
    auto plain = crypto::xchacha_decrypt(key(purpose), nonce, blob.subspan(nonce.size()), row);
    if (!plain) return unexpected(Domain::store, errc::corrupt, std::string(what) + " is damaged");
    return std::move(plain).value();
}

Result<std::string> Sealer::open_text(Purpose purpose, std::string_view row,
                                      std::span<const std::uint8_t> blob,
                                      std::string_view what) const {
    CANVASS_TRY(auto plain, open(purpose, bytes_of(row), blob, what));
    return std::string(plain.begin(), plain.end());
}

}  // namespace canvass::store
