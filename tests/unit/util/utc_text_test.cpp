// Times in listings and exports, and the local offset today() counts in, hold past January
// 2038, where a 32-bit time_t (32-bit ARM) ends.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include "canvass/clock.hpp"
#include "util/utc_text.hpp"

namespace canvass::util {
namespace {

constexpr std::uint64_t kDayMs = 86'400'000;

TEST(UtcText, TheEpochAndATimeOfDayWithMilliseconds) {
    EXPECT_EQ(utc_text(0), "1970-01-01T00:00:00Z");
    // 2026-12-01 is day 20788 after 1970-01-01.
    const std::uint64_t at = 20788 * kDayMs + ((17 * 60 + 31) * 60 + 13) * 1000 + 250;
    EXPECT_EQ(utc_text(at), "2026-12-01T17:31:13Z");
    EXPECT_EQ(utc_text(at, true), "2026-12-01T17:31:13.250Z");
    EXPECT_EQ(utc_text(at - 250, true), "2026-12-01T17:31:13.000Z");
}

// 32-bit time_t: 2038-01-19T03:14:08Z wrapped to 1901-12-13T20:45:52Z.
TEST(UtcText, ATimeAfterJanuary2038KeepsItsYear) {
    EXPECT_EQ(utc_text(2'147'483'647ull * 1000), "2038-01-19T03:14:07Z");
    EXPECT_EQ(utc_text(2'147'483'648ull * 1000), "2038-01-19T03:14:08Z");
    // 2040-02-29 (a leap day) is day 25626.
    EXPECT_EQ(utc_text(25626 * kDayMs + 12 * 3'600'000, true), "2040-02-29T12:00:00.000Z");
}

// Sets TZ for the test's lifetime, and puts the old value back.
class ZoneForTest {
  public:
    explicit ZoneForTest(const char* zone) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~ZoneForTest() {
        if (old_)
            setenv("TZ", old_->c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

  private:
    std::optional<std::string> old_;
};

TEST(UtcOffset, DaylightSavingTimeAfter2038IsStillCounted) {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Berlin"))
        GTEST_SKIP() << "no time zone database here (/usr/share/zoneinfo)";
    ZoneForTest zone("Europe/Berlin");
    Clock& clock = system_clock();
    const std::uint64_t july_2026 = 20635 * kDayMs + 12 * 3'600'000;     // 2026-07-01T12:00Z
    const std::uint64_t january_2040 = 25567 * kDayMs + 12 * 3'600'000;  // 2040-01-01T12:00Z
    const std::uint64_t july_2040 = 25749 * kDayMs + 12 * 3'600'000;     // 2040-07-01T12:00Z
    EXPECT_EQ(clock.utc_offset_minutes(july_2026), 120);
    EXPECT_EQ(clock.utc_offset_minutes(january_2040), 60);
    // A 32-bit time_t wraps this to 1904, when Berlin kept no summer time: 60.
    EXPECT_EQ(clock.utc_offset_minutes(july_2040), 120);
}

}  // namespace
}  // namespace canvass::util
