// Where a coordinator's changesets come from: the chains some replica holds, read whole.
//
// A coordinator's device store (what `canvass export` reads) and a server's replica (a server
// dump: every chain of a project) both hold every device's chain and its epoch grants; the
// coordinator view (records.hpp) reads either through this interface and decrypts nothing
// more than the grants sealed to the key it is given allow.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/box.hpp"
#include "merge/changeset.hpp"
#include "store/grant.hpp"

namespace canvass::store {
class DeviceStore;
}
namespace canvass::sync {
class Replica;
}

namespace canvass::coordinator {

class ChainSource {
  public:
    virtual ~ChainSource() = default;

    // Calls `fn` with every changeset held, decoded, each device's chain in seq order.
    // Stops at the first error, of `fn` or of the source, and returns it.
    virtual Result<void> for_each_changeset(
        const std::function<Result<void>(const merge::Changeset&)>& fn) = 0;
    // Calls `fn` with the changesets of `device`'s chain with seq in [first, last] that are
    // held, decoded, in seq order (RecordStream reads a record's changesets back with it).
    // Errors as for_each_changeset's.
    virtual Result<void> for_each_in(
        const merge::DeviceId& device, std::uint64_t first, std::uint64_t last,
        const std::function<Result<void>(const merge::Changeset&)>& fn) = 0;
    // The grant of `device`'s epoch `epoch` sealed to `recipient`, if held.
    virtual Result<std::optional<store::EpochGrant>> grant_for(
        const merge::DeviceId& device, const store::EpochId& epoch,
        const crypto::DhPublicKey& recipient) = 0;
    // How many changesets for_each_changeset will visit (for progress), or nullopt when
    // counting would cost a pass of its own.
    virtual Result<std::optional<std::uint64_t>> changeset_count() = 0;
    // The recipient keys the project names, as far as the source knows them (to tell a user
    // holding another key which ones would do); empty when unknown.
    virtual Result<std::vector<crypto::DhPublicKey>> recipients() = 0;
};

// The chains of a device store (a coordinator's, after its sync). The store must outlive it.
class DeviceStoreSource final : public ChainSource {
  public:
    explicit DeviceStoreSource(store::DeviceStore& store) : store_(store) {}

    Result<void> for_each_changeset(
        const std::function<Result<void>(const merge::Changeset&)>& fn) override;
    Result<void> for_each_in(
        const merge::DeviceId& device, std::uint64_t first, std::uint64_t last,
        const std::function<Result<void>(const merge::Changeset&)>& fn) override;
    Result<std::optional<store::EpochGrant>> grant_for(
        const merge::DeviceId& device, const store::EpochId& epoch,
        const crypto::DhPublicKey& recipient) override;
    Result<std::optional<std::uint64_t>> changeset_count() override;
    Result<std::vector<crypto::DhPublicKey>> recipients() override;

  private:
    store::DeviceStore& store_;
};

// The chains of a sync replica: a server's store of one project, or any peer's. The replica
// must outlive it. Grants are read once per device and kept.
class ReplicaSource final : public ChainSource {
  public:
    explicit ReplicaSource(sync::Replica& replica, std::vector<crypto::DhPublicKey> recipients = {})
        : replica_(replica), recipients_(std::move(recipients)) {}

    Result<void> for_each_changeset(
        const std::function<Result<void>(const merge::Changeset&)>& fn) override;
    Result<void> for_each_in(
        const merge::DeviceId& device, std::uint64_t first, std::uint64_t last,
        const std::function<Result<void>(const merge::Changeset&)>& fn) override;
    Result<std::optional<store::EpochGrant>> grant_for(
        const merge::DeviceId& device, const store::EpochId& epoch,
        const crypto::DhPublicKey& recipient) override;
    Result<std::optional<std::uint64_t>> changeset_count() override;
    Result<std::vector<crypto::DhPublicKey>> recipients() override { return recipients_; }

  private:
    sync::Replica& replica_;
    std::vector<crypto::DhPublicKey> recipients_;
    std::vector<std::pair<merge::DeviceId, std::vector<store::EpochGrant>>> grants_;
};

}  // namespace canvass::coordinator
