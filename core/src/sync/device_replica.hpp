// A device store seen by the sync protocol: the Replica (what it holds and stores) and the
// ProjectSink (where the welcome's project configuration and forms go).
#pragma once

#include "store/device_store.hpp"
#include "sync/client.hpp"
#include "sync/media_exchange.hpp"
#include "sync/replica.hpp"

namespace canvass::sync {

class DeviceReplica final : public Replica {
  public:
    explicit DeviceReplica(store::DeviceStore& store) : store_(store) {}

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
    Result<std::uint64_t> acknowledged_seq(const merge::DeviceId& device) override;
    Result<void> refused(const merge::DeviceId& device, std::uint64_t seq,
                         const std::string& why) override;
    Result<std::optional<std::uint64_t>> refused_from(const merge::DeviceId& device) override;

  private:
    store::DeviceStore& store_;
};

// The store's attachments for sync and bundles: its own outbox (referenced by changesets the
// server acknowledged), signed here, and other devices' kept sealed as received (what a
// coordinator fetched, what a bundle brought to carry on).
class DeviceMediaReplica final : public MediaReplica {
  public:
    explicit DeviceMediaReplica(store::DeviceStore& store) : store_(store) {}
    Result<void> caps(const MediaCaps& caps) override;
    Result<std::vector<Outgoing>> unsent() override;
    Result<std::uint64_t> delivered_bytes() override;
    Result<std::vector<MediaItem>> carried() override;
    Result<Bytes> chunk(const MediaId& id, std::uint64_t index) override;
    Result<void> delivered(const MediaId& id) override;
    Result<std::uint64_t> held(const MediaId& id) override;
    Result<void> keep(const MediaItem& item, std::uint64_t index,
                      std::span<const std::uint8_t> data, bool forward) override;

  private:
    Result<MediaItem> own_item(const store::OutgoingAttachment& a);
    store::DeviceStore& store_;
};

// Keeps the welcome in the store's project configuration and installs the forms the server
// publishes. Recipients are taken only as a chain of coordinator-signed statements that
// descends from the pinned fingerprint (store/recipients.hpp): a welcome whose chain does not
// verify fails with Error{auth, permission_denied} and nothing is sealed.
class DeviceProjectSink final : public ProjectSink {
  public:
    // `server_address` and `server_key` are the pinned server, kept with the project. When
    // enrolling, `fingerprint` is the token's; when syncing, the store's pin is used.
    DeviceProjectSink(store::DeviceStore& store, std::string server_address,
                      const crypto::DhPublicKey& server_key,
                      std::optional<crypto::Hash> fingerprint = std::nullopt)
        : store_(store),
          address_(std::move(server_address)),
          server_key_(server_key),
          fingerprint_(fingerprint) {}

    Result<void> on_welcome(const Welcome& welcome) override;
    bool has_form(const FormRef& form) override;
    Result<void> add_form(const FormRef& form, std::string_view body) override;

  private:
    store::DeviceStore& store_;
    std::string address_;
    crypto::DhPublicKey server_key_;
    std::optional<crypto::Hash> fingerprint_;
};

}  // namespace canvass::sync
