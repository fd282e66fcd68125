#include "export/dataset.hpp"

#include <algorithm>
#include <optional>
#include <utility>

#include "crypto/hash.hpp"
#include "store/answers.hpp"
#include "store/grant.hpp"
#include "store/values.hpp"

namespace canvass::cli::exporting {

namespace {

constexpr std::size_t kProgressEvery = 500;  // changesets between two progress calls

// Epoch keys opened so far: one X25519 operation per (device, epoch), not per changeset.
class EpochKeys {
public:
    enum class Outcome { opened, no_grant, damaged };

    EpochKeys(store::DeviceStore& store, const crypto::DhKeyPair& me) : store_(store), me_(me) {}

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
        CANVASS_TRY(auto grant, store_.grant_for(device, epoch, me_.public_key));
        if (!grant) return Entry{};
        ++grants_found_;
        auto key = store::open_grant(*grant, me_);
        if (!key) return Entry{Outcome::damaged, {}};
        return Entry{Outcome::opened, std::move(key).value()};
    }

    store::DeviceStore& store_;
    const crypto::DhKeyPair& me_;
    std::map<std::pair<merge::DeviceId, store::EpochId>, Entry> cache_;
    std::size_t grants_found_ = 0;
};

// The record's earliest changeset, by the order the merge uses for display.
struct FirstAuthor {
    merge::OrderKey key{~std::uint64_t{0}, {}, 0, 0};
    merge::DeviceId device{};
};

std::string short_hex(const crypto::DhPublicKey& key) { return crypto::to_hex(key).substr(0, 16) + "…"; }

Unexpected<Error> not_a_recipient(store::DeviceStore& store, const crypto::DhKeyPair& me,
                                  std::size_t changesets) {
    std::string message = "the coordinator key " + short_hex(me.public_key) +
                          " cannot decrypt any of the " + std::to_string(changesets) +
                          " changesets held here: no device sealed its data to it";
    auto project = store.project();
    if (project && *project && !(*project)->recipients.empty()) {
        message += " (this project's recipient keys are";
        for (const auto& r : (*project)->recipients) message += " " + short_hex(r);
        message += ")";
    }
    message += ". Is this the right --key file?";
    return unexpected(Domain::crypto, errc::wrong_key, std::move(message));
}

// Decrypts `cs` with `keys` and merges it into `record`, counting what could not be read.
Result<void> merge_one(const merge::Changeset& cs, EpochKeys& keys, ExportRecord& record,
                       DecryptionReport& report) {
    const auto& h = cs.header;
    std::vector<std::optional<std::string>> values;
    CANVASS_TRY(auto found, keys.get(h.device, h.epoch));
    if (found.first == EpochKeys::Outcome::opened) {
        auto opened = store::decrypt_values(*found.second, cs);
        if (opened) {
            values = std::move(opened).value();
        } else {
            found.first = EpochKeys::Outcome::damaged;
        }
    }
    ++report.changesets;
    ++record.changesets;
    if (found.first == EpochKeys::Outcome::opened) {
        ++report.decrypted;
    } else {
        ++record.unreadable;
        auto& tally = found.first == EpochKeys::Outcome::no_grant ? report.no_grant : report.damaged;
        ++tally[h.device];
    }
    auto applied = record.state->apply(h, std::move(values));
    if (!applied) {
        auto e = std::move(applied).error();
        e.message = "changeset " + std::to_string(h.seq) + " of device " + crypto::to_hex(h.device) +
                    " does not merge: " + e.message;
        return unexpected(std::move(e));
    }
    return {};
}

// Every record of the changesets `selected` picks, decrypted and merged; `keep_state`
// keeps each record's merge state beside its view.
Result<Dataset> load(store::DeviceStore& store, const crypto::DhKeyPair& recipient,
                     const std::function<bool(const merge::ChangesetHeader&)>& selected,
                     const Progress& progress, bool keep_state) {
    std::size_t total = 0;
    if (progress) {
        CANVASS_TRY(auto status, store.status());
        total = status.own_changesets + status.carried;
    }
    Dataset out;
    EpochKeys keys(store, recipient);
    std::map<merge::RecordId, std::size_t> index;
    std::vector<FirstAuthor> first;
    std::size_t seen = 0;
    CANVASS_TRY_VOID(store.for_each_changeset([&](const merge::Changeset& cs) -> Result<void> {
        if (progress && ++seen % kProgressEvery == 0) progress(seen, total);
        const auto& h = cs.header;
        if (!selected(h)) return {};
        auto [it, fresh] = index.emplace(h.record, out.records.size());
        if (fresh) {
            out.records.emplace_back(h.record);
            first.emplace_back();
        }
        merge::OrderKey key{h.hlc, h.device, h.seq, 0};
        if (key < first[it->second].key) first[it->second] = {key, h.device};
        return merge_one(cs, keys, out.records[it->second], out.report);
    }));
    if (progress) progress(total, total);
    if (out.report.changesets > 0 && out.report.decrypted == 0) {
        if (keys.grants_found() == 0) return not_a_recipient(store, recipient, out.report.changesets);
        return unexpected(Domain::crypto, errc::wrong_key,
                          "the coordinator key " + short_hex(recipient.public_key) + " has grants here but "
                          "none of them opens, so none of the " + std::to_string(out.report.changesets) +
                          " changesets can be read: the key file or the store is damaged");
    }
    for (std::size_t i = 0; i < out.records.size(); ++i) {
        auto& r = out.records[i];
        r.creator = first[i].device;
        r.view = merge::make_view(*r.state);
        r.answers = store::to_answers(r.view);
        r.conflicts = conflicts_of(r.view, &*r.state);
        if (!keep_state) r.state.reset();
    }
    std::sort(out.records.begin(), out.records.end(), [](const ExportRecord& a, const ExportRecord& b) {
        return std::pair(a.view.meta.created, a.view.id) < std::pair(b.view.meta.created, b.view.id);
    });
    return out;
}

}  // namespace

Result<Dataset> load_dataset(store::DeviceStore& store, const crypto::DhKeyPair& recipient,
                             std::string_view form_id, const Progress& progress) {
    return load(
        store, recipient,
        [&](const merge::ChangesetHeader& h) { return form_id.empty() || h.form_id == form_id; },
        progress, false);
}

Result<ExportRecord> load_record(store::DeviceStore& store, const crypto::DhKeyPair& recipient,
                                 const merge::RecordId& id) {
    CANVASS_TRY(auto one,
                load(
                    store, recipient,
                    [&](const merge::ChangesetHeader& h) { return h.record == id; }, {}, true));
    if (one.records.empty())
        return unexpected(Domain::store, errc::not_found,
                          "no changeset of record " + merge::format_uuid(id) + " here");
    return std::move(one.records.front());
}

std::vector<std::string> describe(const DecryptionReport& report) {
    std::vector<std::string> lines;
    auto list = [&](const std::map<merge::DeviceId, std::size_t>& tally, const std::string& why) {
        for (const auto& [device, count] : tally) {
            lines.push_back(std::to_string(count) + " changeset" + (count == 1 ? "" : "s") +
                            " of device " + crypto::to_hex(device) + " " + why);
        }
    };
    list(report.no_grant,
         "could not be decrypted: the device never sealed that epoch's key to this coordinator "
         "key (it was not a recipient when the device enrolled, or its grants have not synced yet)");
    list(report.damaged, "could not be decrypted: the grant or the ciphertext does not open (damaged)");
    return lines;
}

}  // namespace canvass::cli::exporting
