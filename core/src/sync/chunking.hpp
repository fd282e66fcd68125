// How one application message spans frames.
//
// After the handshake every frame is one Noise transport message: at most 65535 bytes, of
// which 16 are the AEAD tag. Its plaintext is one flag byte and a chunk of the message:
//
//   flag 0x01 = more chunks of this message follow, 0x00 = this chunk ends the message.
//
// A message is the concatenation of its chunks; an empty chunk is allowed only as the one
// chunk of an empty message (never sent in practice: every message is a CBOR map). Any other
// flag value, or a message growing past the cap, is a protocol error. The flag travels
// inside the encryption, so nobody on the wire learns where messages begin or end beyond
// what the frame sizes show.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "canvass/result.hpp"
#include "sync/noise.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// The most message bytes one frame carries: 65535 - 16 (tag) - 1 (flag).
inline constexpr std::size_t max_chunk_bytes = noise_max_plaintext - 1;

// The frame plaintexts (flag + chunk) of `message`, in order; at least one.
std::vector<Bytes> split_message(std::span<const std::uint8_t> message,
                                 std::size_t chunk_bytes = max_chunk_bytes);

// The memory that all of a server's sessions together may hold in messages still arriving.
// Each assembler holds its first `free_window` bytes on its own; beyond that it takes from
// this budget, and gives back when its message is complete or it is destroyed. Not
// thread-safe: one budget per io_context thread.
class AssemblyBudget {
  public:
    explicit AssemblyBudget(std::size_t total_bytes) : total_(total_bytes) {}
    AssemblyBudget(const AssemblyBudget&) = delete;
    AssemblyBudget& operator=(const AssemblyBudget&) = delete;

    // Takes `n` bytes; false (and nothing taken) when fewer are left.
    bool take(std::size_t n);
    void give_back(std::size_t n) { used_ -= std::min(n, used_); }
    std::size_t used() const { return used_; }
    std::size_t total() const { return total_; }

  private:
    std::size_t total_;
    std::size_t used_ = 0;
};

// What one assembler holds without taking from a shared budget: one frame's worth, so
// messages that fit in a frame never wait on anyone.
inline constexpr std::size_t assembly_free_window = 64u << 10;

// Puts messages back together from frame plaintexts.
class MessageAssembler {
  public:
    // `budget`, if given, must outlive the assembler; without one only max_message_bytes
    // bounds what it holds.
    explicit MessageAssembler(std::size_t max_message_bytes, AssemblyBudget* budget = nullptr,
                              std::size_t free_window = assembly_free_window)
        : max_(max_message_bytes), budget_(budget), free_window_(free_window) {}
    MessageAssembler(MessageAssembler&& other) noexcept;
    MessageAssembler& operator=(MessageAssembler&& other) noexcept;
    ~MessageAssembler();

    // Adds one frame plaintext. Returns the finished message when this chunk ends one, an
    // empty optional while more chunks are expected, or an Error, after which the assembler
    // is unusable (end the session): protocol/corrupt for a bad flag, protocol/limit_exceeded
    // for a message over the cap, net/unavailable when the shared budget has no room left for
    // this message (the server is busy: the peer may try again later).
    Result<std::optional<Bytes>> add(std::span<const std::uint8_t> plaintext);

    // Bytes this assembler holds from the shared budget now.
    std::size_t charged() const { return charged_; }

  private:
    bool grow_to(std::size_t capacity);
    void release();

    std::size_t max_;
    AssemblyBudget* budget_;
    std::size_t free_window_;
    std::size_t charged_ = 0;
    Bytes pending_;
};

}  // namespace canvass::sync
