#include <utility>  // before Asio: its awaitable.hpp misses it with g++ 12

#include "server/listener.hpp"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "net/tcp_transport.hpp"
#include "sync/frame.hpp"
#include "sync/handshake_hint.hpp"
#include "util/log_text.hpp"

namespace canvass::server {
namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using boost::system::error_code;

class Connection;

// What every connection shares: the store, the key, the options, the log, the live set, and
// the two stages of admission (listener.hpp).
struct Shared {
    Shared(ServerStore& s, const crypto::DhKeyPair& k, ListenOptions o, Logger& l)
        : store(s), key(k), options(std::move(o)), log(l), assembly(options.assembly_budget) {}

    ServerStore& store;
    const crypto::DhKeyPair& key;
    ListenOptions options;
    Logger& log;
    std::list<Connection*> handshakes;                   // unfinished, oldest first
    std::map<std::string, std::size_t> handshakes_from;  // how many of them per source address
    std::size_t authenticated = 0;
    std::map<merge::DeviceId, std::size_t> sessions_of;    // authenticated sessions per device
    std::map<merge::DeviceId, std::size_t> assembling_of;  // budget bytes their messages hold
    sync::AssemblyBudget assembly;  // messages still arriving, all sessions together
    std::uint64_t evicted = 0;      // handshakes closed to make room, not yet logged
    Clock::time_point evictions_logged{};
    asio::steady_timer* grace =
        nullptr;  // set while stopping: cancelled when the last session ends
    // Last, so that connections still held here go before what they refer to above.
    std::set<std::shared_ptr<Connection>> live;

    // One line at most a second about evictions: a flood must not become a flood of log lines.
    void note_eviction(bool force = false) {
        if (!force) ++evicted;
        auto now = Clock::now();
        if (evicted == 0 || (!force && now - evictions_logged < std::chrono::seconds(1))) return;
        log.line("handshakes outcome=evicted count=" + std::to_string(evicted) +
                 " pending=" + std::to_string(handshakes.size()) +
                 " detail=\"the oldest unfinished handshakes were closed to make room for new "
                 "connections\"");
        evicted = 0;
        evictions_logged = now;
    }
};

// Logs the exception that ended a coroutine, if any: a session never takes the server down.
auto log_exceptions(Logger& log, std::string what) {
    return [&log, what = std::move(what)](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            log.line(what + " outcome=error detail=" + util::log_quoted(ex.what()));
        }
    };
}

class Connection : public std::enable_shared_from_this<Connection> {
  public:
    Connection(tcp::socket socket, Shared& shared, std::uint64_t id, std::string address)
        : socket_(std::move(socket)),
          shared_(shared),
          signal_(socket_.get_executor()),
          watchdog_(socket_.get_executor()),
          address_(std::move(address)),
          prefix_(describe(socket_, id)),
          logic_(shared.store, shared.key, session_options()),
          handshake_deadline_(Clock::now() + shared.options.handshake_timeout) {
        signal_.expires_at(Clock::time_point::max());
        set_read_deadline(handshake_deadline_);
        in_handshakes_ = shared_.handshakes.insert(shared_.handshakes.end(), this);
        ++shared_.handshakes_from[address_];
    }
    ~Connection() { leave_handshakes(); }

    const std::string& address() const { return address_; }
    // Nothing whole received yet: the first to go when room is needed.
    bool silent() const { return !spoken_; }

    void start() {
        auto ex = socket_.get_executor();
        auto self = shared_from_this();
        asio::co_spawn(
            ex, [self] { return self->reader(); }, log_exceptions(shared_.log, prefix_));
        asio::co_spawn(
            ex, [self] { return self->writer(); }, log_exceptions(shared_.log, prefix_));
        asio::co_spawn(
            ex, [self] { return self->watch(); }, log_exceptions(shared_.log, prefix_));
    }

    // Ends the connection now.
    void stop() {
        if (stopped_) return;
        stopped_ = true;
        leave_handshakes();
        if (authenticated_) --shared_.authenticated;
        authenticated_ = false;
        leave_device();
        error_code ignored;
        socket_.close(ignored);
        signal_.cancel();
        watchdog_.cancel();
        shared_.live.erase(shared_from_this());
        if (shared_.grace && shared_.live.empty()) shared_.grace->cancel();
    }

    // Stops reading; what is queued is still written, then the connection closes.
    void finish() {
        closing_ = true;
        signal_.cancel_one();
        error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_receive, ignored);
    }

    void log(const std::string& line) { shared_.log.line(prefix_ + " " + line); }

    // Closes an unfinished handshake to make room. One that has not spoken is still waiting
    // for message 2: it gets the (advisory) busy hint instead, so its device can say why.
    void evict() {
        if (!spoken_) {
            error_code ec;
            socket_.non_blocking(true, ec);
            // Take what it sent first, or closing would reset the connection and lose the hint.
            std::array<std::uint8_t, 1024> sink{};
            for (int i = 0; i < 4 && !ec; ++i) socket_.read_some(asio::buffer(sink), ec);
            auto hint = sync::handshake_hint_frame(sync::HandshakeHint::busy);
            auto header = sync::frame_header(hint.size());
            std::array<asio::const_buffer, 2> buffers{asio::buffer(header), asio::buffer(hint)};
            socket_.write_some(buffers, ec);
        }
        stop();
    }

  private:
    // Leaves the first stage of admission (handshake done, or connection over).
    void leave_handshakes() {
        if (!in_handshakes_) return;
        shared_.handshakes.erase(*in_handshakes_);
        in_handshakes_.reset();
        auto from = shared_.handshakes_from.find(address_);
        if (from != shared_.handshakes_from.end() && --from->second == 0)
            shared_.handshakes_from.erase(from);
    }
    // What this session holds of the budget is now `charged`: false if the device's sessions
    // together hold more than its share.
    bool charge_device(std::size_t charged) {
        if (!device_) return true;
        auto& total = shared_.assembling_of[*device_];
        total = total - std::min(total, charged_) + charged;
        charged_ = charged;
        return total <= shared_.options.assembly_per_device;
    }
    void leave_device() {
        if (!device_) return;
        charge_device(0);
        if (auto a = shared_.assembling_of.find(*device_);
            a != shared_.assembling_of.end() && a->second == 0)
            shared_.assembling_of.erase(a);
        auto it = shared_.sessions_of.find(*device_);
        if (it != shared_.sessions_of.end() && --it->second == 0) shared_.sessions_of.erase(it);
        device_.reset();
    }
    // Once the device is known: one device holds at most max_sessions_per_device sessions.
    bool admit_device(const merge::DeviceId& device) {
        auto& held = shared_.sessions_of[device];
        if (held >= shared_.options.max_sessions_per_device) {
            if (held == 0) shared_.sessions_of.erase(device);
            // Refused: its slot is free at once, not when the connection is over.
            if (authenticated_) --shared_.authenticated;
            authenticated_ = false;
            return false;
        }
        ++held;
        device_ = device;
        return true;
    }
    // The second stage: called by the session once the handshake is over.
    bool admit() {
        leave_handshakes();
        if (shared_.authenticated >= shared_.options.max_sessions) return false;
        ++shared_.authenticated;
        authenticated_ = true;
        return true;
    }

    static std::string describe(const tcp::socket& socket, std::uint64_t id) {
        error_code ec;
        auto peer = socket.remote_endpoint(ec);
        return "session=" + std::to_string(id) + " peer=" +
               (ec ? "?" : peer.address().to_string() + ":" + std::to_string(peer.port()));
    }
    // The session's own log lines carry this connection's prefix; it asks this connection
    // for admission and takes from the server's assembly budget.
    sync::ServerSessionOptions session_options() {
        auto o = shared_.options.session;
        o.log = [&log = shared_.log, prefix = prefix_](const std::string& line) {
            log.line(prefix + " " + line);
        };
        o.assembly_budget = &shared_.assembly;
        o.admit = [this] { return admit(); };
        o.admit_device = [this](const merge::DeviceId& d) { return admit_device(d); };
        o.admit_device_cap = shared_.options.max_sessions_per_device;
        o.device_assembly = [this](std::size_t charged) { return charge_device(charged); };
        return o;
    }

    awaitable<void> reader() {
        std::array<std::uint8_t, sync::frame_header_bytes> header{};
        sync::Bytes frame;
        try {
            while (!stopped_) {
                set_read_deadline(logic_.handshaking()
                                      ? handshake_deadline_
                                      : Clock::now() + shared_.options.idle_timeout);
                co_await asio::async_read(socket_, asio::buffer(header), use_awaitable);
                std::size_t n = sync::frame_length(header);
                if (logic_.handshaking() && n > shared_.options.max_handshake_frame) {
                    log(logic_.who() +
                        " outcome=refused reason=limit detail=\"handshake frame of " +
                        std::to_string(n) + " bytes\"");
                    stop();
                    co_return;
                }
                auto frame_deadline = Clock::now() + shared_.options.read_timeout;
                set_read_deadline(logic_.handshaking()
                                      ? std::min(frame_deadline, handshake_deadline_)
                                      : frame_deadline);
                frame.resize(n);
                co_await asio::async_read(socket_, asio::buffer(frame), use_awaitable);
                if (closing_) break;  // stopping: take nothing more
                spoken_ = true;
                auto out = logic_.on_frame(frame);
                for (auto& f : out.frames) queue_.push_back(std::move(f));
                signal_.cancel_one();
                if (out.close) {
                    co_await drain();
                    break;
                }
            }
        } catch (const boost::system::system_error& e) {
            if (!stopped_ && !logic_.closed())
                log(logic_.who() +
                    (closing_
                         ? " outcome=interrupted detail=\"the server is stopping\""
                         : " outcome=disconnected detail=" + util::log_quoted(e.code().message())));
        }
        reader_done_ = true;
        if (!closing_ || writer_done_) stop();
    }

    // After the session ended: let the writer flush, then wait (briefly) for the client to
    // close first, so the last message is not lost to a TCP reset.
    awaitable<void> drain() {
        closing_ = true;
        signal_.cancel_one();
        set_read_deadline(Clock::now() + std::min<Clock::duration>(shared_.options.read_timeout,
                                                                   std::chrono::seconds(2)));
        std::array<std::uint8_t, 512> sink{};
        error_code ec;
        while (!ec && !stopped_)
            co_await socket_.async_read_some(asio::buffer(sink),
                                             asio::redirect_error(use_awaitable, ec));
        stop();  // the client closed, or took too long to: either way, done
    }

    awaitable<void> writer() {
        try {
            while (!stopped_) {
                if (queue_.empty()) {
                    if (closing_) {
                        error_code ignored;
                        socket_.shutdown(tcp::socket::shutdown_send, ignored);
                        writer_done_ = true;
                        if (reader_done_) stop();
                        co_return;
                    }
                    error_code ec;
                    co_await signal_.async_wait(asio::redirect_error(use_awaitable, ec));
                    continue;
                }
                co_await write_queued();
            }
        } catch (const boost::system::system_error&) {
            stop();
        }
    }

    // Writes everything queued in one gathered write: headers and frames.
    awaitable<void> write_queued() {
        std::deque<sync::Bytes> batch;
        batch.swap(queue_);
        std::vector<std::array<std::uint8_t, 2>> headers;
        headers.reserve(batch.size());
        std::vector<asio::const_buffer> buffers;
        for (const auto& f : batch) {
            headers.push_back(sync::frame_header(f.size()));
            buffers.push_back(asio::buffer(headers.back()));
            buffers.push_back(asio::buffer(f));
        }
        write_deadline_ = Clock::now() + shared_.options.write_timeout;
        rearm_watchdog(write_deadline_);
        co_await asio::async_write(socket_, buffers, use_awaitable);
        write_deadline_ = Clock::time_point::max();
    }

    awaitable<void> watch() {
        while (!stopped_) {
            auto deadline = std::min(read_deadline_, write_deadline_);
            if (deadline <= Clock::now()) {
                if (!closing_)  // a session that already ended has logged its outcome
                    log(logic_.who() + " outcome=timeout detail=\"" +
                        (logic_.handshaking() ? "handshake not completed in time"
                                              : "no data from the client in time") +
                        "\"");
                stop();
                co_return;
            }
            watchdog_.expires_at(deadline);
            error_code ec;
            co_await watchdog_.async_wait(asio::redirect_error(use_awaitable, ec));
        }
    }

    void set_read_deadline(Clock::time_point t) {
        read_deadline_ = t;
        rearm_watchdog(t);
    }
    // Wakes the watchdog if the new deadline is earlier than the one it sleeps until.
    void rearm_watchdog(Clock::time_point t) {
        if (t < watchdog_.expiry()) watchdog_.cancel();
    }

    tcp::socket socket_;
    Shared& shared_;
    asio::steady_timer signal_;    // wakes the writer
    asio::steady_timer watchdog_;  // closes the socket on a deadline
    std::string address_;          // the peer's IP address, for the per-address cap
    std::string prefix_;           // "session=N peer=ADDRESS", for every log line
    sync::ServerSession logic_;
    std::deque<sync::Bytes> queue_;
    std::optional<std::list<Connection*>::iterator> in_handshakes_;  // while in the first stage
    bool spoken_ = false;                                            // a whole frame was received
    bool authenticated_ = false;             // counted in Shared::authenticated
    std::optional<merge::DeviceId> device_;  // counted in Shared::sessions_of
    std::size_t charged_ = 0;                // counted in Shared::assembling_of
    Clock::time_point handshake_deadline_;
    Clock::time_point read_deadline_ = Clock::time_point::max();
    Clock::time_point write_deadline_ = Clock::time_point::max();
    bool closing_ = false;  // the session ended or the server is stopping: flush, then close
    bool reader_done_ = false;
    bool writer_done_ = false;
    bool stopped_ = false;
};

// The oldest unfinished handshake from `address`, silent ones first; nullptr if none.
Connection* oldest_handshake(Shared& shared, const std::string& address) {
    Connection* oldest = nullptr;
    for (auto* c : shared.handshakes) {
        if (c->address() != address) continue;
        if (c->silent()) return c;
        if (!oldest) oldest = c;
    }
    return oldest;
}

// Before a new connection joins the handshakes: if its address holds its share, the oldest
// of that address goes; if all handshakes together are at the cap, the oldest of the
// address holding the most goes, so one source's flood never pushes out another's devices.
void make_room_for_handshake(Shared& shared, const std::string& address) {
    const auto& o = shared.options;
    Connection* victim = nullptr;
    auto from = shared.handshakes_from.find(address);
    if (from != shared.handshakes_from.end() &&
        from->second >= std::max<std::size_t>(1, o.max_handshakes_per_address)) {
        victim = oldest_handshake(shared, address);
    } else if (shared.handshakes.size() >= std::max<std::size_t>(1, o.max_handshakes)) {
        auto busiest =
            std::max_element(shared.handshakes_from.begin(), shared.handshakes_from.end(),
                             [](const auto& a, const auto& b) { return a.second < b.second; });
        if (busiest != shared.handshakes_from.end())
            victim = oldest_handshake(shared, busiest->first);
    }
    if (!victim) return;
    victim->evict();
    shared.note_eviction();
}

// Every connection is a file descriptor: raise the soft limit so the caps above, and not
// the operating system, decide who is refused.
void raise_descriptor_limit(const ListenOptions& o, Logger& log) {
    rlimit r{};
    if (getrlimit(RLIMIT_NOFILE, &r) != 0) return;
    rlim_t wanted = o.max_handshakes + o.max_sessions + 64;
    if (r.rlim_cur < wanted) {
        r.rlim_cur = std::min(wanted, r.rlim_max);
        setrlimit(RLIMIT_NOFILE, &r);
    }
    if (r.rlim_cur < wanted)
        log.line("server outcome=warning detail=\"the open file limit (" +
                 std::to_string(r.rlim_cur) + ") is below what the connection caps need (" +
                 std::to_string(wanted) +
                 "): raise it (ulimit -n) or lower --max-sessions and --max-handshakes\"");
}

awaitable<void> accept_loop(tcp::acceptor& acceptor, Shared& shared) {
    std::uint64_t next_id = 1;
    asio::steady_timer pause(acceptor.get_executor());
    while (acceptor.is_open()) {
        error_code ec;
        tcp::socket socket =
            co_await acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
        if (ec == asio::error::operation_aborted) co_return;
        if (ec) {  // out of file descriptors and the like: wait a little rather than spin
            shared.log.line("accept outcome=error detail=" + util::log_quoted(ec.message()));
            pause.expires_after(std::chrono::milliseconds(100));
            co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        auto id = next_id++;
        auto peer = socket.remote_endpoint(ec);
        std::string address = ec ? "?" : peer.address().to_string();
        make_room_for_handshake(shared, address);
        // Acks are small and latency-bound: Nagle's algorithm would hold each one back.
        socket.set_option(tcp::no_delay(true), ec);
        auto connection =
            std::make_shared<Connection>(std::move(socket), shared, id, std::move(address));
        shared.live.insert(connection);
        connection->start();
    }
}

}  // namespace

void StopHook::request() {
    std::lock_guard lock(mutex);
    requested = true;
    if (fire) fire();
}

Result<void> run_server(ServerStore& store, const crypto::DhKeyPair& key, ListenOptions options,
                        Logger& log, const std::function<void(const std::string&)>& on_listening,
                        StopHook* stop) {
    CANVASS_TRY(auto hp, net::parse_address(options.listen, true));
    asio::io_context io(1);
    error_code ec;
    auto address = asio::ip::make_address(hp.host, ec);
    if (ec)
        return unexpected(
            Domain::net, errc::invalid_argument,
            "cannot listen on \"" + options.listen + "\": give an IP address, e.g. 0.0.0.0:7433");
    auto port = static_cast<unsigned short>(std::stoul(hp.port));
    tcp::acceptor acceptor(io);
    tcp::endpoint endpoint(address, port);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        return unexpected(Domain::net, errc::io,
                          "cannot listen on " + options.listen + ": " + ec.message());
    auto bound = acceptor.local_endpoint();
    std::string bound_text = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                      : bound.address().to_string()) +
                             ":" + std::to_string(bound.port());

    raise_descriptor_limit(options, log);
    Shared shared(store, key, std::move(options), log);
    asio::co_spawn(io, accept_loop(acceptor, shared), log_exceptions(log, "accept"));

    asio::signal_set signals(io, SIGINT, SIGTERM);
    asio::steady_timer grace(io);
    bool stopping = false;
    auto begin_stop = [&](const std::string& cause) {
        if (stopping) return;
        stopping = true;
        log.line("server outcome=stopping " + cause +
                 " sessions=" + std::to_string(shared.live.size()));
        error_code ignored;
        signals.cancel(ignored);
        acceptor.close(ignored);
        for (const auto& c : std::set(shared.live)) c->finish();
        // Whatever has not finished writing within the grace period is cut.
        if (shared.live.empty()) return;
        shared.grace = &grace;
        grace.expires_after(std::chrono::seconds(5));
        grace.async_wait([&](const error_code& g) {
            if (!g)
                for (const auto& c : std::set(shared.live)) c->stop();
        });
    };
    signals.async_wait([&](const error_code& e, int signal) {
        if (!e) begin_stop("signal=" + std::to_string(signal));
    });
    if (stop) {
        std::lock_guard lock(stop->mutex);
        stop->fire = [&] { asio::post(io, [&] { begin_stop("by=request"); }); };
        if (stop->requested) stop->fire();
    }
    log.line("server outcome=listening address=" + bound_text);
    on_listening(bound_text);
    io.run();
    if (stop) {
        std::lock_guard lock(stop->mutex);
        stop->fire = nullptr;
    }
    shared.note_eviction(true);
    log.line("server outcome=stopped");
    return {};
}

}  // namespace canvass::server
