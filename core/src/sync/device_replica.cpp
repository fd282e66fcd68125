#include "sync/device_replica.hpp"

#include "crypto/hash.hpp"

namespace canvass::sync {

Result<merge::VersionVector> DeviceReplica::chains() { return store_.summary(); }

Result<std::optional<merge::ChainPoint>> DeviceReplica::chain_point(const merge::DeviceId& device) {
    return store_.chain_point(device);
}

Result<std::optional<merge::Hash>> DeviceReplica::chain_hash(const merge::DeviceId& device,
                                                             std::uint64_t seq) {
    return store_.chain_hash(device, seq);
}

Result<std::vector<Bytes>> DeviceReplica::changesets(const merge::DeviceId& device,
                                                     std::uint64_t first, std::uint64_t last) {
    return store_.changesets(device, first, last);
}

Result<std::optional<KeyedHead>> DeviceReplica::cover_head(const merge::DeviceId& device,
                                                           std::uint64_t first, std::uint64_t last) {
    CANVASS_TRY(auto head, store_.head_at(device, first, last));
    if (!head) return std::optional<KeyedHead>();
    return std::optional<KeyedHead>(KeyedHead{head->first, head->second});
}

Result<std::vector<Bytes>> DeviceReplica::grants(const merge::DeviceId& device) {
    CANVASS_TRY(auto grants, store_.grants(device));
    std::vector<Bytes> out;
    out.reserve(grants.size());
    for (const auto& g : grants) out.push_back(store::encode_grant(g));
    return out;
}

Result<std::optional<merge::DeviceId>> DeviceReplica::record_creator(const merge::RecordId& record) {
    return store_.record_creator(record);
}

Result<void> DeviceReplica::store(const VerifiedBatch& batch) {
    std::vector<store::DeviceStore::IncomingRun> runs;
    runs.reserve(batch.runs.size());
    for (const auto& run : batch.runs) {
        store::DeviceStore::IncomingRun r{run.device, run.key, {}, run.head, run.grants};
        r.changesets.reserve(run.changesets.size());
        for (const auto& cs : run.changesets) r.changesets.push_back(cs.encoded);
        runs.push_back(std::move(r));
    }
    std::vector<store::DeviceStore::IncomingEvidence> evidence;
    for (const auto& e : batch.evidence) {
        store::DeviceStore::IncomingEvidence ev{e.device, e.seq, {}};
        for (const auto& cs : e.changesets) ev.changesets.push_back(cs.encoded);
        evidence.push_back(std::move(ev));
    }
    return store_.ingest(runs, evidence);
}

Result<void> DeviceReplica::acknowledged(const merge::DeviceId& device, std::uint64_t seq) {
    return store_.mark_acked(device, seq);
}

Result<void> DeviceProjectSink::on_welcome(const Welcome& welcome) {
    store::ProjectConfig config{welcome.project, std::string(role_name(welcome.role)), address_,
                                server_key_, welcome.recipients};
    return store_.set_project(config);
}

bool DeviceProjectSink::has_form(const FormRef& form) {
    auto installed = store_.form_text(form.id, form.version);
    return installed && *installed && crypto::blake2b_256(**installed) == form.hash;
}

Result<void> DeviceProjectSink::add_form(const FormRef& form, std::string_view body) {
    CANVASS_TRY(auto info, store_.add_form(body));
    if (info.form_id != form.id || info.version != form.version) {
        return unexpected(Domain::protocol, errc::invalid_argument,
                          "the server sent form " + info.form_id + " version " + info.version +
                              " when " + form.id + " version " + form.version + " was asked for");
    }
    return {};
}

}  // namespace canvass::sync
