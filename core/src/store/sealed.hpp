// Encryption at rest inside the device store. Every secret row (record states, drafts, forms,
// epoch keys, device keys) is sealed with XChaCha20-Poly1305 under a subkey of the store key
// for its purpose; the associated data names the row (the record id, the form id and
// version...), so a blob copied into another row does not open.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"

namespace canvass::store {

enum class Purpose : std::uint64_t {
    device_keys = 1,
    epoch_key = 2,
    form = 3,
    record = 4,
    draft = 5,
    import_key = 6,     // MACs of bulk import keys (store/bulk_import.hpp)
    attachment = 7,     // attachment bytes (secretstream) and their outbox rows (docs/media.md)
    attachment_id = 8,  // MACs naming attachment rows without their BLAKE2b in clear
    profile = 9,        // what names the person using the device: its enrolled label
};
inline constexpr std::uint64_t kSealPurposes = 9;

class Sealer {
  public:
    explicit Sealer(crypto::SecretBytes store_key);

    // nonce (24 bytes) || ciphertext of `plaintext`, bound to `purpose` and `row`.
    std::vector<std::uint8_t> seal(Purpose purpose, std::span<const std::uint8_t> row,
                                   std::span<const std::uint8_t> plaintext) const;
    std::vector<std::uint8_t> seal(Purpose purpose, std::string_view row,
                                   std::string_view plaintext) const;
    // The plaintext, or Error{store, corrupt} naming `what` if the blob was altered, moved
    // to another row or sealed under another store key.
    Result<std::vector<std::uint8_t>> open(Purpose purpose, std::span<const std::uint8_t> row,
                                           std::span<const std::uint8_t> blob,
                                           std::string_view what) const;
    Result<std::string> open_text(Purpose purpose, std::string_view row,
                                  std::span<const std::uint8_t> blob, std::string_view what) const;

    // A keyed BLAKE2b-256 of `data` under the subkey for `purpose`: a value that can be
    // looked up in clear without revealing `data` to anyone lacking the store key.
    crypto::Hash mac(Purpose purpose, std::string_view data) const;
    // The subkey for `purpose` itself, for a stream cipher that takes a raw key (attachments).
    const crypto::SecretBytes& subkey(Purpose purpose) const { return key(purpose); }

  private:
    const crypto::SecretBytes& key(Purpose p) const;
    crypto::SecretBytes keys_[kSealPurposes];
};

}  // namespace canvass::store
