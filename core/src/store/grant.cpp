#include "store/grant.hpp"
#include "util/bytes.hpp"

#include <algorithm>
#include <string_view>

namespace canvass::store {

namespace {
constexpr std::string_view grant_tag = "canvass epoch grant v1";
constexpr std::size_t sealed_size = 32 + crypto::sealed_overhead;
constexpr std::size_t encoded_size = 16 + 16 + 32 + 64 + sealed_size;

using util::append;
}  // namespace

std::vector<std::uint8_t> grant_signing_bytes(const EpochGrant& g) {
    std::vector<std::uint8_t> out(grant_tag.begin(), grant_tag.end());
    append(out, g.device);
    append(out, g.epoch);
    append(out, g.recipient);
    append(out, g.sealed);
    return out;
}

EpochGrant make_grant(const merge::DeviceId& device, const EpochId& epoch,
                      const crypto::SecretBytes& epoch_key, const crypto::DhPublicKey& recipient,
                      const crypto::SecretBytes& signing_secret) {
    EpochGrant g{device, epoch, recipient, crypto::seal(epoch_key.span(), recipient), {}};
    g.signature = crypto::sign(grant_signing_bytes(g), signing_secret);
    return g;
}

bool verify_grant(const EpochGrant& g, const crypto::SigningPublicKey& device_pk) {
    return g.sealed.size() == sealed_size &&
           crypto::verify(g.signature, grant_signing_bytes(g), device_pk);
}

Result<crypto::SecretBytes> open_grant(const EpochGrant& g, const crypto::DhKeyPair& recipient) {
    CANVASS_TRY(auto key, crypto::open_sealed(g.sealed, recipient));
    if (key.size() != 32) {
        return unexpected(Domain::crypto, errc::corrupt,
                          "an epoch grant holds a key of wrong size");
    }
    return key;
}

std::vector<std::uint8_t> encode_grant(const EpochGrant& g) {
    std::vector<std::uint8_t> out;
    out.reserve(encoded_size);
    append(out, g.device);
    append(out, g.epoch);
    append(out, g.recipient);
    append(out, g.signature);
    append(out, g.sealed);
    return out;
}

Result<EpochGrant> decode_grant(std::span<const std::uint8_t> bytes) {
    if (bytes.size() != encoded_size) {
        return unexpected(Domain::protocol, errc::corrupt,
                          "an epoch grant must be " + std::to_string(encoded_size) +
                              " bytes, got " + std::to_string(bytes.size()));
    }
    EpochGrant g;
    auto take = [&bytes](auto& field) {
        std::copy_n(bytes.begin(), field.size(), field.begin());
        bytes = bytes.subspan(field.size());
    };
    take(g.device);
    take(g.epoch);
    take(g.recipient);
    take(g.signature);
    g.sealed.assign(bytes.begin(), bytes.end());
    return g;
}

}  // namespace canvass::store
