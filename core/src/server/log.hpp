// The server's log: one line per event on stderr, prefixed with a UTC timestamp. Lines name
// the session, the device, the project and the outcome; never an answer, a key or a token
// secret (the protocol code composes them from ids and counts only). Text a peer chose is
// quoted with util::log_quoted; the logger itself escapes any control byte left and cuts
// every line to util::log_line_bytes, so one event is always one bounded line.
#pragma once

#include <string_view>

#include "canvass/clock.hpp"

namespace canvass::server {

class Logger {
  public:
    virtual ~Logger() = default;
    virtual void line(std::string_view text) = 0;
};

// Writes to stderr, flushing every line so a killed server loses none; lines are dated by
// `clock` (the server's, canvass::Server::open).
class StderrLogger final : public Logger {
  public:
    explicit StderrLogger(Clock& clock = system_clock()) : clock_(clock) {}
    void line(std::string_view text) override;

  private:
    Clock& clock_;
};

}  // namespace canvass::server
