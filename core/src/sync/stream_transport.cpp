#include "sync/stream_transport.hpp"

#include <array>
#include <utility>

#include "sync/frame.hpp"

namespace canvass::sync {

namespace {

class StreamTransport final : public Transport {
  public:
    explicit StreamTransport(ByteStream stream) : stream_(std::move(stream)) {}
    ~StreamTransport() override { close(); }

    Result<void> send_frame(std::span<const std::uint8_t> frame) override {
        if (frame.size() > max_frame_bytes)
            return unexpected(Domain::net, errc::invalid_argument, "frame longer than 65535 bytes");
        if (closed_) return unexpected(Domain::net, errc::io, "connection closed");
        if (!stream_.write)
            return unexpected(Domain::net, errc::invalid_argument, "the stream cannot be written");
        Bytes out;
        out.reserve(frame_header_bytes + frame.size());
        auto header = frame_header(frame.size());
        out.insert(out.end(), header.begin(), header.end());
        out.insert(out.end(), frame.begin(), frame.end());
        return stream_.write(out);
    }

    Result<Bytes> receive_frame() override {
        if (closed_) return unexpected(Domain::net, errc::io, "connection closed");
        std::array<std::uint8_t, frame_header_bytes> header{};
        CANVASS_TRY_VOID(read_exactly(header));
        Bytes frame(frame_length(header));
        CANVASS_TRY_VOID(read_exactly(frame));
        return frame;
    }

    void close() override {
        if (closed_) return;
        closed_ = true;
        if (stream_.close) stream_.close();
    }

  private:
    Result<void> read_exactly(std::span<std::uint8_t> into) {
        if (!stream_.read)
            return unexpected(Domain::net, errc::invalid_argument, "the stream cannot be read");
        std::size_t got = 0;
        while (got < into.size()) {
            CANVASS_TRY(std::size_t n, stream_.read(into.subspan(got)));
            if (n == 0) return unexpected(Domain::net, errc::io, "connection closed by peer");
            if (n > into.size() - got)
                return unexpected(Domain::net, errc::io,
                                  "the stream returned more bytes than were asked for");
            got += n;
        }
        return {};
    }

    ByteStream stream_;
    bool closed_ = false;
};

}  // namespace

std::unique_ptr<Transport> stream_transport(ByteStream stream) {
    return std::make_unique<StreamTransport>(std::move(stream));
}

}  // namespace canvass::sync
