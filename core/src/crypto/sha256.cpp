#include "crypto/sha256.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstddef>

#include "crypto/bytes.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"

namespace canvass::crypto {

static_assert(crypto_hash_sha256_BYTES == 32 && crypto_auth_hmacsha256_BYTES == 32);

namespace {

// Noise's HKDF outputs: each is HMAC(temp_key, previous output || counter byte).
template <std::size_t N>
std::array<Sha256, N> hkdf(const Sha256& chaining_key, std::span<const std::uint8_t> ikm) {
    Sha256 temp_key = hmac_sha256(chaining_key, ikm);
    std::array<Sha256, N> out;
    std::array<std::uint8_t, 33> input{};
    std::size_t input_len = 0;
    for (std::size_t i = 0; i < N; ++i) {
        if (i > 0) {
            std::copy(out[i - 1].begin(), out[i - 1].end(), input.begin());
            input_len = 32;
        }
        input[input_len] = static_cast<std::uint8_t>(i + 1);
        out[i] = hmac_sha256(temp_key, std::span(input).first(input_len + 1));
    }
    wipe(temp_key);
    wipe(input);
    return out;
}

}  // namespace

Sha256 sha256(std::span<const std::uint8_t> data) {
    ensure_initialized();
    Sha256 h;
    crypto_hash_sha256(h.data(), detail::in(data), data.size());
    return h;
}

Sha256 hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    ensure_initialized();
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, detail::in(key), key.size());
    crypto_auth_hmacsha256_update(&state, detail::in(data), data.size());
    Sha256 mac;
    crypto_auth_hmacsha256_final(&state, mac.data());
    sodium_memzero(&state, sizeof state);
    return mac;
}

std::array<Sha256, 2> hkdf2(const Sha256& chaining_key,
                            std::span<const std::uint8_t> input_key_material) {
    return hkdf<2>(chaining_key, input_key_material);
}

std::array<Sha256, 3> hkdf3(const Sha256& chaining_key,
                            std::span<const std::uint8_t> input_key_material) {
    return hkdf<3>(chaining_key, input_key_material);
}

}  // namespace canvass::crypto
