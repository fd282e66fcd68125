// The one clock of canvass, and its one random source: every part that needs the time (HLC stamps,
// today() and now() in forms, token expiry, epoch lifetimes) is handed a Clock, so a test or a
// simulation runs the whole core on its own time.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

namespace canvass {

class Clock {
  public:
    virtual ~Clock() = default;
    // Milliseconds since 1970-01-01T00:00:00Z.
    virtual std::uint64_t now_ms() = 0;
    // Minutes east of UTC of the local time at `at_ms` (what today() counts days in). The
    // default reads the machine's time zone.
    virtual int utc_offset_minutes(std::uint64_t at_ms);
};

// The machine's clock and time zone. Thread-safe.
Clock& system_clock();

// A clock that only moves when told to, in a fixed time zone (UTC unless set): for tests
// and simulated devices.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(std::uint64_t ms = 0, int utc_offset_minutes = 0)
        : ms_(ms), offset_(utc_offset_minutes) {}
    std::uint64_t now_ms() override { return ms_; }
    int utc_offset_minutes(std::uint64_t) override { return offset_; }
    void set(std::uint64_t ms) { ms_ = ms; }
    void advance(std::uint64_t ms) { ms_ += ms; }

  private:
    std::uint64_t ms_;
    int offset_;
};

// A moment and the local offset from UTC where an interview happens: what a form's today()
// (the local date) and now() (the local time with its offset) see.
struct Instant {
    std::int64_t unix_ms = 0;
    int utc_offset_minutes = 0;
};
// Where a form session reads the time: usually a Clock's time and time zone; a fixed
// Instant for tests and for re-validating saved answers deterministically.
using InstantSource = std::function<Instant()>;

// Where a form's random() and uuid() draw from: 64 random bits per call.
using RandomBits = std::function<std::uint64_t()>;

// The one unpredictable source canvass draws keys, salts and nonces from (the operating
// system's CSPRNG, through libsodium), for an app's own secrets: fills `out`. Thread-safe.
void secure_random(std::span<std::uint8_t> out);

}  // namespace canvass
