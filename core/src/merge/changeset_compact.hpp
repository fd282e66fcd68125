// The op section of changeset format 2 (schemas/protocol/changeset.md, "Format 2"): the
// names, repeat-instance ids and superseded devices of a changeset are written once, in
// tables in order of first use, and each path and op id refers to them by index. What
// surrounds the op section (device, seq, prev, names, record, epoch, nonce) is the same in
// every format and stays in changeset.cpp.
#pragma once

#include <vector>

#include "canvass/result.hpp"
#include "merge/changeset.hpp"
#include "merge/codec.hpp"

namespace canvass::merge::compact {

// Writes the tables and ops of `h`. Precondition: validate(h) succeeds; supersedes are
// written in canonical order whatever their order in memory, as in format 1.
void write_ops(Writer& w, const ChangesetHeader& h);

// Reads what write_ops() wrote for a changeset of `author`, refusing every other form:
// tables out of first-use order, unused or repeated entries, references out of range,
// names outside the path grammar, paths above kMaxPathBytes, unsorted supersedes, counts
// above the limits or above what the remaining input could hold (checked before anything
// is allocated). The caller still runs validate() for the rules that need the whole header.
Result<std::vector<Op>> read_ops(Reader& r, const DeviceId& author);

}  // namespace canvass::merge::compact
