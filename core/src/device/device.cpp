// canvass::Device (canvass/device.hpp) over the device store, the interview engine, the
// coordinator's settlement rule and the sync client: the one sequence of calls every face
// (the C ABI, the command line) uses for each thing an app does.
#include "canvass/device.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "coordinator/records.hpp"
#include "coordinator/resolve.hpp"
#include "coordinator/view_json.hpp"
#include "coordinator/review.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "device/access.hpp"
#include "form/json_text.hpp"
#include "interview/device_sink.hpp"
#include "store/answer_files.hpp"
#include "store/bulk_import.hpp"
#include "net/tcp_transport.hpp"
#include "store/record_json.hpp"
#include "sync/bundle.hpp"
#include "sync/client.hpp"
#include "sync/device_replica.hpp"
#include "sync/retry.hpp"
#include "sync/stream_transport.hpp"
#include "sync/token.hpp"

namespace canvass {

struct Device::Impl {
    std::optional<store::DeviceStore> owned;  // empty for a Device over someone else's store
    store::DeviceStore* store;

    explicit Impl(store::DeviceStore&& s) : owned(std::move(s)), store(&*owned) {}
    explicit Impl(store::DeviceStore& s) : store(&s) {}
};

struct Interview::Impl {
    std::unique_ptr<interview::DeviceInterview> opened;
};

struct Import::Impl {
    store::DeviceStore& store;
    std::string files_dir;  // where the files its answers name are
    store::BulkImport import;
};

namespace {

using nlohmann::json;

Result<Device> opened(Result<store::DeviceStore> r, auto make) {
    if (!r) return unexpected(std::move(r).error());
    return make(std::move(r).value());
}

store::RawKey raw_key(std::span<const std::uint8_t, 32> key) {
    return store::RawKey{
        crypto::SecretBytes(std::span<const std::uint8_t>(key.data(), key.size()))};
}

// The host's connection as the sync core's Transport; its close() runs when the Transport
// closes or goes, whatever happened.
std::unique_ptr<sync::Transport> transport_over(std::unique_ptr<Connection> connection) {
    std::shared_ptr<Connection> c = std::move(connection);
    sync::ByteStream stream;
    stream.write = [c](std::span<const std::uint8_t> bytes) { return c->send(bytes); };
    stream.read = [c](std::span<std::uint8_t> into) { return c->receive(into); };
    stream.close = [c] { c->close(); };
    return sync::stream_transport(std::move(stream));
}

// The host's connection when there is one, else a TCP connection to `address`.
Result<std::unique_ptr<sync::Transport>> connect(std::unique_ptr<sync::Transport> host,
                                                 std::string_view address) {
    if (host) return host;
    return net::connect_tcp(address);
}

std::vector<InstalledForm> installed(const std::vector<sync::FormRef>& forms) {
    std::vector<InstalledForm> out;
    for (const auto& f : forms) out.push_back({f.id, f.version});
    return out;
}

SyncCounts counts(const sync::ExchangeStats& s) {
    return {s.to_send, s.sent, s.acknowledged, s.received, s.stored};
}

}  // namespace

Device::Device(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Device::Device(Device&&) noexcept = default;
Device& Device::operator=(Device&&) noexcept = default;
Device::~Device() = default;

Result<Device> Device::create(const std::string& home, std::string_view passphrase) {
    return opened(
        store::DeviceStore::create(home, store::Passphrase{std::string(passphrase)}),
        [](store::DeviceStore s) { return Device(std::make_unique<Impl>(std::move(s))); });
}

Result<Device> Device::open(const std::string& home, std::string_view passphrase) {
    return opened(
        store::DeviceStore::open(home, store::Passphrase{std::string(passphrase)}),
        [](store::DeviceStore s) { return Device(std::make_unique<Impl>(std::move(s))); });
}

Result<Device> Device::create(const std::string& home, std::span<const std::uint8_t, 32> key) {
    return opened(store::DeviceStore::create(home, raw_key(key)), [](store::DeviceStore s) {
        return Device(std::make_unique<Impl>(std::move(s)));
    });
}

Result<Device> Device::open(const std::string& home, std::span<const std::uint8_t, 32> key) {
    return opened(store::DeviceStore::open(home, raw_key(key)), [](store::DeviceStore s) {
        return Device(std::make_unique<Impl>(std::move(s)));
    });
}

bool Device::exists(const std::string& home) {
    return store::DeviceStore::exists(home);
}

store::DeviceStore& device_store(Device& device) {
    return *device.impl_->store;
}

Device device_over(store::DeviceStore& store) {
    return Device(std::make_unique<Device::Impl>(store));
}

Interview interview_over(std::unique_ptr<interview::DeviceInterview> opened) {
    return Interview(std::make_unique<Interview::Impl>(Interview::Impl{std::move(opened)}));
}

Result<merge::RecordId> record_id_of(std::string_view text) {
    auto id = merge::parse_uuid(text);
    if (!id)
        return unexpected(Domain::core, errc::invalid_argument,
                          "\"" + std::string(text) + "\" is not a record id");
    return *id;
}

Result<coordinator::ConflictFilter> conflict_filter(store::DeviceStore& store,
                                                    const ConflictQuery& query) {
    coordinator::ConflictFilter filter;
    filter.form_id = query.form_id;
    filter.scope = query.resolved_too ? coordinator::ConflictScope::resolved_too
                                      : coordinator::ConflictScope::open;
    if (!query.record.empty()) {
        CANVASS_TRY(auto id, store.find_record(query.record));
        CANVASS_TRY(auto summary, store.record(id));
        if (summary.summary.status == store::RecordStatus::draft)
            return unexpected(Domain::core, errc::invalid_argument,
                              "record " + merge::format_uuid(id) +
                                  " is a draft: it has no conflicts, only finalized records merge");
        filter.record = id;
    }
    return filter;
}

Resolution resolution(const merge::RecordId& id, const json& value,
                      const std::optional<coordinator::Conflict>& settled) {
    Resolution r;
    r.record = merge::format_uuid(id);
    r.value = value.dump();
    r.settled = settled.has_value();
    if (settled) r.superseded = settled->candidates.size();
    return r;
}

std::string typed_answer(std::string_view text) {
    return coordinator::typed_value(text).dump();
}

Result<std::string> Device::add_form(std::string_view form_json) {
    CANVASS_TRY(auto installed, impl_->store->add_form(form_json));
    return store::forms_json({installed}).at(0).dump();
}

Result<std::string> Device::forms() const {
    CANVASS_TRY(auto forms, impl_->store->forms());
    return store::forms_json(forms).dump();
}

Result<std::vector<std::string>> Device::form_ids() const {
    CANVASS_TRY(auto forms, impl_->store->forms());
    std::vector<std::string> ids;
    for (const auto& f : forms)
        if (std::find(ids.begin(), ids.end(), f.form_id) == ids.end()) ids.push_back(f.form_id);
    return ids;
}

Result<FormView> Device::form_view(std::string_view form_id, std::string_view version) const {
    CANVASS_TRY(auto form, impl_->store->form(form_id, version));
    return FormView(std::move(form));
}

Result<std::string> Device::create_record(std::string_view form_id, std::string_view answers_json,
                                          bool finalize) {
    CANVASS_TRY(auto answers, form::parse_json(answers_json));
    CANVASS_TRY(auto id,
                impl_->store->create_record(std::string(form_id), std::move(answers), finalize));
    return merge::format_uuid(id);
}

Result<void> Device::save_draft(std::string_view id, std::string_view answers_json) {
    CANVASS_TRY(auto rid, record_id_of(id));
    CANVASS_TRY(auto answers, form::parse_json(answers_json));
    return impl_->store->save_draft(rid, std::move(answers));
}

Result<void> Device::finalize(std::string_view id) {
    CANVASS_TRY(auto rid, record_id_of(id));
    return impl_->store->finalize(rid);
}

Result<bool> Device::edit(std::string_view id, std::string_view changes_json,
                          std::string_view language) {
    CANVASS_TRY(auto rid, record_id_of(id));
    CANVASS_TRY(auto changes, form::parse_json(changes_json));
    return impl_->store->edit(rid, changes, language);
}

Result<void> Device::delete_record(std::string_view id) {
    CANVASS_TRY(auto rid, record_id_of(id));
    return impl_->store->delete_record(rid);
}

Result<void> Device::may_change(std::string_view id) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    return impl_->store->may_change(rid);
}

Result<std::string> Device::record(std::string_view id) const {
    CANVASS_TRY(auto rid, record_id_of(id));
    CANVASS_TRY(auto snapshot, impl_->store->record(rid));
    auto out = store::record_json(snapshot);
    coordinator::ConflictFilter filter;
    filter.record = rid;
    CANVASS_TRY(auto listed, coordinator::list_conflicts(*impl_->store, filter));
    out["conflicts"] = coordinator::conflicts_json(listed, coordinator::kEncrypted);
    return out.dump();
}

Result<std::string> Device::records(std::string_view form_id) const {
    CANVASS_TRY(auto summaries, impl_->store->records(std::string(form_id)));
    json list = json::array();
    for (const auto& s : summaries) list.push_back(store::summary_json(s));
    return list.dump();
}

Result<std::string> Device::conflicts(const ConflictQuery& query) const {
    if (query.resolved_too)
        return unexpected(Domain::core, errc::invalid_argument,
                          "settled conflicts are read from a record's history, which takes the "
                          "coordinator key: list them through a Coordinator (canvass conflicts "
                          "--resolved --key FILE)");
    CANVASS_TRY(auto filter, conflict_filter(*impl_->store, query));
    CANVASS_TRY(auto listed, coordinator::list_conflicts(*impl_->store, filter));
    return coordinator::conflicts_json(listed, coordinator::kEncrypted).dump();
}

Result<Resolution> Device::resolve(std::string_view id, std::string_view path,
                                   std::string_view value_json, std::string_view language) {
    if (path.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          "the path of the conflict is required");
    CANVASS_TRY(auto rid, record_id_of(id));
    CANVASS_TRY(auto value, form::parse_json(value_json));
    CANVASS_TRY(auto settled, coordinator::resolve_field(*impl_->store, rid, std::string(path),
                                                         value, std::string(language), nullptr));
    return resolution(rid, value, settled);
}

Result<void> Device::review(std::string_view id, std::string_view state, std::string_view comment) {
    CANVASS_TRY(auto rid, record_id_of(id));
    auto parsed = coordinator::parse_review_state(state);
    if (!parsed)
        return unexpected(Domain::form, errc::invalid_argument,
                          "'" + std::string(state) +
                              "' is not a review state: approved, hasIssues, rejected or none");
    CANVASS_TRY(auto value, coordinator::review_value(*parsed, comment));
    return impl_->store->set_review(rid, value);
}

Result<std::string> Device::add_attachment_file(const std::string& path,
                                                std::string_view question_type) {
    CANVASS_TRY(auto ref, impl_->store->add_attachment_file(path, question_type));
    return ref.to_json().dump();
}

Result<std::string> Device::add_attachment(std::span<const std::uint8_t> bytes,
                                           std::string_view name, std::string_view type) {
    CANVASS_TRY(auto ref, impl_->store->add_attachment(bytes, name, type));
    return ref.to_json().dump();
}

namespace {

std::vector<AnswerProblem> answer_problems(std::vector<form::Problem> problems) {
    std::vector<AnswerProblem> out;
    out.reserve(problems.size());
    for (auto& p : problems) out.push_back({std::move(p.path), std::move(p.message)});
    return out;
}

}  // namespace

Result<AttachedAnswers> Device::attach_files(std::string_view form_id,
                                             std::string_view answers_json,
                                             const std::string& base_dir,
                                             std::string_view form_version) {
    CANVASS_TRY(auto answers, form::parse_json(answers_json));
    CANVASS_TRY(auto f, form_version.empty() ? impl_->store->form(form_id)
                                             : impl_->store->form(form_id, form_version));
    auto problems = store::attach_files(*impl_->store, *f, answers, base_dir);
    return AttachedAnswers{answers.dump(), answer_problems(std::move(problems))};
}

Result<Import> Device::begin_import(std::string_view form_id, bool finalize,
                                    std::string_view language, const std::string& files_dir) {
    CANVASS_TRY(auto import,
                store::BulkImport::begin(*impl_->store, form_id, finalize, std::string(language)));
    return Import(
        std::make_unique<Import::Impl>(Import::Impl{*impl_->store, files_dir, std::move(import)}));
}

Import::Import(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Import::Import(Import&&) noexcept = default;
Import& Import::operator=(Import&&) noexcept = default;
Import::~Import() = default;

Result<Import::Line> Import::add(std::string_view record_json, bool save) {
    Line line;
    auto record = form::parse_json(record_json);
    if (record && !record->is_object()) {
        line.problems.push_back(
            {"", "a record is a JSON object keyed by field name, got " +
                     std::string(record->is_array() ? "an array"
                                                    : "a " + std::string(record->type_name()))});
    } else if (!record) {
        line.problems.push_back({"", record.error().message});
    } else {
        line.problems = answer_problems(
            store::attach_files(impl_->store, impl_->import.form(), *record, impl_->files_dir));
    }
    if (!line.problems.empty()) {
        impl_->import.refuse();
        return line;
    }
    CANVASS_TRY(auto added, impl_->import.add(std::move(record).value(), save));
    line.outcome = added.outcome == store::BulkImport::Outcome::saved     ? Outcome::saved
                   : added.outcome == store::BulkImport::Outcome::skipped ? Outcome::skipped
                                                                          : Outcome::refused;
    if (added.outcome != store::BulkImport::Outcome::refused)
        line.record = merge::format_uuid(added.record);
    line.same_as = added.same_as;
    line.problems = answer_problems(std::move(added.problems));
    return line;
}

Result<void> Import::commit() {
    return impl_->import.commit();
}
std::uint64_t Import::saved() const {
    return impl_->import.saved();
}
std::uint64_t Import::skipped() const {
    return impl_->import.skipped();
}
std::uint64_t Import::refused() const {
    return impl_->import.refused();
}

Result<std::string> Device::find_record(std::string_view id_or_prefix) const {
    CANVASS_TRY(auto id, impl_->store->find_record(id_or_prefix));
    return merge::format_uuid(id);
}

Result<std::string> Device::status() const {
    CANVASS_TRY(auto s, impl_->store->status());
    return store::status_json(s).dump();
}

Result<std::optional<Project>> Device::project() const {
    CANVASS_TRY(auto config, impl_->store->project());
    if (!config) return std::optional<Project>();
    return std::optional<Project>(
        Project{config->project, config->role, config->server_address, config->label});
}

Result<Pending> Device::pending() const {
    CANVASS_TRY(auto s, impl_->store->status());
    const bool forwards =
        s.project && (s.project->role == "organizer" || s.project->role == "coordinator");
    Pending p;
    p.interviews = s.unsent_records;
    p.other = s.attachments.unsent + (forwards ? s.carried_unsent + s.attachments.carried : 0);
    return p;
}

Result<Interview> Device::start_interview(std::string_view form_id, std::string_view language) {
    if (form_id.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          "the form to interview with is required");
    interview::InterviewStart start;
    start.form_id = form_id;
    start.language = language;
    CANVASS_TRY(auto iv, interview::open_interview(*impl_->store, start));
    return interview_over(std::move(iv));
}

Result<Interview> Device::resume_interview(std::string_view record, std::string_view language) {
    if (record.empty())
        return unexpected(Domain::core, errc::invalid_argument, "the draft to resume is required");
    interview::InterviewStart start;
    start.resume = record;
    start.language = language;
    CANVASS_TRY(auto iv, interview::open_interview(*impl_->store, start));
    return interview_over(std::move(iv));
}

Result<Interview> Device::edit_interview(std::string_view record, std::string_view language) {
    if (record.empty())
        return unexpected(Domain::core, errc::invalid_argument, "the record to edit is required");
    interview::EditStart start;
    start.record = record;
    start.language = language;
    CANVASS_TRY(auto iv, interview::open_edit(*impl_->store, start));
    return interview_over(std::move(iv));
}

Result<TokenInfo> inspect_token(std::string_view text) {
    CANVASS_TRY(auto token, sync::decode_token(text));
    return TokenInfo{token.project,      std::string(sync::role_name(token.role)),
                     token.address,      store::time_text(token.expires_unix * 1000),
                     token.expires_unix, sync::short_fingerprint(token.fingerprint)};
}

Result<Enrollment> Device::enroll(std::string_view token_text, std::string_view fingerprint,
                                  std::unique_ptr<Connection> connection) {
    // The host's connection becomes a Transport first, so that its close() runs whatever
    // happens next.
    auto host = connection ? transport_over(std::move(connection)) : nullptr;
    auto token = sync::decode_token(token_text);
    if (!token) {
        return unexpected(token.error().domain, token.error().code,
                          "this enrollment token cannot be used: " + token.error().message);
    }
    if (!fingerprint.empty()) {
        CANVASS_TRY_VOID(sync::check_fingerprint(*token, fingerprint));
    }
    CANVASS_TRY(auto transport, connect(std::move(host), token->address));
    auto& s = *impl_->store;
    sync::DeviceProjectSink sink(s, token->address, token->server_key, token->fingerprint);
    auto enrolled = sync::enroll(*transport, *token, s.keys(), sink);
    transport->close();
    if (!enrolled) {
        const auto& e = enrolled.error();
        return unexpected(e.domain, e.code, "enrollment refused: " + e.message);
    }
    const auto& w = enrolled->welcome;
    return Enrollment{w.project,
                      std::string(sync::role_name(w.role)),
                      crypto::to_hex(w.device),
                      token->address,
                      sync::short_fingerprint(token->fingerprint),
                      installed(enrolled->forms_received)};
}

Result<SyncOutcome> Device::sync(std::unique_ptr<Connection> connection,
                                 const SyncProgress& progress) {
    auto host = connection ? transport_over(std::move(connection)) : nullptr;
    auto& s = *impl_->store;
    CANVASS_TRY(auto project, s.project());
    if (!project) {
        return unexpected(Domain::core, errc::not_found,
                          "this device is not enrolled in a project (enroll with a token)");
    }
    const auto config = *project;
    CANVASS_TRY(auto transport, connect(std::move(host), config.server_address));
    sync::DeviceReplica replica(s);
    sync::DeviceProjectSink sink(s, config.server_address, config.server_key);
    sync::DeviceMediaReplica media(s);  // attachments follow the changesets
    sync::ClientOptions options;
    options.media = &media;
    if (progress)
        options.progress = [&progress](const sync::ExchangeStats& st) { progress(counts(st)); };
    auto synced =
        sync::run_client_sync(*transport, config.server_key, s.keys(), replica, sink, options);
    transport->close();
    if (!synced) return unexpected(std::move(synced).error());
    const auto& st = synced->stats;
    SyncOutcome out;
    out.project = config.project;
    out.role = sync::role_name(synced->welcome.role);
    out.server = config.server_address;
    out.changesets = counts(st);
    out.evidence = st.evidence;
    out.far_future = st.far_future;
    out.own_returned = st.own_returned;
    out.forms_installed = installed(synced->forms_received);
    for (const auto& e : synced->equivocations)
        out.forks.push_back({crypto::to_hex(e.device), e.seq});
    for (const auto& r : synced->refused)
        out.refused_chains.push_back({crypto::to_hex(r.device), r.seq,
                                      std::string(sync::error_code_name(r.code)), r.message});
    if (synced->media) {
        const auto& m = *synced->media;
        out.attachments =
            AttachmentCounts{m.delivered, m.chunks_sent, m.fetched, m.chunks_received};
    }
    out.bytes_sent = synced->bytes_sent;
    out.bytes_received = synced->bytes_received;
    return out;
}

Result<SyncRun> Device::sync_until_done(const SyncUntilDone& options) {
    using steady = std::chrono::steady_clock;
    const auto deadline = steady::now() + std::chrono::milliseconds(options.give_up_after_ms);
    auto wait = options.wait ? options.wait : [](std::uint64_t ms) {
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    };
    SyncRun run;
    CANVASS_TRY(auto before, pending());
    run.interviews = before.interviews;
    std::optional<Pending> after_last_success;
    for (unsigned retry = 1;; ++retry) {
        auto outcome = sync(nullptr, options.progress);
        Error failure;
        if (outcome) {
            if (options.synced) options.synced(*outcome);
            CANVASS_TRY(run.left, pending());
            if (run.left.empty()) {
                run.end = SyncEnd::delivered;
                return run;
            }
            // A whole sync that delivered nothing more will not deliver it by repeating.
            if (after_last_success == run.left) {
                run.end = SyncEnd::stalled;
                return run;
            }
            after_last_success = run.left;
            failure = Error{Domain::net, errc::unavailable, "more is waiting to be sent"};
        } else {
            failure = std::move(outcome).error();
            CANVASS_TRY(run.left, pending());
            if (!sync_worth_retrying(failure)) {
                run.end = SyncEnd::failed;
                run.failure = std::move(failure);
                return run;
            }
        }
        // An attempt that delivered something before the link dropped: the link works now
        // and then, so the waits start short again.
        if (run.left.interviews < before.interviews || run.left.other < before.other) retry = 1;
        before = run.left;
        const auto wait_ms = sync::retry_delay_ms(retry, impl_->store->random());
        if (steady::now() + std::chrono::milliseconds(wait_ms) > deadline) {
            run.end = SyncEnd::gave_up;
            run.failure = std::move(failure);
            return run;
        }
        if (options.retrying) options.retrying(failure, run.left, wait_ms);
        wait(wait_ms);
    }
}

namespace {

BundleReport bundle_report(const sync::BundleReport& r) {
    return {r.devices, r.changesets, r.evidence, r.attachments, r.attachment_bytes};
}

}  // namespace

Result<BundleReport> Device::export_bundle(const std::string& path) {
    sync::DeviceReplica replica(*impl_->store);
    sync::DeviceMediaReplica media(*impl_->store);
    CANVASS_TRY(auto report, sync::write_bundle(replica, &media, path));
    return bundle_report(report);
}

Result<BundleReport> Device::import_bundle(const std::string& path) {
    auto& s = *impl_->store;
    CANVASS_TRY(auto project, s.project());
    const std::string name = project ? project->project : std::string(store::kUnenrolledProject);
    sync::DeviceReplica replica(s);
    sync::DeviceMediaReplica media(s);
    auto report = sync::read_bundle(replica, &media, path, name, s.clock().now_ms());
    if (!report) {
        const auto& e = report.error();
        return unexpected(e.domain, e.code, path + ": " + e.message);
    }
    return bundle_report(*report);
}

std::optional<std::string> review_state_name(std::string_view state) {
    auto parsed = coordinator::parse_review_state(state);
    if (!parsed) return std::nullopt;
    if (*parsed == coordinator::ReviewState::none) return std::string("none");
    return std::string(coordinator::central_name(*parsed));
}

bool sync_worth_retrying(const Error& error) {
    return sync::worth_retrying(error);
}

std::uint64_t sync_retry_delay_ms(unsigned retry) {
    struct OsRandom final : merge::Random {
        void fill(std::span<std::uint8_t> out) override { crypto::random_bytes(out); }
    } random;
    return sync::retry_delay_ms(retry, random);
}

Interview::Interview(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Interview::Interview(Interview&&) noexcept = default;
Interview& Interview::operator=(Interview&&) noexcept = default;
Interview::~Interview() = default;

interview::FormSession& Interview::session() {
    return *impl_->opened->session;
}
const interview::FormSession& Interview::session() const {
    return *impl_->opened->session;
}

std::optional<std::string> Interview::record_id() const {
    auto id = impl_->opened->record();
    if (!id) return std::nullopt;
    return merge::format_uuid(*id);
}

}  // namespace canvass
