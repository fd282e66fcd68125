// P5: the buffering attack. Enrolled devices each open as many sessions as the server lets
// one device hold (4) and in each send all but the last chunk of the largest message allowed
// (8 MiB), then wait, as if to make the server hold every one of them. Prints the server's
// peak memory under the attack beside the same server idle, measured in the same run, and
// what the sessions would hold unbounded.
// Target: under 100 MB whatever the number of devices (docs/server.md, "The server under load").
//
//   bench_p5_buffering [--devices N] [--sessions-per-device N]
#include <fstream>

#include "raw_tcp_session.hpp"
#include "sync_bench_support.hpp"

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    const int devices = int_option(argc, argv, "--devices", 32);
    const int per_device = int_option(argc, argv, "--sessions-per-device", 4);
    const int sessions = devices * per_device;
    TempRoot temp("canvass-bench-p5");
    const std::string& root = temp.path();
    {
        Server server(root, crypto::generate_dh_key());
        std::vector<store::DeviceStore> attackers;
        for (int d = 0; d < devices; ++d)
            attackers.push_back(
                enrolled_device(root + "/device" + std::to_string(d), server, 0, 50));
        auto config = **attackers.front().project();
        const long idle = server.peak_kib();

        sync::Bytes chunk(sync::max_chunk_bytes + 1, 0x5a);
        chunk[0] = 0x01;  // more follows: the message never ends
        const std::size_t chunks = (8u << 20) / sync::max_chunk_bytes - 1;
        std::vector<testing::RawTcpSession> open;
        std::uint64_t sent = 0;
        for (int s = 0; s < sessions; ++s) {
            const auto& device = attackers[static_cast<std::size_t>(s / per_device)];
            auto session = testing::RawTcpSession::open(config.server_address, config.server_key,
                                                        device.keys());
            if (!session) die("session " + std::to_string(s) + ": " + session.error().message);
            for (std::size_t c = 0; c < chunks && session->send_plaintext(chunk); ++c)
                sent += chunk.size();
            open.push_back(std::move(session).value());
        }
        const long peak = server.peak_kib();
        for (auto& s : open) s.close();

        std::ifstream in(root + "/server.log");
        std::string log((std::istreambuf_iterator<char>(in)), {});
        int refused = 0;
        for (auto at = log.find("reason=unavailable"); at != std::string::npos;
             at = log.find("reason=unavailable", at + 1))
            ++refused;
        const double unbounded_kib = static_cast<double>(sessions) *
                                     static_cast<double>(chunks * sync::max_chunk_bytes) / 1024;

        std::printf(
            "P5: buffering attack, %d enrolled devices with %d sessions each, each sending 8 MiB "
            "but the last chunk\n",
            devices, per_device);
        std::printf("%-44s %14s\n", "", "server peak RSS KiB");
        std::printf("%-44s %14ld\n", "baseline: the same server idle, same run", idle);
        std::printf("%-44s %14ld\n", "under the attack", peak);
        std::printf("%-44s %14.0f\n", "what the sessions would hold unbounded", unbounded_kib);
        std::printf(
            "sent %.1f MiB in all over %d sessions; %d refusals logged as unavailable (target: "
            "peak under 100 MB)\n",
            static_cast<double>(sent) / (1 << 20), sessions, refused);
    }
    return 0;
}
