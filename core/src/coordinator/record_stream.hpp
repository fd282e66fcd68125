// The coordinator's view of a project a record at a time (docs/export.md, "At any size"):
// the same records load_dataset builds (records.hpp), in the same order, but each is
// loaded, decrypted and merged only when its turn comes and dropped after, so that a pass
// over 100,000 records holds a few hundred of them at most.
//
// Opening reads every changeset of the selection once, in the source's order: it decodes and
// decrypts each (for the decryption report and the attachments' keys, both complete before
// any record is handed out) and keeps an index of some 40 bytes per record and 16 per
// changeset: the record's id, its creation hlc, and (device, seq) of each of its changesets.
// A pass then reads the records' changesets back by (device, seq), a window of records at a
// time, in runs of consecutive seqs.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "coordinator/records.hpp"

namespace canvass::coordinator {

class RecordLoader;

class RecordStream {
  public:
    // Indexes the records of form `form_id` (every form when empty) held in `source`, which
    // and `key` must outlive the stream. Errors as load_dataset's: Error{crypto, wrong_key}
    // when there are changesets of the selection but not one can be read.
    static Result<RecordStream> open(ChainSource& source, const crypto::DhKeyPair& key,
                                     std::string_view form_id, const Progress& progress = {},
                                     Keep keep = {});

    RecordStream(RecordStream&&) noexcept;
    RecordStream& operator=(RecordStream&&) noexcept;
    ~RecordStream();

    std::size_t size() const { return records_.size(); }
    // What could not be decrypted, over the whole selection.
    const DecryptionReport& report() const { return report_; }
    // The keys of every attachment the decrypted values reference (open_attachment).
    const MediaKeys& media() const { return media_; }

    // Calls `fn` with each record in order (creation time, then id), built as load_dataset
    // builds it; `fn` may change or move from it, and it is dropped when `fn` returns.
    // `progress`, when given, is called now and then with (records done, records in all).
    // Each call is a pass of its own, reading the source again. Stops at the first error of
    // `fn` or the source and returns it; a changeset that went missing since open() is
    // Error{store, not_found}.
    Result<void> for_each(const std::function<Result<void>(Record&)>& fn,
                          const Progress& progress = {});

  private:
    struct Ref {
        std::uint32_t device = 0;  // index in devices_
        std::uint64_t seq = 0;
    };
    struct Entry {
        merge::RecordId id{};
        std::uint64_t created = 0;  // smallest hlc of its changesets
        std::uint32_t first = 0;    // its changesets: refs_[first, first + count)
        std::uint32_t count = 0;
    };

    RecordStream(ChainSource& source, const crypto::DhKeyPair& key, Keep keep);
    Result<void> pass_window(std::size_t first, std::size_t last,
                             const std::function<Result<void>(Record&)>& fn);

    ChainSource* source_;
    std::unique_ptr<RecordLoader> loader_;
    std::vector<merge::DeviceId> devices_;
    // One allocation for the whole index, not one per record: a heap holding 100,000 small
    // blocks between the passes' short-lived ones makes every allocation after slower.
    std::vector<Entry> records_;  // in the order passes give them
    std::vector<Ref> refs_;
    DecryptionReport report_;
    MediaKeys media_;
};

}  // namespace canvass::coordinator
