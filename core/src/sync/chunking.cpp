#include "sync/chunking.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace canvass::sync {

std::vector<Bytes> split_message(std::span<const std::uint8_t> message, std::size_t chunk_bytes) {
    std::vector<Bytes> frames;
    std::size_t offset = 0;
    do {
        std::size_t n = std::min(chunk_bytes, message.size() - offset);
        bool last = offset + n == message.size();
        Bytes frame;
        frame.reserve(n + 1);
        frame.push_back(last ? 0x00 : 0x01);
        frame.insert(frame.end(), message.begin() + offset, message.begin() + offset + n);
        frames.push_back(std::move(frame));
        offset += n;
    } while (offset < message.size());
    return frames;
}

bool AssemblyBudget::take(std::size_t n) {
    if (n > total_ - used_) return false;
    used_ += n;
    return true;
}

MessageAssembler::MessageAssembler(MessageAssembler&& other) noexcept
    : max_(other.max_),
      budget_(other.budget_),
      free_window_(other.free_window_),
      charged_(other.charged_),
      pending_(std::move(other.pending_)) {
    other.charged_ = 0;
    other.pending_ = Bytes{};
}

MessageAssembler& MessageAssembler::operator=(MessageAssembler&& other) noexcept {
    if (this != &other) {
        release();
        max_ = other.max_;
        budget_ = other.budget_;
        free_window_ = other.free_window_;
        charged_ = other.charged_;
        pending_ = std::move(other.pending_);
        other.charged_ = 0;
        other.pending_ = Bytes{};
    }
    return *this;
}

MessageAssembler::~MessageAssembler() {
    release();
}

void MessageAssembler::release() {
    if (budget_) budget_->give_back(charged_);
    charged_ = 0;
}

// Reserves `capacity` bytes for the pending message, charging the budget for what lies
// beyond the free window. The charge follows the buffer's capacity, not its size, so what is
// charged is what is allocated.
bool MessageAssembler::grow_to(std::size_t capacity) {
    std::size_t charge = capacity > free_window_ ? capacity - free_window_ : 0;
    if (budget_ && charge > charged_) {
        if (!budget_->take(charge - charged_)) return false;
        charged_ = charge;
    }
    pending_.reserve(capacity);
    return true;
}

Result<std::optional<Bytes>> MessageAssembler::add(std::span<const std::uint8_t> plaintext) {
    if (plaintext.empty()) return unexpected(Domain::protocol, errc::corrupt, "empty frame");
    std::uint8_t flag = plaintext[0];
    if (flag > 1)
        return unexpected(Domain::protocol, errc::corrupt,
                          "bad continuation flag " + std::to_string(flag) + " in frame");
    auto chunk = plaintext.subspan(1);
    std::size_t size = pending_.size() + chunk.size();
    if (size > max_)
        return unexpected(Domain::protocol, errc::limit_exceeded,
                          "message larger than " + std::to_string(max_) + " bytes");
    if (size > pending_.capacity() &&
        !grow_to(std::min(max_, std::max(size, 2 * pending_.capacity()))))
        return unexpected(
            Domain::net, errc::unavailable,
            "the server is busy, try again in a minute (no memory left for messages arriving)");
    pending_.insert(pending_.end(), chunk.begin(), chunk.end());
    if (flag == 1) return std::optional<Bytes>{};
    Bytes message = std::move(pending_);
    pending_ = Bytes{};
    release();
    return std::optional<Bytes>{std::move(message)};
}

}  // namespace canvass::sync
