// Byte-level building blocks of the canonical encodings of the merge part: unsigned LEB128
// varints (minimal form only), fixed-size byte arrays and length-prefixed byte strings.
// The Reader never reads past its input and reports the first problem as an Error of
// domain protocol, so decoders built on it cannot crash on any input.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::merge {

// True if `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool is_valid_utf8(std::string_view s);

class Writer {
  public:
    void byte(std::uint8_t b) { out_.push_back(b); }
    void varint(std::uint64_t v);
    template <std::size_t N>
    void fixed(const std::array<std::uint8_t, N>& a) {
        out_.insert(out_.end(), a.begin(), a.end());
    }
    void raw(std::span<const std::uint8_t> bytes) {
        out_.insert(out_.end(), bytes.begin(), bytes.end());
    }
    // varint length, then the bytes.
    void bytes(std::span<const std::uint8_t> b) {
        varint(b.size());
        raw(b);
    }
    void string(std::string_view s) {
        bytes({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()});
    }
    std::vector<std::uint8_t>& buffer() { return out_; }
    std::vector<std::uint8_t> take() { return std::move(out_); }

  private:
    std::vector<std::uint8_t> out_;
};

class Reader {
  public:
    // `what` names the encoding in error messages ("changeset", "record state").
    Reader(std::span<const std::uint8_t> in, const char* what) : in_(in), what_(what) {}

    Result<std::uint8_t> byte(const char* field);
    // A minimal LEB128 varint not above `max`.
    Result<std::uint64_t> varint(const char* field, std::uint64_t max = UINT64_MAX);
    template <std::size_t N>
    Result<std::array<std::uint8_t, N>> fixed(const char* field) {
        std::array<std::uint8_t, N> a{};
        if (remaining() < N) return truncated(field);
        for (std::size_t i = 0; i < N; ++i) a[i] = in_[pos_ + i];
        pos_ += N;
        return a;
    }
    // Length-prefixed bytes of at most `max_len` bytes.
    Result<std::vector<std::uint8_t>> bytes(const char* field, std::size_t max_len);
    // Length-prefixed, well-formed UTF-8 of at most `max_len` bytes.
    Result<std::string> string(const char* field, std::size_t max_len);
    // Fails unless the whole input was consumed.
    Result<void> finish();

    std::size_t remaining() const { return in_.size() - pos_; }
    Unexpected<Error> fail(const char* field, const std::string& problem) const;

  private:
    Unexpected<Error> truncated(const char* field) const;

    std::span<const std::uint8_t> in_;
    std::size_t pos_ = 0;
    const char* what_;
};

}  // namespace canvass::merge
