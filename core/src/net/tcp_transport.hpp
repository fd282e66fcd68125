// The sync client's TCP transport: Asio underneath, the blocking Transport interface on top,
// with a deadline on connecting and on every read and write so a dead network never hangs a
// sync. The only Asio in core; nothing of it shows in this header.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/result.hpp"
#include "sync/transport.hpp"

namespace canvass::net {

struct TcpOptions {
    std::chrono::milliseconds connect_timeout{15000};  // name lookup and connection together
    std::chrono::milliseconds read_timeout{60000};     // waiting for one frame
    std::chrono::milliseconds write_timeout{60000};    // handing one frame to the OS
};

// "host:port" or "[v6 address]:port" split into its parts; Error{net, invalid_argument} with
// a message saying what is wrong otherwise. Port 0 (let the OS choose) only for listening.
struct HostPort {
    std::string host;
    std::string port;
};
Result<HostPort> parse_address(std::string_view address, bool allow_port_zero = false);

// A server's addresses: one "host:port", or several separated by commas (instances of one
// server behind no balancer, docs/server.md), each checked by parse_address(); at most 8.
Result<std::vector<HostPort>> parse_addresses(std::string_view addresses);

// Connects to `address` ("host:port", or several separated by commas: tried in turn, in
// order, each with the whole connect timeout, until one accepts). Errors in domain net:
// invalid_argument for a bad address, not_found when the name does not resolve, timeout, io
// when refused or unreachable, each naming the address (for several, the last one's code,
// and every address's reason in the message). The transport's errors follow
// sync::Transport's contract.
Result<std::unique_ptr<sync::Transport>> connect_tcp(std::string_view address,
                                                     TcpOptions options = {});

}  // namespace canvass::net
