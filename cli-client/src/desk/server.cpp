#include "desk/server.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <chrono>
#include <utility>  // before Asio: its awaitable.hpp misses it with g++ 12

namespace canvass::cli::desk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kMaxBodyBytes = 1u << 20;  // forms are small: a comment, a value
constexpr auto kRequestDeadline = std::chrono::seconds(30);

Request to_request(const http::request<http::string_body>& in) {
    Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    for (const auto& field : in) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers[name] = std::string(field.value());
    }
    out.body = in.body();
    return out;
}

http::response<http::string_body> to_beast(const Response& in, unsigned version, bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(in.status), version};
    for (const auto& [name, value] : in.headers) out.set(name, value);
    out.set(http::field::server, "canvass-desk");
    out.body() = in.body;
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

asio::awaitable<void> serve_connection(tcp::socket socket,
                                       const std::function<Response(const Request&)>& handle) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(kMaxBodyBytes);
        parser.header_limit(64 * 1024);
        stream.expires_after(kRequestDeadline);
        boost::system::error_code ec;
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;  // closed, timed out, or not HTTP: nothing to answer
        auto request = parser.release();
        Response response = handle(to_request(request));
        auto out = to_beast(response, request.version(), request.keep_alive());
        stream.expires_after(kRequestDeadline);
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !out.keep_alive()) break;
    }
    boost::system::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

struct DeskServer::Impl {
    asio::io_context io{1};
    tcp::acceptor acceptor{io};
};

DeskServer::DeskServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeskServer::DeskServer(DeskServer&&) noexcept = default;
DeskServer& DeskServer::operator=(DeskServer&&) noexcept = default;
DeskServer::~DeskServer() = default;

Result<DeskServer> DeskServer::bind(unsigned port) {
    auto impl = std::make_unique<Impl>();
    boost::system::error_code ec;
    tcp::endpoint at(asio::ip::make_address_v4("127.0.0.1"), static_cast<unsigned short>(port));
    impl->acceptor.open(at.protocol(), ec);
    if (!ec) impl->acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) impl->acceptor.bind(at, ec);
    if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return unexpected(
            Domain::net, errc::unavailable,
            "cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + ec.message());
    return DeskServer(std::move(impl));
}

unsigned DeskServer::port() const {
    return impl_->acceptor.local_endpoint().port();
}

Result<void> DeskServer::run(const std::function<Response(const Request&)>& handle) {
    auto& io = impl_->io;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
    auto accept = [&]() -> asio::awaitable<void> {
        for (;;) {
            boost::system::error_code ec;
            tcp::socket socket = co_await impl_->acceptor.async_accept(
                asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted) co_return;
                continue;
            }
            // One connection's failure never takes the desk down.
            asio::co_spawn(io, serve_connection(std::move(socket), handle),
                           [](std::exception_ptr) {});
        }
    };
    asio::co_spawn(io, accept(), asio::detached);
    io.run();
    return {};
}

}  // namespace canvass::cli::desk
