#include "coordinator/records.hpp"

#include <algorithm>
#include <utility>

#include "coordinator/record_loader.hpp"
#include "coordinator/record_stream.hpp"
#include "crypto/hash.hpp"
#include "store/device_store.hpp"
#include "store/answers.hpp"
#include "store/values.hpp"

namespace canvass::coordinator {

namespace {

std::string short_hex(const crypto::DhPublicKey& key) {
    return crypto::to_hex(key).substr(0, 16) + "…";
}

Unexpected<Error> not_a_recipient(ChainSource& source, const crypto::DhKeyPair& me,
                                  std::size_t changesets) {
    std::string message = "the coordinator key " + short_hex(me.public_key) +
                          " cannot decrypt any of the " + std::to_string(changesets) +
                          " changesets held here: no device sealed its data to it";
    auto recipients = source.recipients();
    if (recipients && !recipients->empty()) {
        message += " (this project's recipient keys are";
        for (const auto& r : *recipients) message += " " + short_hex(r);
        message += ")";
    }
    message += ". Is this the right --key file?";
    return unexpected(Domain::crypto, errc::wrong_key, std::move(message));
}

}  // namespace

// Epoch keys opened so far: one X25519 operation per (device, epoch), not per changeset.
// The keys are SecretBytes: wiped when the load ends.
class RecordLoader::EpochKeys {
  public:
    enum class Outcome { opened, no_grant, damaged };

    EpochKeys(ChainSource& source, const crypto::DhKeyPair& me) : source_(source), me_(me) {}

    // The epoch key of `device`'s epoch `epoch`, or why there is none.
    Result<std::pair<Outcome, const crypto::SecretBytes*>> get(const merge::DeviceId& device,
                                                               const store::EpochId& epoch) {
        auto key = std::make_pair(device, epoch);
        auto it = cache_.find(key);
        if (it == cache_.end()) {
            CANVASS_TRY(auto entry, open(device, epoch));
            it = cache_.emplace(key, std::move(entry)).first;
        }
        const crypto::SecretBytes* key_ptr =
            it->second.outcome == Outcome::opened ? &it->second.key : nullptr;
        return std::pair<Outcome, const crypto::SecretBytes*>(it->second.outcome, key_ptr);
    }
    std::size_t grants_found() const { return grants_found_; }

  private:
    struct Entry {
        Outcome outcome = Outcome::no_grant;
        crypto::SecretBytes key;
    };

    Result<Entry> open(const merge::DeviceId& device, const store::EpochId& epoch) {
        CANVASS_TRY(auto grant, source_.grant_for(device, epoch, me_.public_key));
        if (!grant) return Entry{};
        ++grants_found_;
        auto key = store::open_grant(*grant, me_);
        if (!key) return Entry{Outcome::damaged, {}};
        return Entry{Outcome::opened, std::move(key).value()};
    }

    ChainSource& source_;
    const crypto::DhKeyPair& me_;
    std::map<std::pair<merge::DeviceId, store::EpochId>, Entry> cache_;
    std::size_t grants_found_ = 0;
};

RecordLoader::RecordLoader(ChainSource& source, const crypto::DhKeyPair& key, Keep keep)
    : source_(source), me_(key), keep_(keep), keys_(std::make_unique<EpochKeys>(source, key)) {
    if (keep_.conflicts == ConflictScope::resolved_too) keep_.history = true;
}

RecordLoader::~RecordLoader() = default;

Result<std::vector<std::optional<std::string>>> RecordLoader::decrypt(const merge::Changeset& cs,
                                                                      DecryptionReport* report,
                                                                      MediaKeys* media,
                                                                      bool& readable) {
    const auto& h = cs.header;
    std::vector<std::optional<std::string>> values;
    CANVASS_TRY(auto found, keys_->get(h.device, h.epoch));
    if (found.first == EpochKeys::Outcome::opened) {
        auto opened = store::decrypt_values(*found.second, cs);
        if (opened) {
            values = std::move(opened).value();
            if (media) note_media(values, h.device, *found.second, *media);
        } else {
            found.first = EpochKeys::Outcome::damaged;
        }
    }
    readable = found.first == EpochKeys::Outcome::opened;
    if (report) {
        ++report->changesets;
        if (readable) {
            ++report->decrypted;
        } else {
            auto& tally =
                found.first == EpochKeys::Outcome::no_grant ? report->no_grant : report->damaged;
            ++tally[h.device];
        }
    }
    return values;
}

Result<void> RecordLoader::add(const merge::Changeset& cs, Partial& record,
                               DecryptionReport* report, MediaKeys* media) {
    const auto& h = cs.header;
    bool readable = false;
    CANVASS_TRY(auto values, decrypt(cs, report, media, readable));
    auto& r = record.record;
    ++r.changesets;
    if (!readable) ++r.unreadable;
    merge::OrderKey order{h.hlc, h.device, h.seq, 0};
    if (order < record.first) {
        record.first = order;
        record.creator = h.device;
    }
    if (keep_.history) record.history.add(h, values, readable);
    auto applied = r.state->apply(h, std::move(values));
    if (!applied) {
        auto e = std::move(applied).error();
        e.message = "changeset " + std::to_string(h.seq) + " of device " +
                    crypto::to_hex(h.device) + " does not merge: " + e.message;
        return unexpected(std::move(e));
    }
    return {};
}

Record RecordLoader::finish(Partial&& partial) const {
    Record r = std::move(partial.record);
    r.creator = partial.creator;
    r.view = merge::make_view(*r.state);
    r.answers = store::to_answers(r.view);
    if (keep_.history) r.history = std::move(partial.history).finish(r.creator);
    r.conflicts = conflicts_of(r.view, &*r.state, r.history, keep_.conflicts);
    if (!keep_.state) r.state.reset();
    return r;
}

Result<void> RecordLoader::check_readable(const DecryptionReport& report) const {
    if (report.changesets == 0 || report.decrypted > 0) return {};
    if (keys_->grants_found() == 0) return not_a_recipient(source_, me_, report.changesets);
    return unexpected(Domain::crypto, errc::wrong_key,
                      "the coordinator key " + short_hex(me_.public_key) +
                          " has grants here but "
                          "none of them opens, so none of the " +
                          std::to_string(report.changesets) +
                          " changesets can be read: the key file or the store is damaged");
}

namespace {

// Every record of the changesets `selected` picks, decrypted and merged, all in memory: one
// scan of the source (record_stream.hpp reads a record at a time instead).
Result<Dataset> load(ChainSource& source, const crypto::DhKeyPair& key,
                     const std::function<bool(const merge::ChangesetHeader&)>& selected,
                     const Progress& progress, Keep keep) {
    std::size_t total = 0;
    if (progress) {
        CANVASS_TRY(auto count, source.changeset_count());
        total = count ? static_cast<std::size_t>(*count) : 0;
    }
    Dataset out;
    RecordLoader loader(source, key, keep);
    std::map<merge::RecordId, std::size_t> index;
    std::vector<RecordLoader::Partial> building;
    std::size_t seen = 0;
    CANVASS_TRY_VOID(source.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
        if (progress && ++seen % kProgressEvery == 0) progress(seen, total);
        const auto& h = cs.header;
        if (!selected(h)) return {};
        auto [it, fresh] = index.emplace(h.record, building.size());
        if (fresh) building.emplace_back(h.record);
        return loader.add(cs, building[it->second], &out.report, &out.media);
    }));
    if (progress) progress(total ? total : seen, total);
    CANVASS_TRY_VOID(loader.check_readable(out.report));
    out.records.reserve(building.size());
    for (auto& b : building) out.records.push_back(loader.finish(std::move(b)));
    building.clear();
    std::sort(out.records.begin(), out.records.end(), [](const Record& a, const Record& b) {
        return std::pair(a.view.meta.created, a.view.id) <
               std::pair(b.view.meta.created, b.view.id);
    });
    return out;
}

}  // namespace

Result<Dataset> load_dataset(ChainSource& source, const crypto::DhKeyPair& key,
                             std::string_view form_id, const Progress& progress, Keep keep) {
    return load(
        source, key,
        [&](const merge::ChangesetHeader& h) { return form_id.empty() || h.form_id == form_id; },
        progress, keep);
}

Result<Dataset> load_record_data(ChainSource& source, const crypto::DhKeyPair& key,
                                 const merge::RecordId& id, Keep keep) {
    CANVASS_TRY(auto one,
                load(
                    source, key, [&](const merge::ChangesetHeader& h) { return h.record == id; },
                    {}, keep));
    if (one.records.empty())
        return unexpected(Domain::store, errc::not_found,
                          "no changeset of record " + merge::format_uuid(id) + " here");
    return one;
}

Result<Record> load_record(ChainSource& source, const crypto::DhKeyPair& key,
                           const merge::RecordId& id, Keep keep) {
    CANVASS_TRY(auto one, load_record_data(source, key, id, keep));
    return std::move(one.records.front());
}

Result<History> record_history(ChainSource& source, const crypto::DhKeyPair& key,
                               const merge::RecordId& id, const DeviceLabels& labels) {
    CANVASS_TRY(auto record, load_record(source, key, id, Keep{false, true, ConflictScope::open}));
    History out;
    out.record = id;
    out.form_id = record.view.meta.form_id;
    out.creator = record.creator;
    out.unreadable = record.unreadable;
    out.entries = std::move(record.history);
    for (auto& e : out.entries) {
        if (auto it = labels.find(e.device); it != labels.end()) e.label = it->second;
    }
    return out;
}

namespace {

// `r`'s conflicts that `filter` selects, if it selects the record and it has some.
std::optional<RecordConflicts> conflicts_listed(const Record& r, const ConflictFilter& filter) {
    if (r.view.deleted()) return std::nullopt;
    if (!filter.form_id.empty() && r.view.meta.form_id != filter.form_id) return std::nullopt;
    if (filter.record && r.view.id != *filter.record) return std::nullopt;
    RecordConflicts listed{r.view.id, r.view.meta.form_id, {}};
    for (const auto& c : r.conflicts) {
        if (c.resolved && filter.scope == ConflictScope::open) continue;
        listed.conflicts.push_back(c);
    }
    if (listed.conflicts.empty()) return std::nullopt;
    return listed;
}

}  // namespace

std::vector<RecordConflicts> list_conflicts(const std::vector<Record>& records,
                                            const ConflictFilter& filter) {
    std::vector<RecordConflicts> out;
    for (const auto& r : records) {
        if (auto listed = conflicts_listed(r, filter)) out.push_back(std::move(*listed));
    }
    return out;
}

Result<ConflictListing> list_conflicts(ChainSource& source, const crypto::DhKeyPair& key,
                                       const ConflictFilter& filter) {
    Keep keep{false, filter.scope == ConflictScope::resolved_too, filter.scope};
    if (filter.record) {
        CANVASS_TRY(auto one,
                    load(
                        source, key,
                        [&](const merge::ChangesetHeader& h) { return h.record == *filter.record; },
                        {}, keep));
        return ConflictListing{list_conflicts(one.records, filter), std::move(one.report)};
    }
    // A record at a time: the listing holds the conflicted records' conflicts, not the project.
    CANVASS_TRY(auto stream, RecordStream::open(source, key, filter.form_id, {}, keep));
    ConflictListing out;
    CANVASS_TRY_VOID(stream.for_each([&](Record& r) -> Result<void> {
        if (auto listed = conflicts_listed(r, filter)) out.records.push_back(std::move(*listed));
        return {};
    }));
    out.report = stream.report();
    return out;
}

Result<std::vector<RecordConflicts>> list_conflicts(store::DeviceStore& store,
                                                    const ConflictFilter& filter) {
    std::vector<RecordConflicts> out;
    auto list_one = [&](const merge::RecordId& id) -> Result<void> {
        CANVASS_TRY(auto snap, store.record(id));
        if (!snap.view) return {};  // a draft: nothing merged, nothing in conflict
        Record r(id);
        r.view = std::move(*snap.view);
        r.conflicts = conflicts_of(r.view, snap.state ? &*snap.state : nullptr);
        if (auto listed = conflicts_listed(r, filter)) out.push_back(std::move(*listed));
        return {};
    };
    if (filter.record) {
        CANVASS_TRY_VOID(list_one(*filter.record));
        return out;
    }
    CANVASS_TRY(auto summaries, store.records(filter.form_id));
    for (const auto& s : summaries) {
        // The store counts every conflict this listing finds: a record with none is not read.
        if (s.conflicts == 0 || s.deleted) continue;
        CANVASS_TRY_VOID(list_one(s.id));
    }
    return out;
}

}  // namespace canvass::coordinator
