#include "crypto/attachment_crypto.hpp"

#include <sodium.h>

#include <cstring>
#include <stdexcept>

#include "crypto/aead.hpp"
#include "crypto/bytes.hpp"

namespace canvass::crypto {

static_assert(sizeof(crypto_secretstream_xchacha20poly1305_state) <= 64);
static_assert(crypto_secretstream_xchacha20poly1305_HEADERBYTES == secretstream_header_bytes);
static_assert(crypto_secretstream_xchacha20poly1305_ABYTES == secretstream_overhead);

namespace {

auto* state_of(unsigned char* s) {
    return reinterpret_cast<crypto_secretstream_xchacha20poly1305_state*>(s);
}

void require_stream_key(const SecretBytes& key) {
    if (key.size() != crypto_secretstream_xchacha20poly1305_KEYBYTES)
        throw std::invalid_argument("attachment key must be 32 bytes");
}

Hash labelled(const SecretBytes& epoch_key, std::string_view label, const Hash& content) {
    std::vector<std::uint8_t> msg(label.begin(), label.end());
    msg.insert(msg.end(), content.begin(), content.end());
    return blake2b_256_keyed(epoch_key.span(), msg);
}

// Nonce: index (8 bytes little-endian), then 1 for the last chunk, then zeros.
XNonce sync_nonce(std::uint64_t index, bool last) {
    XNonce n{};
    for (int i = 0; i < 8; ++i) n[i] = static_cast<std::uint8_t>(index >> (8 * i));
    n[8] = last ? 1 : 0;
    return n;
}

std::vector<std::uint8_t> sync_ad(const Hash& id, std::uint64_t index, std::uint64_t chunks) {
    static constexpr std::string_view label = "canvass attachment chunk v1";
    std::vector<std::uint8_t> ad(label.begin(), label.end());
    ad.insert(ad.end(), id.begin(), id.end());
    for (std::uint64_t v : {index, chunks})
        for (int i = 0; i < 8; ++i) ad.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return ad;
}

}  // namespace

std::uint64_t attachment_chunks(std::uint64_t size) {
    return size == 0 ? 1 : (size + attachment_chunk_bytes - 1) / attachment_chunk_bytes;
}

StreamSealer::StreamSealer(const SecretBytes& key) : header_(secretstream_header_bytes) {
    ensure_initialized();
    require_stream_key(key);
    crypto_secretstream_xchacha20poly1305_init_push(state_of(state_), header_.data(), key.data());
}

StreamSealer::~StreamSealer() {
    sodium_memzero(state_, sizeof state_);
}

std::vector<std::uint8_t> StreamSealer::push(std::span<const std::uint8_t> chunk, bool last,
                                             std::span<const std::uint8_t> ad) {
    std::vector<std::uint8_t> out(chunk.size() + secretstream_overhead);
    unsigned long long written = 0;
    crypto_secretstream_xchacha20poly1305_push(
        state_of(state_), out.data(), &written, detail::in(chunk), chunk.size(), detail::in(ad),
        ad.size(),
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    out.resize(written);
    return out;
}

Result<StreamOpener> StreamOpener::open(const SecretBytes& key,
                                        std::span<const std::uint8_t> header) {
    ensure_initialized();
    require_stream_key(key);
    if (header.size() != secretstream_header_bytes)
        return unexpected(Domain::crypto, errc::corrupt,
                          "an attachment's stream header is not 24 bytes");
    StreamOpener o;
    if (crypto_secretstream_xchacha20poly1305_init_pull(state_of(o.state_), header.data(),
                                                        key.data()) != 0)
        return unexpected(Domain::crypto, errc::corrupt,
                          "an attachment's stream header does not open");
    return o;
}

StreamOpener::StreamOpener(StreamOpener&& other) noexcept {
    std::memcpy(state_, other.state_, sizeof state_);
    sodium_memzero(other.state_, sizeof other.state_);
}

StreamOpener::~StreamOpener() {
    sodium_memzero(state_, sizeof state_);
}

Result<std::vector<std::uint8_t>> StreamOpener::pull(std::span<const std::uint8_t> sealed,
                                                     bool last, std::span<const std::uint8_t> ad) {
    if (sealed.size() < secretstream_overhead)
        return unexpected(Domain::crypto, errc::corrupt,
                          "an attachment chunk is shorter than its tag");
    std::vector<std::uint8_t> out(sealed.size() - secretstream_overhead);
    unsigned long long written = 0;
    unsigned char tag = 0;
    if (crypto_secretstream_xchacha20poly1305_pull(state_of(state_), out.data(), &written, &tag,
                                                   sealed.data(), sealed.size(), detail::in(ad),
                                                   ad.size()) != 0)
        return unexpected(Domain::crypto, errc::corrupt,
                          "an attachment chunk failed authentication");
    if ((tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL) != last)
        return unexpected(
            Domain::crypto, errc::corrupt,
            last ? "an attachment's stream is truncated" : "an attachment's stream ends early");
    out.resize(written);
    return out;
}

Hash attachment_sync_id(const SecretBytes& epoch_key, const Hash& content) {
    return labelled(epoch_key, "canvass attachment id v1", content);
}

SecretBytes attachment_sync_key(const SecretBytes& epoch_key, const Hash& content) {
    Hash k = labelled(epoch_key, "canvass attachment key v1", content);
    SecretBytes key(k);
    wipe(k);
    return key;
}

std::vector<std::uint8_t> seal_sync_chunk(const SecretBytes& key, const Hash& id,
                                          std::uint64_t index, std::uint64_t chunks,
                                          std::span<const std::uint8_t> plaintext) {
    return xchacha_encrypt(key, sync_nonce(index, index + 1 == chunks), plaintext,
                           sync_ad(id, index, chunks));
}

Result<std::vector<std::uint8_t>> open_sync_chunk(const SecretBytes& key, const Hash& id,
                                                  std::uint64_t index, std::uint64_t chunks,
                                                  std::span<const std::uint8_t> sealed) {
    auto r = xchacha_decrypt(key, sync_nonce(index, index + 1 == chunks), sealed,
                             sync_ad(id, index, chunks));
    if (!r)
        return unexpected(Domain::crypto, errc::corrupt,
                          "attachment chunk " + std::to_string(index) + " failed authentication");
    return r;
}

}  // namespace canvass::crypto
