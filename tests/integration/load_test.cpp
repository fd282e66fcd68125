// canvass-server under hostile load, on 127.0.0.1: floods of silent connections beside
// honest devices, sessions over the cap, and devices buffering unfinished messages. Every
// loop is bounded in count and in time; nothing leaves loopback.
#include <atomic>
#include <mutex>

#include "load_fixture.hpp"
#include "raw_tcp_session.hpp"
#include "sync/frame.hpp"
#include "sync/handshake_hint.hpp"

namespace canvass::server_test {
namespace {

// Silent TCP connections from 127.0.0.1 to 127.0.0.10 (the whole of 127/8 is loopback on
// Linux): opened, held, and opened again as soon as the server closes one, until stopped,
// `limit` passes or `max_opens` connections were made.
class SilentFlood {
  public:
    SilentFlood(std::uint16_t port, int connections, std::chrono::seconds limit,
                std::uint64_t max_opens)
        : port_(port), connections_(connections), limit_(limit), max_opens_(max_opens) {}
    ~SilentFlood() { stop(); }

    void start() {
        thread_ = std::thread([this] { run(); });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    std::uint64_t opened() const { return opened_; }
    std::uint64_t closed_by_server() const { return closed_; }
    std::uint64_t busy_hints() const { return hints_; }
    // Connections open right now (established or still in the server's accept queue).
    int open_now() const { return open_now_; }

  private:
    int open_one(int i) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        if (fd < 0) return -1;
        int one = 1;
        ::setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
        sockaddr_in source{};
        source.sin_family = AF_INET;
        source.sin_addr.s_addr = htonl(INADDR_LOOPBACK + static_cast<std::uint32_t>(i % 10));
        ::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source);
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(port_);
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server);  // in progress
        ++opened_;
        return fd;
    }

    void run() {
        std::vector<pollfd> fds(static_cast<std::size_t>(connections_));
        for (int i = 0; i < connections_; ++i)
            fds[static_cast<std::size_t>(i)] = {open_one(i), POLLIN, 0};
        auto until = std::chrono::steady_clock::now() + limit_;
        const auto hint = sync::handshake_hint_frame(sync::HandshakeHint::busy);
        const std::string hint_text(hint.begin(), hint.end());
        char buf[256];
        while (!stop_ && std::chrono::steady_clock::now() < until && opened_ < max_opens_) {
            int open = 0;
            for (const auto& p : fds) open += p.fd >= 0;
            open_now_ = open;
            if (::poll(fds.data(), fds.size(), 50) <= 0) continue;
            for (std::size_t i = 0; i < fds.size(); ++i) {
                auto& p = fds[i];
                if (p.fd >= 0 && !(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
                if (p.fd >= 0) {
                    ssize_t n = ::recv(p.fd, buf, sizeof buf, 0);
                    if (n > 0) {
                        if (std::string(buf, static_cast<std::size_t>(n)).find(hint_text) !=
                            std::string::npos)
                            ++hints_;
                        continue;  // the close follows
                    }
                    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) continue;
                    ::close(p.fd);
                    ++closed_;
                }
                if (opened_ < max_opens_)
                    p.fd = open_one(static_cast<int>(i));
                else
                    p.fd = -1;
                p.revents = 0;
            }
        }
        for (auto& p : fds)
            if (p.fd >= 0) ::close(p.fd);
        open_now_ = 0;
    }

    std::uint16_t port_;
    int connections_;
    std::chrono::seconds limit_;
    std::uint64_t max_opens_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> opened_{0}, closed_{0}, hints_{0};
    std::atomic<int> open_now_{0};
};

TEST_F(LoadTest, AThousandSilentConnectionsDoNotKeepTwentyHonestDevicesOut) {
    constexpr int kFlood = 1000, kDevices = 20, kInterviews = 10;
    ASSERT_GE(raise_open_files(4096), rlim_t{kFlood + kDevices + 200})
        << "the open file limit is too low for this test";
    RunningServer server(tmp, data);  // the defaults: what a real deployment runs
    server.start();
    std::vector<std::unique_ptr<Device>> devices;
    for (int i = 0; i < kDevices; ++i) {
        devices.push_back(std::make_unique<Device>());
        auto enrolled = devices.back()->enroll(token(server));
        ASSERT_TRUE(enrolled) << enrolled.error().describe();
        devices.back()->author(kInterviews, "demo");
    }

    SilentFlood flood(server.port(), kFlood, std::chrono::seconds(240), 2'000'000);
    flood.start();
    // The flood holds the door before the devices come: every connection open, the server
    // already closing the oldest to make room.
    auto until = std::chrono::steady_clock::now() + 60s;
    while (std::chrono::steady_clock::now() < until &&
           (flood.opened() < kFlood || server.log().find("outcome=evicted") == std::string::npos))
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(server.log().find("outcome=evicted"), std::string::npos)
        << "the flood did not fill the handshake slots";

    std::vector<Result<sync::SyncReport>> results(
        kDevices, unexpected(Domain::core, errc::invalid_argument, "not run"));
    std::vector<std::thread> syncs;
    for (int i = 0; i < kDevices; ++i)
        syncs.emplace_back([&, i] { results[i] = devices[i]->sync(); });
    for (auto& t : syncs) t.join();
    const int open_at_end = flood.open_now();
    flood.stop();

    int ok = 0;
    for (int i = 0; i < kDevices; ++i) {
        EXPECT_TRUE(results[i]) << "device " << i << ": " << results[i].error().describe();
        if (results[i] && results[i]->stats.acknowledged == kInterviews) ++ok;
    }
    EXPECT_EQ(ok, kDevices);
    EXPECT_EQ(changesets(), kDevices * kInterviews);
    EXPECT_EQ(open_at_end, kFlood)
        << "the flood was not holding its connections while the devices synced";
    EXPECT_GT(flood.closed_by_server(), 0u);
    EXPECT_GT(flood.busy_hints(), 0u) << "closed handshakes should carry the busy hint";
    std::cout << "flood: " << flood.opened() << " connections opened, " << flood.closed_by_server()
              << " closed by the server, " << flood.busy_hints() << " told it is busy; " << ok
              << " of " << kDevices << " devices synced\n";
}

TEST_F(LoadTest, AHandshakeClosedToMakeRoomIsToldTheServerIsBusy) {
    RunningServer server(tmp, data, {"--max-handshakes-per-address", "2"});
    server.start();
    Device device;
    ASSERT_TRUE(device.enroll(token(server)));
    int first = silent_connection(server.port()), second = silent_connection(server.port());
    ASSERT_GE(first, 0);
    ASSERT_GE(second, 0);
    device.author(3, "demo");
    auto r =
        device.sync();  // its connection is the third from 127.0.0.1: the oldest silent one goes
    ASSERT_TRUE(r) << r.error().describe();
    auto hint = sync::handshake_hint_frame(sync::HandshakeHint::busy);
    auto header = sync::frame_header(hint.size());
    std::string expected(header.begin(), header.end());
    expected.append(hint.begin(), hint.end());
    EXPECT_EQ(read_until_closed(first, 30s), expected);
    ::close(first);
    ::close(second);
    EXPECT_NE(server.log().find("outcome=evicted"), std::string::npos) << server.log();
}

TEST_F(LoadTest, ADeviceBeyondTheSessionCapIsToldTheServerIsBusyAndGetsInOnceThereIsRoom) {
    RunningServer server(tmp, data, {"--max-sessions", "1"});
    server.start();
    Device holder, device;
    ASSERT_TRUE(holder.enroll(token(server)));
    ASSERT_TRUE(device.enroll(token(server)));
    auto held = testing::RawTcpSession::open(server.address(), holder.server_key, holder.keys);
    ASSERT_TRUE(held) << held.error().describe();  // the one session allowed, held open

    device.author(3, "demo");
    auto refused = device.sync();
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().domain, Domain::net) << refused.error().describe();
    EXPECT_EQ(refused.error().code, errc::unavailable) << refused.error().describe();
    EXPECT_EQ(refused.error().message, "the server is busy, try again in a minute");
    EXPECT_NE(server.log().find("reason=unavailable"), std::string::npos) << server.log();

    held->close();
    Result<sync::SyncReport> r = unexpected(Domain::core, errc::invalid_argument, "not run");
    for (int attempt = 0; attempt < 100 && !r; ++attempt) {  // until the server has seen the close
        r = device.sync();
        if (!r) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(changesets(), 3);
}

// One enrolled device opens far more sessions than the server has slots and holds them:
// it gets max_sessions_per_device (4) of them, and every other device still syncs.
TEST_F(LoadTest, OneDeviceHoldingManySessionsDoesNotTakeTheSlotsOfOthers) {
    constexpr int kAttempts = 40;
    RunningServer server(tmp, data, {"--max-sessions", "16"});
    server.start();
    Device greedy;
    ASSERT_TRUE(greedy.enroll(token(server)));
    std::vector<testing::RawTcpSession> held;
    int refused_as_limit = 0;
    std::string refusal;
    net::TcpOptions quick;
    quick.read_timeout = 500ms;  // an admitted session waits for a hello and says nothing
    for (int i = 0; i < kAttempts; ++i) {
        auto session =
            testing::RawTcpSession::open(greedy.address, greedy.server_key, greedy.keys, quick);
        ASSERT_TRUE(session) << session.error().describe();
        held.push_back(std::move(session).value());
    }
    // The server refuses what is beyond the device's share at once; the rest wait for a hello.
    for (auto& s : held) {
        auto said = s.refusal();
        if (said && said->code == sync::ErrorCode::limit) {
            ++refused_as_limit;
            refusal = said->message;
        }
    }
    EXPECT_EQ(refused_as_limit, kAttempts - 4) << server.log();
    EXPECT_NE(refusal.find("already holds 4 sessions"), std::string::npos) << refusal;

    for (int i = 0; i < 5; ++i) {
        Device honest;
        ASSERT_TRUE(honest.enroll(token(server)));
        honest.author(2, "demo");
        auto r = honest.sync();
        ASSERT_TRUE(r) << "device " << i << ": " << r.error().describe();
    }
    EXPECT_EQ(changesets(), 10);
    for (auto& s : held) s.close();
}

TEST_F(LoadTest, AServerThatVanishesIsALostConnectionNotAWrongKey) {
    // Something that accepts on the server's address and closes every connection at once.
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(listener, 4), 0);
    socklen_t len = sizeof a;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&a), &len);
    std::thread closer([listener] {
        int fd = ::accept(listener, nullptr, nullptr);
        if (fd >= 0) ::close(fd);
    });
    Device device;
    device.server_key = crypto::generate_dh_key().public_key;
    device.address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    auto r = device.sync();
    closer.join();
    ::close(listener);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().domain, Domain::net) << r.error().describe();
    EXPECT_NE(r.error().message.find("lost the connection"), std::string::npos)
        << r.error().message;
    EXPECT_EQ(r.error().message.find("server key"), std::string::npos) << r.error().message;
}

// Sends, in `session`, all but the last chunk of the largest message allowed (8 MiB), so the
// server holds it unfinished. A refused session stops at the first send after the close.
void hold_unfinished_message(testing::RawTcpSession& session) {
    sync::Bytes chunk(sync::max_chunk_bytes + 1, 0x5a);
    chunk[0] = 0x01;  // more follows: the message never ends
    const std::size_t chunks = (8u << 20) / sync::max_chunk_bytes - 1;
    for (std::size_t c = 0; c < chunks && session.send_plaintext(chunk); ++c) {
    }
}

int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Enrolled devices open many sessions and in each hold an unfinished 8 MiB message. Without
// a shared budget every session would hold its 8 MiB: 64 sessions, over 512 MB.
TEST_F(LoadTest, UnfinishedMessagesOfManySessionsStayWithinTheServersMemoryBound) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    GTEST_SKIP() << "sanitizers change what memory means";
#endif
    constexpr int kDevices = 16;  // each holds the 4 sessions one device may
    constexpr int kSessions = 64;
    constexpr long kBoundKib = 100 * 1024;  // 100 MB, the documented bound with a margin
    RunningServer server(tmp, data);
    server.start();
    std::vector<Device> attackers(kDevices);
    for (auto& a : attackers) ASSERT_TRUE(a.enroll(token(server)));
    Device honest;
    ASSERT_TRUE(honest.enroll(token(server)));
    const long idle = peak_rss_kib(server.pid());

    std::vector<testing::RawTcpSession> sessions;
    for (int s = 0; s < kSessions; ++s) {
        auto& attacker = attackers[static_cast<std::size_t>(s % kDevices)];
        auto session =
            testing::RawTcpSession::open(attacker.address, attacker.server_key, attacker.keys);
        ASSERT_TRUE(session) << session.error().describe();
        hold_unfinished_message(*session);
        sessions.push_back(std::move(session).value());
    }
    // While they hold what they sent, an honest device still syncs.
    honest.author(20, "demo");
    auto r = honest.sync();
    ASSERT_TRUE(r) << r.error().describe();
    const long peak = peak_rss_kib(server.pid());
    for (auto& s : sessions) s.close();
    const int refused = count_of(server.log(), "reason=unavailable");

    std::cout << "server peak RSS: idle " << idle << " KiB, under " << kSessions
              << " buffering sessions " << peak << " KiB; " << refused
              << " sessions refused as busy\n";
    EXPECT_GT(refused, 0) << "the budget should have run out";
    EXPECT_LT(peak, kBoundKib);
}

// One enrolled device holds unfinished messages in every session it may open: it holds at
// most its share of the shared budget (8 MiB of 32), and another device still sends a
// message of a megabyte, which needs the budget beyond its free window.
TEST_F(LoadTest, OneDevicesUnfinishedMessagesHoldOnlyItsShareOfTheServersBudget) {
    RunningServer server(tmp, data);
    server.start();
    Device greedy;
    ASSERT_TRUE(greedy.enroll(token(server)));
    Device honest;
    ASSERT_TRUE(honest.enroll(token(server)));
    std::vector<testing::RawTcpSession> sessions;
    for (int s = 0; s < 4; ++s) {
        auto session = testing::RawTcpSession::open(greedy.address, greedy.server_key, greedy.keys);
        ASSERT_TRUE(session) << session.error().describe();
        hold_unfinished_message(*session);
        sessions.push_back(std::move(session).value());
    }
    EXPECT_GT(count_of(server.log(), "its whole share of the server's memory"), 0) << server.log();

    // A changeset of about 900 KB: one batch, one message far beyond the free window.
    merge::Changeset cs;
    auto& h = cs.header;
    h.device = honest.keys.id;
    h.seq = 1;
    h.hlc = merge::make_hlc(1'790'000'000'000, 0);
    h.project = "demo";
    h.form_id = "street_vendors";
    h.form_version = "2026.11.1";
    h.nonce = crypto::random_array<24>();
    h.record = merge::record_id_for(honest.keys.id, h.nonce);
    h.ops.push_back(merge::Op{"age", merge::OpKind::set, {}});
    cs.ciphertext.assign(900'000, 0x42);
    honest.replica.append_own(cs, honest.keys.signing);
    honest.seq = 1;
    honest.last = merge::changeset_hash(cs);
    auto r = honest.sync();
    ASSERT_TRUE(r) << r.error().describe();
    EXPECT_EQ(r->stats.acknowledged, 1u);
    for (auto& s : sessions) s.close();
}

}  // namespace
}  // namespace canvass::server_test
