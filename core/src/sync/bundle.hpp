// Bundle files: the sync protocol's changeset batches written to a file, for places with no
// network at all, and for an organizer who carries other devices' work to the server (DESIGN.md
// 6). A bundle holds changesets, signed heads and epoch grants exactly as they travel on the
// wire: values stay encrypted to the project's coordinators, and every chain is verified on
// import as a batch from the server would be. Nothing in a bundle can be read or altered by
// whoever carries it.
//
// Format: the 8 bytes "CVBUNDL1", then for each device one record: a 4-byte big-endian length
// and an encoded `changesets` message (sync/messages.hpp) with one run holding the device's
// chain from seq 1 to its head.
#pragma once

#include <cstdint>
#include <string>

#include "canvass/result.hpp"
#include "sync/replica.hpp"

namespace canvass::sync {

struct BundleReport {
    std::size_t devices = 0;
    std::uint64_t changesets = 0;  // in the file (export) or newly stored (import)
    std::uint64_t evidence = 0;    // import: changesets kept as evidence of a forked chain
};

// Writes every chain `replica` holds to `path` (replacing the file atomically).
Result<BundleReport> write_bundle(Replica& replica, const std::string& path);

// Verifies and stores every chain of the bundle at `path` into `replica`, one device per
// transaction. Changesets must name `project` (or predate enrollment). Errors name the
// device and what failed; chains stored before the failure stay stored (each is complete).
Result<BundleReport> read_bundle(Replica& replica, const std::string& path, const std::string& project,
                                 std::uint64_t now_ms);

}  // namespace canvass::sync
