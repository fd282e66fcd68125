// A device's signed chain built in memory, and verified runs and evidence cut from it, to
// hand to a Replica's store() the way the sync logic does after verify_batch().
#pragma once

#include <cstdint>
#include <vector>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "merge/authority.hpp"
#include "merge/chain.hpp"
#include "merge/changeset.hpp"
#include "merge/hlc.hpp"
#include "store/keyring.hpp"
#include "sync/replica.hpp"

namespace canvass::pg_test {

struct TestChain {
    const store::DeviceKeys* keys = nullptr;  // shared by a chain and its forks
    std::vector<sync::IncomingChangeset> changesets;
    std::vector<merge::SignedHead> heads;  // heads[i] signs changeset i + 1

    explicit TestChain(const store::DeviceKeys& k) : keys(&k) {}

    std::uint64_t size() const { return changesets.size(); }

    // Appends `n` interviews, each a new record of this device, of `project`.
    void extend(int n, const std::string& project = "demo") {
        for (int i = 0; i < n; ++i) {
            merge::Changeset cs;
            auto& h = cs.header;
            h.device = keys->id;
            h.seq = changesets.size() + 1;
            h.prev = changesets.empty() ? merge::Hash{} : changesets.back().hash;
            h.hlc = merge::make_hlc(1'790'000'000'000 + h.seq, 0);
            h.project = project;
            h.form_id = "street_vendors";
            h.form_version = "2026.11.1";
            h.nonce = crypto::random_array<24>();
            h.record = merge::record_id_for(keys->id, h.nonce);
            h.ops.push_back(merge::Op{"age", merge::OpKind::set, {}});
            auto noise = crypto::random_array<64>();
            cs.ciphertext.assign(noise.begin(), noise.end());
            sync::IncomingChangeset in;
            in.encoded = merge::encode(cs);
            in.hash = merge::changeset_hash(cs);
            in.changeset = std::move(cs);
            heads.push_back(merge::sign_head(keys->id, h.seq, in.hash, keys->signing.secret_key));
            changesets.push_back(std::move(in));
        }
    }

    // The same device's chain up to `seq`, to be continued differently (equivocation).
    TestChain prefix(std::uint64_t seq) const {
        TestChain out(*keys);
        out.changesets.assign(changesets.begin(),
                              changesets.begin() + static_cast<std::ptrdiff_t>(seq));
        out.heads.assign(heads.begin(), heads.begin() + static_cast<std::ptrdiff_t>(seq));
        return out;
    }

    // Changesets first..last as one verified run, with the head at `last`.
    sync::VerifiedRun run(std::uint64_t first, std::uint64_t last) const {
        sync::VerifiedRun r;
        r.device = keys->id;
        r.key = keys->signing.public_key;
        r.changesets.assign(changesets.begin() + static_cast<std::ptrdiff_t>(first - 1),
                            changesets.begin() + static_cast<std::ptrdiff_t>(last));
        r.head = heads.at(last - 1);
        return r;
    }
    sync::VerifiedBatch batch(std::uint64_t first, std::uint64_t last) const {
        sync::VerifiedBatch b;
        b.runs.push_back(run(first, last));
        return b;
    }

    // Changesets first..last as evidence against a replica whose chain holds `held` at `first`.
    sync::VerifiedBatch evidence(std::uint64_t first, std::uint64_t last,
                                 const merge::Hash& held) const {
        sync::VerifiedBatch b;
        auto r = run(first, last);
        b.evidence.push_back(
            sync::Evidence{r.device, r.key, first, held, std::move(r.changesets), r.head});
        return b;
    }
};

}  // namespace canvass::pg_test
