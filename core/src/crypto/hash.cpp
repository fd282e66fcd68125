#include "crypto/hash.hpp"

#include <sodium.h>

#include <stdexcept>

namespace canvass::crypto {

static_assert(sizeof(crypto_generichash_state) <= 384, "Blake2b state buffer too small");

void ensure_initialized() {
    static const int rc = sodium_init();
    if (rc < 0) throw std::runtime_error("libsodium could not be initialized");
}

Hash blake2b_256(std::span<const std::uint8_t> data) {
    ensure_initialized();
    Hash h;
    crypto_generichash(h.data(), h.size(), data.data(), data.size(), nullptr, 0);
    return h;
}

Hash blake2b_256_keyed(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    ensure_initialized();
    Hash h;
    crypto_generichash(h.data(), h.size(), data.data(), data.size(), key.data(), key.size());
    return h;
}

Blake2b::Blake2b() {
    ensure_initialized();
    crypto_generichash_init(reinterpret_cast<crypto_generichash_state*>(state_), nullptr, 0, 32);
}

Blake2b::~Blake2b() {
    sodium_memzero(state_, sizeof state_);
}

void Blake2b::update(std::span<const std::uint8_t> data) {
    crypto_generichash_update(reinterpret_cast<crypto_generichash_state*>(state_), data.data(),
                              data.size());
}

Hash Blake2b::finish() {
    Hash h;
    crypto_generichash_final(reinterpret_cast<crypto_generichash_state*>(state_), h.data(),
                             h.size());
    return h;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    std::string out(bytes.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), bytes.data(), bytes.size());
    out.pop_back();
    return out;
}

bool from_hex(std::string_view hex, std::span<std::uint8_t> out) {
    if (hex.size() != out.size() * 2) return false;
    size_t len = 0;
    const char* end = nullptr;
    if (sodium_hex2bin(out.data(), out.size(), hex.data(), hex.size(), nullptr, &len, &end) != 0)
        return false;
    return len == out.size() && end == hex.data() + hex.size();
}

}  // namespace canvass::crypto
