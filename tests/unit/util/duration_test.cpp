#include <gtest/gtest.h>

#include "canvass/duration.hpp"

namespace canvass {
namespace {

TEST(Duration, UnitsAreSecondsMinutesHoursAndDays) {
    EXPECT_EQ(parse_duration("90s"), 90u);
    EXPECT_EQ(parse_duration("30m"), 1800u);
    EXPECT_EQ(parse_duration("72h"), 259200u);
    EXPECT_EQ(parse_duration("7d"), 604800u);
}

TEST(Duration, AnythingElseIsRefused) {
    for (const char* bad :
         {"", "5", "h", "0h", "-5m", "5 m", "1.5h", "5w", "3651d", "99999999999s"})
        EXPECT_FALSE(parse_duration(bad)) << bad;
    EXPECT_EQ(parse_duration("3650d"), 3650u * 86400);
}

}  // namespace
}  // namespace canvass
