// A Replica held in memory: the reference implementation of the contract in replica.hpp,
// used by the protocol tests and simulations.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <vector>

#include "sync/replica.hpp"

namespace canvass::sync {

class MemoryReplica final : public Replica {
  public:
    struct Chain {
        crypto::SigningPublicKey key{};
        std::vector<Bytes> encoded;       // encoded[i] is changeset seq i + 1
        std::vector<merge::Hash> hashes;  // hashes[i] is its hash
        std::map<std::uint64_t, merge::SignedHead> heads;
        std::set<Bytes> grants;
        std::uint64_t acknowledged = 0;
        std::optional<std::uint64_t> refused_from;  // the peer refused it from this seq
        std::uint64_t far_future = 0;               // changesets flagged for their clock
    };

    // Appends a changeset this replica's own device authored, and a head signed at it.
    // Precondition: cs is the next of the device's chain (seq and prev) and `signing_secret`
    // is the device's key. Test helper: a real device store does this when it saves.
    void append_own(const merge::Changeset& cs, const crypto::SigningKeyPair& signing);

    // Makes the next store() fail with `error` (by default a storage failure), to test that
    // nothing is acknowledged and what the peer is told.
    void fail_next_store(Error error = {Domain::store, errc::io, "disk full (simulated)"}) {
        fail_next_store_ = std::move(error);
    }

    const std::map<merge::DeviceId, Chain>& all_chains() const { return chains_; }
    const std::vector<Evidence>& evidence() const { return evidence_; }
    std::size_t changeset_count() const;
    std::size_t store_calls() const { return store_calls_; }
    // The merged metadata digest (merge/digest.hpp) of every chain held.
    merge::Hash state_digest() const;

    Result<merge::VersionVector> chains() override;
    Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& device) override;
    Result<std::optional<merge::Hash>> chain_hash(const merge::DeviceId& device,
                                                  std::uint64_t seq) override;
    Result<std::vector<Bytes>> changesets(const merge::DeviceId& device, std::uint64_t first,
                                          std::uint64_t last) override;
    Result<std::optional<KeyedHead>> cover_head(const merge::DeviceId& device, std::uint64_t first,
                                                std::uint64_t last) override;
    Result<std::vector<Bytes>> grants(const merge::DeviceId& device) override;
    Result<std::optional<merge::DeviceId>> record_creator(const merge::RecordId& record) override;
    Result<void> store(const VerifiedBatch& batch) override;
    Result<void> acknowledged(const merge::DeviceId& device, std::uint64_t seq) override;
    Result<void> refused(const merge::DeviceId& device, std::uint64_t seq,
                         const std::string& why) override;
    Result<std::optional<std::uint64_t>> refused_from(const merge::DeviceId& device) override;

  private:
    std::map<merge::DeviceId, Chain> chains_;
    std::vector<Evidence> evidence_;
    std::map<merge::RecordId, merge::DeviceId> creators_;  // from the creating changesets held
    std::optional<Error> fail_next_store_;
    std::size_t store_calls_ = 0;
};

}  // namespace canvass::sync
