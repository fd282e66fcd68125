// Two Transports joined in memory: a network for tests, with a tap to watch, drop or cut
// the frames going by.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <utility>

#include "sync/transport.hpp"

namespace canvass::sync {

enum class LinkSide { first, second };

struct MemoryLinkOptions {
    // How long receive_frame waits before failing with net/timeout: a test that deadlocks
    // fails instead of hanging.
    std::chrono::milliseconds receive_timeout{30000};
    // Called for every frame before it is delivered, with the side that sent it. Returning
    // false cuts the link instead: this frame and every later one are lost, and both ends
    // fail with net/io as a dropped TCP connection would. Called on the sender's thread.
    std::function<bool(LinkSide from, std::span<const std::uint8_t> frame)> tap;
};

// A connected pair: what `first` sends, `second` receives, and the other way round. Each end
// may be used from its own thread. Closing either end closes the link for both.
std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> memory_transport_pair(
    MemoryLinkOptions options = {});

}  // namespace canvass::sync
