#include "store/keyring.hpp"

#include <algorithm>
#include <stdexcept>

#include "crypto/hash.hpp"
#include "crypto/kdf.hpp"

namespace canvass::store {

merge::DeviceId device_id_of(const crypto::SigningPublicKey& pk) {
    crypto::Blake2b h;
    h.update("canvass device id");
    h.update(pk);
    auto digest = h.finish();
    merge::DeviceId id;
    std::copy_n(digest.begin(), id.size(), id.begin());
    return id;
}

DeviceKeys generate_device_keys() {
    DeviceKeys k{crypto::generate_signing_key(), crypto::generate_dh_key(), {}};
    k.id = device_id_of(k.signing.public_key);
    return k;
}

crypto::DhKeyPair epoch_recovery_key(const DeviceKeys& keys) {
    crypto::SecretBytes seed(keys.signing.secret_key.span().first(32));
    return crypto::dh_key_from_secret(crypto::derive_subkey(seed, 1, "epochrec"));
}

crypto::SecretBytes serialize_device_secrets(const DeviceKeys& keys) {
    crypto::SecretBytes out(keys.signing.secret_key.size() + keys.transport.secret_key.size());
    std::copy(keys.signing.secret_key.data(),
              keys.signing.secret_key.data() + keys.signing.secret_key.size(), out.data());
    std::copy(keys.transport.secret_key.data(),
              keys.transport.secret_key.data() + keys.transport.secret_key.size(),
              out.data() + keys.signing.secret_key.size());
    return out;
}

Result<DeviceKeys> parse_device_secrets(const crypto::SecretBytes& bytes) {
    if (bytes.size() != 96) {
        return unexpected(Domain::store, errc::corrupt, "the device keys in the store are damaged");
    }
    try {
        DeviceKeys k{crypto::signing_key_from_secret(crypto::SecretBytes(bytes.span().first(64))),
                     crypto::dh_key_from_secret(crypto::SecretBytes(bytes.span().subspan(64))),
                     {}};
        k.id = device_id_of(k.signing.public_key);
        return k;
    } catch (const std::invalid_argument&) {
        return unexpected(Domain::store, errc::corrupt, "the device keys in the store are damaged");
    }
}

}  // namespace canvass::store
