// The records an export writes: the coordinator view's (coordinator/records.hpp), rebuilt and
// decrypted in the core, under the names the writers use.
#pragma once

#include "coordinator/records.hpp"

namespace canvass::exporting {

using ExportRecord = coordinator::Record;
using coordinator::CandidateKind;
using coordinator::Conflict;
using coordinator::ConflictCandidate;
using coordinator::Dataset;
using coordinator::Progress;
using coordinator::Readability;

}  // namespace canvass::exporting
