// Batches sized to the link (sync/pacing.hpp): on a simulated 2G link an acknowledgement
// comes every few seconds, where 1 MiB batches would leave minutes without one; on a fast
// link batches reach the peer's cap within a few acknowledgements.
#include "sync/pacing.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

namespace canvass::sync {
namespace {

struct Link {
    double bytes_per_second;
    std::uint64_t round_trip_ms;
};

struct Batch {
    std::uint64_t bytes = 0;
    std::uint64_t sent_ms = 0;
    std::uint64_t acked_ms = 0;
};

// Pushes `total` bytes of 1 KB changesets over `link`, `window` batches in flight, each of
// the pacer's size (or `fixed` bytes when set); every batch as it went.
std::vector<Batch> push(const Link& link, std::uint64_t total, std::uint32_t fixed = 0,
                        std::uint32_t window = 4) {
    SyncLimits caps;
    BatchPacer pacer(caps);
    std::vector<Batch> batches;
    std::deque<std::size_t> in_flight;
    std::uint64_t now = 0, left = total;
    double link_free = 0;
    auto fill = [&] {
        while (in_flight.size() < window && left > 0) {
            std::uint64_t want = fixed ? fixed : pacer.next_bytes();
            std::uint64_t bytes = std::min(left, std::max<std::uint64_t>(1000, want / 1000 * 1000));
            left -= bytes;
            double start = std::max(static_cast<double>(now), link_free);
            link_free = start + static_cast<double>(bytes) * 1000.0 / link.bytes_per_second;
            batches.push_back(
                {bytes, now, static_cast<std::uint64_t>(link_free) + link.round_trip_ms});
            pacer.sent(batches.size(), bytes, now);
            in_flight.push_back(batches.size() - 1);
        }
    };
    fill();
    while (!in_flight.empty()) {
        const std::size_t b = in_flight.front();
        in_flight.pop_front();
        now = batches[b].acked_ms;
        pacer.acknowledged(b + 1, now);
        fill();
    }
    return batches;
}

std::uint64_t longest_wait_for_an_ack(const std::vector<Batch>& batches) {
    std::uint64_t worst = batches.front().acked_ms, last = batches.front().acked_ms;
    for (const auto& b : batches) worst = std::max(worst, b.acked_ms - last), last = b.acked_ms;
    return worst;
}

TEST(BatchPacer, OnA50kbitLinkAnAcknowledgementComesEveryFewSeconds) {
    const Link gprs{50'000 / 8.0, 300};
    auto paced = push(gprs, 200'000);
    EXPECT_LE(paced.front().bytes, BatchPacer::first_bytes);
    EXPECT_LE(longest_wait_for_an_ack(paced), 4'000u) << "ms without an acknowledgement";
    for (std::size_t i = 3; i + 1 < paced.size(); ++i) {
        EXPECT_GE(paced[i].bytes, 6'000u) << i;  // about 2 s of the link each
        EXPECT_LE(paced[i].bytes, 20'000u) << i;
    }
    // What 1 MiB batches did: the first acknowledgement only once everything went through.
    auto whole = push(gprs, 200'000, 1u << 20);
    EXPECT_GT(longest_wait_for_an_ack(whole), 30'000u);
}

TEST(BatchPacer, OnAFastLinkBatchesReachThePeersCapWithinAFewAcknowledgements) {
    const Link loopback{1e9, 0};
    auto paced = push(loopback, 64u << 20);
    ASSERT_GT(paced.size(), 8u);
    EXPECT_EQ(paced[7].bytes, (1u << 20) / 1000 * 1000);
}

TEST(BatchPacer, ABatchIsNeverLargerThanThePeerAllows) {
    SyncLimits caps;
    caps.batch_bytes = 6'000;
    BatchPacer pacer(caps);
    EXPECT_EQ(pacer.next_bytes(), 6'000u);
    pacer.sent(1, 6'000, 0);
    pacer.acknowledged(1, 1);
    EXPECT_EQ(pacer.next_bytes(), 6'000u);
}

TEST(BatchPacer, ASlowerLinkShrinksTheBatches) {
    SyncLimits caps;
    BatchPacer pacer(caps);
    std::uint64_t now = 0;
    for (std::uint64_t n = 1; n <= 6; ++n) {  // 1 MB/s
        auto b = pacer.next_bytes();
        pacer.sent(n, b, now);
        now += b / 1000;
        pacer.acknowledged(n, now);
    }
    EXPECT_GT(pacer.next_bytes(), 1'000'000u);
    for (std::uint64_t n = 7; n <= 12; ++n) {  // then 5 kB/s
        auto b = pacer.next_bytes();
        pacer.sent(n, b, now);
        now += b / 5;
        pacer.acknowledged(n, now);
    }
    EXPECT_LE(pacer.next_bytes(), 20'000u);
}

}  // namespace
}  // namespace canvass::sync
