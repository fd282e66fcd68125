// P2: 10,000 interviews of 50 answers pushed from one device to a real canvass-server over
// loopback: wall time, records/s, bytes on the wire, peak memory of both processes; beside a
// baseline moving the same changeset bytes over plain TCP into plain SQLite in the same run.
// Target: under 0.5 s (PouchDB, in memory and unencrypted, needs 4 to 6.5 s for this push).
//
//   bench_p2_push [--records N]
#include "sync_bench_support.hpp"

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    const int records = int_option(argc, argv, "--records", 10000);
    TempRoot temp("canvass-bench-p2");
    const std::string& root = temp.path();
    {
        Server server(root, crypto::generate_dh_key());
        auto device = enrolled_device(root + "/device", server, records, 50);
        auto bodies = *device.changesets(device.keys().id, 1, static_cast<std::uint64_t>(records));
        std::uint64_t payload = 0;
        for (const auto& b : bodies) payload += b.size();
        auto transport = connect(device);
        const double device_cpu0 = own_cpu_seconds(), server_cpu0 = server.cpu_seconds();
        auto run = timed_sync(device, *transport);
        const double device_cpu = own_cpu_seconds() - device_cpu0,
                     server_cpu = server.cpu_seconds() - server_cpu0;
        if (run.report.stats.acknowledged != static_cast<std::uint64_t>(records))
            die("not everything was acknowledged");
        double base = baseline_push(bodies, root + "/baseline");

        std::printf("P2: push of %d interviews x 50 answers, one device, loopback\n", records);
        std::printf("%-36s %10s %12s %14s %16s\n", "", "seconds", "records/s", "bytes sent",
                    "peak RSS KiB");
        std::printf("%-36s %10.3f %12.0f %14llu %8ld/%ld (device/server)\n",
                    "canvass sync (Noise, verified, durable)", run.seconds, records / run.seconds,
                    static_cast<unsigned long long>(run.report.bytes_sent), own_peak_kib(),
                    server.peak_kib());
        std::printf("%-36s %10.3f %12.0f %14llu\n", "baseline: raw TCP into plain SQLite", base,
                    records / base, static_cast<unsigned long long>(payload));
        std::printf("%-36s %9.2fx   (target: under 0.5 s)\n", "canvass / baseline",
                    run.seconds / base);
        std::printf("CPU during the sync: device %.3f s, server %.3f s\n", device_cpu, server_cpu);
    }
    return 0;
}
