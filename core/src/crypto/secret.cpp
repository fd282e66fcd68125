#include "crypto/secret.hpp"

#include <sodium.h>

#include <algorithm>

#include "crypto/random.hpp"

namespace canvass::crypto {

void wipe(std::span<std::uint8_t> bytes) noexcept {
    if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
}

bool constant_time_equal(std::span<const std::uint8_t> a,
                         std::span<const std::uint8_t> b) noexcept {
    if (a.size() != b.size()) return false;
    if (a.empty()) return true;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBytes::SecretBytes(std::size_t n)
    : data_(n ? std::make_unique<std::uint8_t[]>(n) : nullptr), size_(n) {}

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes) : SecretBytes(bytes.size()) {
    std::copy(bytes.begin(), bytes.end(), data_.get());
}

SecretBytes::~SecretBytes() {
    release();
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept
    : data_(std::move(other.data_)), size_(other.size_) {
    other.size_ = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        release();
        data_ = std::move(other.data_);
        size_ = other.size_;
        other.size_ = 0;
    }
    return *this;
}

SecretBytes SecretBytes::random(std::size_t n) {
    SecretBytes s(n);
    random_bytes(s.span());
    return s;
}

void SecretBytes::release() noexcept {
    if (data_) sodium_memzero(data_.get(), size_);
    data_.reset();
    size_ = 0;
}

}  // namespace canvass::crypto
