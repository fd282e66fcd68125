// P7: many devices pushing at once, over real TCP on loopback, against one canvass-server on
// its embedded SQLite store (the baseline), one on PostgreSQL, and two instances sharing one
// PostgreSQL database (devices split between them, as a load balancer would). Prints, side
// by side, the changesets stored per second and the median and p99 time of one device's
// sync. PostgreSQL is started by the bench in a temporary directory (as the tests do).
//
//   bench_p7_shared_store [--devices N] [--changesets M]   (defaults: 48 devices x 100)
#include <algorithm>
#include <mutex>

#include "crypto/random.hpp"
#include "merge/authority.hpp"
#include "merge/changeset.hpp"
#include "merge/hlc.hpp"
#include "postgres_cluster.hpp"
#include "store/keyring.hpp"
#include "store/recipients.hpp"
#include "sync/memory_replica.hpp"
#include "sync_bench_support.hpp"

namespace {

using namespace canvass;
using namespace canvass::bench;

// A simulated device: keys, an in-memory chain, and what the server told it.
struct SimDevice : sync::ProjectSink {
    store::DeviceKeys keys = store::generate_device_keys();
    sync::MemoryReplica replica;
    crypto::DhPublicKey server_key{};
    std::string address;

    Result<void> on_welcome(const sync::Welcome&) override { return {}; }
    bool has_form(const sync::FormRef&) override { return true; }
    Result<void> add_form(const sync::FormRef&, std::string_view) override { return {}; }

    void author(int n) {
        merge::Hash last{};
        for (int seq = 1; seq <= n; ++seq) {
            merge::Changeset cs;
            auto& h = cs.header;
            h.device = keys.id;
            h.seq = static_cast<std::uint64_t>(seq);
            h.prev = last;
            h.hlc = merge::make_hlc(1'790'000'000'000 + h.seq, 0);
            h.project = "bench";
            h.form_id = "bench";
            h.form_version = "1";
            h.nonce = crypto::random_array<24>();
            h.record = merge::record_id_for(keys.id, h.nonce);
            for (int i = 0; i < 20; ++i)
                h.ops.push_back(merge::Op{"q" + std::to_string(i), merge::OpKind::set, {}});
            auto sealed = crypto::random_array<600>();  // a sealed interview's worth of bytes
            cs.ciphertext.assign(sealed.begin(), sealed.end());
            last = merge::changeset_hash(cs);
            replica.append_own(cs, keys.signing);
        }
    }
    void enroll(const std::string& token_text) {
        auto token = sync::decode_token(token_text);
        if (!token) die(token.error().message);
        auto t = net::connect_tcp(token->address);
        if (!t) die(t.error().message);
        auto r = sync::enroll(**t, *token, keys, *this);
        if (!r) die("enroll: " + r.error().message);
        server_key = token->server_key;
        address = token->address;
    }
    // Seconds for one sync; dies on failure.
    double sync() {
        auto t0 = std::chrono::steady_clock::now();
        auto t = net::connect_tcp(address);
        if (!t) die(t.error().message);
        auto r =
            sync::run_client_sync(**t, server_key, keys, replica, *this, sync::ClientOptions{});
        if (!r) die("sync: " + r.error().message);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
};

// `canvass-server run` on 127.0.0.1 with an OS-chosen port.
class Instance {
  public:
    Instance(const std::string& data, const std::string& log) {
        out_ = log + ".out";
        std::string a0 = CANVASS_SERVER_BIN, a1 = "--data", d = data, a3 = "run", a4 = "--listen",
                    a5 = "127.0.0.1:0";
        char* argv[] = {a0.data(), a1.data(), d.data(), a3.data(), a4.data(), a5.data(), nullptr};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        posix_spawn_file_actions_addopen(&fa, 2, (log + ".log").c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv, environ) != 0)
            die("cannot start the server");
        posix_spawn_file_actions_destroy(&fa);
        for (int i = 0; i < 400 && address_.empty(); ++i) {
            std::ifstream in(out_);
            std::string line;
            std::getline(in, line);
            if (line.rfind("listening on ", 0) == 0)
                address_ = line.substr(13);
            else
                usleep(50'000);
        }
        if (address_.empty()) die("the server did not start; see " + log + ".log");
    }
    ~Instance() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    const std::string& address() const { return address_; }

  private:
    std::string out_, address_;
    pid_t pid_ = -1;
};

struct Figures {
    double seconds = 0;
    double per_second = 0;
    double median = 0, p99 = 0;
};

// One scenario: `instances` servers on one store (`url` empty: SQLite), every device
// enrolled at instance i % n, then all pushing at once.
Figures run(const std::string& root, const std::string& url, int instances, int devices,
            int changesets) {
    fs::create_directories(root);
    std::vector<std::string> data;
    for (int i = 0; i < instances; ++i) data.push_back(root + "/data" + std::to_string(i));
    server_cmd(data[0], (url.empty() ? std::string() : "--database '" + url + "' ") +
                            "init >/dev/null 2>&1");
    for (int i = 1; i < instances; ++i) {  // the same key and database
        fs::create_directories(data[static_cast<std::size_t>(i)]);
        for (const char* f : {"server.key", "server.pub", "database"})
            fs::copy_file(fs::path(data[0]) / f, fs::path(data[static_cast<std::size_t>(i)]) / f);
    }
    std::ofstream(root + "/recipients.txt")
        << store::statement_text(store::first_statement("bench", crypto::generate_dh_key()))
        << "\n";
    server_cmd(data[0],
               "project create bench --recipients '" + root + "/recipients.txt' >/dev/null");
    std::vector<std::unique_ptr<Instance>> servers;
    for (int i = 0; i < instances; ++i)
        servers.push_back(std::make_unique<Instance>(data[static_cast<std::size_t>(i)],
                                                     root + "/server" + std::to_string(i)));
    std::vector<std::unique_ptr<SimDevice>> sims;
    for (int d = 0; d < devices; ++d) {
        auto& at = *servers[static_cast<std::size_t>(d % instances)];
        auto token = json::parse(server_cmd(
            data[0], "token create --project bench --role collector --address " + at.address() +
                         " --json"))["token"]
                         .get<std::string>();
        sims.push_back(std::make_unique<SimDevice>());
        sims.back()->enroll(token);
        sims.back()->author(changesets);
    }
    std::vector<double> times(static_cast<std::size_t>(devices));
    std::vector<std::thread> threads;
    auto t0 = std::chrono::steady_clock::now();
    for (int d = 0; d < devices; ++d)
        threads.emplace_back([&, d] {
            times[static_cast<std::size_t>(d)] = sims[static_cast<std::size_t>(d)]->sync();
        });
    for (auto& t : threads) t.join();
    Figures f;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    auto stats = json::parse(server_cmd(data.back(), "stats --project bench --json"));
    const auto stored = stats["changesets"].get<std::uint64_t>();
    if (stored != static_cast<std::uint64_t>(devices) * static_cast<std::uint64_t>(changesets))
        die("stored " + std::to_string(stored) + " changesets, not all that were pushed");
    f.per_second = static_cast<double>(stored) / f.seconds;
    std::sort(times.begin(), times.end());
    f.median = times[times.size() / 2];
    f.p99 = times[std::min(times.size() - 1,
                           static_cast<std::size_t>(static_cast<double>(times.size()) * 0.99))];
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    const int devices = int_option(argc, argv, "--devices", 48);
    const int changesets = int_option(argc, argv, "--changesets", 100);
    TempRoot temp("canvass-bench-p7");
    canvass::testing::PostgresCluster postgres;
    if (postgres.unavailable()) die(*postgres.unavailable());
    auto sqlite = run(temp.path() + "/sqlite", "", 1, devices, changesets);
    auto one = run(temp.path() + "/pg1", postgres.create_database(), 1, devices, changesets);
    auto two = run(temp.path() + "/pg2", postgres.create_database(), 2, devices, changesets);
    std::printf("P7: %d devices pushing %d changesets each at once, loopback, %u cores\n", devices,
                changesets, std::thread::hardware_concurrency());
    std::printf("%-40s %9s %14s %12s %12s\n", "", "seconds", "changesets/s", "median sync",
                "p99 sync");
    auto row = [](const char* name, const Figures& f) {
        std::printf("%-40s %9.2f %14.0f %10.3f s %10.3f s\n", name, f.seconds, f.per_second,
                    f.median, f.p99);
    };
    row("baseline: one instance, SQLite", sqlite);
    row("one instance, PostgreSQL", one);
    row("two instances, one PostgreSQL", two);
    return 0;
}
