#include <utility>  // before Asio: its awaitable.hpp misses it with g++ 12

#include "net/tcp_transport.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "sync/frame.hpp"

namespace canvass::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

Error net_error(const error_code& ec, const std::string& what) {
    if (ec == asio::error::eof || ec == asio::error::connection_reset ||
        ec == asio::error::broken_pipe)
        return Error{Domain::net, errc::io, "connection closed by peer"};
    if (ec == asio::error::operation_aborted)
        return Error{Domain::net, errc::timeout, what + ": timed out"};
    return Error{Domain::net, errc::io, what + ": " + ec.message()};
}

// Runs the io_context until the started operation completes or `timeout` passes; on timeout
// the socket is closed, which completes the operation with operation_aborted.
void run_with_deadline(asio::io_context& io, tcp::socket& socket,
                       std::chrono::milliseconds timeout) {
    io.restart();
    io.run_for(timeout);
    if (!io.stopped()) {
        error_code ignored;
        socket.close(ignored);
        io.run();
    }
}

class TcpTransport final : public sync::Transport {
  public:
    TcpTransport(TcpOptions options) : socket_(io_), options_(options) {}
    ~TcpTransport() override { close(); }

    Result<void> connect(const HostPort& hp, const std::string& address) {
        tcp::resolver resolver(io_);
        error_code ec;
        tcp::resolver::results_type endpoints;
        resolver.async_resolve(hp.host, hp.port,
                               [&](const error_code& e, tcp::resolver::results_type r) {
                                   ec = e;
                                   endpoints = std::move(r);
                               });
        auto start = std::chrono::steady_clock::now();
        io_.run_for(options_.connect_timeout);
        if (!io_.stopped()) {
            resolver.cancel();
            io_.run();
            return unexpected(Domain::net, errc::timeout, "looking up " + hp.host + " timed out");
        }
        if (ec)
            return unexpected(Domain::net, errc::not_found,
                              "cannot find " + hp.host + ": " + ec.message());
        auto left =
            options_.connect_timeout - std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::steady_clock::now() - start);
        asio::async_connect(socket_, endpoints,
                            [&](const error_code& e, const tcp::endpoint&) { ec = e; });
        run_with_deadline(io_, socket_, std::max(left, std::chrono::milliseconds(1)));
        if (ec) {
            auto err = net_error(ec, "connecting to " + address);
            if (err.code == errc::io)
                err.message = "cannot connect to " + address + ": " + ec.message();
            return unexpected(std::move(err));
        }
        socket_.set_option(tcp::no_delay(true), ec);
        return {};
    }

    Result<void> send_frame(std::span<const std::uint8_t> frame) override {
        if (frame.size() > sync::max_frame_bytes)
            return unexpected(Domain::net, errc::invalid_argument, "frame longer than 65535 bytes");
        if (!socket_.is_open()) return unexpected(Domain::net, errc::io, "connection closed");
        auto header = sync::frame_header(frame.size());
        std::array<asio::const_buffer, 2> buffers{asio::buffer(header),
                                                  asio::buffer(frame.data(), frame.size())};
        error_code ec;
        asio::async_write(socket_, buffers, [&](const error_code& e, std::size_t) { ec = e; });
        run_with_deadline(io_, socket_, options_.write_timeout);
        if (ec) return unexpected(net_error(ec, "sending to the server"));
        return {};
    }

    Result<sync::Bytes> receive_frame() override {
        if (!socket_.is_open()) return unexpected(Domain::net, errc::io, "connection closed");
        std::array<std::uint8_t, sync::frame_header_bytes> header{};
        CANVASS_TRY_VOID(read_exactly(asio::buffer(header)));
        sync::Bytes frame(sync::frame_length(header));
        if (!frame.empty()) CANVASS_TRY_VOID(read_exactly(asio::buffer(frame)));
        return frame;
    }

    void close() override {
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    Result<void> read_exactly(asio::mutable_buffer buffer) {
        error_code ec;
        asio::async_read(socket_, buffer, [&](const error_code& e, std::size_t) { ec = e; });
        run_with_deadline(io_, socket_, options_.read_timeout);
        if (ec) return unexpected(net_error(ec, "waiting for the server"));
        return {};
    }

    asio::io_context io_{1};
    tcp::socket socket_;
    TcpOptions options_;
};

}  // namespace

Result<HostPort> parse_address(std::string_view address, bool allow_port_zero) {
    auto bad = [&](const std::string& why) {
        return unexpected(Domain::net, errc::invalid_argument,
                          "bad server address \"" + std::string(address) + "\": " + why);
    };
    HostPort hp;
    std::size_t colon;
    if (address.starts_with("[")) {
        auto close = address.find(']');
        if (close == std::string_view::npos || close + 1 >= address.size() ||
            address[close + 1] != ':')
            return bad("expected [address]:port");
        hp.host = std::string(address.substr(1, close - 1));
        colon = close + 1;
    } else {
        colon = address.rfind(':');
        if (colon == std::string_view::npos || colon == 0) return bad("expected host:port");
        hp.host = std::string(address.substr(0, colon));
        if (hp.host.find(':') != std::string::npos)
            return bad("write an IPv6 address as [address]:port");
    }
    hp.port = std::string(address.substr(colon + 1));
    if (hp.host.empty()) return bad("no host");
    if (hp.port.empty() || hp.port.size() > 5 ||
        hp.port.find_first_not_of("0123456789") != std::string::npos ||
        (std::stoul(hp.port) == 0 && !allow_port_zero) || std::stoul(hp.port) > 65535)
        return bad(allow_port_zero ? "the port must be a number from 0 to 65535"
                                   : "the port must be a number from 1 to 65535");
    return hp;
}

Result<std::vector<HostPort>> parse_addresses(std::string_view addresses) {
    std::vector<HostPort> out;
    for (std::size_t start = 0;;) {
        auto comma = addresses.find(',', start);
        auto one = addresses.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        CANVASS_TRY(auto hp, parse_address(one));
        out.push_back(std::move(hp));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (out.size() > 8)
        return unexpected(
            Domain::net, errc::invalid_argument,
            "bad server address \"" + std::string(addresses) + "\": at most 8 addresses");
    return out;
}

Result<std::unique_ptr<sync::Transport>> connect_tcp(std::string_view address, TcpOptions options) {
    if (address.find(',') == std::string_view::npos) {
        CANVASS_TRY(auto hp, parse_address(address));
        auto transport = std::make_unique<TcpTransport>(options);
        CANVASS_TRY_VOID(transport->connect(hp, std::string(address)));
        return std::unique_ptr<sync::Transport>(std::move(transport));
    }
    // Several instances of one server: the first that accepts serves the whole session.
    CANVASS_TRY(auto all, parse_addresses(address));
    Error last{Domain::net, errc::io, ""};
    std::string reasons;
    for (const auto& hp : all) {
        auto transport = std::make_unique<TcpTransport>(options);
        auto connected = transport->connect(hp, hp.host + ":" + hp.port);
        if (connected) return std::unique_ptr<sync::Transport>(std::move(transport));
        last = std::move(connected).error();
        reasons += (reasons.empty() ? "" : "; ") + last.message;
    }
    last.message = "no server address answered: " + reasons;
    return unexpected(std::move(last));
}

}  // namespace canvass::net
