// The CBOR reader: everything canvass writes reads back equal; everything outside that subset,
// malformed or over the limits is refused with a message saying what.
#include "sync/cbor.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace canvass::sync {
namespace {

using json = nlohmann::json;
using Bytes = std::vector<std::uint8_t>;

std::string refusal(const Bytes& bytes, CborLimits limits = {}) {
    auto r = parse_cbor(bytes, limits);
    return r ? "accepted" : r.error().message;
}

TEST(Cbor, WhatNlohmannWritesReadsBackEqual) {
    const json docs[] = {
        0,
        23,
        24,
        255,
        256,
        65535,
        65536,
        std::numeric_limits<std::uint64_t>::max(),
        -1,
        -24,
        -25,
        -256,
        -257,
        std::numeric_limits<std::int64_t>::min(),
        1.5,
        -0.25,
        3.141592653589793,
        1e300,
        true,
        false,
        nullptr,
        "",
        "écrit",
        json::array(),
        json::object(),
        json::binary({}),
        json::binary(Bytes(70000, 0xab)),
        {{"t", "changesets"}, {"runs", {{{"device", json::binary(Bytes(16, 1))}, {"seq", 7}}}}},
        json::array({1, "two", json::array({3.0, json::object({{"four", nullptr}})})}),
    };
    for (const auto& doc : docs) {
        auto r = parse_cbor(json::to_cbor(doc));
        ASSERT_TRUE(r) << doc.dump() << ": " << r.error().message;
        EXPECT_EQ(*r, doc) << doc.dump();
    }
}

TEST(Cbor, HalfPrecisionFloatsDecode) {
    auto one = parse_cbor(Bytes{0xf9, 0x3c, 0x00});
    ASSERT_TRUE(one);
    EXPECT_EQ(one->get<double>(), 1.0);
    auto tiny = parse_cbor(Bytes{0xf9, 0x00, 0x01});  // the smallest subnormal
    ASSERT_TRUE(tiny);
    EXPECT_EQ(tiny->get<double>(), std::ldexp(1.0, -24));
    auto minus_two = parse_cbor(Bytes{0xf9, 0xc0, 0x00});
    ASSERT_TRUE(minus_two);
    EXPECT_EQ(minus_two->get<double>(), -2.0);
}

TEST(Cbor, ItemsOutsideTheSubsetAreRefusedByName) {
    EXPECT_EQ(refusal({0xc1, 0x00}), "malformed CBOR: tags are not used");
    EXPECT_EQ(refusal({0x9f, 0x00, 0xff}), "malformed CBOR: indefinite-length items are not used");
    EXPECT_EQ(refusal({0x5f, 0x41, 0x00, 0xff}),
              "malformed CBOR: indefinite-length items are not used");
    EXPECT_EQ(refusal({0xf7}), "malformed CBOR: simple value 23 is not used");
    EXPECT_EQ(refusal({0x1c}), "malformed CBOR: reserved additional information 28");
    EXPECT_EQ(refusal({0xa1, 0x01, 0x02}), "malformed CBOR: a map key that is not a text string");
    EXPECT_EQ(refusal({0xa2, 0x61, 'k', 0x01, 0x61, 'k', 0x02}),
              "malformed CBOR: a map key given twice");
    EXPECT_EQ(refusal({0x62, 0xc3, 0x28}), "malformed CBOR: a text string that is not UTF-8");
    EXPECT_EQ(refusal({0x3b, 0x80, 0, 0, 0, 0, 0, 0, 0}),
              "malformed CBOR: a negative integer out of range");
}

TEST(Cbor, TruncationAndTrailingBytesAreRefused) {
    EXPECT_EQ(refusal({}), "malformed CBOR: truncated");
    EXPECT_EQ(refusal({0x19, 0x01}), "malformed CBOR: truncated");
    EXPECT_EQ(refusal({0x43, 1, 2}), "malformed CBOR: a string longer than the bytes left");
    EXPECT_EQ(refusal({0x82, 0x01}),
              "malformed CBOR: a container announcing more items than the bytes left");
    EXPECT_EQ(refusal({0x82, 0x01, 0x19, 0x01}), "malformed CBOR: truncated");
    EXPECT_EQ(refusal({0x01, 0x02}), "malformed CBOR: bytes after the end of the item");
    auto bytes = json::to_cbor(json{{"t", "hello"}, {"agent", "canvass"}});
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        EXPECT_FALSE(parse_cbor(std::span(bytes).first(n))) << n;
    }
}

TEST(Cbor, LimitsApplyBeforeAnythingIsAllocated) {
    CborLimits limits;
    limits.max_items = 3;
    EXPECT_EQ(parse_cbor(Bytes{0x84, 1, 2, 3, 4}, limits).error().code, errc::limit_exceeded);
    EXPECT_TRUE(parse_cbor(Bytes{0x83, 1, 2, 3}, limits));
    limits.max_depth = 2;
    EXPECT_TRUE(parse_cbor(Bytes{0x81, 0x81, 0x00}, limits));
    EXPECT_EQ(parse_cbor(Bytes{0x81, 0x81, 0x81, 0x00}, limits).error().code, errc::limit_exceeded);
    // An array announcing more items than there are bytes left is refused at once.
    EXPECT_EQ(refusal({0x9a, 0x00, 0x00, 0xff, 0xff, 0x00}, CborLimits{8, 1u << 20}),
              "malformed CBOR: a container announcing more items than the bytes left");
}

}  // namespace
}  // namespace canvass::sync
