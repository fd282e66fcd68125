// Subkeys from a master key (crypto_kdf, BLAKE2b): one changeset key per (epoch key, seq),
// separate keys per purpose under the store key (DESIGN.md 3, 4).
#pragma once

#include <cstdint>
#include <string_view>

#include "crypto/secret.hpp"

namespace canvass::crypto {

// The 32-byte subkey number `subkey_id` of `key32` for the purpose named by `context8`.
// Different ids or contexts give independent keys; the same inputs always give the same key.
// `context8` must be exactly 8 characters (for example "chngset1"); it names a purpose, it is
// not secret. Throws std::invalid_argument if the key is not 32 bytes or the context is not 8.
SecretBytes derive_subkey(const SecretBytes& key32, std::uint64_t subkey_id,
                          std::string_view context8);

}  // namespace canvass::crypto
