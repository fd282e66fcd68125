// The coordinator's export at 10,000 and 100,000 records (docs/export.md, "At any size").
// A coordinator store is filled with records of a 50-answer form (40 questions, and a repeat
// of 5 questions answered twice); then, for each size, whole processes are timed:
//   - the floor: reading every changeset of the store and decrypting its values, nothing more
//     (this program again, `--floor`);
//   - `canvass export --format all` (CSV, JSON Lines, Stata, SPSS, codebook, conflicts);
//   - `canvass export --format xlsx,geojson`.
// Each is run a few times in a child process; the figures are medians of wall time and of
// peak resident memory (the child's ru_maxrss from wait4). The machine may be shared:
// read the figures beside the floor measured in the same run, not alone.
//
//   bench_export [--sizes 10000,100000] [--runs 3] [--dir DIR]
// With --dir the store, key and last export are made in DIR (which must not exist) and kept.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "coordinator/key_file.hpp"
#include "coordinator/record_loader.hpp"
#include "coordinator/source.hpp"
#include "store/device_store.hpp"
#include "temp_dir.hpp"

extern char** environ;

namespace {

using namespace canvass;
using nlohmann::json;
using Steady = std::chrono::steady_clock;

const std::string kPassphrase = "bench export passphrase";
constexpr int kTopQuestions = 40;
constexpr int kRepeatQuestions = 5;
constexpr int kInstances = 2;

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_export: %s\n", what.c_str());
    std::exit(1);
}

json question(int i) {
    static const char* types[] = {
        "integer", "decimal", "text",   "select_one yn", "select_multiple goods",
        "date",    "text",    "integer"};
    std::string type = i == 0 ? "geopoint" : types[i % 8];
    return {{"type", type},
            {"name", "q" + std::to_string(i)},
            {"label", {{"en", "Question " + std::to_string(i)}}}};
}

std::string bench_form() {
    json survey = json::array();
    for (int i = 0; i < kTopQuestions; ++i) survey.push_back(question(i));
    json children = json::array();
    for (int i = 0; i < kRepeatQuestions; ++i) {
        auto q = question(100 + i);
        q["name"] = "m" + std::to_string(i);
        children.push_back(q);
    }
    survey.push_back({{"type", "repeat"},
                      {"name", "members"},
                      {"label", {{"en", "Members"}}},
                      {"children", children}});
    auto choice = [](const char* name) { return json{{"name", name}, {"label", {{"en", name}}}}; };
    json choices{{"yn", {choice("yes"), choice("no")}},
                 {"goods", {choice("fruit"), choice("fish"), choice("cloth"), choice("tools")}}};
    return json{{"settings",
                 {{"form_id", "bench"},
                  {"version", "1"},
                  {"title", {{"en", "Bench"}}},
                  {"default_language", "en"}}},
                {"survey", survey},
                {"choices", choices}}
        .dump();
}

json value(const json& q, int record, int i) {
    std::string type = q.at("type");
    type = type.substr(0, type.find(' '));
    if (type == "integer") return record % 90 + i;
    if (type == "decimal") return record * 0.25 + i;
    if (type == "select_one") return record % 3 ? "yes" : "no";
    if (type == "select_multiple") return record % 2 ? json{"fruit", "cloth"} : json{"fish"};
    if (type == "date")
        return "2026-0" + std::to_string(1 + record % 9) + "-1" + std::to_string(record % 10);
    if (type == "geopoint") return {{"lat", 5.55 + record * 1e-6}, {"lon", -0.2 + record * 1e-6}};
    return "answer " + std::to_string(record) + " to question " + std::to_string(i) +
           ", with some words";
}

json answers(const json& form, int record) {
    json a = json::object();
    const auto& survey = form.at("survey");
    for (int i = 0; i < kTopQuestions; ++i)
        a[survey[i].at("name").get<std::string>()] = value(survey[i], record, i);
    json members = json::array();
    for (int n = 0; n < kInstances; ++n) {
        json m = json::object();
        const auto& children = survey[kTopQuestions].at("children");
        for (int i = 0; i < kRepeatQuestions; ++i)
            m[children[i].at("name").get<std::string>()] = value(children[i], record + n, 100 + i);
        members.push_back(m);
    }
    a["members"] = members;
    return a;
}

store::StoreOptions fast() {
    store::StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();  // not what is measured
    return o;
}

// A coordinator's store in a project whose one recipient is `recipient`.
store::DeviceStore coordinator_store(const std::string& home,
                                     const crypto::DhPublicKey& recipient) {
    auto s = store::DeviceStore::create(home, store::Passphrase{kPassphrase}, fast());
    if (!s) die(s.error().message);
    if (auto added = s->add_form(bench_form()); !added) die(added.error().message);
    store::ProjectConfig config;
    config.project = "bench";
    config.role = "coordinator";
    config.server_address = "127.0.0.1:1";
    store::RecipientPlan plan;
    plan.adopted.project = config.project;
    plan.adopted.recipients = {recipient};
    plan.adopted.signers = {crypto::generate_signing_key().public_key};
    plan.grant_past_to = plan.adopted.recipients;
    if (auto set = s->set_project(config, plan); !set) die(set.error().message);
    return std::move(s).value();
}

void fill(store::DeviceStore& s, int first, int last) {
    auto form = json::parse(bench_form());
    for (int start = first; start < last; start += 1000) {
        std::vector<json> batch;
        for (int i = start; i < std::min(last, start + 1000); ++i)
            batch.push_back(answers(form, i));
        if (auto r = s.import_records("bench", std::move(batch), true); !r) die(r.error().message);
    }
}

// The floor, in a process of its own: every changeset read and its values decrypted.
int floor_main(const std::string& home, const std::string& key_file) {
    auto s = store::DeviceStore::open(home, store::Passphrase{kPassphrase}, fast());
    if (!s) die(s.error().message);
    auto key = coordinator::open_key_file(key_file, kPassphrase);
    if (!key) die(key.error().message);
    coordinator::DeviceStoreSource source(*s);
    coordinator::RecordLoader loader(source, *key, {});
    coordinator::DecryptionReport report;
    auto read = source.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
        bool readable = false;
        CANVASS_TRY_VOID(loader.decrypt(cs, &report, nullptr, readable));
        return {};
    });
    if (!read) die(read.error().message);
    if (report.decrypted != report.changesets) die("the floor could not decrypt every changeset");
    std::printf("%zu\n", report.decrypted);
    return 0;
}

struct Run {
    double seconds = 0;
    long peak_kib = 0;
};

// Starts `argv` with its standard output thrown away and waits for it: its status and
// resource usage.
std::pair<int, rusage> spawn_and_wait(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ) != 0)
        die("cannot start " + argv[0]);
    posix_spawn_file_actions_destroy(&actions);
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid) die("wait4 failed");
    return {status, usage};
}

// `--peak FILE CMD…`: runs CMD and writes its peak resident memory (KiB) to FILE. A child's
// ru_maxrss starts at the resident size of the process it was started from, so the
// measured command is started from this small process, not from the bench that filled the
// store.
int peak_main(int argc, char** argv) {
    std::vector<std::string> command(argv + 3, argv + argc);
    auto [status, usage] = spawn_and_wait(command);
    std::ofstream(argv[2]) << usage.ru_maxrss << "\n";
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

// Runs `argv` in a child process; its wall time and peak memory.
Run run(const std::string& self, const std::string& peak_file,
        const std::vector<std::string>& argv) {
    std::vector<std::string> wrapped{self, "--peak", peak_file};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    auto t0 = Steady::now();
    auto [status, usage] = spawn_and_wait(wrapped);
    Run r;
    r.seconds = std::chrono::duration<double>(Steady::now() - t0).count();
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) die(argv[0] + " " + argv[1] + " failed");
    std::ifstream(peak_file) >> r.peak_kib;
    return r;
}

Run median(const std::string& self, const std::string& peak_file,
           const std::vector<std::string>& argv, int runs) {
    std::vector<Run> all;
    for (int i = 0; i < runs; ++i) all.push_back(run(self, peak_file, argv));
    auto mid = [&](auto field) {
        std::vector<decltype(field(all[0]))> v;
        for (const auto& r : all) v.push_back(field(r));
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    };
    return {mid([](const Run& r) { return r.seconds; }),
            mid([](const Run& r) { return r.peak_kib; })};
}

std::vector<int> sizes_option(int argc, char** argv) {
    std::string text = "10000,100000";
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--sizes")) text = argv[i + 1];
    std::vector<int> out;
    for (std::size_t at = 0; at < text.size();) {
        auto comma = text.find(',', at);
        out.push_back(std::stoi(text.substr(at, comma - at)));
        at = comma == std::string::npos ? text.size() : comma + 1;
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string dir_option(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--dir")) return argv[i + 1];
    return {};
}

int runs_option(int argc, char** argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--runs")) return std::max(1, std::atoi(argv[i + 1]));
    return 3;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 4 && !std::strcmp(argv[1], "--floor")) return floor_main(argv[2], argv[3]);
    if (argc > 3 && !std::strcmp(argv[1], "--peak")) return peak_main(argc, argv);
    const auto sizes = sizes_option(argc, argv);
    const int runs = runs_option(argc, argv);
    const std::string self = std::filesystem::canonical("/proc/self/exe").string();
    canvass::testing::TempDir temp;
    std::string dir = dir_option(argc, argv);
    if (dir.empty()) {
        dir = temp.path().string();
    } else if (!std::filesystem::create_directories(dir)) {
        die(dir + " exists already");
    }
    const std::string home = dir + "/coordinator", key_file = dir + "/coordinator.key",
                      passphrase_file = dir + "/passphrase.txt", out = dir + "/out";
    std::ofstream(passphrase_file) << kPassphrase << "\n";
    auto recipient =
        coordinator::create_key_file(key_file, kPassphrase, crypto::PwhashParams::minimum());
    if (!recipient) die(recipient.error().message);
    int held = 0;
    {
        auto s = coordinator_store(home, *recipient);
        (void)s;
    }
    std::printf(
        "export bench: a form of %d answers (%d questions, a repeat of %d answered %d times); "
        "medians of %d runs, wall time and peak resident memory of each process\n",
        kTopQuestions + kRepeatQuestions * kInstances, kTopQuestions, kRepeatQuestions, kInstances,
        runs);
    for (int size : sizes) {
        {
            auto s = store::DeviceStore::open(home, store::Passphrase{kPassphrase}, fast());
            if (!s) die(s.error().message);
            auto t0 = Steady::now();
            fill(*s, held, size);
            std::fprintf(stderr, "bench_export: %d records saved in %.1f s\n", size - held,
                         std::chrono::duration<double>(Steady::now() - t0).count());
            held = size;
        }
        const std::string peak_file = dir + "/peak.txt";
        auto floor = median(self, peak_file, {self, "--floor", home, key_file}, runs);
        auto exporting = [&](const std::string& formats) {
            std::filesystem::remove_all(out);
            return median(
                self, peak_file,
                {CANVASS_CLI_BIN, "--home", home, "--passphrase-file", passphrase_file, "export",
                 "--key", key_file, "--form", "bench", "--format", formats, "--out", out},
                runs);
        };
        auto all = exporting("all");
        auto sheets = exporting("xlsx,geojson");
        std::printf("%7d records\n", size);
        std::printf("  floor: read and decrypt  %7.2f s  %7.1f MiB\n", floor.seconds,
                    floor.peak_kib / 1024.0);
        std::printf("  export --format all      %7.2f s  %7.1f MiB  (%.1fx the floor's time)\n",
                    all.seconds, all.peak_kib / 1024.0, all.seconds / floor.seconds);
        std::printf("  export xlsx,geojson      %7.2f s  %7.1f MiB  (%.1fx the floor's time)\n",
                    sheets.seconds, sheets.peak_kib / 1024.0, sheets.seconds / floor.seconds);
        std::fflush(stdout);
    }
    return 0;
}
