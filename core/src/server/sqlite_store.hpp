// The SQLite ServerStore: internal to the server library.
#pragma once

#include <functional>
#include <map>
#include <memory>

#include "merge/record_state.hpp"
#include "server/record_states.hpp"
#include "server/server_store.hpp"
#include "store/sqlite.hpp"
#include "sync/replica.hpp"
#include "canvass/clock.hpp"

namespace canvass::server {

// The changesets of one project in the server database.
class SqliteReplica final : public sync::Replica {
  public:
    SqliteReplica(store::Database& db, std::int64_t project, Clock& clock)
        : db_(db), project_(project), clock_(clock) {}

    Result<merge::VersionVector> chains() override;
    Result<std::optional<merge::ChainPoint>> chain_point(const merge::DeviceId& device) override;
    Result<std::optional<merge::Hash>> chain_hash(const merge::DeviceId& device,
                                                  std::uint64_t seq) override;
    Result<std::vector<sync::Bytes>> changesets(const merge::DeviceId& device, std::uint64_t first,
                                                std::uint64_t last) override;
    Result<std::optional<sync::KeyedHead>> cover_head(const merge::DeviceId& device,
                                                      std::uint64_t first,
                                                      std::uint64_t last) override;
    Result<std::vector<sync::Bytes>> grants(const merge::DeviceId& device) override;
    Result<std::uint64_t> grant_count(const merge::DeviceId& device) override;
    Result<std::optional<merge::DeviceId>> record_creator(const merge::RecordId& record) override;
    Result<void> store(const sync::VerifiedBatch& batch) override;
    Result<void> acknowledged(const merge::DeviceId&, std::uint64_t) override { return {}; }

  private:
    // The last seq of `device` that may join the project's data: nullopt for no limit (an
    // enrolled device), its seq at revocation for a revoked one, 0 for a device that is not
    // enrolled in this project. What lies beyond is held apart.
    Result<std::optional<std::uint64_t>> admitted_until(const merge::DeviceId& device);
    // The point of the device's chain in the project's data, without what is held apart.
    Result<std::optional<merge::ChainPoint>> admitted_point(const merge::DeviceId& device);
    Result<std::optional<merge::ChainPoint>> held_point(const merge::DeviceId& device);
    Result<void> store_run(const sync::VerifiedRun& run, std::int64_t now);
    Result<void> store_evidence(const sync::Evidence& e, std::int64_t now);
    Result<void> mark_dirty(const merge::RecordId& record);
    Result<void> note_creator(const merge::RecordId& record, const merge::DeviceId& creator);
    Result<store::Statement*> cached(const char* sql);

    // Seconds since 1970 by the store's clock: when a changeset was received.
    std::int64_t now_unix() const { return static_cast<std::int64_t>(clock_.now_ms() / 1000); }

    store::Database& db_;
    std::int64_t project_;
    Clock& clock_;
    std::map<const char*, store::Statement> statements_;  // keyed by the literal's address
};

class SqliteStore final : public ServerStore, private RecordStateStore {
  public:
    explicit SqliteStore(store::Database db, Clock& clock = system_clock())
        : db_(std::move(db)), clock_(clock) {}

    Result<std::optional<sync::DeviceRecord>> device_by_transport_key(
        const crypto::DhPublicKey& key) override;
    Result<std::optional<sync::DeviceRecord>> device(const merge::DeviceId& id) override;
    Result<void> device_seen(const merge::DeviceId& id, std::uint64_t now_unix) override;
    Result<std::optional<sync::TokenRecord>> token(const sync::TokenId& id) override;
    Result<void> enroll_device(const sync::TokenId& token,
                               const sync::DeviceRecord& device) override;
    Result<sync::ProjectInfo> project(const std::string& name) override;
    Result<std::optional<std::string>> form_body(const std::string& project, const std::string& id,
                                                 const std::string& version) override;
    Result<sync::Replica*> replica(const std::string& project) override;
    Result<void> flag_unauthorized(const std::string& project,
                                   const sync::UnauthorizedChange& change,
                                   const merge::DeviceId& delivered_by) override;
    Result<std::vector<FlaggedDevice>> flagged_devices() override;

    Result<void> create_project(const std::string& name, const store::RecipientStatement& genesis,
                                std::uint64_t now_unix) override;
    Result<void> add_recipient_statement(const std::string& project,
                                         const store::RecipientStatement& next) override;
    Result<std::vector<std::string>> project_names() override;
    Result<std::vector<ProjectSummary>> projects() override;
    Result<std::vector<FormInfo>> forms(const std::string& project) override;
    Result<sync::FormRef> publish_form(const std::string& project, const std::string& form_id,
                                       const std::string& version, const std::string& body,
                                       std::uint64_t now_unix) override;
    Result<void> create_token(const sync::TokenRecord& token, std::uint64_t now_unix) override;
    Result<std::vector<TokenInfo>> tokens(const std::string& project,
                                          std::uint64_t now_unix) override;
    Result<TokenInfo> revoke_token(const std::string& id_prefix, std::uint64_t now_unix) override;
    Result<std::vector<sync::DeviceRecord>> devices() override;
    Result<sync::DeviceRecord> revoke(const std::string& id_prefix,
                                      std::uint64_t now_unix) override;
    Result<ProjectStats> stats(const std::string& project, std::uint64_t now_unix) override;
    Result<RecordCensus> census(const std::string& project) override;
    Result<std::size_t> catch_up_record_states(std::size_t max_records) override;
    Result<std::string> integrity_check() override { return db_.integrity_check(); }
    Result<std::string> quick_check() override { return db_.quick_check(); }
    Result<void> limit_size(std::uint64_t bytes) override;
    Result<std::optional<std::string>> setting(const std::string& name) override;
    Result<void> set_setting(const std::string& name, const std::string& value) override;

  private:
    Result<std::int64_t> project_id(const std::string& name);
    // Moves the changesets held apart for `device` into the project's data (it just enrolled).
    Result<void> admit_held(std::int64_t project, const sync::DeviceRecord& device);
    Result<std::vector<store::RecipientStatement>> recipient_statements(std::int64_t project);
    Result<void> insert_statement(std::int64_t project, const store::RecipientStatement& s);
    // The metadata merge (record_states.hpp) over this database (sqlite_digest.cpp).
    Result<void> each_clean(std::int64_t project, bool with_state,
                            const std::function<Result<void>(const Stored&)>& visit) override;
    Result<std::vector<Dirty>> dirty(std::int64_t project,
                                     std::optional<std::size_t> limit) override;
    Result<std::optional<Stored>> stored(std::int64_t project,
                                         const merge::RecordId& record) override;
    Result<void> each_changeset(
        std::int64_t project, const merge::RecordId& record,
        const std::function<Result<void>(const merge::DeviceId&, std::uint64_t, const Bytes&)>&
            visit) override;
    Result<void> save(std::int64_t project, const Dirty& dirty, const Bytes& state,
                      const merge::Hash& digest) override;
    Result<void> in_read_transaction(const std::function<Result<void>()>& body);
    Result<ProjectDigest> project_digest(std::int64_t project);
    Result<std::vector<sync::DeviceRecord>> query_devices(const char* where,
                                                          std::span<const std::uint8_t> key);

    store::Database db_;
    Clock& clock_;  // what received times are stamped with
    std::map<std::int64_t, std::unique_ptr<SqliteReplica>> replicas_;
};

}  // namespace canvass::server
