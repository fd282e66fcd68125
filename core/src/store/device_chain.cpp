// The device store's chains: epochs and grants, and what sync reads and writes.
#include <algorithm>
#include <limits>

#include "merge/chain.hpp"
#include "merge/digest.hpp"
#include "store/device_store.hpp"
#include "store/device_store_impl.hpp"
#include "store/values.hpp"

namespace canvass::store {

Result<std::pair<EpochId, crypto::SecretBytes>> DeviceStore::Impl::current_epoch() {
    const auto now = clock->now_ms();
    CANVASS_TRY(auto st,
                db.cached("SELECT id, created, key FROM epochs ORDER BY ord DESC LIMIT 1"));
    CANVASS_TRY(bool row, st->step());
    if (row) {
        auto created = static_cast<std::uint64_t>(st->int64(1));
        // A clock set back must not keep one key forever either: age counts both ways.
        auto age = now > created ? now - created : created - now;
        if (age < kEpochLifetimeMs) {
            EpochId id{};
            st->blob_into(0, id);
            CANVASS_TRY(auto key, sealer.open(Purpose::epoch_key, id, st->blob(2), "an epoch key"));
            crypto::SecretBytes secret(key);
            crypto::wipe(key);
            return std::pair{id, std::move(secret)};
        }
    }
    return new_epoch();
}

Result<std::pair<EpochId, crypto::SecretBytes>> DeviceStore::Impl::new_epoch() {
    const auto now = clock->now_ms();
    EpochId id = crypto::random_array<16>();
    auto key = crypto::SecretBytes::random(32);
    CANVASS_TRY(auto ins, db.cached("INSERT INTO epochs(id, created, key) VALUES(?, ?, ?)"));
    CANVASS_TRY_VOID(ins->bind(1, id)
                         .bind(2, now)
                         .bind(3, sealer.seal(Purpose::epoch_key, id, key.span()))
                         .run());
    CANVASS_TRY_VOID(
        store_grant(make_grant(keys.id, id, key, recovery.public_key, keys.signing.secret_key)));
    CANVASS_TRY(auto raw, get_meta("project"));
    if (raw) {
        auto j = nlohmann::json::parse(raw->begin(), raw->end(), nullptr, false);
        for (const auto& r : j.value("recipients", nlohmann::json::array())) {
            crypto::DhPublicKey pk{};
            if (r.is_string() && crypto::from_hex(r.get<std::string>(), pk)) {
                CANVASS_TRY_VOID(
                    store_grant(make_grant(keys.id, id, key, pk, keys.signing.secret_key)));
            }
        }
    }
    return std::pair{id, std::move(key)};
}

Result<void> DeviceStore::Impl::grant_epochs(const std::vector<crypto::DhPublicKey>& recipients) {
    CANVASS_TRY(auto st, db.prepare("SELECT id, key FROM epochs"));
    CANVASS_TRY(
        auto have,
        db.prepare("SELECT 1 FROM grants WHERE device = ? AND epoch = ? AND recipient = ?"));
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        EpochId id{};
        st.blob_into(0, id);
        CANVASS_TRY(auto key, sealer.open(Purpose::epoch_key, id, st.blob(1), "an epoch key"));
        crypto::SecretBytes secret(key);
        crypto::wipe(key);
        for (const auto& r : recipients) {
            have.reset();
            have.bind(1, keys.id).bind(2, id).bind(3, r);
            CANVASS_TRY(bool exists, have.step());
            if (exists) continue;
            CANVASS_TRY_VOID(
                store_grant(make_grant(keys.id, id, secret, r, keys.signing.secret_key)));
        }
    }
    return {};
}

Result<void> DeviceStore::Impl::store_grant(const EpochGrant& g) {
    CANVASS_TRY(
        auto st,
        db.prepare(
            "INSERT OR IGNORE INTO grants(device, epoch, recipient, body) VALUES(?, ?, ?, ?)"));
    return st.bind(1, g.device)
        .bind(2, g.epoch)
        .bind(3, g.recipient)
        .bind(4, encode_grant(g))
        .run();
}

Result<std::optional<merge::ChainPoint>> DeviceStore::Impl::chain_point(
    const merge::DeviceId& device) {
    CANVASS_TRY(
        auto st,
        db.cached("SELECT seq, hash FROM changesets WHERE device = ? ORDER BY seq DESC LIMIT 1"));
    st->bind(1, device);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::ChainPoint>();
    merge::ChainPoint p;
    p.seq = static_cast<std::uint64_t>(st->int64(0));
    st->blob_into(1, p.hash);
    return std::optional<merge::ChainPoint>(p);
}

Result<merge::VersionVector> DeviceStore::summary() {
    // Chains are stored contiguously from seq 1 (ingest verifies it), so the last seq of a
    // device is its contiguous point. Devices are visited by seeking past the previous one in
    // the primary key, so the cost grows with devices, not changesets: a sync with nothing to
    // do stays as cheap at 100,000 records as at 10.
    merge::VersionVector vv;
    std::vector<std::uint8_t> after;  // the empty blob sorts before every device id
    for (;;) {
        CANVASS_TRY(auto st,
                    impl_->db.cached(
                        "SELECT device FROM changesets WHERE device > ? ORDER BY device LIMIT 1"));
        st->bind(1, after);
        CANVASS_TRY(bool row, st->step());
        if (!row) break;
        merge::DeviceId d{};
        st->blob_into(0, d);
        CANVASS_TRY(auto point, impl_->chain_point(d));
        if (point) vv.advance(d, *point);
        after.assign(d.begin(), d.end());
    }
    return vv;
}

Result<std::optional<merge::ChainPoint>> DeviceStore::chain_point(const merge::DeviceId& device) {
    return impl_->chain_point(device);
}

Result<std::vector<std::vector<std::uint8_t>>> DeviceStore::changesets(
    const merge::DeviceId& device, std::uint64_t first, std::uint64_t last) {
    CANVASS_TRY(
        auto st,
        impl_->db.prepare(
            "SELECT body FROM changesets WHERE device = ? AND seq BETWEEN ? AND ? ORDER BY seq"));
    st.bind(1, device).bind(2, first).bind(3, last);
    std::vector<std::vector<std::uint8_t>> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        out.push_back(st.blob(0));
    }
    return out;
}

Result<std::optional<merge::Hash>> DeviceStore::chain_hash(const merge::DeviceId& device,
                                                           std::uint64_t seq) {
    CANVASS_TRY(auto st,
                impl_->db.prepare("SELECT hash FROM changesets WHERE device = ? AND seq = ?"));
    st.bind(1, device).bind(2, seq);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<merge::Hash>();
    merge::Hash h{};
    st.blob_into(0, h);
    return std::optional<merge::Hash>(h);
}

Result<std::optional<std::pair<merge::SignedHead, crypto::SigningPublicKey>>> DeviceStore::head_at(
    const merge::DeviceId& device, std::uint64_t first, std::uint64_t last) {
    using Out = std::optional<std::pair<merge::SignedHead, crypto::SigningPublicKey>>;
    if (device == impl_->keys.id) {
        CANVASS_TRY(auto hash, chain_hash(device, last));
        if (!hash) return Out();
        auto h = merge::sign_head(device, last, *hash, impl_->keys.signing.secret_key);
        return Out(std::pair{h, impl_->keys.signing.public_key});
    }
    CANVASS_TRY(auto key_st, impl_->db.prepare("SELECT signing_key FROM devices WHERE device = ?"));
    key_st.bind(1, device);
    CANVASS_TRY(bool known, key_st.step());
    crypto::SigningPublicKey pk{};
    if (!known || !key_st.blob_into(0, pk)) return Out();
    // The statement is bound by the caller; the first row is the head.
    auto first_head = [&](Statement& st) -> Result<Out> {
        CANVASS_TRY(bool row, st.step());
        if (!row) return Out();
        merge::SignedHead h;
        h.device = device;
        h.seq = static_cast<std::uint64_t>(st.int64(0));
        if (!st.blob_into(1, h.hash) || !st.blob_into(2, h.signature)) {
            return unexpected(Domain::store, errc::corrupt, "a stored chain head is damaged");
        }
        return Out(std::pair{h, pk});
    };
    CANVASS_TRY(
        auto within,
        impl_->db.prepare(
            "SELECT seq, hash, signature FROM heads WHERE device = ? AND seq BETWEEN ? AND ? "
            "ORDER BY seq DESC LIMIT 1"));
    within.bind(1, device).bind(2, first).bind(3, last);
    CANVASS_TRY(auto found, first_head(within));
    if (found) return found;
    CANVASS_TRY(auto above, impl_->db.prepare("SELECT seq, hash, signature FROM heads WHERE device "
                                              "= ? AND seq > ? ORDER BY seq LIMIT 1"));
    above.bind(1, device).bind(2, last);
    return first_head(above);
}

Result<std::vector<EpochGrant>> DeviceStore::grants(const merge::DeviceId& device) {
    CANVASS_TRY(auto st, impl_->db.prepare("SELECT body FROM grants WHERE device = ?"));
    st.bind(1, device);
    std::vector<EpochGrant> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        CANVASS_TRY(auto g, decode_grant(st.blob(0)));
        out.push_back(std::move(g));
    }
    return out;
}

Result<std::optional<EpochGrant>> DeviceStore::grant_for(const merge::DeviceId& device,
                                                         const EpochId& epoch,
                                                         const crypto::DhPublicKey& recipient) {
    CANVASS_TRY(auto st,
                impl_->db.prepare(
                    "SELECT body FROM grants WHERE device = ? AND epoch = ? AND recipient = ?"));
    st.bind(1, device).bind(2, epoch).bind(3, recipient);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<EpochGrant>();
    CANVASS_TRY(auto g, decode_grant(st.blob(0)));
    return std::optional<EpochGrant>(std::move(g));
}

namespace {

Unexpected<Error> refuse(std::string message) {
    return unexpected(Domain::protocol, errc::invalid_argument, std::move(message));
}

}  // namespace

Result<void> DeviceStore::Impl::keep_evidence(const merge::DeviceId& device, std::uint64_t seq,
                                              std::span<const std::vector<std::uint8_t>> bodies) {
    CANVASS_TRY(auto ev, db.prepare("INSERT OR IGNORE INTO evidence(device, seq, hash, body, "
                                    "received) VALUES(?, ?, ?, ?, ?)"));
    for (const auto& body : bodies) {
        ev.reset();
        CANVASS_TRY_VOID(ev.bind(1, device)
                             .bind(2, seq++)
                             .bind(3, crypto::blake2b_256(body))
                             .bind(4, body)
                             .bind(5, clock->now_ms())
                             .run());
    }
    return {};
}

Result<void> DeviceStore::Impl::ingest_run(const IncomingRun& run,
                                           std::map<merge::RecordId, TouchedRecord>& touched) {
    const auto& device = run.device;
    if (device_id_of(run.signing_key) != device) {
        return refuse("device " + crypto::to_hex(device) +
                      ": its id does not match its signing key");
    }
    // This device's own chain comes back only to a store restored from an older copy: it
    // must continue the chain exactly where this store ends, signed by this device's key.
    const bool own = device == keys.id;
    if (own && run.signing_key != keys.signing.public_key)
        return refuse("received changesets claiming to be this device's own, under another key");
    for (const auto& g : run.grants) {
        if (g.device != device || !verify_grant(g, run.signing_key)) {
            return refuse("device " + crypto::to_hex(device) +
                          ": an epoch grant is not signed by it");
        }
    }
    std::vector<merge::Changeset> decoded;
    decoded.reserve(run.changesets.size());
    for (const auto& bytes : run.changesets) {
        CANVASS_TRY(auto cs, merge::decode(bytes));
        decoded.push_back(std::move(cs));
    }
    // A store restored from an older copy may have saved new work at seqs the server
    // already holds: that work moves after the server's (take_unsent_tail).
    std::vector<TakenChangeset> taken;
    if (own) {
        CANVASS_TRY(auto took, take_unsent_tail(decoded, touched, taken));
        (void)took;
    }
    CANVASS_TRY(auto known, chain_point(device));
    // Changesets already held are skipped (a resent batch) once checked to be the same: a
    // different changeset at a held seq is equivocation.
    std::size_t skip = 0;
    CANVASS_TRY(auto held, db.prepare("SELECT hash FROM changesets WHERE device = ? AND seq = ?"));
    for (const auto& cs : decoded) {
        if (!known || cs.header.seq > known->seq) break;
        held.reset();
        held.bind(1, device).bind(2, cs.header.seq);
        CANVASS_TRY(bool row, held.step());
        merge::Hash h{};
        if (row) held.blob_into(0, h);
        if (!row || h != merge::changeset_hash(cs)) {
            // already_exists marks a fork for ingest(), which keeps the evidence.
            return unexpected(Domain::protocol, errc::already_exists,
                              "device " + crypto::to_hex(device) + " forked its chain at seq " +
                                  std::to_string(cs.header.seq));
        }
        ++skip;
    }
    std::span<const merge::Changeset> fresh(decoded.data() + skip, decoded.size() - skip);
    // The epochs of work the lost copy delivered come back sealed to this device's recovery key.
    if (own) CANVASS_TRY_VOID(recover_epochs(run.grants));
    if (!fresh.empty() || !known || run.head.seq > known->seq) {
        CANVASS_TRY_VOID(merge::verify_chain(device, known, fresh, run.head, run.signing_key));
    }
    CANVASS_TRY(
        auto ins,
        db.prepare(
            "INSERT INTO changesets(device, seq, hash, record, body) VALUES(?, ?, ?, ?, ?)"));
    for (std::size_t i = 0; i < fresh.size(); ++i) {
        const auto& cs = fresh[i];
        ins.reset();
        CANVASS_TRY_VOID(ins.bind(1, device)
                             .bind(2, cs.header.seq)
                             .bind(3, merge::changeset_hash(cs))
                             .bind(4, cs.header.record)
                             .bind(5, run.changesets[skip + i])
                             .run());
        auto it = touched.find(cs.header.record);
        if (it == touched.end()) {
            merge::RecordState state(cs.header.record);
            std::optional<nlohmann::json> draft;
            auto loaded = load_record(cs.header.record);
            // A record not held yet starts empty; any other failure (a read that failed) must
            // not pass for one, or the record would be rebuilt without what it held.
            if (!loaded &&
                !(loaded.error().domain == Domain::store && loaded.error().code == errc::not_found))
                return unexpected(loaded.error());
            if (loaded && loaded->state) state = std::move(*loaded->state);
            if (loaded) draft = std::move(loaded->draft);
            it = touched
                     .emplace(cs.header.record,
                              TouchedRecord{cs.header.form_id, std::move(state), std::move(draft)})
                     .first;
        }
        std::vector<std::optional<std::string>> values;
        if (own) {
            CANVASS_TRY(values, own_values(cs));
        }
        CANVASS_TRY(auto applied, it->second.state.apply(cs.header, std::move(values)));
        (void)applied;
    }
    CANVASS_TRY(
        auto head_st,
        db.prepare("INSERT OR IGNORE INTO heads(device, seq, hash, signature) VALUES(?, ?, ?, ?)"));
    CANVASS_TRY_VOID(head_st.bind(1, device)
                         .bind(2, run.head.seq)
                         .bind(3, run.head.hash)
                         .bind(4, run.head.signature)
                         .run());
    if (!fresh.empty()) {
        CANVASS_TRY(
            auto dev,
            db.prepare(
                "INSERT INTO devices(device, signing_key, head_seq, head_hash, head_signature) "
                "VALUES(?, ?, ?, ?, ?) ON CONFLICT(device) DO UPDATE SET head_seq = "
                "excluded.head_seq, "
                "head_hash = excluded.head_hash, head_signature = excluded.head_signature, "
                "signing_key = excluded.signing_key WHERE excluded.head_seq > devices.head_seq"));
        CANVASS_TRY_VOID(dev.bind(1, device)
                             .bind(2, run.signing_key)
                             .bind(3, run.head.seq)
                             .bind(4, run.head.hash)
                             .bind(5, run.head.signature)
                             .run());
    }
    for (const auto& g : run.grants) CANVASS_TRY_VOID(store_grant(g));
    if (own && !fresh.empty()) {
        // The server held these: they are delivered, and what this device saves next follows them.
        seq = fresh.back().header.seq;
        head_hash = merge::changeset_hash(fresh.back());
        CANVASS_TRY(auto ack,
                    db.prepare("UPDATE devices SET acked = max(acked, ?) WHERE device = ?"));
        CANVASS_TRY_VOID(ack.bind(1, seq).bind(2, device).run());
    }
    if (!taken.empty()) CANVASS_TRY_VOID(append_taken(taken, touched));
    return {};
}

Result<std::optional<crypto::SecretBytes>> DeviceStore::Impl::epoch_key(const EpochId& id) {
    CANVASS_TRY(auto st, db.cached("SELECT key FROM epochs WHERE id = ?"));
    st->bind(1, id);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<crypto::SecretBytes>();
    CANVASS_TRY(auto key, sealer.open(Purpose::epoch_key, id, st->blob(0), "an epoch key"));
    crypto::SecretBytes secret(key);
    crypto::wipe(key);
    return std::optional<crypto::SecretBytes>(std::move(secret));
}

Result<void> DeviceStore::Impl::recover_epochs(const std::vector<EpochGrant>& grants) {
    for (const auto& g : grants) {
        if (g.recipient != recovery.public_key) continue;
        CANVASS_TRY(auto held, epoch_key(g.epoch));
        if (held) continue;
        CANVASS_TRY(auto key, open_grant(g, recovery));
        // Kept as an old epoch (created at 0), so that new work never reuses it.
        CANVASS_TRY(auto ins, db.cached("INSERT INTO epochs(id, created, key) VALUES(?, 0, ?)"));
        CANVASS_TRY_VOID(ins->bind(1, g.epoch)
                             .bind(2, sealer.seal(Purpose::epoch_key, g.epoch, key.span()))
                             .run());
    }
    return {};
}

Result<std::vector<std::optional<std::string>>> DeviceStore::Impl::own_values(
    const merge::Changeset& cs) {
    CANVASS_TRY(auto key, epoch_key(cs.header.epoch));
    if (!key) return std::vector<std::optional<std::string>>{};
    auto opened = decrypt_values(*key, cs);
    if (!opened) return std::vector<std::optional<std::string>>{};
    return std::move(opened).value();
}

Result<merge::RecordState> DeviceStore::Impl::replay_record(const merge::RecordId& id) {
    merge::RecordState state(id);
    CANVASS_TRY(
        auto st,
        db.prepare("SELECT device, body FROM changesets WHERE record = ? ORDER BY device, seq"));
    st.bind(1, id);
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        merge::DeviceId author{};
        st.blob_into(0, author);
        CANVASS_TRY(auto cs, merge::decode(st.blob(1)));
        std::vector<std::optional<std::string>> values;
        if (author == keys.id) {
            CANVASS_TRY(values, own_values(cs));
        }
        CANVASS_TRY(auto applied, state.apply(cs.header, std::move(values)));
        (void)applied;
    }
    return state;
}

Result<bool> DeviceStore::Impl::take_unsent_tail(const std::vector<merge::Changeset>& incoming,
                                                 std::map<merge::RecordId, TouchedRecord>& touched,
                                                 std::vector<TakenChangeset>& taken) {
    CANVASS_TRY(auto known, chain_point(keys.id));
    if (!known) return false;
    // The first incoming changeset that differs from the one held at its seq.
    CANVASS_TRY(auto held, db.prepare("SELECT hash FROM changesets WHERE device = ? AND seq = ?"));
    std::optional<std::size_t> at;
    for (std::size_t i = 0; i < incoming.size() && incoming[i].header.seq <= known->seq; ++i) {
        held.reset();
        held.bind(1, keys.id).bind(2, incoming[i].header.seq);
        CANVASS_TRY(bool row, held.step());
        merge::Hash h{};
        if (row) held.blob_into(0, h);
        if (!row || h != merge::changeset_hash(incoming[i])) {
            at = i;
            break;
        }
    }
    if (!at) return false;
    const std::uint64_t from = incoming[*at].header.seq;
    // What the server acknowledged once is the server's: a difference there is a real fork.
    CANVASS_TRY(auto acked_st, db.prepare("SELECT acked FROM devices WHERE device = ?"));
    acked_st.bind(1, keys.id);
    CANVASS_TRY(bool has_acked, acked_st.step());
    if (has_acked && static_cast<std::uint64_t>(acked_st.int64(0)) >= from) return false;

    CANVASS_TRY(
        auto tail_st,
        db.prepare("SELECT body FROM changesets WHERE device = ? AND seq >= ? ORDER BY seq"));
    tail_st.bind(1, keys.id).bind(2, from);
    std::vector<TakenChangeset> tail;
    for (;;) {
        CANVASS_TRY(bool row, tail_st.step());
        if (!row) break;
        CANVASS_TRY(auto cs, merge::decode(tail_st.blob(0)));
        tail.push_back({std::move(cs), {}});
    }
    if (tail.empty()) return false;
    // A restore: the lost copy made everything the server holds before this store made its
    // new work. Two copies working side by side interleave in time: that is a fork.
    std::uint64_t first_new = std::numeric_limits<std::uint64_t>::max();
    for (const auto& t : tail) first_new = std::min(first_new, t.changeset.header.hlc);
    for (std::size_t i = *at; i < incoming.size(); ++i)
        if (incoming[i].header.hlc >= first_new) return false;

    for (auto& t : tail) {
        CANVASS_TRY(auto key, epoch_key(t.changeset.header.epoch));
        if (!key)
            return unexpected(Domain::store, errc::not_found,
                              "this store lacks the epoch key of its own changeset " +
                                  std::to_string(t.changeset.header.seq) +
                                  ", so it cannot move it after the server's");
        CANVASS_TRY(t.values, decrypt_values(*key, t.changeset));
    }
    CANVASS_TRY(auto drop, db.prepare("DELETE FROM changesets WHERE device = ? AND seq >= ?"));
    CANVASS_TRY_VOID(drop.bind(1, keys.id).bind(2, from).run());
    CANVASS_TRY(auto drop_heads, db.prepare("DELETE FROM heads WHERE device = ? AND seq >= ?"));
    CANVASS_TRY_VOID(drop_heads.bind(1, keys.id).bind(2, from).run());
    seq = from - 1;
    head_hash = merge::Hash{};
    if (seq > 0) {
        held.reset();
        held.bind(1, keys.id).bind(2, seq);
        CANVASS_TRY(bool row, held.step());
        if (row) held.blob_into(0, head_hash);
    }
    for (const auto& t : tail) {
        const auto& record = t.changeset.header.record;
        if (touched.count(record)) touched.erase(record);
        CANVASS_TRY(auto loaded, load_record(record));
        CANVASS_TRY(auto state, replay_record(record));
        touched.emplace(record,
                        TouchedRecord{loaded.form_id, std::move(state), std::move(loaded.draft)});
    }
    taken = std::move(tail);
    return true;
}

Result<void> DeviceStore::Impl::append_taken(std::vector<TakenChangeset>& taken,
                                             std::map<merge::RecordId, TouchedRecord>& touched) {
    std::map<std::uint64_t, std::uint64_t> renumbered;  // old seq -> new seq
    CANVASS_TRY(
        auto ins,
        db.prepare(
            "INSERT INTO changesets(device, seq, hash, record, body) VALUES(?, ?, ?, ?, ?)"));
    for (auto& t : taken) {
        merge::ChangesetHeader h = t.changeset.header;
        const std::uint64_t old_seq = h.seq;
        h.seq = seq + 1;
        h.prev = head_hash;
        for (auto& op : h.ops)
            for (auto& s : op.supersedes)
                if (auto it = renumbered.find(s.seq); s.device == keys.id && it != renumbered.end())
                    s.seq = it->second;
        merge::canonicalize(h);
        CANVASS_TRY_VOID(merge::validate(h));
        CANVASS_TRY(auto key, epoch_key(h.epoch));
        if (!key)
            return unexpected(Domain::store, errc::not_found,
                              "an epoch key vanished while re-basing");
        merge::Changeset cs{h, encrypt_values(*key, h, t.values)};
        auto bytes = merge::encode(cs);
        auto hash = crypto::blake2b_256(bytes);
        ins.reset();
        CANVASS_TRY_VOID(ins.bind(1, keys.id)
                             .bind(2, h.seq)
                             .bind(3, hash)
                             .bind(4, h.record)
                             .bind(5, bytes)
                             .run());
        auto it = touched.find(h.record);
        if (it == touched.end())
            return unexpected(Domain::store, errc::corrupt, "a re-based record was not prepared");
        CANVASS_TRY(auto applied, it->second.state.apply(h, std::move(t.values)));
        (void)applied;
        renumbered[old_seq] = h.seq;
        seq = h.seq;
        head_hash = hash;
    }
    return {};
}

Result<void> DeviceStore::ingest(std::span<const IncomingRun> runs,
                                 std::span<const IncomingEvidence> evidence) {
    std::map<merge::RecordId, Impl::TouchedRecord> touched;
    // Receiving its own chain back moves this device's chain head; a rollback moves it back.
    struct HeadGuard {
        Impl& impl;
        std::uint64_t seq;
        merge::Hash hash;
        bool keep = false;
        ~HeadGuard() {
            if (!keep) impl.seq = seq, impl.head_hash = hash;
        }
    } guard{*impl_, impl_->seq, impl_->head_hash};
    {
        CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
        Result<void> stored;
        for (const auto& run : runs) {
            stored = impl_->ingest_run(run, touched);
            if (!stored) break;
        }
        if (stored) {
            for (auto& [id, t] : touched) {
                stored = impl_->write_record(id, t.form_id, &t.state, t.draft);
                if (!stored) break;
            }
        }
        if (stored) {
            for (const auto& e : evidence) {
                stored = impl_->keep_evidence(e.device, e.seq, e.changesets);
                if (!stored) break;
            }
        }
        if (stored) {
            CANVASS_TRY_VOID(tx.commit());
            guard.keep = true;
            return {};
        }
        if (stored.error().domain != Domain::protocol ||
            stored.error().code != errc::already_exists)
            return stored;
    }
    // A fork: keep the offending changesets as evidence in a transaction of their own.
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    for (const auto& run : runs) {
        CANVASS_TRY(auto known, impl_->chain_point(run.device));
        for (const auto& bytes : run.changesets) {
            auto cs = merge::decode(bytes);
            if (!cs || !known || cs->header.seq > known->seq) continue;
            CANVASS_TRY(auto held, chain_hash(run.device, cs->header.seq));
            if (held && *held != merge::changeset_hash(*cs)) {
                std::vector<std::vector<std::uint8_t>> one{bytes};
                CANVASS_TRY_VOID(impl_->keep_evidence(run.device, cs->header.seq, one));
            }
        }
    }
    CANVASS_TRY_VOID(tx.commit());
    // already_exists: the exchange tells a fork of this device's own chain apart (exchange.cpp).
    return unexpected(
        Domain::protocol, errc::already_exists,
        "a device forked its chain: the conflicting changesets were kept as evidence, "
        "nothing was merged");
}

Result<void> DeviceStore::mark_acked(const merge::DeviceId& device, std::uint64_t seq) {
    CANVASS_TRY(auto st,
                impl_->db.prepare("INSERT INTO devices(device, signing_key, acked) VALUES(?, ?, ?) "
                                  "ON CONFLICT(device) DO UPDATE SET acked = excluded.acked WHERE "
                                  "excluded.acked > devices.acked"));
    crypto::SigningPublicKey pk{};
    if (device == impl_->keys.id) pk = impl_->keys.signing.public_key;
    return st.bind(1, device).bind(2, pk).bind(3, seq).run();
}

Result<void> DeviceStore::mark_refused(const merge::DeviceId& device, std::uint64_t seq,
                                       std::string_view why) {
    if (device == impl_->keys.id)
        return unexpected(Domain::protocol, errc::invalid_argument,
                          "a device's own chain is never refused alone");
    // The first refusal stands: a later one of the same chain only says again what follows.
    CANVASS_TRY(auto st,
                impl_->db.prepare("UPDATE devices SET refused_seq = ?, refused_why = ? "
                                  "WHERE device = ? AND (refused_seq IS NULL OR refused_seq > ?)"));
    return st.bind(1, seq).bind(2, why).bind(3, device).bind(4, seq).run();
}

Result<std::optional<std::uint64_t>> DeviceStore::refused_from(const merge::DeviceId& device) {
    CANVASS_TRY(
        auto st,
        impl_->db.prepare(
            "SELECT refused_seq FROM devices WHERE device = ? AND refused_seq IS NOT NULL"));
    st.bind(1, device);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<std::uint64_t>{};
    return std::optional<std::uint64_t>{static_cast<std::uint64_t>(st.int64(0))};
}

Result<std::uint64_t> DeviceStore::acked(const merge::DeviceId& device) {
    CANVASS_TRY(auto st, impl_->db.prepare("SELECT acked FROM devices WHERE device = ?"));
    st.bind(1, device);
    CANVASS_TRY(bool row, st.step());
    return row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

Result<void> DeviceStore::for_each_changeset(
    const std::function<Result<void>(const merge::Changeset&)>& fn) {
    CANVASS_TRY(auto st, impl_->db.prepare("SELECT body FROM changesets ORDER BY device, seq"));
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        CANVASS_TRY(auto cs, merge::decode(st.blob(0)));
        CANVASS_TRY_VOID(fn(cs));
    }
    return {};
}

}  // namespace canvass::store
