// P6: 100 MB of photos (25 of 4 MB) pushed from one device to a real canvass-server over
// loopback, beside a plain TCP copy of the same bytes over loopback into a file in the same
// run: once with one fsync at the end, once with an fsync per 63 KiB chunk (what canvass does
// before it acknowledges a chunk, so that a cut re-sends at most one).
//
//   bench_p6_media [--photos N] [--kib-per-photo N]
#include "crypto/attachment_crypto.hpp"
#include "sync/media_exchange.hpp"
#include "sync_bench_support.hpp"

namespace {

using canvass::bench::die;
using Clock = canvass::bench::Clock;

constexpr const char* kPhotoForm = R"({
  "settings": {"form_id": "photos", "version": "1", "title": {"en": "Photos"}, "default_language": "en"},
  "survey": [
    {"type": "text", "name": "stall", "label": {"en": "Stall"}},
    {"type": "image", "name": "photo", "label": {"en": "Photo"}}
  ]
})";

std::vector<std::uint8_t> photo_bytes(std::size_t n, std::uint32_t seed) {
    std::vector<std::uint8_t> out(n);
    std::uint32_t x = seed * 2654435761u + 1;
    for (auto& b : out) {
        x = x * 1664525u + 1013904223u;
        b = static_cast<std::uint8_t>(x >> 24);
    }
    return out;
}

// The same bytes over plain loopback TCP into one file; fsync after every `sync_every` bytes
// (0: once, at the end). Seconds.
double baseline_copy(const std::vector<std::vector<std::uint8_t>>& files, const std::string& path,
                     std::size_t sync_every) {
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        listen(listener, 1) != 0)
        die("baseline socket");
    socklen_t len = sizeof addr;
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    std::thread receiver([&] {
        int fd = accept(listener, nullptr, nullptr);
        int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        std::vector<char> buf(64 * 1024);
        std::size_t since = 0;
        for (;;) {
            auto n = ::read(fd, buf.data(), buf.size());
            if (n <= 0) break;
            if (::write(out, buf.data(), static_cast<std::size_t>(n)) != n) die("baseline write");
            since += static_cast<std::size_t>(n);
            if (sync_every && since >= sync_every) {
                ::fsync(out);
                since = 0;
            }
        }
        ::fsync(out);
        ::close(out);
        char ack = 1;
        if (::write(fd, &ack, 1) != 1) die("baseline ack");
        ::close(fd);
    });
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    auto t0 = Clock::now();
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        die("baseline connect");
    for (const auto& f : files) {
        std::size_t done = 0;
        while (done < f.size()) {
            auto n = ::write(fd, f.data() + done, f.size() - done);
            if (n <= 0) die("baseline send");
            done += static_cast<std::size_t>(n);
        }
    }
    ::shutdown(fd, SHUT_WR);
    char ack = 0;
    if (::read(fd, &ack, 1) != 1) die("baseline ack");
    receiver.join();
    double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    ::close(fd);
    ::close(listener);
    return seconds;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    using Clock = canvass::bench::Clock;
    const int photos = int_option(argc, argv, "--photos", 25);
    const std::size_t bytes_each =
        static_cast<std::size_t>(int_option(argc, argv, "--kib-per-photo", 4000)) * 1000;
    TempRoot temp("canvass-bench-p6");
    const std::string& root = temp.path();
    Server server(root, crypto::generate_dh_key(), kPhotoForm);
    auto device = enrolled_device(root + "/device", server, 0, 50);
    std::vector<std::vector<std::uint8_t>> files;
    std::uint64_t total = 0;
    const auto t_attach = Clock::now();
    for (int i = 0; i < photos; ++i) {
        files.push_back(photo_bytes(bytes_each, static_cast<std::uint32_t>(i + 1)));
        total += files.back().size();
        auto ref = device.add_attachment(files.back(), "stall-" + std::to_string(i) + ".jpg",
                                         "image/jpeg");
        if (!ref) die(ref.error().message);
        auto id = device.create_record(
            "photos", json{{"stall", "stall " + std::to_string(i)}, {"photo", ref->to_json()}},
            true);
        if (!id) die(id.error().message);
    }
    const double attach_seconds = std::chrono::duration<double>(Clock::now() - t_attach).count();

    auto config = **device.project();
    auto transport = connect(device);
    sync::DeviceReplica replica(device);
    sync::DeviceMediaReplica media(device);
    sync::DeviceProjectSink sink(device, config.server_address, config.server_key);
    sync::ClientOptions options;
    options.media = &media;
    const double server_cpu0 = server.cpu_seconds(), device_cpu0 = own_cpu_seconds();
    const auto t0 = Clock::now();
    auto r =
        sync::run_client_sync(*transport, config.server_key, device.keys(), replica, sink, options);
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    if (!r) die("sync: " + r.error().message);
    if (!r->media || r->media->delivered != static_cast<std::uint64_t>(photos))
        die("not every photo was delivered");
    const double device_cpu = own_cpu_seconds() - device_cpu0,
                 server_cpu = server.cpu_seconds() - server_cpu0;

    const double once = baseline_copy(files, root + "/copy-once", 0);
    const double per_chunk =
        baseline_copy(files, root + "/copy-per-chunk", crypto::attachment_chunk_bytes);
    const double mb = static_cast<double>(total) / 1e6;

    std::printf("P6: %d photos of %.1f MB (%.1f MB) pushed from one device, loopback\n", photos,
                bytes_each / 1e6, mb);
    std::printf("%-52s %9s %9s %14s\n", "", "seconds", "MB/s", "bytes sent");
    std::printf("%-52s %9.3f %9.1f %14llu\n",
                "canvass sync (Noise, sealed chunks, fsync per chunk)", seconds, mb / seconds,
                static_cast<unsigned long long>(r->bytes_sent));
    std::printf("%-52s %9.3f %9.1f %14llu\n", "baseline: TCP copy into a file, one fsync", once,
                mb / once, static_cast<unsigned long long>(total));
    std::printf("%-52s %9.3f %9.1f %14llu\n", "baseline: TCP copy, fsync per 63 KiB chunk",
                per_chunk, mb / per_chunk, static_cast<unsigned long long>(total));
    std::printf("%-52s %8.2fx / %.2fx\n", "canvass / baselines (one fsync / per chunk)",
                seconds / once, seconds / per_chunk);
    std::printf(
        "peak RSS: device %ld KiB, server %ld KiB; CPU during the sync: device %.3f s, server %.3f "
        "s\n",
        own_peak_kib(), server.peak_kib(), device_cpu, server_cpu);
    std::printf("copying the photos into the encrypted store beforehand: %.3f s (%.1f MB/s)\n",
                attach_seconds, mb / attach_seconds);
    return 0;
}
