// Frames, chunked messages and the memory link.
#include <gtest/gtest.h>

#include <thread>

#include "sync/chunking.hpp"
#include "sync/frame.hpp"
#include "sync/memory_transport.hpp"

namespace canvass::sync {
namespace {

TEST(Frame, HeaderIsTwoBytesBigEndian) {
    auto h = frame_header(0x1234);
    EXPECT_EQ(h[0], 0x12);
    EXPECT_EQ(h[1], 0x34);
    EXPECT_EQ(frame_length(h), 0x1234u);
    EXPECT_EQ(frame_length(frame_header(max_frame_bytes)), 65535u);
}

TEST(Chunking, SmallMessageIsOneFinalChunk) {
    Bytes m{1, 2, 3};
    auto frames = split_message(m);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0], (Bytes{0x00, 1, 2, 3}));
}

TEST(Chunking, LargeMessageSpansFramesAndReassembles) {
    Bytes m(3 * max_chunk_bytes + 17);
    for (std::size_t i = 0; i < m.size(); ++i) m[i] = static_cast<std::uint8_t>(i * 7);
    auto frames = split_message(m);
    ASSERT_EQ(frames.size(), 4u);
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_LE(frames[i].size() + noise_tag_bytes, max_frame_bytes);
        EXPECT_EQ(frames[i][0], i + 1 < frames.size() ? 0x01 : 0x00);
    }
    MessageAssembler a(1u << 20);
    for (std::size_t i = 0; i + 1 < frames.size(); ++i) {
        auto r = a.add(frames[i]);
        ASSERT_TRUE(r);
        EXPECT_FALSE(*r);
    }
    auto last = a.add(frames.back());
    ASSERT_TRUE(last && *last);
    EXPECT_EQ(**last, m);
    // The assembler is ready for the next message.
    auto next = a.add(Bytes{0x00, 9});
    ASSERT_TRUE(next && *next);
    EXPECT_EQ(**next, Bytes{9});
}

TEST(Chunking, RefusesABadFlagAnEmptyFrameAndAMessageOverTheCap) {
    MessageAssembler a(10);
    EXPECT_FALSE(a.add(Bytes{0x02, 1}));
    MessageAssembler b(10);
    EXPECT_FALSE(b.add(Bytes{}));
    MessageAssembler c(10);
    ASSERT_TRUE(c.add(Bytes{0x01, 1, 2, 3, 4, 5, 6}));
    auto over = c.add(Bytes{0x00, 7, 8, 9, 10, 11});
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, errc::limit_exceeded);
}

TEST(MemoryLink, DeliversInOrderBothWays) {
    auto [a, b] = memory_transport_pair();
    ASSERT_TRUE(a->send_frame(Bytes{1}));
    ASSERT_TRUE(a->send_frame(Bytes{2}));
    ASSERT_TRUE(b->send_frame(Bytes{3}));
    EXPECT_EQ(*b->receive_frame(), Bytes{1});
    EXPECT_EQ(*b->receive_frame(), Bytes{2});
    EXPECT_EQ(*a->receive_frame(), Bytes{3});
}

TEST(MemoryLink, CloseIsSeenByThePeerAfterPendingFrames) {
    auto [a, b] = memory_transport_pair();
    ASSERT_TRUE(a->send_frame(Bytes{1}));
    a->close();
    EXPECT_TRUE(b->receive_frame());
    auto r = b->receive_frame();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::net);
    EXPECT_FALSE(b->send_frame(Bytes{2}));
}

TEST(MemoryLink, ReceiveTimesOut) {
    MemoryLinkOptions o;
    o.receive_timeout = std::chrono::milliseconds(20);
    auto [a, b] = memory_transport_pair(o);
    auto r = a->receive_frame();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::timeout);
}

TEST(MemoryLink, TapCanCutTheLink) {
    MemoryLinkOptions o;
    int seen = 0;
    o.tap = [&](LinkSide, std::span<const std::uint8_t>) { return ++seen < 2; };
    auto [a, b] = memory_transport_pair(o);
    ASSERT_TRUE(a->send_frame(Bytes{1}));
    EXPECT_FALSE(a->send_frame(Bytes{2}));
    EXPECT_TRUE(b->receive_frame());
    EXPECT_FALSE(b->receive_frame());
}

TEST(MemoryLink, RefusesAnOversizedFrame) {
    auto [a, b] = memory_transport_pair();
    EXPECT_FALSE(a->send_frame(Bytes(max_frame_bytes + 1)));
}

}  // namespace
}  // namespace canvass::sync
