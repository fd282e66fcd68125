// Collects a record's changesets while a load merges them, and turns them into its history
// (history.hpp) once every changeset is in.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "coordinator/history.hpp"
#include "merge/changeset.hpp"

namespace canvass::coordinator {

class HistoryBuilder {
  public:
    // One changeset of the record, with its values (one per op) when `readable`.
    void add(const merge::ChangesetHeader& header,
             const std::vector<std::optional<std::string>>& values, bool readable);
    // The entries, oldest first, each change with the earlier values it replaced.
    // `creator` is the record's creator, to tell its own edits from coordinators'.
    std::vector<HistoryEntry> finish(const merge::DeviceId& creator) &&;

  private:
    struct Pending {
        HistoryEntry entry;
        bool creates_record = false;
        std::vector<std::vector<merge::OpId>> supersedes;  // per change
    };
    std::vector<Pending> pending_;
};

}  // namespace canvass::coordinator
