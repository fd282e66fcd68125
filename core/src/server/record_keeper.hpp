// Keeps the stored merge states of records up to date while the server runs, so that `stats`
// and digests stay cheap, without ever holding up a push: a thread of its own, with its own
// connection to the store, stores a few hundred records' states per short transaction and
// pauses between them, letting the sessions' transactions in.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <thread>

#include "server/log.hpp"
#include "server/server_store.hpp"

namespace canvass::server {

class RecordKeeper {
  public:
    // Records per transaction: each costs a read of its changesets and one small write, so a
    // transaction holds the write lock for milliseconds.
    static constexpr std::size_t kRecordsPerTransaction = 256;

    // Starts the thread; it owns `store` (a connection only it uses). `log` must outlive it.
    RecordKeeper(std::unique_ptr<ServerStore> store, Logger& log);
    // Stops the thread (it finishes the transaction under way) and waits for it.
    ~RecordKeeper();
    RecordKeeper(const RecordKeeper&) = delete;
    RecordKeeper& operator=(const RecordKeeper&) = delete;

  private:
    void run(std::stop_token stop);

    std::unique_ptr<ServerStore> store_;
    Logger& log_;
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: started once everything it uses exists
};

}  // namespace canvass::server
