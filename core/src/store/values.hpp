// The values of a changeset: one XChaCha20-Poly1305 ciphertext per changeset under a key
// derived from the author's epoch key and the seq, with the encoded header as associated
// data, so a ciphertext cannot be moved to another changeset, device, record or path.
// The plaintext is a JSON array holding one entry per op: the answer for a set op (null
// clears it), null for delete and keep ops.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/secret.hpp"
#include "merge/changeset.hpp"

namespace canvass::store {

// Encrypts `values` (one per op of `header`, JSON texts) for `header`, whose nonce and epoch
// must already be set.
std::vector<std::uint8_t> encrypt_values(const crypto::SecretBytes& epoch_key,
                                         const merge::ChangesetHeader& header,
                                         const std::vector<std::optional<std::string>>& values);

// The values of `cs`, one per op (nullopt for delete and keep ops). Error{crypto, corrupt}
// if the ciphertext does not open with this epoch key or does not hold one value per op.
Result<std::vector<std::optional<std::string>>> decrypt_values(const crypto::SecretBytes& epoch_key,
                                                               const merge::Changeset& cs);

}  // namespace canvass::store
