// Bulk import: validate everything, save all or the valid ones, skip what was imported before.
#include "store/bulk_import.hpp"

#include <utility>

#include "store/device_store_impl.hpp"

namespace canvass::store {

using nlohmann::json;

namespace {

constexpr const char* kInstanceId = "instanceID";

std::string mac_key(const crypto::Hash& mac) {
    return std::string(mac.begin(), mac.end());
}

// Takes the instanceID out of `record`, if it carries one. `keep` leaves a top-level
// "instanceID" in place: the form asks it as a question.
std::optional<std::string> take_instance_id(json& record, bool keep) {
    auto as_id = [](const json& v) -> std::optional<std::string> {
        if (v.is_string() && !v.get_ref<const std::string&>().empty()) return v.get<std::string>();
        return std::nullopt;
    };
    if (auto it = record.find(kInstanceId); it != record.end()) {
        auto id = as_id(*it);
        if (id && !keep) record.erase(it);
        if (id) return id;
    }
    if (auto it = record.find("meta/instanceID"); it != record.end()) {
        auto id = as_id(*it);
        if (id) record.erase(it);
        if (id) return id;
    }
    if (auto it = record.find("meta"); it != record.end() && it->is_object()) {
        auto inner = it->find(kInstanceId);
        auto id = inner == it->end() ? std::nullopt : as_id(*inner);
        if (!id) return std::nullopt;
        it->erase(inner);
        if (it->empty()) record.erase(it);
        return id;
    }
    return std::nullopt;
}

}  // namespace

std::string import_key(const form::Form& form, json& record) {
    if (!record.is_object()) return "answers:" + record.dump();
    std::string canonical = record.dump();  // nlohmann keeps object keys sorted
    if (auto id = take_instance_id(record, form.find(kInstanceId) != nullptr))
        return "instance:" + *id;
    return "answers:" + canonical;
}

BulkImport::BulkImport(DeviceStore::Impl& impl, std::shared_ptr<const form::Form> form,
                       bool finalize, std::string lang, Transaction tx)
    : impl_(&impl),
      form_(std::move(form)),
      finalize_(finalize),
      lang_(std::move(lang)),
      tx_(std::move(tx)),
      seq_before_(impl.seq),
      hlc_before_(impl.hlc_last),
      hash_before_(impl.head_hash) {}

BulkImport::BulkImport(BulkImport&& o) noexcept
    : impl_(o.impl_),
      form_(std::move(o.form_)),
      finalize_(o.finalize_),
      lang_(std::move(o.lang_)),
      tx_(std::move(o.tx_)),
      active_(std::exchange(o.active_, false)),
      seq_before_(o.seq_before_),
      hlc_before_(o.hlc_before_),
      hash_before_(o.hash_before_),
      keys_(std::move(o.keys_)),
      keys_before_(o.keys_before_),
      count_(o.count_),
      saved_(o.saved_),
      skipped_(o.skipped_),
      refused_(o.refused_) {}

BulkImport::~BulkImport() {
    if (!active_) return;
    // The transaction rolls back as tx_ goes: so must the in-memory chain head.
    impl_->seq = seq_before_;
    impl_->head_hash = hash_before_;
    impl_->hlc_last = hlc_before_;
}

Result<BulkImport> BulkImport::begin(DeviceStore& store, std::string_view form_id, bool finalize,
                                     std::string lang) {
    CANVASS_TRY(auto f, store.form(form_id));
    CANVASS_TRY(auto tx, Transaction::begin(store.impl_->db));
    return BulkImport(*store.impl_, std::move(f), finalize, std::move(lang), std::move(tx));
}

Result<std::optional<merge::RecordId>> BulkImport::saved_before(const crypto::Hash& mac) {
    // A first import of the form (the common case) has nothing to look up: what it saved
    // itself is in keys_.
    if (!keys_before_) {
        CANVASS_TRY(auto any,
                    impl_->db.cached("SELECT EXISTS(SELECT 1 FROM import_keys WHERE form_id = ?)"));
        any->bind(1, form_->settings().form_id);
        CANVASS_TRY(bool row, any->step());
        keys_before_ = row && any->int64(0) != 0;
    }
    if (!*keys_before_) return std::optional<merge::RecordId>();
    // Joined with records: a draft erased since ('canvass delete') is imported again.
    CANVASS_TRY(auto st, impl_->db.cached(
                             "SELECT k.record FROM import_keys k JOIN records r ON r.id = k.record "
                             "WHERE k.form_id = ? AND k.mac = ?"));
    st->bind(1, form_->settings().form_id).bind(2, mac);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<merge::RecordId>();
    merge::RecordId id{};
    st->blob_into(0, id);
    return std::optional<merge::RecordId>(id);
}

Result<BulkImport::Line> BulkImport::add(json record, bool save) {
    ++count_;
    Line line;
    const auto& form_id = form_->settings().form_id;
    auto mac = impl_->sealer.mac(Purpose::import_key, form_id + '\n' + import_key(*form_, record));
    auto [earlier, fresh] = keys_.emplace(mac_key(mac), Taken{count_, {}});
    if (!fresh) {  // a repeat of an earlier record of this import
        line.outcome = Outcome::skipped;
        line.same_as = earlier->second.number;
        line.record = earlier->second.record;
        ++skipped_;
        return line;
    }
    CANVASS_TRY(auto before, saved_before(mac));
    if (before) {
        line.outcome = Outcome::skipped;
        line.record = earlier->second.record = *before;
        ++skipped_;
        return line;
    }
    auto checked = impl_->checked(*form_, record, finalize_, lang_);
    if (!checked.ok()) {
        line.problems = std::move(checked.violations);
        keys_.erase(earlier);  // a repeat of this record is refused again, not skipped
        ++refused_;
        return line;
    }
    if (!save) {  // checked only: counted as it would be saved
        line.outcome = Outcome::saved;
        return line;
    }
    auto id = impl_->save_new(*form_, std::move(checked.completed), finalize_);
    if (!id && id.error().code == errc::limit_exceeded && id.error().domain == Domain::form) {
        // Too large to sync: the save wrote nothing, and the record is refused like any other.
        line.problems.push_back({"", id.error().message});
        keys_.erase(earlier);
        ++refused_;
        return line;
    }
    if (!id) return unexpected(id.error());
    CANVASS_TRY(auto ins,
                impl_->db.cached(
                    "INSERT OR REPLACE INTO import_keys(form_id, mac, record) VALUES(?, ?, ?)"));
    CANVASS_TRY_VOID(ins->bind(1, form_id).bind(2, mac).bind(3, *id).run());
    line.outcome = Outcome::saved;
    line.record = earlier->second.record = *id;
    ++saved_;
    return line;
}

Result<void> BulkImport::commit() {
    CANVASS_TRY_VOID(tx_.commit());
    active_ = false;
    return {};
}

// ---- the import through DeviceStore ----

Result<std::vector<merge::RecordId>> DeviceStore::import_records(std::string_view form_id,
                                                                 std::vector<json> records,
                                                                 bool finalize,
                                                                 std::string_view lang) {
    CANVASS_TRY(auto import, BulkImport::begin(*this, form_id, finalize, std::string(lang)));
    std::vector<merge::RecordId> ids;
    ids.reserve(records.size());
    std::string problems;
    std::size_t refused = 0;
    for (std::size_t i = 0; i < records.size(); ++i) {
        CANVASS_TRY(auto line, import.add(std::move(records[i]), refused == 0));
        if (line.outcome == BulkImport::Outcome::skipped && line.same_as) {
            line.record = ids[line.same_as - 1];
        }
        ids.push_back(line.record);
        if (line.outcome != BulkImport::Outcome::refused) continue;
        ++refused;
        std::string prefix =
            records.size() > 1 ? "record " + std::to_string(i + 1) + ": " : std::string();
        for (const auto& p : line.problems) problems += "\n  " + prefix + form::describe(p);
    }
    if (refused > 0) {
        return unexpected(Domain::form, errc::invalid_argument,
                          std::to_string(refused) + " of " + std::to_string(records.size()) +
                              " records have problems, so none was saved:" + problems);
    }
    CANVASS_TRY_VOID(import.commit());
    return ids;
}

}  // namespace canvass::store
