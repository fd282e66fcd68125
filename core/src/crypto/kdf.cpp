#include "crypto/kdf.hpp"

#include <sodium.h>

#include <stdexcept>

#include "crypto/hash.hpp"

namespace canvass::crypto {

static_assert(crypto_kdf_KEYBYTES == 32 && crypto_kdf_CONTEXTBYTES == 8);

SecretBytes derive_subkey(const SecretBytes& key32, std::uint64_t subkey_id,
                          std::string_view context8) {
    ensure_initialized();
    if (key32.size() != crypto_kdf_KEYBYTES)
        throw std::invalid_argument("KDF master key must be 32 bytes");
    if (context8.size() != crypto_kdf_CONTEXTBYTES)
        throw std::invalid_argument("KDF context must be exactly 8 characters");
    char context[crypto_kdf_CONTEXTBYTES];
    context8.copy(context, sizeof context);
    SecretBytes subkey(32);
    crypto_kdf_derive_from_key(subkey.data(), subkey.size(), subkey_id, context, key32.data());
    return subkey;
}

}  // namespace canvass::crypto
