// P4: a push cut at half and resumed: how much is sent again. The connection is cut once half
// of the uninterrupted push's bytes went out; then `sync` runs again. Printed beside the
// uninterrupted push of the same records measured in the same run.
//
//   bench_p4_resume [--records N]
#include "sync_bench_support.hpp"

namespace {

// Passes frames through until `limit` bytes were sent, then breaks the connection.
class CutTransport final : public canvass::sync::Transport {
  public:
    CutTransport(std::unique_ptr<canvass::sync::Transport> inner, std::uint64_t limit)
        : inner_(std::move(inner)), limit_(limit) {}
    canvass::Result<void> send_frame(std::span<const std::uint8_t> frame) override {
        if (sent_ >= limit_) {
            inner_->close();
            return canvass::unexpected(canvass::Domain::net, canvass::errc::io,
                                       "cut by the benchmark");
        }
        sent_ += frame.size() + 2;
        return inner_->send_frame(frame);
    }
    canvass::Result<canvass::sync::Bytes> receive_frame() override {
        return inner_->receive_frame();
    }
    void close() override { inner_->close(); }
    std::uint64_t sent() const { return sent_; }

  private:
    std::unique_ptr<canvass::sync::Transport> inner_;
    std::uint64_t limit_;
    std::uint64_t sent_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    using namespace canvass;
    using namespace canvass::bench;
    const int records = int_option(argc, argv, "--records", 10000);
    TempRoot temp("canvass-bench-p4");
    const std::string& root = temp.path();
    {
        Server server(root, crypto::generate_dh_key());
        auto whole_device = enrolled_device(root + "/whole", server, records, 50);
        auto t = connect(whole_device);
        auto whole = timed_sync(whole_device, *t).report;

        auto device = enrolled_device(root + "/cut", server, records, 50);
        CutTransport cut(connect(device), whole.bytes_sent / 2);
        auto config = **device.project();
        sync::DeviceReplica replica(device);
        sync::DeviceProjectSink sink(device, config.server_address, config.server_key);
        auto first = sync::run_client_sync(cut, config.server_key, device.keys(), replica, sink);
        if (first) die("the cut sync did not fail");
        auto acked = *device.acked(device.keys().id);
        auto t2 = connect(device);
        auto second = timed_sync(device, *t2).report;
        // Bytes of both attempts beyond those of the uninterrupted push: what the cut cost.
        const auto both = cut.sent() + second.bytes_sent;
        const auto again = both > whole.bytes_sent ? both - whole.bytes_sent : 0;
        std::printf("P4: push of %d interviews cut after half of its bytes, then resumed\n",
                    records);
        std::printf("  uninterrupted push:        %llu bytes, %llu changesets\n",
                    static_cast<unsigned long long>(whole.bytes_sent),
                    static_cast<unsigned long long>(whole.stats.sent));
        std::printf("  acknowledged before cut:   %llu changesets\n",
                    static_cast<unsigned long long>(acked));
        std::printf("  resumed sync sent:         %llu bytes, %llu changesets\n",
                    static_cast<unsigned long long>(second.bytes_sent),
                    static_cast<unsigned long long>(second.stats.sent));
        std::printf("  before the cut:            %llu bytes\n",
                    static_cast<unsigned long long>(cut.sent()));
        std::printf(
            "  sent again:                %llu bytes (%.1f%% of the push; at most the batches in "
            "flight)\n",
            static_cast<unsigned long long>(again),
            100.0 * static_cast<double>(again) / static_cast<double>(whole.bytes_sent));
    }
    return 0;
}
