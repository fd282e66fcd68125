#include "sync/memory_transport.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>

#include "sync/frame.hpp"

namespace canvass::sync {
namespace {

// The shared state of a link: one queue per direction, guarded by one mutex.
struct Link {
    explicit Link(MemoryLinkOptions o) : options(std::move(o)) {}
    MemoryLinkOptions options;
    std::mutex mutex;
    std::condition_variable arrived;
    std::deque<Bytes> queues[2];  // queues[i]: frames waiting for side i
    bool closed = false;
};

Error closed_error() {
    return Error{Domain::net, errc::io, "connection closed by peer"};
}

class MemoryEnd final : public Transport {
  public:
    MemoryEnd(std::shared_ptr<Link> link, LinkSide side) : link_(std::move(link)), side_(side) {}
    ~MemoryEnd() override { close(); }

    Result<void> send_frame(std::span<const std::uint8_t> frame) override {
        if (frame.size() > max_frame_bytes)
            return unexpected(Domain::net, errc::invalid_argument, "frame longer than 65535 bytes");
        // The tap runs outside the lock: it may take its time or inspect other state.
        bool deliver = !link_->options.tap || link_->options.tap(side_, frame);
        std::lock_guard lock(link_->mutex);
        if (link_->closed) return unexpected(closed_error());
        if (!deliver) {
            link_->closed = true;
            link_->arrived.notify_all();
            return unexpected(closed_error());
        }
        link_->queues[peer_index()].emplace_back(frame.begin(), frame.end());
        link_->arrived.notify_all();
        return {};
    }

    Result<Bytes> receive_frame() override {
        std::unique_lock lock(link_->mutex);
        auto& queue = link_->queues[own_index()];
        bool ready = link_->arrived.wait_for(lock, link_->options.receive_timeout,
                                             [&] { return !queue.empty() || link_->closed; });
        // Frames already delivered stay readable after a close, as with TCP.
        if (!queue.empty()) {
            Bytes frame = std::move(queue.front());
            queue.pop_front();
            return frame;
        }
        if (!ready) return unexpected(Domain::net, errc::timeout, "timed out waiting for the peer");
        return unexpected(closed_error());
    }

    void close() override {
        std::lock_guard lock(link_->mutex);
        link_->closed = true;
        link_->arrived.notify_all();
    }

  private:
    int own_index() const { return side_ == LinkSide::first ? 0 : 1; }
    int peer_index() const { return 1 - own_index(); }

    std::shared_ptr<Link> link_;
    LinkSide side_;
};

}  // namespace

std::pair<std::unique_ptr<Transport>, std::unique_ptr<Transport>> memory_transport_pair(
    MemoryLinkOptions options) {
    auto link = std::make_shared<Link>(std::move(options));
    return {std::make_unique<MemoryEnd>(link, LinkSide::first),
            std::make_unique<MemoryEnd>(link, LinkSide::second)};
}

}  // namespace canvass::sync
