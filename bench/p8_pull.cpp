// P8: the pull side. N interviews of 50 answers pushed from one collector to a real
// canvass-server over loopback, then pulled by a fresh coordinator's store in the same run
// (only a coordinator pulls other devices' work; an organizer is sent its own chain alone):
// the push is the baseline the pull is measured against.
// Printed: both wall times side by side, bytes each way, peak memory of the device process
// during each (the server's too), and the time of the coordinator's status() after it.
// Target: the pull as fast as the push.
//
//   bench_p8_pull [--records N]
#include "sync_bench_support.hpp"

namespace {

// Resets the process's peak resident memory (VmHWM), so that the pull's peak is its own.
void reset_peak() {
    std::ofstream("/proc/self/clear_refs") << "5";
}

long peak_kib_now() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
    }
    return -1;
}

// Waits until the server's CPU time stops growing for longer than the 2 s its record keeper
// sleeps when it has nothing to merge (its background work is done); returns the seconds waited.
double settle(const canvass::bench::Server& server) {
    const auto t0 = canvass::bench::Clock::now();
    for (double before = -1, now = server.cpu_seconds(); now != before;
         now = server.cpu_seconds()) {
        before = now;
        usleep(2'500'000);
    }
    return std::chrono::duration<double>(canvass::bench::Clock::now() - t0).count();
}

struct Measured {
    canvass::bench::Timed run;
    double cpu = 0, server_cpu = 0;  // seconds, of this process and of the server
    long peak_kib = 0;               // this process's peak resident memory during the sync
};

Measured measured_sync(canvass::store::DeviceStore& store, const canvass::bench::Server& server) {
    using namespace canvass::bench;
    reset_peak();
    auto transport = connect(store);
    const double cpu0 = own_cpu_seconds(), server_cpu0 = server.cpu_seconds();
    Measured m;
    m.run = timed_sync(store, *transport);
    m.cpu = own_cpu_seconds() - cpu0;
    m.server_cpu = server.cpu_seconds() - server_cpu0;
    m.peak_kib = peak_kib_now();
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    const int records = int_option(argc, argv, "--records", 10000);
    TempRoot temp("canvass-bench-p8");
    const std::string& root = temp.path();
    {
        Server server(root, crypto::generate_dh_key());
        auto device = enrolled_device(root + "/device", server, records, 50);
        auto puller = enrolled_device(root + "/puller", server, 0, 50, "coordinator");

        const auto push = measured_sync(device, server);
        if (push.run.report.stats.acknowledged != static_cast<std::uint64_t>(records))
            die("not everything was acknowledged");

        // After a push the server brings its records' merge states up to date in the background
        // (core/src/server/record_keeper.hpp): the pull is timed once that is done, so that it
        // competes with nothing of the push's.
        const double settle_s = settle(server);

        const auto pull = measured_sync(puller, server);
        if (pull.run.report.stats.stored != static_cast<std::uint64_t>(records))
            die("the pull stored " + std::to_string(pull.run.report.stats.stored) + " changesets");

        auto t0 = bench::Clock::now();
        auto status = puller.status();
        const double status_ms =
            std::chrono::duration<double, std::milli>(bench::Clock::now() - t0).count();
        if (!status) die(status.error().message);
        auto device_status = device.status();
        if (!device_status) die(device_status.error().message);
        if (status->digest != device_status->digest)
            die("the pulled store's digest differs from the device's");

        std::printf(
            "P8: pull of %d interviews x 50 answers by a coordinator, beside their push, "
            "loopback\n",
            records);
        std::printf("%-10s %10s %12s %14s %14s %10s %14s\n", "", "seconds", "records/s",
                    "bytes sent", "bytes recvd", "CPU s", "peak RSS KiB");
        auto row = [&](const char* name, const Measured& m) {
            const Timed& t = m.run;
            std::printf("%-10s %10.3f %12.0f %14llu %14llu %10.3f %14ld\n", name, t.seconds,
                        records / t.seconds, static_cast<unsigned long long>(t.report.bytes_sent),
                        static_cast<unsigned long long>(t.report.bytes_received), m.cpu,
                        m.peak_kib);
        };
        row("push", push);
        row("pull", pull);
        std::printf("pull / push: %.2fx   (target: 1x or less)\n",
                    pull.run.seconds / push.run.seconds);
        std::printf(
            "server CPU: %.3f s during the push, %.3f s during the pull; peak RSS %ld KiB\n",
            push.server_cpu, pull.server_cpu, server.peak_kib());
        std::printf("the pull began once the server had settled, %.1f s after the push\n",
                    settle_s);
        std::printf("the coordinator's status() after the pull: %.2f ms\n", status_ms);
    }
    return 0;
}
