#include "sync/memory_replica.hpp"

#include <stdexcept>

#include "merge/authority.hpp"
#include "merge/digest.hpp"
#include "merge/record_state.hpp"

namespace canvass::sync {

void MemoryReplica::append_own(const merge::Changeset& cs, const crypto::SigningKeyPair& signing) {
    auto& chain = chains_[cs.header.device];
    if (cs.header.seq != chain.encoded.size() + 1)
        throw std::invalid_argument("append_own: changeset is not the next of its chain");
    chain.key = signing.public_key;
    auto hash = merge::changeset_hash(cs);
    chain.encoded.push_back(merge::encode(cs));
    chain.hashes.push_back(hash);
    chain.heads[cs.header.seq] =
        merge::sign_head(cs.header.device, cs.header.seq, hash, signing.secret_key);
    if (merge::creates_record(cs.header)) creators_.try_emplace(cs.header.record, cs.header.device);
}

std::size_t MemoryReplica::changeset_count() const {
    std::size_t n = 0;
    for (const auto& [device, chain] : chains_) n += chain.encoded.size();
    return n;
}

merge::Hash MemoryReplica::state_digest() const {
    std::map<merge::RecordId, merge::RecordState> records;
    for (const auto& [device, chain] : chains_) {
        for (const auto& bytes : chain.encoded) {
            auto cs = merge::decode(bytes);
            if (!cs) throw std::logic_error("memory replica holds an undecodable changeset");
            auto id = cs->header.record;
            auto [it, inserted] = records.try_emplace(id, merge::RecordState(id));
            if (!it->second.apply(cs->header))
                throw std::logic_error("memory replica: merge failed");
        }
    }
    merge::StoreDigest digest;
    for (const auto& [id, state] : records) digest.add(id, merge::record_digest(state));
    return digest.value();
}

Result<merge::VersionVector> MemoryReplica::chains() {
    merge::VersionVector vv;
    for (const auto& [device, chain] : chains_)
        if (!chain.encoded.empty()) vv.advance(device, {chain.encoded.size(), chain.hashes.back()});
    return vv;
}

Result<std::optional<merge::ChainPoint>> MemoryReplica::chain_point(const merge::DeviceId& device) {
    auto it = chains_.find(device);
    if (it == chains_.end() || it->second.encoded.empty())
        return std::optional<merge::ChainPoint>{};
    return std::optional<merge::ChainPoint>{
        merge::ChainPoint{it->second.encoded.size(), it->second.hashes.back()}};
}

Result<std::optional<merge::Hash>> MemoryReplica::chain_hash(const merge::DeviceId& device,
                                                             std::uint64_t seq) {
    auto it = chains_.find(device);
    if (it == chains_.end() || seq == 0 || seq > it->second.hashes.size())
        return std::optional<merge::Hash>{};
    return std::optional<merge::Hash>{it->second.hashes[seq - 1]};
}

Result<std::vector<Bytes>> MemoryReplica::changesets(const merge::DeviceId& device,
                                                     std::uint64_t first, std::uint64_t last) {
    auto it = chains_.find(device);
    if (it == chains_.end() || first == 0 || first > last || last > it->second.encoded.size())
        return unexpected(Domain::store, errc::not_found, "changesets out of the chain's range");
    return std::vector<Bytes>(it->second.encoded.begin() + static_cast<std::ptrdiff_t>(first - 1),
                              it->second.encoded.begin() + static_cast<std::ptrdiff_t>(last));
}

Result<std::optional<KeyedHead>> MemoryReplica::cover_head(const merge::DeviceId& device,
                                                           std::uint64_t first,
                                                           std::uint64_t last) {
    auto it = chains_.find(device);
    if (it == chains_.end()) return std::optional<KeyedHead>{};
    const auto& heads = it->second.heads;
    auto above = heads.upper_bound(last);  // first head after `last`
    if (above != heads.begin()) {
        auto within = std::prev(above);
        if (within->first >= first)
            return std::optional<KeyedHead>{KeyedHead{within->second, it->second.key}};
    }
    if (above != heads.end() && above->first <= it->second.encoded.size())
        return std::optional<KeyedHead>{KeyedHead{above->second, it->second.key}};
    return std::optional<KeyedHead>{};
}

Result<std::vector<Bytes>> MemoryReplica::grants(const merge::DeviceId& device) {
    auto it = chains_.find(device);
    if (it == chains_.end()) return std::vector<Bytes>{};
    return std::vector<Bytes>(it->second.grants.begin(), it->second.grants.end());
}

Result<std::optional<merge::DeviceId>> MemoryReplica::record_creator(
    const merge::RecordId& record) {
    auto it = creators_.find(record);
    if (it == creators_.end()) return std::optional<merge::DeviceId>{};
    return std::optional<merge::DeviceId>{it->second};
}

Result<void> MemoryReplica::store(const VerifiedBatch& batch) {
    ++store_calls_;
    if (fail_next_store_) {
        auto error = std::move(*fail_next_store_);
        fail_next_store_.reset();
        return unexpected(std::move(error));
    }
    // Check every run first so that a failure stores nothing, like a rolled-back transaction.
    for (const auto& run : batch.runs) {
        auto it = chains_.find(run.device);
        std::uint64_t have = it == chains_.end() ? 0 : it->second.encoded.size();
        if (!run.changesets.empty() && run.changesets.front().changeset.header.seq > have + 1)
            return unexpected(Domain::store, errc::invalid_argument,
                              "run does not continue the chain");
    }
    for (const auto& run : batch.runs) {
        auto& chain = chains_[run.device];
        chain.key = run.key;
        for (const auto& in : run.changesets) {
            if (in.changeset.header.seq <= chain.encoded.size()) continue;  // already held
            chain.encoded.push_back(in.encoded);
            chain.hashes.push_back(in.hash);
            if (in.far_future) ++chain.far_future;
            const auto& h = in.changeset.header;
            if (merge::creates_record(h)) creators_.try_emplace(h.record, h.device);
        }
        chain.heads[run.head.seq] = run.head;
        for (const auto& g : run.grants) chain.grants.insert(store::encode_grant(g));
    }
    for (const auto& e : batch.evidence) evidence_.push_back(e);
    return {};
}

Result<void> MemoryReplica::acknowledged(const merge::DeviceId& device, std::uint64_t seq) {
    auto& chain = chains_[device];
    if (seq > chain.acknowledged) chain.acknowledged = seq;
    return {};
}

Result<void> MemoryReplica::refused(const merge::DeviceId& device, std::uint64_t seq,
                                    const std::string&) {
    auto& chain = chains_[device];
    if (!chain.refused_from || seq < *chain.refused_from) chain.refused_from = seq;
    return {};
}

Result<std::optional<std::uint64_t>> MemoryReplica::refused_from(const merge::DeviceId& device) {
    auto it = chains_.find(device);
    return it == chains_.end() ? std::optional<std::uint64_t>{} : it->second.refused_from;
}

}  // namespace canvass::sync
