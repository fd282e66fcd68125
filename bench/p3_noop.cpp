// P3: a sync with nothing to do, after 1,000, 10,000 and 100,000 records were pushed: time and
// bytes on the wire. It must not grow with the number of records (DESIGN.md 6: one summary
// each way). The baseline is the same no-op sync with 10 records, in the same run. Beside it,
// the time of the device's status() (what `canvass status` shows), and of opening the store and
// asking it (what the command costs beyond the passphrase), which must not grow either.
//
//   bench_p3_noop [--max N]
#include <algorithm>

#include "sync_bench_support.hpp"

namespace {

// The median time of a few calls of the store's status(), in milliseconds.
double status_ms(canvass::store::DeviceStore& device) {
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i) {
        const auto t0 = canvass::bench::Clock::now();
        auto s = device.status();
        ms.push_back(
            std::chrono::duration<double, std::milli>(canvass::bench::Clock::now() - t0).count());
        if (!s) canvass::bench::die(s.error().message);
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

// What `canvass status` costs beyond the passphrase: opening the store and its status().
double open_and_status_ms(const std::string& home) {
    canvass::store::StoreOptions options;
    options.pwhash = canvass::crypto::PwhashParams::minimum();
    const auto t0 = canvass::bench::Clock::now();
    auto store =
        canvass::store::DeviceStore::open(home, canvass::store::Passphrase{"bench"}, options);
    if (!store) canvass::bench::die(store.error().message);
    auto s = store->status();
    if (!s) canvass::bench::die(s.error().message);
    return std::chrono::duration<double, std::milli>(canvass::bench::Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    const int max = int_option(argc, argv, "--max", 100000);
    std::printf("P3: a sync with nothing to do (records of 5 answers)\n");
    std::printf("%10s %12s %14s %14s %12s %16s\n", "records", "ms", "bytes sent", "bytes received",
                "status ms", "open+status ms");
    for (int records : {10, 1000, 10000, 100000}) {
        if (records > max) break;
        TempRoot temp("canvass-bench-p3");
        const std::string& root = temp.path();
        Server server(root, crypto::generate_dh_key());
        auto device = enrolled_device(root + "/device", server, records, 5);
        auto first = connect(device);
        timed_sync(device, *first);  // the real push
        auto again = connect(device);
        auto run = timed_sync(device, *again);
        if (run.report.stats.sent != 0) die("the second sync sent changesets");
        std::printf("%10d %12.2f %14llu %14llu %12.2f %16.2f%s\n", records, run.seconds * 1000,
                    static_cast<unsigned long long>(run.report.bytes_sent),
                    static_cast<unsigned long long>(run.report.bytes_received), status_ms(device),
                    open_and_status_ms(root + "/device"), records == 10 ? "   (baseline)" : "");
    }
    return 0;
}
