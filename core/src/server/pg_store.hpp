// The PostgreSQL ServerStore: several canvass-server instances share one database and are
// correct together through its transactions alone (DESIGN.md section 7), never through
// locks in one process's memory.
//
// - Every write runs in a SERIALIZABLE transaction, run again on a serialization failure or
//   deadlock (Connection::transaction): whatever two instances do at once, the outcome is
//   that of one after the other.
// - A replica's store() checks again, inside its transaction, what verification read before
//   it (the Replica contract lets a single server assume nothing wrote in between; here
//   another instance may have): changesets already held with the same hash are skipped, and
//   one that differs from what is now held is kept as evidence exactly as verification would
//   have classified it, the chain row locked (SELECT ... FOR UPDATE) meanwhile. So two
//   instances receiving the same chain store it once and gap-free, and a fork arriving at
//   both at once is found either way.
// - Commit is durable (synchronous_commit on, PostgreSQL's default) before store() returns:
//   the session acknowledges nothing that is not committed.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "server/media_vault.hpp"
#include "server/pg_connection.hpp"
#include "server/record_states.hpp"
#include "server/server_store.hpp"
#include "sync/replica.hpp"
#include "canvass/clock.hpp"

namespace canvass::server::pg {

class PgReplica final : public sync::Replica {
  public:
    PgReplica(Connection& db, std::int64_t project, Clock& clock)
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
    Result<std::optional<std::uint64_t>> admitted_until(const merge::DeviceId& device);
    Result<std::optional<merge::ChainPoint>> admitted_point(const merge::DeviceId& device,
                                                            bool lock);
    Result<std::optional<merge::ChainPoint>> held_point(const merge::DeviceId& device);
    Result<void> store_run(const sync::VerifiedRun& run, std::int64_t now);
    Result<void> store_evidence(const merge::DeviceId& device, std::uint64_t fork,
                                const merge::Hash& held,
                                std::span<const sync::IncomingChangeset> changesets,
                                const merge::SignedHead& head, std::int64_t now);
    std::int64_t now_unix() const { return static_cast<std::int64_t>(clock_.now_ms() / 1000); }

    Connection& db_;
    std::int64_t project_;
    Clock& clock_;
};

// Attachment chunks as rows (media_items, media_chunks): every instance serves every chunk.
// A chunk is durable when put() returns (its insert committed).
class PgMediaVault final : public ServerMediaVault {
  public:
    explicit PgMediaVault(Connection db) : db_(std::move(db)) {}

    Result<std::optional<Held>> find(const std::string& project, const sync::MediaId& id) override;
    Result<void> open(const std::string& project, const sync::MediaItem& item) override;
    Result<void> put(const std::string& project, const sync::MediaId& id, std::uint64_t index,
                     std::span<const std::uint8_t> data) override;
    Result<sync::Bytes> get(const std::string& project, const sync::MediaId& id,
                            std::uint64_t index) override;
    Result<std::uint64_t> device_bytes(const std::string& project,
                                       const merge::DeviceId& author) override;
    Result<std::vector<sync::MediaItem>> complete(const std::string& project) override;
    Result<void> discard(const std::string& project, const sync::MediaId& id) override;
    Result<MediaCensus> census(const std::string& project) override;

  private:
    Connection db_;
};

class PgStore final : public ServerStore, private RecordStateStore {
  public:
    PgStore(Connection db, std::string url, Clock& clock = system_clock())
        : db_(std::move(db)), url_(std::move(url)), clock_(clock) {}

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
    Result<std::string> integrity_check() override;
    Result<std::string> quick_check() override { return integrity_check(); }
    Result<void> limit_size(std::uint64_t bytes) override;
    Result<std::optional<std::string>> setting(const std::string& name) override;
    Result<void> set_setting(const std::string& name, const std::string& value) override;
    Result<std::unique_ptr<ServerMediaVault>> database_media() override;

  private:
    Result<std::int64_t> project_id(const std::string& name);
    Result<std::vector<store::RecipientStatement>> recipient_statements(std::int64_t project);
    Result<std::vector<sync::DeviceRecord>> query_devices(const std::string& where,
                                                          const Params& params);
    Result<void> admit_held(std::int64_t project, const sync::DeviceRecord& device);
    Result<std::uint64_t> count(const std::string& sql, std::int64_t project);

    // RecordStateStore (record_states.hpp)
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

    Connection db_;
    std::string url_;
    Clock& clock_;
    std::map<std::int64_t, std::unique_ptr<PgReplica>> replicas_;
};

}  // namespace canvass::server::pg

namespace canvass::server {
// Opens the PostgreSQL store at `url`, bringing its schema up to date (`upgrade`) or refusing
// an older one.
Result<std::unique_ptr<ServerStore>> open_postgres_store(const std::string& url,
                                                         bool upgrade = true);
}  // namespace canvass::server
