// Issue 18: a failing disk, as tests rather than hopes. For each change a command makes to a
// device's store (a save, a draft finalized, an edit, a bulk import, another device's chain
// received), the disk fails at every read, write, fsync, truncate and open the change performs,
// in turn, and fills up at every point: each time the error names the store's file and says
// what to do, the store is whole when it is opened again, nothing saved before is lost, the
// change is saved whole or not at all, and running it again works.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "fault_vfs.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"
#include "temp_dir.hpp"
#include "test_store.hpp"

namespace canvass::store {
namespace {

using canvass::testing::FaultVfs;
using canvass::testing::TempDir;
using nlohmann::json;
using Op = FaultVfs::Op;

const json kKept = {{"name", "Amina"}, {"age", 34}};

const char* name_of(Op op) {
    switch (op) {
        case Op::read:
            return "read";
        case Op::write:
            return "write";
        case Op::sync:
            return "fsync";
        case Op::truncate:
            return "truncate";
        case Op::open:
            return "open";
    }
    return "?";
}

// Another device's chain of three records, as a sync or a bundle would bring it.
std::vector<DeviceStore::IncomingRun> chain_of_another_device(const std::string& home) {
    auto alice = canvass::testing::make_test_store(home, "collector");
    for (const char* name : {"B", "C", "D"})
        EXPECT_TRUE(alice.create_record("household", json{{"name", name}}, true));
    const auto& id = alice.keys().id;
    const auto last = alice.status()->own_changesets;
    auto head = alice.head_at(id, 1, last);
    auto bodies = alice.changesets(id, 1, last);
    auto grants = alice.grants(id);
    EXPECT_TRUE(head && bodies && grants);
    return {{id, (*head)->second, std::move(*bodies), (*head)->first, std::move(*grants)}};
}

// One change as a command makes it: the store opened, changed and closed.
struct Change {
    const char* what;
    std::function<Result<void>(DeviceStore&)> run;
    // The answers of every record the change adds or changes once it is saved whole, by name.
    std::vector<json> saved;
};

// A device's store holding one finalized record (Amina), closed.
std::string seeded_store(const TempDir& dir, int run) {
    const std::string home = dir / ("home" + std::to_string(run));
    auto s = canvass::testing::make_test_store(home);
    EXPECT_TRUE(s.create_record("household", kKept, true));
    return home;
}

Result<void> run_change(const std::string& home, const Change& change) {
    CANVASS_TRY(auto s, DeviceStore::open(home, Passphrase{"correct horse"},
                                          canvass::testing::fast_store_options()));
    return change.run(s);
}

// Whether `answers` hold every answer of `want` (and the form's calculations besides).
bool holds(const json& answers, const json& want) {
    for (const auto& [key, value] : want.items())
        if (answers.value(key, json()) != value) return false;
    return true;
}

// The store after a failed change: opens, is whole, holds Amina once (as saved, or as the
// change saves her), and holds the records the change adds all as the change saves them or
// none of them.
void expect_whole(const std::string& home, const Change& change, const std::string& when) {
    auto s = DeviceStore::open(home, Passphrase{"correct horse"},
                               canvass::testing::fast_store_options());
    ASSERT_TRUE(s) << when << ": the store does not open again: " << s.error().describe();
    EXPECT_EQ(*s->integrity_check(), "ok") << when;
    auto records = s->records();
    ASSERT_TRUE(records) << when;
    std::size_t amina = 0;
    std::size_t added = 0;
    std::size_t to_add = 0;
    for (const auto& want : change.saved) to_add += want.value("name", "") != "Amina";
    for (const auto& r : *records) {
        auto rec = s->record(r.id);
        ASSERT_TRUE(rec) << when;
        if (!rec->readable) {
            ++added;  // another device's record, sealed to the project's coordinators
            continue;
        }
        const auto& answers = rec->answers;
        const std::string name = answers.value("name", "");
        if (holds(answers, kKept)) {
            ++amina;
            continue;
        }
        const json* want = nullptr;
        for (const auto& w : change.saved)
            if (w.value("name", "") == name) want = &w;
        ASSERT_NE(want, nullptr) << when << ": a record nobody saved: " << answers.dump();
        // Every answer as the change gives it, not some of them.
        EXPECT_TRUE(holds(answers, *want)) << when << ": " << answers.dump();
        ++(name == "Amina" ? amina : added);
    }
    EXPECT_EQ(amina, 1u) << when << ": the record saved before the fault";
    EXPECT_TRUE(added == 0 || added == to_add)
        << when << ": " << added << " of " << to_add << " records saved";
}

// The message of an error a failing disk caused: the store's file named, what to do said.
void expect_told(const Error& e, const std::string& home, bool full, const std::string& when) {
    EXPECT_NE(e.message.find(home), std::string::npos)
        << when << ": the message does not name the store's file: " << e.describe();
    if (full) {
        EXPECT_TRUE(is_disk_full(e)) << when << ": " << e.describe();
        EXPECT_NE(e.message.find("free some space"), std::string::npos)
            << when << ": " << e.message;
    } else {
        EXPECT_NE(e.message.find("heck"), std::string::npos) << when << ": " << e.message;
    }
}

// Fails the disk at every operation `op` of `change` in turn, then fills it at every point.
void fail_everywhere(const Change& change) {
    TempDir dir;
    int run = 0;
    for (Op op : FaultVfs::kOps) {
        for (bool persistent : {false, true}) {
            for (int nth = 1;; ++nth) {
                ASSERT_LT(nth, 2000) << change.what << ": the faults never end";
                const std::string home = seeded_store(dir, ++run);
                const std::string when = std::string(change.what) + ", " + name_of(op) + " " +
                                         std::to_string(nth) + (persistent ? " and after" : "") +
                                         " failing";
                Result<void> result;
                bool fired = false;
                {
                    FaultVfs disk;
                    disk.arm(op, nth, persistent);
                    result = run_change(home, change);
                    fired = disk.fired();
                }
                if (!fired) {
                    // The change performs fewer than `nth` such operations: all are covered.
                    EXPECT_TRUE(result) << change.what << ": " << result.error().describe();
                    break;
                }
                if (!result) expect_told(result.error(), home, false, when);
                expect_whole(home, change, when);
                // The disk works again: so does the change (run again where it was lost).
                if (!result) {
                    auto again = run_change(home, change);
                    EXPECT_TRUE(again) << when << ": " << again.error().describe();
                }
            }
        }
    }
    for (std::int64_t room = 0;; room += 4096) {
        ASSERT_LT(room, 64 << 20) << change.what << ": the disk never fills";
        const std::string home = seeded_store(dir, ++run);
        const std::string when =
            std::string(change.what) + ", the disk full after " + std::to_string(room) + " bytes";
        Result<void> result;
        bool fired = false;
        {
            FaultVfs disk;
            disk.fill_disk_after(room);
            result = run_change(home, change);
            fired = disk.fired();
        }
        if (!fired) {
            EXPECT_TRUE(result) << when << ": " << result.error().describe();
            break;
        }
        if (!result) expect_told(result.error(), home, true, when);
        expect_whole(home, change, when);
        EXPECT_TRUE(run_change(home, change)) << when;
    }
}

TEST(FaultInjection, AFinalizedSaveIsWholeOrAbsentWhereverTheDiskFails) {
    const json b = {{"name", "Bongani"}, {"age", 51}};
    fail_everywhere({"a finalized save",
                     [&](DeviceStore& s) -> Result<void> {
                         CANVASS_TRY(auto id, s.create_record("household", b, true));
                         (void)id;
                         return {};
                     },
                     {b}});
}

TEST(FaultInjection, ADraftFinalizedIsWholeWhereverTheDiskFails) {
    const json b = {{"name", "Chipo"}, {"age", 27}};
    fail_everywhere(
        {"a draft saved and finalized",
         [&](DeviceStore& s) -> Result<void> {
             CANVASS_TRY(auto id, s.create_record("household", {{"name", "Chipo"}}, false));
             CANVASS_TRY_VOID(s.save_draft(id, b));
             return s.finalize(id);
         },
         // The draft alone may be kept: its name, and the age once saved.
         {{{"name", "Chipo"}}}});
}

TEST(FaultInjection, AnEditKeepsTheOldAnswerOrTheNewWhereverTheDiskFails) {
    fail_everywhere({"an edit",
                     [](DeviceStore& s) -> Result<void> {
                         CANVASS_TRY(auto records, s.records());
                         CANVASS_TRY(auto changed, s.edit(records.front().id, {{"age", 35}}));
                         (void)changed;
                         return {};
                     },
                     {{{"name", "Amina"}, {"age", 35}}}});
}

TEST(FaultInjection, ABulkImportIsAllOrNothingWhereverTheDiskFails) {
    std::vector<json> batch;
    for (int i = 0; i < 40; ++i)
        batch.push_back({{"name", "P" + std::to_string(i)}, {"age", 20 + i}});
    fail_everywhere({"a bulk import of 40 records",
                     [&](DeviceStore& s) -> Result<void> {
                         CANVASS_TRY(auto ids, s.import_records("household", batch, true));
                         (void)ids;
                         return {};
                     },
                     batch});
}

TEST(FaultInjection, AChainReceivedIsWholeOrAbsentWhereverTheDiskFails) {
    TempDir source;
    const auto runs = chain_of_another_device(source / "alice");
    fail_everywhere({"another device's chain received",
                     [&](DeviceStore& s) { return s.ingest(runs); },
                     {{{"name", "B"}}, {{"name", "C"}}, {{"name", "D"}}}});
}

}  // namespace
}  // namespace canvass::store
