// Owning buffers for secret bytes: keys, passphrase-derived keys, decrypted secrets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

namespace canvass::crypto {

// Overwrites `bytes` with zeros in a way the compiler may not optimize away. For secrets
// that live in plain arrays outside SecretBytes (Noise chaining keys, DH outputs).
void wipe(std::span<std::uint8_t> bytes) noexcept;

// Compares two byte strings in time independent of their contents (not of their lengths,
// which are never secret here). False if the lengths differ.
bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

// A move-only heap buffer of secret bytes whose size is fixed at construction.
//
// The bytes are overwritten with zeros (sodium_memzero) when the buffer is destroyed or
// assigned over. Moving transfers the buffer itself, so no second copy of the secret is
// ever made; the moved-from object is left empty (size 0, data() == nullptr).
// Plain heap memory rather than sodium_malloc: the latter costs several pages and system
// calls per allocation, and the store derives a fresh subkey for every saved changeset.
class SecretBytes {
  public:
    SecretBytes() noexcept = default;
    // `n` zero bytes, to be filled in place through data() or span().
    explicit SecretBytes(std::size_t n);
    // A copy of `bytes`; the caller remains responsible for wiping its own copy.
    explicit SecretBytes(std::span<const std::uint8_t> bytes);
    ~SecretBytes();

    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;

    // `n` bytes from the operating system's CSPRNG.
    static SecretBytes random(std::size_t n);

    // An explicit copy, for the rare place that must keep two owners of one secret.
    SecretBytes clone() const { return SecretBytes(span()); }

    std::uint8_t* data() noexcept { return data_.get(); }
    const std::uint8_t* data() const noexcept { return data_.get(); }
    std::size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    std::span<std::uint8_t> span() noexcept { return {data_.get(), size_}; }
    std::span<const std::uint8_t> span() const noexcept { return {data_.get(), size_}; }

  private:
    void release() noexcept;  // wipes and frees the buffer, leaves *this empty

    std::unique_ptr<std::uint8_t[]> data_;
    std::size_t size_ = 0;
};

// Constant-time equality of two secrets (same contract as constant_time_equal).
inline bool constant_time_equal(const SecretBytes& a, const SecretBytes& b) noexcept {
    return constant_time_equal(a.span(), b.span());
}

}  // namespace canvass::crypto
