#include "merge/hlc.hpp"

#include <gtest/gtest.h>

namespace canvass::merge {
namespace {

TEST(Hlc, TickFollowsPhysicalTimeWithCounterZero) {
    ManualClock clock(1000);
    Hlc hlc(clock);
    EXPECT_EQ(hlc.tick(), make_hlc(1000, 0));
    clock.set(2000);
    EXPECT_EQ(hlc.tick(), make_hlc(2000, 0));
}

TEST(Hlc, TickWithinOneMillisecondBumpsTheCounter) {
    ManualClock clock(1000);
    Hlc hlc(clock);
    EXPECT_EQ(hlc.tick(), make_hlc(1000, 0));
    EXPECT_EQ(hlc.tick(), make_hlc(1000, 1));
    EXPECT_EQ(hlc.tick(), make_hlc(1000, 2));
}

TEST(Hlc, NeverGoesBackwardsWhenTheWallClockDoes) {
    ManualClock clock(5000);
    Hlc hlc(clock);
    const auto a = hlc.tick();
    clock.set(1000);  // the phone's clock was corrected backwards
    const auto b = hlc.tick();
    EXPECT_GT(b, a);
    EXPECT_EQ(hlc_ms(b), 5000u);
}

TEST(Hlc, CounterOverflowCarriesIntoMilliseconds) {
    ManualClock clock(1000);
    Hlc hlc(clock, make_hlc(1000, kHlcMaxCounter - 1));
    EXPECT_EQ(hlc.tick(), make_hlc(1000, kHlcMaxCounter));
    EXPECT_EQ(hlc.tick(), make_hlc(1001, 0));
    EXPECT_EQ(hlc.tick(), make_hlc(1001, 1));
}

TEST(Hlc, ObserveMovesPastARemoteStampAhead) {
    ManualClock clock(1000);
    Hlc hlc(clock);
    hlc.tick();
    const auto remote = make_hlc(3000, 7);
    const auto seen = hlc.observe(remote);
    EXPECT_GT(seen, remote);
    EXPECT_EQ(seen, make_hlc(3000, 8));
    EXPECT_GT(hlc.tick(), seen);
}

TEST(Hlc, ObserveOfAnOlderStampStillAdvances) {
    ManualClock clock(5000);
    Hlc hlc(clock);
    const auto a = hlc.tick();
    const auto b = hlc.observe(make_hlc(10, 0));
    EXPECT_GT(b, a);
    clock.set(6000);
    EXPECT_EQ(hlc.observe(make_hlc(10, 0)), make_hlc(6000, 0));
}

TEST(Hlc, ObserveAtTheSameMillisecondTakesTheLargerCounter) {
    ManualClock clock(100);
    Hlc hlc(clock, make_hlc(2000, 3));
    EXPECT_EQ(hlc.observe(make_hlc(2000, 9)), make_hlc(2000, 10));
    EXPECT_EQ(hlc.observe(make_hlc(2000, 1)), make_hlc(2000, 11));
}

TEST(Hlc, ObserveCounterOverflowCarries) {
    ManualClock clock(100);
    Hlc hlc(clock);
    EXPECT_EQ(hlc.observe(make_hlc(2000, kHlcMaxCounter)), make_hlc(2001, 0));
}

TEST(Hlc, SaturatesAtTheEndOfTime) {
    ManualClock clock(UINT64_MAX);
    Hlc hlc(clock, make_hlc(kHlcMaxMs, kHlcMaxCounter));
    EXPECT_EQ(hlc.tick(), make_hlc(kHlcMaxMs, kHlcMaxCounter));
    EXPECT_EQ(make_hlc(kHlcMaxMs + 5, 0), make_hlc(kHlcMaxMs, 0));
}

TEST(Hlc, StampsCompareByMillisecondsFirst) {
    EXPECT_LT(make_hlc(1000, kHlcMaxCounter), make_hlc(1001, 0));
    EXPECT_EQ(hlc_ms(make_hlc(1234, 56)), 1234u);
    EXPECT_EQ(hlc_counter(make_hlc(1234, 56)), 56u);
}

TEST(Hlc, FarAheadFlagsStampsBeyondTheThresholdOnly) {
    const std::uint64_t day = 86'400'000;
    const std::uint64_t now = 1'700'000'000'000;
    EXPECT_FALSE(hlc_far_ahead(make_hlc(now, 0), now, day));
    EXPECT_FALSE(hlc_far_ahead(make_hlc(now - 5 * day, 0), now, day));  // behind: fine
    EXPECT_FALSE(hlc_far_ahead(make_hlc(now + day, 0), now, day));
    EXPECT_TRUE(hlc_far_ahead(make_hlc(now + day + 1, 0), now, day));
    const std::uint64_t year_2099 = 4'070'908'800'000;
    ManualClock clock(now);
    Hlc hlc(clock);
    EXPECT_TRUE(hlc.far_ahead(make_hlc(year_2099, 0), day));
}

}  // namespace
}  // namespace canvass::merge
