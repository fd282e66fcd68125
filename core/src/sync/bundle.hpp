// Bundle files: the sync protocol's changeset batches written to a file, for places with no
// network at all, and for an organizer who carries other devices' work to the server (DESIGN.md
// 6). A bundle holds changesets, signed heads and epoch grants exactly as they travel on the
// wire: values stay encrypted to the project's coordinators, and every chain is verified on
// import as a batch from the server would be. Nothing in a bundle can be read or altered by
// whoever carries it.
//
// Attachments travel too, sealed as on the wire: nobody carrying them can open one, and each
// is signed by the device that attached it, so a carrier cannot pass other bytes off as it.
//
// Format: the 8 bytes "CVBUNDL1", then records, each a 4-byte big-endian length and an
// encoded protocol message (sync/messages.hpp): first, for each device, a `changesets`
// message with one run holding the device's chain from seq 1 to its head; then, for each
// attachment, a `media_offer` of that one item followed by a `media_chunk` per chunk, in
// order.
#pragma once

#include <cstdint>
#include <string>

#include "canvass/result.hpp"
#include "sync/media_exchange.hpp"
#include "sync/replica.hpp"

namespace canvass::sync {

struct BundleReport {
    std::size_t devices = 0;
    std::uint64_t changesets = 0;   // in the file (export) or newly stored (import)
    std::uint64_t evidence = 0;     // import: changesets kept as evidence of a forked chain
    std::uint64_t attachments = 0;  // in the file (export) or newly kept (import)
    std::uint64_t attachment_bytes = 0;
};

// Writes every chain `replica` holds to `path` (replacing the file atomically), and every
// attachment `media` carries (may be null: none).
Result<BundleReport> write_bundle(Replica& replica, MediaReplica* media, const std::string& path);

// Verifies and stores every chain of the bundle at `path` into `replica`, one device per
// transaction, then keeps its attachments in `media` (may be null: they are skipped) to
// deliver with the next sync. Changesets must name `project` (or predate enrollment). An
// attachment is kept only signed by its author, a device whose chain this store holds, and
// only if its chunks hash to what the author signed (checked before any is kept). Errors
// name the device and what failed; what was stored before the failure stays stored (each
// chain and each attachment is complete).
Result<BundleReport> read_bundle(Replica& replica, MediaReplica* media, const std::string& path,
                                 const std::string& project, std::uint64_t now_ms);

// The signing key of the device whose chain `replica` holds, or nullopt (for checking the
// items a bundle or a relay brings).
Result<std::optional<crypto::SigningPublicKey>> chain_key(Replica& replica,
                                                          const merge::DeviceId& device);

}  // namespace canvass::sync
