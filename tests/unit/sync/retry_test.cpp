#include <gtest/gtest.h>

#include "sync/exchange.hpp"
#include "sync/retry.hpp"

namespace canvass::sync {
namespace {

TEST(Retry, WhatPassesIsRetriedAndWhatWaitingDoesNotChangeIsNot) {
    EXPECT_TRUE(worth_retrying({Domain::net, errc::io, "connection closed by peer"}));
    EXPECT_TRUE(worth_retrying({Domain::net, errc::timeout, "receiving: timed out"}));
    EXPECT_TRUE(worth_retrying({Domain::net, errc::not_found, "cannot find example.org"}));
    EXPECT_TRUE(worth_retrying(peer_error({ErrorCode::unavailable, "busy"}, "server")));
    EXPECT_TRUE(worth_retrying(peer_error({ErrorCode::disk_full, "full"}, "server")));
    EXPECT_TRUE(worth_retrying(peer_error({ErrorCode::internal, "oops"}, "server")));

    EXPECT_FALSE(worth_retrying(peer_error({ErrorCode::revoked, "revoked"}, "server")));
    EXPECT_FALSE(worth_retrying(peer_error({ErrorCode::unknown_device, "who"}, "server")));
    EXPECT_FALSE(worth_retrying(peer_error({ErrorCode::bad_batch, "bad"}, "server")));
    EXPECT_FALSE(worth_retrying({Domain::protocol, errc::wrong_key, "not the trusted key"}));
    EXPECT_FALSE(worth_retrying({Domain::store, errc::disk_full, "this device's disk is full"}));
    EXPECT_FALSE(worth_retrying({Domain::net, errc::invalid_argument, "frame too long"}));
}

TEST(Retry, WaitsDoubleFromTwoSecondsToAMinuteWithASpread) {
    merge::SeededRandom random(7);
    const std::uint64_t bases[] = {2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
    for (unsigned retry = 1; retry <= 8; ++retry) {
        std::uint64_t lo = UINT64_MAX, hi = 0;
        for (int i = 0; i < 200; ++i) {
            auto d = retry_delay_ms(retry, random);
            lo = std::min(lo, d);
            hi = std::max(hi, d);
        }
        const auto base = bases[retry - 1];
        EXPECT_GE(lo, base * 3 / 4) << retry;
        EXPECT_LE(hi, base * 5 / 4) << retry;
        EXPECT_GT(hi - lo, base / 4) << "no spread at retry " << retry;
    }
}

}  // namespace
}  // namespace canvass::sync
