// The socket side of the desk: an HTTP/1.1 server (Boost.Beast) on 127.0.0.1 only, one
// io_context, a coroutine per connection with a deadline, request bodies capped. Every
// request goes to a handler that takes a Request and returns a Response (desk.hpp), so no
// page knows about sockets. Asio stays in server.cpp.
#pragma once

#include <functional>
#include <memory>

#include "canvass/result.hpp"
#include "desk/http.hpp"

namespace canvass::cli::desk {

class DeskServer {
  public:
    // Listens on 127.0.0.1:`port` (0: the system chooses). Errors: the port is in use.
    static Result<DeskServer> bind(unsigned port);
    DeskServer(DeskServer&&) noexcept;
    DeskServer& operator=(DeskServer&&) noexcept;
    ~DeskServer();

    unsigned port() const;
    // Serves until SIGINT or SIGTERM, each request through `handle` (one at a time: the
    // handlers share the store). Returns when stopped.
    Result<void> run(const std::function<Response(const Request&)>& handle);

  private:
    struct Impl;
    explicit DeskServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace canvass::cli::desk
