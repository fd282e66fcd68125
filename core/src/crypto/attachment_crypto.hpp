// The cryptography of attachments (photos, audio, video, files; docs/media.md). Pure: no I/O.
//
// Two encodings of one attachment's bytes, cut into chunks of attachment_chunk_bytes:
//
// * At rest on a device, under a subkey of the store key: libsodium's
//   crypto_secretstream_xchacha20poly1305. One random 24-byte header, then one message per
//   chunk (chunk + 17 bytes), the last tagged FINAL, so a truncated, reordered or spliced
//   stream fails to open.
//
// * For sync, under the epoch key of the changeset that references it: each chunk sealed
//   with XChaCha20-Poly1305 under a key derived from the epoch key and the plaintext's
//   BLAKE2b, its nonce the chunk's index and a final flag, its associated data the
//   attachment's sync id, index and flag (the STREAM construction of Hoang, Reyhanitabar,
//   Rogaway and Vizár). Deterministic on purpose: the key is unique to one plaintext, so a
//   nonce never meets two different chunks, and a device that re-sends a chunk after a cut
//   sends exactly the bytes the server already holds of the others, without keeping a
//   second copy of the file.
//
// The server sees only the sync id, a keyed BLAKE2b of the plaintext's hash under the epoch
// key: it cannot test a guessed photo against it (it lacks the epoch key), and the same
// photo in two epochs has two unrelated ids.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"
#include "crypto/secret.hpp"

namespace canvass::crypto {

// Plaintext bytes per chunk, in both encodings: 63 KiB, so that a chunk message with its tag
// and framing stays inside the 64 KiB a server holds per session without touching the budget
// shared by all sessions (schemas/protocol/sync.md, "Chunks").
inline constexpr std::size_t attachment_chunk_bytes = 63 * 1024;
inline constexpr std::size_t secretstream_header_bytes = 24;
inline constexpr std::size_t secretstream_overhead = 17;
inline constexpr std::size_t sync_chunk_overhead = 16;

// How many chunks `size` plaintext bytes make (an empty file is one empty chunk).
std::uint64_t attachment_chunks(std::uint64_t size);

// crypto_secretstream_xchacha20poly1305, encrypting. `key32` is 32 bytes.
class StreamSealer {
  public:
    explicit StreamSealer(const SecretBytes& key32);
    ~StreamSealer();
    StreamSealer(const StreamSealer&) = delete;
    StreamSealer& operator=(const StreamSealer&) = delete;
    const std::vector<std::uint8_t>& header() const { return header_; }
    // The next chunk, sealed; `last` for the final one. `ad` binds it to its owner (a row).
    std::vector<std::uint8_t> push(std::span<const std::uint8_t> chunk, bool last,
                                   std::span<const std::uint8_t> ad);

  private:
    std::vector<std::uint8_t> header_;
    alignas(16) unsigned char state_[64];
};

// crypto_secretstream_xchacha20poly1305, decrypting chunks in order.
class StreamOpener {
  public:
    // Error{crypto, corrupt} when the header is not one.
    static Result<StreamOpener> open(const SecretBytes& key32,
                                     std::span<const std::uint8_t> header);
    StreamOpener(StreamOpener&&) noexcept;
    ~StreamOpener();
    // The plaintext of the next chunk; Error{crypto, corrupt} if it was altered, moved,
    // reordered, or is FINAL where `last` is false (or the reverse).
    Result<std::vector<std::uint8_t>> pull(std::span<const std::uint8_t> sealed, bool last,
                                           std::span<const std::uint8_t> ad);

  private:
    StreamOpener() = default;
    alignas(16) unsigned char state_[64];
};

// The server-visible id of an attachment whose plaintext BLAKE2b-256 is `content`, under one
// epoch key.
Hash attachment_sync_id(const SecretBytes& epoch_key, const Hash& content);
// The key its sync chunks are sealed under (never leaves the device or the coordinator).
SecretBytes attachment_sync_key(const SecretBytes& epoch_key, const Hash& content);
// Chunk `index` of `chunks` sealed for sync: plaintext + 16 bytes.
std::vector<std::uint8_t> seal_sync_chunk(const SecretBytes& sync_key, const Hash& sync_id,
                                          std::uint64_t index, std::uint64_t chunks,
                                          std::span<const std::uint8_t> plaintext);
// Its plaintext, or Error{crypto, corrupt} when any byte, the id, the index or the count differ.
Result<std::vector<std::uint8_t>> open_sync_chunk(const SecretBytes& sync_key, const Hash& sync_id,
                                                  std::uint64_t index, std::uint64_t chunks,
                                                  std::span<const std::uint8_t> sealed);

}  // namespace canvass::crypto
