// A record's history as its coordinator reads it: every changeset of the record, in order,
// with who made it and what each of its ops did (DESIGN.md sections 4 and 5).
//
// Changesets are ordered by (hlc, device, seq): causality first (an edit's clock is past
// every clock its author had seen) and the order every replica agrees on for the rest.
// Everything here is structured; the faces (the CLI, the desk, apps) word it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "merge/ids.hpp"

namespace canvass::coordinator {

enum class ChangeKind {
    answer,           // a field set to a value (JSON "null" clears it)
    delete_record,    // the record deleted
    delete_instance,  // one repeat instance deleted
    keep,             // a delete undone (the record or an instance kept)
};

// An earlier op at the same path that a change superseded.
struct Replaced {
    merge::OpId op{};  // op.device is its author
    std::uint64_t hlc = 0;
    ChangeKind kind = ChangeKind::answer;
    std::optional<std::string> value;  // answers: JSON text; nullopt when not decrypted
    bool readable = true;              // false: its changeset could not be decrypted
};

// What one op of a changeset did.
struct FieldChange {
    std::string path;  // field, instance (`members[<uuid>]`), or "" for the record
    ChangeKind kind = ChangeKind::answer;
    std::optional<std::string> value;  // answers: JSON text; nullopt when not decrypted
    bool readable = true;
    // The earlier values at `path` this change replaced, newest first. Only ops held here
    // are listed: a change may also supersede ops of chains not received yet.
    std::vector<Replaced> replaced;

    // Replacing two or more live values at once settles a conflict: what `canvass resolve`
    // writes, and what any edit by someone who saw the conflict does.
    bool resolves() const { return replaced.size() >= 2; }
};

struct HistoryEntry {
    merge::DeviceId device{};
    std::string label;  // the device's name where the caller knew it (DeviceLabels), else ""
    std::uint64_t seq = 0;
    std::uint64_t hlc = 0;
    std::string form_version;
    bool creates = false;    // the record's first changeset
    bool by_creator = true;  // false: a coordinator's edit (only the creator or a coordinator may
                             // change a record)
    bool readable = true;    // its values were decrypted
    std::vector<FieldChange> changes;  // in the changeset's op order

    bool resolves() const {
        for (const auto& c : changes)
            if (c.resolves()) return true;
        return false;
    }
};

// Device id -> a person's name for it (the label a server gave its enrollment token).
using DeviceLabels = std::map<merge::DeviceId, std::string>;

struct History {
    merge::RecordId record{};
    std::string form_id;
    merge::DeviceId creator{};
    std::vector<HistoryEntry> entries;  // oldest first
    std::size_t unreadable = 0;         // entries whose values could not be decrypted
};

}  // namespace canvass::coordinator
