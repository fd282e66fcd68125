// P1: durable saves on a device. Prints, in one run:
//   - median and p99 latency of one durable save (its own transaction) of a 50-answer interview;
//   - bulk import of 10,000 such records, in batches of 1,000 per transaction, in records/s;
//   - the same two figures for plain SQLite inserting the same values, one row per answer,
//     with the same batching and synchronous=FULL in WAL mode, and the ratio.
// The two take turns save by save and batch by batch, so both meet the disk in the same state.
// Target: within 2x of the baseline.
//
//   bench_p1_save [--records N] [--saves N] [--dir DIR]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "store/device_store.hpp"
#include "store/sqlite.hpp"

namespace {

using namespace canvass;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kAnswers = 50;
constexpr std::size_t kBatch = 1000;

std::string fifty_question_form() {
    json survey = json::array();
    for (int i = 0; i < kAnswers; ++i) {
        std::string type = i % 3 == 0 ? "integer" : (i % 3 == 1 ? "decimal" : "text");
        survey.push_back({{"type", type},
                          {"name", "q" + std::to_string(i)},
                          {"label", {{"en", "Question " + std::to_string(i)}}}});
    }
    return json{{"settings",
                 {{"form_id", "bench"},
                  {"version", "1"},
                  {"title", {{"en", "Bench"}}},
                  {"default_language", "en"}}},
                {"survey", survey}}
        .dump();
}

json answers(int record) {
    json a = json::object();
    for (int i = 0; i < kAnswers; ++i) {
        auto name = "q" + std::to_string(i);
        if (i % 3 == 0)
            a[name] = record * 7 + i;
        else if (i % 3 == 1)
            a[name] = record * 0.5 + i;
        else
            a[name] = "answer " + std::to_string(record) + " to question " + std::to_string(i);
    }
    return a;
}

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

struct Figures {
    double median_ms = 0, p99_ms = 0, records_per_s = 0;
};

Figures summarize(std::vector<double> latencies, double bulk_seconds, std::size_t records) {
    std::sort(latencies.begin(), latencies.end());
    Figures f;
    f.median_ms = latencies[latencies.size() / 2];
    f.p99_ms = latencies[std::min(latencies.size() - 1, latencies.size() * 99 / 100)];
    f.records_per_s = static_cast<double>(records) / bulk_seconds;
    return f;
}

void check(bool ok, const std::string& what) {
    if (!ok) {
        std::fprintf(stderr, "bench_p1_save: %s\n", what.c_str());
        std::exit(1);
    }
}

// One side of the comparison: a durable save of record i, and an import of records
// [first, last) in one transaction.
struct Side {
    std::function<void(int)> save;
    std::function<void(std::size_t, std::size_t)> import;
    std::vector<double> latencies;
    double import_seconds = 0;
};

Side canvass_side(store::DeviceStore& s) {
    check(s.add_form(fifty_question_form()).has_value(), "the bench form does not load");
    Side side;
    side.save = [&s](int i) {
        auto r = s.create_record("bench", answers(i), true);
        check(r.has_value(), r ? "" : r.error().message);
    };
    side.import = [&s](std::size_t first, std::size_t last) {
        std::vector<json> batch;
        for (std::size_t i = first; i < last; ++i) batch.push_back(answers(static_cast<int>(i)));
        auto r = s.import_records("bench", std::move(batch), true);
        check(r.has_value(), r ? "" : r.error().message);
    };
    return side;
}

// Plain SQLite: one row per answer, same batching, same durability.
Side baseline_side(store::Database& db, store::Statement& insert) {
    auto save = [&insert](int record) {
        const json a = answers(record);
        for (const auto& [field, value] : a.items()) {
            insert.reset();
            check(insert.bind(1, record).bind(2, field).bind(3, value.dump()).run().has_value(),
                  "baseline insert failed");
        }
    };
    Side side;
    side.save = [&db, save](int i) {
        auto tx = store::Transaction::begin(db);
        save(i);
        check(tx->commit().has_value(), "baseline commit failed");
    };
    side.import = [&db, save](std::size_t first, std::size_t last) {
        auto tx = store::Transaction::begin(db);
        for (std::size_t i = first; i < last; ++i) save(static_cast<int>(i));
        check(tx->commit().has_value(), "baseline commit failed");
    };
    return side;
}

// The two sides take turns, save by save and batch by batch, which of them goes first
// alternating: both meet the same disk, whose fsync time drifts during a run.
void run_interleaved(Side& a, Side& b, int saves, std::size_t records) {
    for (int i = 0; i < saves; ++i) {
        for (Side* side : i % 2 ? std::array{&b, &a} : std::array{&a, &b}) {
            auto t0 = Clock::now();
            side->save(i);
            side->latencies.push_back(ms(Clock::now() - t0));
        }
    }
    std::size_t n = 0;
    for (std::size_t first = 0; first < records; first += kBatch, ++n) {
        const std::size_t last = std::min(records, first + kBatch);
        for (Side* side : n % 2 ? std::array{&b, &a} : std::array{&a, &b}) {
            auto t0 = Clock::now();
            side->import(static_cast<std::size_t>(saves) + first,
                         static_cast<std::size_t>(saves) + last);
            side->import_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
        }
    }
}

}  // namespace

int main(int argc, char** argv) {
    int saves = 1000;
    std::size_t records = 10000;
    std::string dir = std::filesystem::temp_directory_path() / "canvass-bench-p1";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--records"))
            records = std::stoul(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--saves"))
            saves = std::stoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--dir"))
            dir = argv[i + 1];
    }
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir + "/baseline");
    auto db = store::Database::open(dir + "/baseline/plain.db", true);
    check(db.has_value(), "cannot open the baseline database");
    check(db->exec("CREATE TABLE answers(record INTEGER, field TEXT, value TEXT, "
                   "PRIMARY KEY(record, field))")
              .has_value(),
          "cannot create the baseline table");
    auto insert = db->prepare("INSERT INTO answers VALUES(?, ?, ?)");
    check(insert.has_value(), "cannot prepare the baseline insert");
    auto created = store::DeviceStore::create(dir + "/canvass", store::Passphrase{"bench"}, {});
    check(created.has_value(), created ? "" : created.error().message);

    Side base_side = baseline_side(*db, *insert);
    Side ours_side = canvass_side(*created);
    run_interleaved(base_side, ours_side, saves, records);
    auto base = summarize(base_side.latencies, base_side.import_seconds, records);
    auto ours = summarize(ours_side.latencies, ours_side.import_seconds, records);
    std::filesystem::remove_all(dir);

    std::printf(
        "P1: durable saves of a %d-answer interview (%d single saves, %zu records imported "
        "in batches of %zu)\n",
        kAnswers, saves, records, kBatch);
    std::printf("%-34s %12s %12s %14s\n", "", "median ms", "p99 ms", "import rec/s");
    std::printf("%-34s %12.3f %12.3f %14.0f\n", "canvass (signed chain, encrypted)", ours.median_ms,
                ours.p99_ms, ours.records_per_s);
    std::printf("%-34s %12.3f %12.3f %14.0f\n", "baseline: plain SQLite row/answer", base.median_ms,
                base.p99_ms, base.records_per_s);
    std::printf("%-34s %12.2fx %11.2fx %13.2fx   (target: within 2x)\n", "canvass / baseline",
                ours.median_ms / base.median_ms, ours.p99_ms / base.p99_ms,
                base.records_per_s / ours.records_per_s);
    return 0;
}
