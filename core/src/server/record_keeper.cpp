#include "server/record_keeper.hpp"

#include <chrono>
#include <string>

namespace canvass::server {
namespace {

using namespace std::chrono_literals;

constexpr auto kBetweenTransactions = 20ms;  // room for the sessions' transactions
constexpr auto kWhenUpToDate = 2s;           // how soon new changesets are merged
constexpr auto kAfterFailure = 30s;          // a busy or full disk: try again later

}  // namespace

RecordKeeper::RecordKeeper(std::unique_ptr<ServerStore> store, Logger& log)
    : store_(std::move(store)), log_(log), thread_([this](std::stop_token stop) { run(stop); }) {}

RecordKeeper::~RecordKeeper() {
    thread_.request_stop();
    wake_.notify_all();
}

void RecordKeeper::run(std::stop_token stop) {
    std::unique_lock lock(mutex_);
    bool failing = false;
    while (!stop.stop_requested()) {
        auto done = store_->catch_up_record_states(kRecordsPerTransaction);
        std::chrono::milliseconds pause = kWhenUpToDate;
        if (!done) {
            // Logged once per failing spell: a full disk must not fill the log as well.
            if (!failing)
                log_.line("records outcome=error detail=\"cannot store record states: " +
                          done.error().message +
                          "\" (retried every 30 s; digests stay correct meanwhile)");
            failing = true;
            pause = kAfterFailure;
        } else {
            failing = false;
            if (*done > 0) pause = kBetweenTransactions;
        }
        wake_.wait_for(lock, stop, pause, [] { return false; });
    }
}

}  // namespace canvass::server
