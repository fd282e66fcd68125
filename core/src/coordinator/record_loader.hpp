// How one record is rebuilt from its changesets with the coordinator's key: the step that
// load_dataset (every record in one scan), load_record (one record) and RecordStream (a
// record at a time, record_stream.hpp) all take, so that each gives the same Record.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "coordinator/history_builder.hpp"
#include "coordinator/records.hpp"

namespace canvass::coordinator {

// Changesets or records read between two calls of a progress callback.
inline constexpr std::size_t kProgressEvery = 500;

class RecordLoader {
  public:
    // `source` and `key` must outlive the loader. Epoch keys opened are kept (wiped) until
    // it is destroyed: one X25519 operation per (device, epoch).
    RecordLoader(ChainSource& source, const crypto::DhKeyPair& key, Keep keep);
    ~RecordLoader();
    RecordLoader(const RecordLoader&) = delete;
    RecordLoader& operator=(const RecordLoader&) = delete;

    // A record while its changesets are merged into it.
    struct Partial {
        explicit Partial(const merge::RecordId& id) : record(id) {}
        Record record;
        merge::OrderKey first{~std::uint64_t{0}, {}, 0, 0};  // its earliest changeset so far
        merge::DeviceId creator{};                           // that changeset's author
        HistoryBuilder history;
    };

    // The values of `cs` decrypted (empty when they cannot be), `readable` set; counted into
    // `report` and the attachments it references noted into `media` when given.
    Result<std::vector<std::optional<std::string>>> decrypt(const merge::Changeset& cs,
                                                            DecryptionReport* report,
                                                            MediaKeys* media, bool& readable);
    // Decrypts `cs` and merges it into `record`, as decrypt() counts. Error{protocol} naming
    // the changeset when it does not merge; source errors pass through.
    Result<void> add(const merge::Changeset& cs, Partial& record,
                     DecryptionReport* report = nullptr, MediaKeys* media = nullptr);
    // The record made: its view, answers, conflicts and, as Keep says, history and state.
    Record finish(Partial&& record) const;
    // Error{crypto, wrong_key} when `report` counts changesets and not one was decrypted:
    // the key is not a recipient (naming those the source knows), or no grant opens.
    Result<void> check_readable(const DecryptionReport& report) const;

  private:
    class EpochKeys;
    ChainSource& source_;
    const crypto::DhKeyPair& me_;
    Keep keep_;
    std::unique_ptr<EpochKeys> keys_;
};

}  // namespace canvass::coordinator
