// Replica: what a sync peer needs from its local store of changesets.
//
// Both the server's store and a device's store implement it; MemoryReplica
// (memory_replica.hpp) is the reference implementation the protocol tests use. The sync
// logic (exchange.hpp) does all the checking: a Replica only answers questions about what it
// holds and stores what it is given, atomically.
//
// Vocabulary. A replica holds, per device, a *chain*: that device's changesets 1..n, all
// present and hash-linked. Its *point* is (n, hash of changeset n). Alongside, it keeps the
// device's Ed25519 public key, the signed heads it received (or can make), the device's epoch
// grants, and *evidence*: changesets that conflict with the chain (equivocation), which are
// never part of the chain.
//
// Threading: a replica is used by one sync session at a time, from one thread. A replica of
// its own, or the server's embedded store, may assume that nothing else writes chains
// between a query and the store() that follows it (the server runs every session on one
// thread; a device runs one sync at a time). A store that several processes share (the
// server's PostgreSQL store) may not: its store() checks again, inside its transaction,
// what the queries answered, skips what another wrote meanwhile with the same hash, and
// keeps as evidence what now conflicts, as verification would have had it come second.
// Every implementation makes store() idempotent.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/sign.hpp"
#include "merge/chain.hpp"
#include "merge/changeset.hpp"
#include "merge/version_vector.hpp"
#include "store/grant.hpp"
#include "sync/transport.hpp"

namespace canvass::sync {

// A signed head and the public key it verifies with (device_id_of(key) == head.device).
struct KeyedHead {
    merge::SignedHead head;
    crypto::SigningPublicKey key{};
};

// One changeset as received: its canonical bytes, decoded form and hash.
struct IncomingChangeset {
    Bytes encoded;
    merge::Changeset changeset;
    merge::Hash hash{};
    bool far_future = false;  // its HLC is far ahead of this replica's clock: flag, keep
};

// Changesets that extend one device's chain, verified: the key derives the device id, the
// head is signed by it, the hash chain runs from the replica's point to the head.
struct VerifiedRun {
    merge::DeviceId device{};
    crypto::SigningPublicKey key{};
    std::vector<IncomingChangeset> changesets;  // seq point+1, point+2, ... ascending
    merge::SignedHead head;                     // covers the last changeset
    std::vector<store::EpochGrant> grants;      // verified with `key`; may repeat stored ones
};

// Evidence of equivocation: validly signed changesets of `device` that conflict with the
// replica's chain (another changeset at the same seq, or a different predecessor).
struct Evidence {
    merge::DeviceId device{};
    crypto::SigningPublicKey key{};
    std::uint64_t seq = 0;  // the first seq where the two histories differ
    merge::Hash held{};     // the replica's chain hash at `seq` (zero if it ends before)
    std::vector<IncomingChangeset> changesets;  // the conflicting ones, as received
    merge::SignedHead head;                     // the signed head covering them
};

// A relayed run refused on its own (verify.hpp, VerifyContext::sender): nothing of it is
// stored, and the device's chain is refused from `seq` on.
struct RefusedRun {
    merge::DeviceId device{};
    std::uint64_t seq = 0;
    Error why;
};

struct VerifiedBatch {
    std::vector<VerifiedRun> runs;  // at most one per device
    std::vector<Evidence> evidence;
    std::vector<RefusedRun> refused;  // never stored
    bool empty() const { return runs.empty() && evidence.empty(); }
};

class Replica {
  public:
    virtual ~Replica() = default;

    // Every chain held: device -> point, for devices with at least one changeset.
    virtual Result<merge::VersionVector> chains() = 0;

    // The point of one device's chain; nullopt if none of its changesets is held.
    virtual Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& device) = 0;

    // The hash of changeset `seq` of the device's chain; nullopt if the chain is shorter.
    virtual Result<std::optional<merge::Hash>> chain_hash(const merge::DeviceId& device,
                                                          std::uint64_t seq) = 0;

    // The encoded changesets first..last of the device's chain, ascending. Precondition:
    // 1 <= first <= last <= point.seq. An Error if they cannot be read.
    virtual Result<std::vector<Bytes>> changesets(const merge::DeviceId& device,
                                                  std::uint64_t first, std::uint64_t last) = 0;

    // A signed head of the device's chain to send changesets first..last with: the one with
    // the greatest seq in [first, last] if there is one, else the one with the smallest seq
    // above `last` (up to the point). A device answering for its own chain should return a
    // head at exactly `last`: it holds the key, so it can sign one on demand or store one per
    // changeset. A replica always has a head at its point (every stored run ends with one),
    // so nullopt means a broken store.
    virtual Result<std::optional<KeyedHead>> cover_head(const merge::DeviceId& device,
                                                        std::uint64_t first,
                                                        std::uint64_t last) = 0;

    // The device's epoch grants (encoded, store/grant.hpp), sent with its changesets.
    virtual Result<std::vector<Bytes>> grants(const merge::DeviceId& device) = 0;
    // How many grants of the device are held (told in summaries). Override where counting is
    // cheaper than reading them all.
    virtual Result<std::uint64_t> grant_count(const merge::DeviceId& device) {
        CANVASS_TRY(auto all, grants(device));
        return static_cast<std::uint64_t>(all.size());
    }

    // The device that created `record` (merge/authority.hpp), from the creating changeset
    // held, or for a record minted before ids were bound to their creator, the creator the
    // replica recorded for it; nullopt if neither is known. store() must record the creator
    // of every creating changeset it stores.
    virtual Result<std::optional<merge::DeviceId>> record_creator(
        const merge::RecordId& record) = 0;

    // Stores a verified batch in one transaction: appends each run's changesets to its chain,
    // keeps its head, the device key and the grants (ignoring grants already held), and keeps
    // the evidence (flagging the device). On success everything is durable (committed; on
    // SQLite with synchronous=FULL); on failure nothing was stored. Idempotent: changesets
    // already held with the same hash are skipped.
    virtual Result<void> store(const VerifiedBatch& batch) = 0;

    // The peer acknowledged that it durably holds the device's chain up to `seq`. A device
    // records this to show what was sent; the server ignores it.
    virtual Result<void> acknowledged(const merge::DeviceId& device, std::uint64_t seq) = 0;
    // How much of the device's chain a peer acknowledged. A device tells its own chain at this
    // point in its summary, so a server holding more of it (a store restored from an older
    // copy) sends the rest from there. By default everything held counts as acknowledged.
    virtual Result<std::uint64_t> acknowledged_seq(const merge::DeviceId& device) {
        CANVASS_TRY(auto point, chain_point(device));
        return point ? point->seq : 0;
    }

    // The peer refused the device's chain from `seq` on (a chain this replica carries for
    // another device: see RefusedRun). A device remembers it, sends that chain no further
    // than seq - 1, and shows it in its status; by default nothing is remembered.
    virtual Result<void> refused(const merge::DeviceId& device, std::uint64_t seq,
                                 const std::string& why) {
        (void)device, (void)seq, (void)why;
        return {};
    }
    // The seq from which a peer refused the device's chain, if it did.
    virtual Result<std::optional<std::uint64_t>> refused_from(const merge::DeviceId& device) {
        (void)device;
        return std::optional<std::uint64_t>{};
    }
};

}  // namespace canvass::sync
