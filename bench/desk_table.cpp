// The desk's submissions table at 100,000 records: the first page and a filtered page,
// through the real HTTP server on 127.0.0.1, time to first byte and to the full page.
// Records are built in memory (the decryption before them is the export's cost, measured by
// the other benches); the baseline is the same request for a 1,000-record table.
//
//   bench_desk_table [records]     (default 100000)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>

#include "canvass/coordinator.hpp"
#include "coordinator/records.hpp"
#include "desk/desk.hpp"
#include "desk/server.hpp"
#include "device/access.hpp"
#include "device/record_table_build.hpp"
#include "form/loader.hpp"
#include "merge/hlc.hpp"
#include "store/device_store.hpp"
#include "temp_dir.hpp"

using namespace canvass;
using Steady = std::chrono::steady_clock;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// `count` records of street_vendors: the example answers again and again, new ids.
RecordTable make_table(std::shared_ptr<const form::Form> form, std::size_t count) {
    std::vector<nlohmann::json> samples;
    std::istringstream lines(
        slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.answers.jsonl"));
    for (std::string line; std::getline(lines, line);)
        if (!line.empty()) samples.push_back(nlohmann::json::parse(line));
    coordinator::Dataset dataset;
    dataset.records.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        merge::RecordId id{};
        for (std::size_t b = 0; b < 8; ++b) id[b] = static_cast<std::uint8_t>((i + 1) >> (8 * b));
        id[15] = 0x42;
        auto& r = dataset.records.emplace_back(id);
        r.state.reset();
        r.view.id = id;
        r.view.meta.created = merge::make_hlc(1764547200000ull + i * 60000ull, 0);
        r.creator[0] = static_cast<std::uint8_t>(i % 12);
        r.answers = samples[i % samples.size()];
        r.answers["age"] = 18 + static_cast<int>(i % 60);
        r.changesets = 1;
    }
    return RecordTableAccess::build(std::move(form), std::move(dataset));
}

struct Timing {
    double first_byte_ms = 0, full_ms = 0;
    std::size_t bytes = 0;
    int status = 0;
};

Timing fetch(unsigned port, const std::string& target, const std::string& cookie) {
    Timing t;
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in at{};
    at.sin_family = AF_INET;
    at.sin_port = htons(static_cast<std::uint16_t>(port));
    at.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    auto start = Steady::now();
    if (::connect(fd, reinterpret_cast<sockaddr*>(&at), sizeof at) != 0) {
        ::close(fd);
        return t;
    }
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                      "\r\nCookie: " + cookie + "\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), 0) < 0) {
        ::close(fd);
        return t;
    }
    std::string got;
    char buf[65536];
    for (;;) {
        auto n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        if (got.empty())
            t.first_byte_ms =
                std::chrono::duration<double, std::milli>(Steady::now() - start).count();
        got.append(buf, static_cast<std::size_t>(n));
    }
    t.full_ms = std::chrono::duration<double, std::milli>(Steady::now() - start).count();
    ::close(fd);
    t.bytes = got.size();
    if (got.size() > 12) t.status = std::atoi(got.c_str() + 9);
    return t;
}

// The median of `runs` fetches.
Timing median(unsigned port, const std::string& target, const std::string& cookie, int runs = 7) {
    std::vector<Timing> all;
    for (int i = 0; i < runs; ++i) all.push_back(fetch(port, target, cookie));
    std::sort(all.begin(), all.end(),
              [](const Timing& a, const Timing& b) { return a.full_ms < b.full_ms; });
    return all[all.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t count = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100000;
    auto loaded = form::load_form(
        slurp(std::string(CANVASS_SOURCE_DIR) + "/schemas/forms/street_vendors.json"));
    if (!loaded.has_value()) {
        std::fprintf(stderr, "the form does not load\n");
        return 1;
    }
    auto form = std::make_shared<const form::Form>(std::move(loaded).value());
    canvass::testing::TempDir dir;
    store::StoreOptions options;
    options.pwhash = crypto::PwhashParams::minimum();
    auto store = store::DeviceStore::create(dir / "store", store::Passphrase{"bench"}, options);
    if (!store) {
        std::fprintf(stderr, "%s\n", store.error().message.c_str());
        return 1;
    }
    auto device = device_over(*store);
    const std::string key_file = dir / "coordinator.key";
    auto made = create_coordinator_key(key_file, "bench");
    auto coordinator = made ? Coordinator::open(device, key_file, "bench")
                            : Result<Coordinator>(unexpected(made.error()));
    if (!coordinator) {
        std::fprintf(stderr, "%s\n", coordinator.error().message.c_str());
        return 1;
    }
    auto server = cli::desk::DeskServer::bind(0);
    if (!server) {
        std::fprintf(stderr, "%s\n", server.error().message.c_str());
        return 1;
    }
    const unsigned port = server->port();
    cli::desk::Desk desk(device, *coordinator, cli::desk::Guard("url", "session", "csrf", port),
                         {});
    const std::string cookie = "canvass_desk_" + std::to_string(port) + "=session";

    std::printf("desk table bench: %zu records (baseline: 1,000)\n", count);
    // One server for both sizes; the tables change between rounds, under the lock every
    // request takes.
    std::mutex lock;
    std::thread serving([&] {
        (void)server->run([&](const cli::desk::Request& r) {
            std::lock_guard<std::mutex> hold(lock);
            return desk.handle(r);
        });
    });
    for (std::size_t n : {std::size_t{1000}, count}) {
        auto built = Steady::now();
        std::vector<RecordTable> tables;
        tables.push_back(make_table(form, n));
        double index_ms = std::chrono::duration<double, std::milli>(Steady::now() - built).count();
        {
            std::lock_guard<std::mutex> hold(lock);
            desk.adopt(std::move(tables));
        }
        auto first = median(port, "/form?id=street_vendors", cookie);
        auto filtered = median(
            port, "/form?id=street_vendors&field=market&value=makola&sort=age&dir=asc&page=3",
            cookie);
        auto search = median(port, "/form?id=street_vendors&q=accra&page=2", cookie);
        std::printf("%7zu records  layout %8.1f ms\n", n, index_ms);
        for (auto [name, t] : {std::pair{"first page", first},
                               {"filtered, sorted p3", filtered},
                               {"search, p2", search}})
            std::printf("  %-20s status %d  first byte %7.1f ms  full %7.1f ms  %6zu KiB\n", name,
                        t.status, t.first_byte_ms, t.full_ms, t.bytes / 1024);
    }
    std::raise(SIGTERM);  // stops run(): its signal set takes it
    serving.join();
    return 0;
}
