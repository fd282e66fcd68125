#include "sync/device_replica.hpp"

#include <algorithm>

#include "crypto/hash.hpp"

namespace canvass::sync {

Result<merge::VersionVector> DeviceReplica::chains() {
    return store_.summary();
}

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
                                                           std::uint64_t first,
                                                           std::uint64_t last) {
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

Result<std::optional<merge::DeviceId>> DeviceReplica::record_creator(
    const merge::RecordId& record) {
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

Result<std::uint64_t> DeviceReplica::acknowledged_seq(const merge::DeviceId& device) {
    return store_.acked(device);
}

Result<void> DeviceReplica::refused(const merge::DeviceId& device, std::uint64_t seq,
                                    const std::string& why) {
    return store_.mark_refused(device, seq, why);
}

Result<std::optional<std::uint64_t>> DeviceReplica::refused_from(const merge::DeviceId& device) {
    return store_.refused_from(device);
}

namespace {

// A store enrolled before recipient statements existed holds bare keys and no fingerprint. It
// pins the server's first statement only if that names exactly the keys it already seals to:
// it trusted those once, and nothing new is trusted on the server's word.
std::optional<crypto::Hash> legacy_pin(const store::ProjectConfig& held, const Welcome& welcome) {
    if (welcome.recipients.empty()) return std::nullopt;
    auto sorted = [](std::vector<crypto::DhPublicKey> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    const auto& genesis = welcome.recipients.front();
    if (sorted(genesis.recipients) != sorted(held.recipients)) return std::nullopt;
    return store::statement_digest(genesis);
}

}  // namespace

Result<void> DeviceProjectSink::on_welcome(const Welcome& welcome) {
    CANVASS_TRY(auto held, store_.project());
    store::ProjectConfig config;
    if (held) config = *held;
    config.project = welcome.project;
    config.role = std::string(role_name(welcome.role));
    config.label = welcome.label;
    config.server_address = address_;
    config.server_key = server_key_;
    if (fingerprint_) config.fingerprint = *fingerprint_;  // enrolling: the token's pin
    if (config.fingerprint == crypto::Hash{} && held) {
        auto pin = legacy_pin(*held, welcome);
        if (pin) config.fingerprint = *pin;
    }
    const store::RecipientStatement* adopted =
        held && !fingerprint_ && held->statement ? &*held->statement : nullptr;
    auto plan =
        store::plan_recipients(adopted, welcome.recipients, config.fingerprint, welcome.project);
    if (!plan)
        return unexpected(Domain::auth, errc::permission_denied,
                          "the server sent a recipient set this device cannot verify (" +
                              plan.error().message +
                              "); nothing was sealed to it. Tell the project's coordinator.");
    return store_.set_project(std::move(config), *plan);
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

Result<void> DeviceMediaReplica::caps(const MediaCaps& caps) {
    return store_.set_media_limits({caps.file_bytes, caps.device_bytes});
}

Result<MediaItem> DeviceMediaReplica::own_item(const store::OutgoingAttachment& a) {
    MediaItem item{a.id, a.size, a.chunks, store_.keys().id, {}, {}};
    CANVASS_TRY(item.root, store_.sync_root(a.id));
    sign_item(item, store_.keys().signing.secret_key);
    return item;
}

namespace {

MediaItem item_of(const store::CarriedAttachment& a) {
    return MediaItem{a.id, a.size, a.chunks, a.author, a.root, a.signature};
}

}  // namespace

Result<std::vector<MediaReplica::Outgoing>> DeviceMediaReplica::unsent() {
    CANVASS_TRY(auto acked, store_.acked(store_.keys().id));
    CANVASS_TRY(auto list, store_.unsent_attachments(acked));
    std::vector<Outgoing> out;
    for (const auto& a : list) {
        CANVASS_TRY(auto item, own_item(a));
        out.push_back({std::move(item), a.name, false});
    }
    // Carried ones once the server holds some of their author's chain: it checks each
    // against its author's key.
    CANVASS_TRY(auto carried, store_.carried_attachments(true));
    for (const auto& a : carried) {
        CANVASS_TRY(auto author_acked, store_.acked(a.author));
        if (author_acked > 0) out.push_back({item_of(a), std::string(), true});
    }
    return out;
}

Result<std::uint64_t> DeviceMediaReplica::delivered_bytes() {
    CANVASS_TRY(auto all, store_.own_attachments());
    CANVASS_TRY(auto acked, store_.acked(store_.keys().id));
    CANVASS_TRY(auto unsent, store_.unsent_attachments(acked));
    std::uint64_t total = 0;
    for (const auto& a : all) total += a.size;
    for (const auto& a : unsent) total -= a.size;
    return total;
}

Result<std::vector<MediaItem>> DeviceMediaReplica::carried() {
    std::vector<MediaItem> out;
    CANVASS_TRY(auto own, store_.own_attachments());
    for (const auto& a : own) {
        CANVASS_TRY(auto item, own_item(a));
        out.push_back(std::move(item));
    }
    CANVASS_TRY(auto others, store_.carried_attachments(false));
    for (const auto& a : others) out.push_back(item_of(a));
    return out;
}

Result<Bytes> DeviceMediaReplica::chunk(const MediaId& id, std::uint64_t index) {
    // Another device's item is only ever its own copy, never this device's of the same id.
    if (id.author != store_.keys().id) return store_.received_chunk(id.author, id.id, index);
    auto own = store_.sync_chunk(id.id, index);
    if (!own && own.error().domain == Domain::store && own.error().code == errc::not_found)
        return store_.received_chunk(id.author, id.id, index);
    return own;
}

Result<void> DeviceMediaReplica::delivered(const MediaId& id) {
    return store_.mark_attachment_sent(id.author, id.id);
}

Result<std::uint64_t> DeviceMediaReplica::held(const MediaId& id) {
    return store_.received_chunks(id.author, id.id);
}

Result<void> DeviceMediaReplica::keep(const MediaItem& item, std::uint64_t index,
                                      std::span<const std::uint8_t> data, bool forward) {
    return store_.keep_received_chunk(
        {item.id, item.size, item.chunks, item.author, item.root, item.signature}, index, data,
        forward);
}

}  // namespace canvass::sync
