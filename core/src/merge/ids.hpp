// Identifiers of the merge: devices, records, repeat instances and ops; the injected
// source of randomness that mints new ids.
#pragma once

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace canvass::merge {

// 16 bytes derived elsewhere from the device's Ed25519 public key.
using DeviceId = std::array<std::uint8_t, 16>;
// UUIDv4-shaped bytes bound to the record's creator (merge/authority.hpp, record_id_for);
// records made before that rule have random UUIDv4 ids (new_uuid()).
using RecordId = std::array<std::uint8_t, 16>;
using InstanceId = std::array<std::uint8_t, 16>;
using Uuid = std::array<std::uint8_t, 16>;

// The id of one op: the index of the op in changeset `seq` of `device`.
// Ordered by (device, seq, index), the order used wherever op ids are listed.
struct OpId {
    DeviceId device{};
    std::uint64_t seq = 0;
    std::uint32_t index = 0;

    friend auto operator<=>(const OpId&, const OpId&) = default;
    friend bool operator==(const OpId&, const OpId&) = default;
};

struct OpIdHash {
    std::size_t operator()(const OpId& id) const noexcept;
};

// Canonical text of a UUID: lowercase hex, 8-4-4-4-12 ("2f1c...-....").
std::string format_uuid(const Uuid& id);
// Parses exactly the canonical form (36 characters, lowercase, dashes in place); anything
// else, uppercase or braces included, gives nullopt, so one id has exactly one text.
std::optional<Uuid> parse_uuid(std::string_view text);

// Where new ids and keys come from. Production code injects one backed by the OS
// (written in crypto/, which owns libsodium); tests inject SeededRandom.
class Random {
  public:
    virtual ~Random() = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;
};

// Deterministic xoshiro256** seeded through splitmix64: the same seed gives the same
// stream on every platform. Not for keys: only for tests and simulations.
class SeededRandom final : public Random {
  public:
    explicit SeededRandom(std::uint64_t seed);
    void fill(std::span<std::uint8_t> out) override;
    std::uint64_t next();
    // Uniform in [0, bound), bound > 0 (rejection sampling, no modulo bias).
    std::uint64_t below(std::uint64_t bound);
    // True with probability percent/100.
    bool chance(unsigned percent) { return below(100) < percent; }

  private:
    std::array<std::uint64_t, 4> s_{};
};

// A random UUIDv4: 122 random bits with the version (4) and variant (10) bits set.
Uuid new_uuid(Random& random);

}  // namespace canvass::merge
