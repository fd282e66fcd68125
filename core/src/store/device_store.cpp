// Opening and creating the device store, its meta table, forms and project configuration.
#include "store/device_store.hpp"

#include <sys/stat.h>

#include <filesystem>

#include "crypto/hash.hpp"
#include "form/loader.hpp"
#include "merge/digest.hpp"
#include "store/device_store_impl.hpp"
#include "store/schema.hpp"
#include "store/tallies.hpp"

namespace canvass::store {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kDatabaseFile = "device.db";

std::string database_path(const std::string& home) {
    return (fs::path(home) / kDatabaseFile).string();
}

std::string form_key(std::string_view id, std::string_view version) {
    return std::string(id) + "\n" + std::string(version);
}

Result<crypto::SecretBytes> unwrap_store_key(std::span<const std::uint8_t> wrapped,
                                             const Unlock& unlock) {
    if (const auto* p = std::get_if<Passphrase>(&unlock)) {
        auto key = crypto::unwrap_with_passphrase(wrapped, p->text);
        if (!key && key.error().code == errc::wrong_key) {
            return unexpected(Domain::crypto, errc::wrong_key,
                              "wrong passphrase for this canvass store");
        }
        if (!key && key.error().code == errc::corrupt) {
            return unexpected(Domain::crypto, errc::corrupt,
                              "this store is not locked with a passphrase, or its key is damaged");
        }
        return key;
    }
    const auto& raw = std::get<RawKey>(unlock).key;
    if (raw.size() != 32) {
        return unexpected(Domain::crypto, errc::invalid_argument, "a store key is 32 bytes");
    }
    auto key = crypto::unwrap_with_key(wrapped, raw);
    if (!key && key.error().code == errc::wrong_key) {
        return unexpected(Domain::crypto, errc::wrong_key, "wrong key for this canvass store");
    }
    if (!key) {
        return unexpected(Domain::crypto, errc::corrupt,
                          "this store is not locked with a raw key, or its key is damaged");
    }
    return key;
}

std::vector<std::uint8_t> wrap_store_key(const crypto::SecretBytes& key, const Unlock& unlock,
                                         const crypto::PwhashParams& params) {
    if (const auto* p = std::get_if<Passphrase>(&unlock)) {
        return crypto::wrap_with_passphrase(key, p->text, params);
    }
    return crypto::wrap_with_key(key, std::get<RawKey>(unlock).key);
}

Result<void> check_unlock(const Unlock& unlock) {
    if (const auto* p = std::get_if<Passphrase>(&unlock); p && p->text.empty()) {
        return unexpected(Domain::core, errc::invalid_argument, "the passphrase is empty");
    }
    if (const auto* r = std::get_if<RawKey>(&unlock); r && r->key.size() != 32) {
        return unexpected(Domain::core, errc::invalid_argument, "a raw store key is 32 bytes");
    }
    return {};
}

}  // namespace

std::span<const std::uint8_t> as_bytes(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

std::string record_row_key(const merge::RecordId& id) {
    return "record " + merge::format_uuid(id);
}

DeviceStore::DeviceStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DeviceStore::DeviceStore(DeviceStore&&) noexcept = default;
DeviceStore& DeviceStore::operator=(DeviceStore&&) noexcept = default;
DeviceStore::~DeviceStore() = default;

const DeviceKeys& DeviceStore::keys() const {
    return impl_->keys;
}
Clock& DeviceStore::clock() const {
    return *impl_->clock;
}
merge::Random& DeviceStore::random() const {
    return *impl_->random;
}

bool DeviceStore::exists(const std::string& home) {
    std::error_code ec;
    return fs::exists(database_path(home), ec);
}

Result<DeviceStore> DeviceStore::create(const std::string& home, Unlock unlock,
                                        StoreOptions options) {
    CANVASS_TRY_VOID(check_unlock(unlock));
    std::error_code ec;
    fs::create_directories(home, ec);
    if (ec) {
        return unexpected(Domain::store, errc::io, "cannot create " + home + ": " + ec.message());
    }
    ::chmod(home.c_str(), 0700);
    if (exists(home)) {
        return unexpected(Domain::store, errc::already_exists,
                          "a canvass store already exists in " + home);
    }
    CANVASS_TRY(auto db, Database::open(database_path(home), true));
    CANVASS_TRY_VOID(db.migrate(device_store_migrations()));
    CANVASS_TRY_VOID(prepare_tallies(db));

    auto store_key = crypto::SecretBytes::random(32);
    auto wrapped = wrap_store_key(store_key, unlock, options.pwhash);
    auto keys = generate_device_keys();
    Sealer sealer(std::move(store_key));
    auto secrets = serialize_device_secrets(keys);
    auto sealed_keys = sealer.seal(Purpose::device_keys, as_bytes("device"), secrets.span());

    auto impl = std::make_unique<Impl>(std::move(db), std::move(sealer), std::move(keys), options);
    {
        CANVASS_TRY(auto tx, Transaction::begin(impl->db));
        CANVASS_TRY_VOID(impl->put_meta("device_keys", sealed_keys));
        CANVASS_TRY_VOID(impl->put_meta("hlc", "0"));
        // Written last: its presence marks a complete store.
        CANVASS_TRY_VOID(impl->put_meta("store_key", wrapped));
        CANVASS_TRY_VOID(tx.commit());
    }
    return DeviceStore(std::move(impl));
}

Result<DeviceStore> DeviceStore::open(const std::string& home, Unlock unlock,
                                      StoreOptions options) {
    CANVASS_TRY_VOID(check_unlock(unlock));
    if (!exists(home)) {
        return unexpected(Domain::store, errc::not_found,
                          "no canvass store in " + home + " (run 'canvass init' first)");
    }
    CANVASS_TRY(auto db, Database::open(database_path(home), false));
    CANVASS_TRY_VOID(db.migrate(device_store_migrations()));
    CANVASS_TRY_VOID(prepare_tallies(db));
    auto read = [&db](std::string_view key) -> Result<std::vector<std::uint8_t>> {
        CANVASS_TRY(auto st, db.prepare("SELECT value FROM meta WHERE key = ?"));
        st.bind(1, key);
        CANVASS_TRY(bool row, st.step());
        if (!row) {
            return unexpected(Domain::store, errc::corrupt,
                              "the store is incomplete (no " + std::string(key) + ")");
        }
        return st.blob(0);
    };
    CANVASS_TRY(auto wrapped, read("store_key"));
    CANVASS_TRY(auto store_key, unwrap_store_key(wrapped, unlock));
    Sealer sealer(std::move(store_key));
    CANVASS_TRY(auto sealed_keys, read("device_keys"));
    CANVASS_TRY(auto secrets, sealer.open(Purpose::device_keys, as_bytes("device"), sealed_keys,
                                          "the device keys"));
    crypto::SecretBytes secret_bytes(secrets);
    crypto::wipe(secrets);
    CANVASS_TRY(auto keys, parse_device_secrets(secret_bytes));
    CANVASS_TRY(auto hlc, read("hlc"));

    auto impl = std::make_unique<Impl>(std::move(db), std::move(sealer), std::move(keys), options);
    impl->hlc_last = std::stoull(std::string(hlc.begin(), hlc.end()));
    CANVASS_TRY_VOID(impl->rekey_legacy_drafts());
    CANVASS_TRY(auto point, impl->chain_point(impl->keys.id));
    if (point) {
        impl->seq = point->seq;
        impl->head_hash = point->hash;
    }
    return DeviceStore(std::move(impl));
}

Result<std::optional<std::vector<std::uint8_t>>> DeviceStore::Impl::get_meta(std::string_view key) {
    CANVASS_TRY(auto st, db.cached("SELECT value FROM meta WHERE key = ?"));
    st->bind(1, key);
    CANVASS_TRY(bool row, st->step());
    if (!row) return std::optional<std::vector<std::uint8_t>>();
    return std::optional<std::vector<std::uint8_t>>(st->blob(0));
}

Result<void> DeviceStore::Impl::put_meta(std::string_view key,
                                         std::span<const std::uint8_t> value) {
    CANVASS_TRY(auto st, db.cached("INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)"));
    return st->bind(1, key).bind(2, value).run();
}

Result<void> DeviceStore::Impl::put_meta(std::string_view key, std::string_view text) {
    return put_meta(key, as_bytes(text));
}

// ---- forms ----

namespace {
FormInfo info_of(const form::Form& f) {
    const auto& s = f.settings();
    return FormInfo{s.form_id, s.version,
                    form::text_in(s.title, s.default_language, s.default_language),
                    f.question_count(), s.languages};
}

Error form_problems(const std::vector<form::Problem>& problems) {
    std::string msg = "the form has " + std::to_string(problems.size()) + " problem" +
                      (problems.size() == 1 ? "" : "s") + ":";
    for (const auto& p : problems) msg += "\n  " + form::describe(p);
    return Error{Domain::form, errc::invalid_argument, msg};
}
}  // namespace

Result<FormInfo> DeviceStore::add_form(std::string_view json_text) {
    auto loaded = form::load_form(json_text);
    if (!loaded) return unexpected(form_problems(loaded.error()));
    const auto& s = loaded->settings();
    auto key = form_key(s.form_id, s.version);
    CANVASS_TRY(auto st,
                impl_->db.prepare("SELECT body FROM forms WHERE form_id = ? AND version = ?"));
    st.bind(1, s.form_id).bind(2, s.version);
    CANVASS_TRY(bool row, st.step());
    if (row) {
        CANVASS_TRY(auto existing,
                    impl_->sealer.open_text(Purpose::form, key, st.blob(0), "a form"));
        if (existing != json_text) {
            return unexpected(Domain::form, errc::already_exists,
                              "form " + s.form_id + " version " + s.version +
                                  " is already installed with different content; give the new "
                                  "one a new settings.version");
        }
        return info_of(loaded.value());
    }
    CANVASS_TRY(auto ins,
                impl_->db.prepare("INSERT INTO forms(form_id, version, body) VALUES(?, ?, ?)"));
    CANVASS_TRY_VOID(ins.bind(1, s.form_id)
                         .bind(2, s.version)
                         .bind(3, impl_->sealer.seal(Purpose::form, key, json_text))
                         .run());
    return info_of(loaded.value());
}

Result<std::vector<FormInfo>> DeviceStore::forms() {
    CANVASS_TRY(auto st,
                impl_->db.prepare("SELECT form_id, version FROM forms ORDER BY form_id, ord"));
    std::vector<FormInfo> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        CANVASS_TRY(auto f, form(st.text(0), st.text(1)));
        out.push_back(info_of(*f));
    }
    return out;
}

Result<std::optional<std::string>> DeviceStore::form_text(std::string_view form_id,
                                                          std::string_view version) {
    CANVASS_TRY(auto st,
                impl_->db.prepare("SELECT body FROM forms WHERE form_id = ? AND version = ?"));
    st.bind(1, form_id).bind(2, version);
    CANVASS_TRY(bool row, st.step());
    if (!row) return std::optional<std::string>();
    CANVASS_TRY(auto text, impl_->sealer.open_text(Purpose::form, form_key(form_id, version),
                                                   st.blob(0), "a form"));
    return std::optional<std::string>(std::move(text));
}

Result<std::shared_ptr<const form::Form>> DeviceStore::form(std::string_view form_id,
                                                            std::string_view version) {
    std::string sql =
        version.empty()
            ? "SELECT version, body FROM forms WHERE form_id = ? ORDER BY ord DESC LIMIT 1"
            : "SELECT version, body FROM forms WHERE form_id = ? AND version = ?";
    CANVASS_TRY(auto st, impl_->db.prepare(sql));
    st.bind(1, form_id);
    if (!version.empty()) st.bind(2, version);
    CANVASS_TRY(bool row, st.step());
    if (!row) {
        std::string what = "form " + std::string(form_id);
        if (!version.empty()) what += " version " + std::string(version);
        return unexpected(Domain::form, errc::not_found,
                          what + " is not installed (see 'canvass forms')");
    }
    auto key = form_key(form_id, st.text(0));
    if (auto it = impl_->forms.find(key); it != impl_->forms.end()) return it->second;
    CANVASS_TRY(auto text, impl_->sealer.open_text(Purpose::form, key, st.blob(1), "a form"));
    auto loaded = form::load_form(std::string_view(text));
    if (!loaded) return unexpected(form_problems(loaded.error()));
    auto ptr = std::make_shared<const form::Form>(std::move(loaded).value());
    impl_->forms.emplace(key, ptr);
    return ptr;
}

// ---- project ----

namespace {
json config_to_json(const ProjectConfig& c) {
    json recipients = json::array();
    for (const auto& r : c.recipients) recipients.push_back(crypto::to_hex(r));
    json j{{"project", c.project},
           {"role", c.role},
           {"server_address", c.server_address},
           {"server_key", crypto::to_hex(c.server_key)},
           {"fingerprint", crypto::to_hex(c.fingerprint)},
           {"recipients", recipients}};
    if (c.statement) j["statement"] = statement_text(*c.statement);
    return j;
}

Result<ProjectConfig> config_from_json(const json& j) {
    ProjectConfig c;
    try {
        c.project = j.at("project").get<std::string>();
        c.role = j.at("role").get<std::string>();
        c.server_address = j.at("server_address").get<std::string>();
        bool ok = crypto::from_hex(j.at("server_key").get<std::string>(), c.server_key);
        if (j.contains("fingerprint"))
            ok = ok && crypto::from_hex(j.at("fingerprint").get<std::string>(), c.fingerprint);
        for (const auto& r : j.at("recipients")) {
            crypto::DhPublicKey k{};
            ok = ok && crypto::from_hex(r.get<std::string>(), k);
            c.recipients.push_back(k);
        }
        if (j.contains("statement")) {
            auto s = parse_statement_text(j.at("statement").get<std::string>());
            ok = ok && s.has_value();
            if (s) c.statement = std::move(s).value();
        }
        if (ok) return c;
    } catch (const json::exception&) {
    }
    return unexpected(Domain::store, errc::corrupt, "the saved project configuration is damaged");
}
}  // namespace

Result<std::optional<ProjectConfig>> DeviceStore::project() {
    CANVASS_TRY(auto raw, impl_->get_meta("project"));
    if (!raw) return std::optional<ProjectConfig>();
    auto j = json::parse(raw->begin(), raw->end(), nullptr, false);
    CANVASS_TRY(auto c, config_from_json(j));
    CANVASS_TRY(auto label, impl_->get_meta("label"));
    if (label) {  // stores enrolled before labels were kept have none
        CANVASS_TRY(c.label, impl_->sealer.open_text(Purpose::profile, "label", *label,
                                                     "the device's label"));
    }
    return std::optional<ProjectConfig>(std::move(c));
}

Result<void> DeviceStore::set_project(ProjectConfig config, const RecipientPlan& plan) {
    config.statement = plan.adopted;
    config.recipients = plan.adopted.recipients;
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    CANVASS_TRY_VOID(impl_->put_meta("project", config_to_json(config).dump()));
    CANVASS_TRY_VOID(
        impl_->put_meta("label", impl_->sealer.seal(Purpose::profile, "label", config.label)));
    if (plan.new_epoch) CANVASS_TRY_VOID(impl_->new_epoch());
    CANVASS_TRY_VOID(impl_->grant_epochs(plan.grant_past_to));
    // Epochs drawn before recovery grants existed get theirs too.
    CANVASS_TRY_VOID(impl_->grant_epochs({impl_->recovery.public_key}));
    return tx.commit();
}

// ---- status ----

// Every figure is a tally kept by the triggers of schema version 10, a count of something
// as small as the devices or forms, or an index range over what is still to deliver: none
// grows with the records held.
Result<StoreStatus> DeviceStore::status() {
    StoreStatus s;
    s.device = impl_->keys.id;
    CANVASS_TRY(s.project, project());
    auto count = [this](std::string_view sql) -> Result<std::uint64_t> {
        CANVASS_TRY(auto st, impl_->db.prepare(sql));
        CANVASS_TRY(bool row, st.step());
        return row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
    };
    CANVASS_TRY(auto forms, count("SELECT count(DISTINCT form_id) FROM forms"));
    CANVASS_TRY(auto evidence, count("SELECT count(DISTINCT device || seq) FROM evidence"));
    CANVASS_TRY(auto records, record_tally(impl_->db));
    s.forms = forms;
    s.drafts = records.drafts;
    s.finalized = records.finalized;
    s.conflicts = records.conflicted;
    s.equivocations = evidence;
    s.digest = records.digest;
    s.own_changesets = impl_->seq;
    CANVASS_TRY(s.attachments, impl_->attachment_status());
    CANVASS_TRY(auto acked_seq, acked(impl_->keys.id));
    s.unsent = impl_->seq - std::min(impl_->seq, acked_seq);
    {
        CANVASS_TRY(
            auto st,
            impl_->db.prepare(
                "SELECT count(DISTINCT record) FROM changesets WHERE device = ?1 AND seq > ?2"));
        st.bind(1, impl_->keys.id).bind(2, static_cast<std::int64_t>(acked_seq));
        CANVASS_TRY(bool row, st.step());
        s.unsent_records = row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
    }
    {
        // Per carried chain: what it holds, and of that what lies above what the server
        // acknowledged (or showed it holds) and below a refusal. A chain held whole from seq 1
        // (its count is its last seq, as verified chains are stored) gives that by
        // arithmetic; any other is counted over the index range.
        CANVASS_TRY(
            auto st,
            impl_->db.prepare("SELECT t.device, t.held, (SELECT max(seq) FROM changesets c WHERE "
                              "c.device = t.device), "
                              "coalesce(d.acked, 0), coalesce(d.refused_seq, 9223372036854775807) "
                              "FROM chain_tally t LEFT JOIN devices d ON d.device = t.device WHERE "
                              "t.device != ? AND t.held > 0"));
        st.bind(1, impl_->keys.id);
        CANVASS_TRY(
            auto range,
            impl_->db.prepare(
                "SELECT count(*) FROM changesets WHERE device = ? AND seq > ? AND seq < ?"));
        for (;;) {
            CANVASS_TRY(bool row, st.step());
            if (!row) break;
            const auto held = st.int64(1), last = st.int64(2), acked = st.int64(3),
                       refused = st.int64(4);
            s.carried += static_cast<std::uint64_t>(held);
            if (held == last) {
                s.carried_unsent += static_cast<std::uint64_t>(
                    std::max<std::int64_t>(0, std::min(last, refused - 1) - acked));
                continue;
            }
            merge::DeviceId device{};
            st.blob_into(0, device);
            range.reset();
            range.bind(1, device).bind(2, acked).bind(3, refused);
            CANVASS_TRY(bool counted, range.step());
            if (counted) s.carried_unsent += static_cast<std::uint64_t>(range.int64(0));
        }
    }
    {
        CANVASS_TRY(
            auto st,
            impl_->db.prepare("SELECT d.device, d.refused_seq, d.refused_why, "
                              "(SELECT count(*) FROM changesets c WHERE c.device = d.device AND "
                              "c.seq >= d.refused_seq) "
                              "FROM devices d WHERE d.refused_seq IS NOT NULL ORDER BY d.device"));
        for (;;) {
            CANVASS_TRY(bool row, st.step());
            if (!row) break;
            StoreStatus::RefusedChain r;
            st.blob_into(0, r.device);
            r.seq = static_cast<std::uint64_t>(st.int64(1));
            r.why = st.text(2);
            r.changesets = static_cast<std::uint64_t>(st.int64(3));
            s.refused.push_back(std::move(r));
        }
    }
    return s;
}

Result<std::string> DeviceStore::integrity_check() {
    return impl_->db.integrity_check();
}

}  // namespace canvass::store
