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

Result<std::optional<Bytes>> MessageAssembler::add(std::span<const std::uint8_t> plaintext) {
    if (plaintext.empty()) return unexpected(Domain::protocol, errc::corrupt, "empty frame");
    std::uint8_t flag = plaintext[0];
    if (flag > 1)
        return unexpected(Domain::protocol, errc::corrupt,
                          "bad continuation flag " + std::to_string(flag) + " in frame");
    auto chunk = plaintext.subspan(1);
    if (pending_.size() + chunk.size() > max_)
        return unexpected(Domain::protocol, errc::limit_exceeded,
                          "message larger than " + std::to_string(max_) + " bytes");
    pending_.insert(pending_.end(), chunk.begin(), chunk.end());
    if (flag == 1) return std::optional<Bytes>{};
    Bytes message = std::move(pending_);
    pending_.clear();
    return std::optional<Bytes>{std::move(message)};
}

}  // namespace canvass::sync
