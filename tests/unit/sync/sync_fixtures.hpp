// Test fixtures for the sync protocol: devices that author chains, an in-memory server
// directory, and a harness running the real client and server session over a memory link.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <thread>

#include "crypto/box.hpp"
#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "merge/authority.hpp"
#include "merge/changeset.hpp"
#include "merge/hlc.hpp"
#include "store/keyring.hpp"
#include "sync/client.hpp"
#include "sync/directory.hpp"
#include "sync/memory_replica.hpp"
#include "sync/memory_transport.hpp"
#include "sync/server_session.hpp"

namespace canvass::sync::testing {

inline constexpr std::uint64_t kNowMs = 1'790'000'000'000;  // late 2026
inline const std::string kProject = "vendors-2026";

// A device with its keys and its own chain.
struct TestDevice {
    store::DeviceKeys keys = store::generate_device_keys();
    MemoryReplica replica;
    merge::Hash last{};
    std::uint64_t seq = 0;

    // Saves `n` interviews: n changesets appended to the device's own chain.
    void author(int n, std::uint64_t hlc_ms = kNowMs, const std::string& project = kProject) {
        for (int i = 0; i < n; ++i) replica.append_own(next(hlc_ms, project), keys.signing);
    }
    // Saves a change of `record` (an edit, or with delete_record a delete), whoever created
    // it: what a tampered client signs when it changes another device's record.
    void change(const merge::RecordId& record, merge::OpKind kind = merge::OpKind::set) {
        auto cs = next();
        cs.header.record = record;
        cs.header.ops = {merge::Op{kind == merge::OpKind::delete_record ? "" : "age", kind, {}}};
        last = merge::changeset_hash(cs);
        replica.append_own(cs, keys.signing);
    }
    // The record created by changeset `seq` of this device (by author()).
    merge::RecordId record_of(std::uint64_t seq) {
        auto bytes = replica.changesets(keys.id, seq, seq).value();
        return merge::decode(bytes.front()).value().header.record;
    }
    // The next changeset of this device's chain (advances the chain without storing it).
    merge::Changeset next(std::uint64_t hlc_ms = kNowMs, const std::string& project = kProject) {
        merge::Changeset cs;
        auto& h = cs.header;
        h.device = keys.id;
        h.seq = ++seq;
        h.prev = last;
        h.hlc = merge::make_hlc(hlc_ms, seq);
        h.project = project;
        h.form_id = "street_vendors";
        h.form_version = "1";
        h.nonce = crypto::random_array<24>();
        h.record = merge::record_id_for(keys.id, h.nonce);  // a new record of this device
        h.ops.push_back(merge::Op{"age", merge::OpKind::set, {}});
        auto noise = crypto::random_array<48>();
        cs.ciphertext.assign(noise.begin(), noise.end());
        last = merge::changeset_hash(cs);
        return cs;
    }
};

// Forms and project state the device receives.
class MemorySink final : public ProjectSink {
  public:
    Result<void> on_welcome(const Welcome& w) override {
        welcome = w;
        ++welcomes;
        return {};
    }
    bool has_form(const FormRef& f) override { return forms.contains(f.id + "@" + f.version); }
    Result<void> add_form(const FormRef& f, std::string_view body) override {
        forms[f.id + "@" + f.version] = std::string(body);
        return {};
    }
    std::optional<Welcome> welcome;
    int welcomes = 0;
    std::map<std::string, std::string> forms;
};

// The server's devices, tokens, projects and replicas, in memory.
class MemoryDirectory final : public ServerDirectory {
  public:
    struct Project {
        ProjectInfo info;
        std::map<std::string, std::string> bodies;  // "id@version" -> JSON
        MemoryReplica replica;
    };

    Project& add_project(const std::string& name) {
        auto& p = projects[name];
        p.info.name = name;
        p.info.recipients.push_back(store::first_statement(name, crypto::generate_dh_key()));
        return p;
    }
    void publish(const std::string& project, const std::string& id, const std::string& version,
                 const std::string& body) {
        auto& p = projects.at(project);
        p.info.forms.push_back(FormRef{id, version, crypto::blake2b_256(body)});
        p.bodies[id + "@" + version] = body;
    }
    void add_device(const store::DeviceKeys& keys, Role role,
                    const std::string& project = kProject) {
        DeviceRecord r;
        r.id = keys.id;
        r.project = project;
        r.role = role;
        r.signing_key = keys.signing.public_key;
        r.transport_key = keys.transport.public_key;
        devices[keys.id] = r;
    }
    // A fresh token; its text as a device would receive it.
    EnrollmentToken add_token(const crypto::DhPublicKey& server_key, Role role,
                              std::uint64_t expires_unix, const std::string& project = kProject) {
        EnrollmentToken t;
        t.address = "127.0.0.1:1";
        t.server_key = server_key;
        t.id = crypto::random_array<16>();
        t.secret = crypto::SecretBytes::random(32);
        t.project = project;
        t.expires_unix = expires_unix;
        t.role = role;
        tokens[t.id] = TokenRecord{t.id, t.secret.clone(), project, role, expires_unix, false, {}};
        return t;
    }
    Replica& replica_of(const std::string& project = kProject) {
        return projects.at(project).replica;
    }
    MemoryReplica& memory_replica(const std::string& project = kProject) {
        return projects.at(project).replica;
    }

    Result<std::optional<DeviceRecord>> device_by_transport_key(
        const crypto::DhPublicKey& key) override {
        for (const auto& [id, d] : devices)
            if (d.transport_key == key) return std::optional<DeviceRecord>{d};
        return std::optional<DeviceRecord>{};
    }
    Result<std::optional<DeviceRecord>> device(const merge::DeviceId& id) override {
        auto it = devices.find(id);
        if (it == devices.end()) return std::optional<DeviceRecord>{};
        return std::optional<DeviceRecord>{it->second};
    }
    Result<void> device_seen(const merge::DeviceId& id, std::uint64_t now_unix) override {
        if (auto it = devices.find(id); it != devices.end()) it->second.last_seen_unix = now_unix;
        return {};
    }
    Result<std::optional<TokenRecord>> token(const TokenId& id) override {
        auto it = tokens.find(id);
        if (it == tokens.end()) return std::optional<TokenRecord>{};
        const auto& t = it->second;
        return std::optional<TokenRecord>{TokenRecord{t.id, t.secret.clone(), t.project, t.role,
                                                      t.expires_unix, t.used, t.label}};
    }
    Result<void> enroll_device(const TokenId& token, const DeviceRecord& device) override {
        auto& t = tokens.at(token);
        if (t.used)
            return unexpected(Domain::auth, errc::already_exists,
                              "this enrollment token was already used");
        if (devices.contains(device.id))
            return unexpected(Domain::auth, errc::permission_denied,
                              "this device is already enrolled");
        t.used = true;
        devices[device.id] = device;
        return {};
    }
    Result<ProjectInfo> project(const std::string& name) override { return projects.at(name).info; }
    Result<std::optional<std::string>> form_body(const std::string& project, const std::string& id,
                                                 const std::string& version) override {
        auto& bodies = projects.at(project).bodies;
        auto it = bodies.find(id + "@" + version);
        if (it == bodies.end()) return std::optional<std::string>{};
        return std::optional<std::string>{it->second};
    }
    Result<Replica*> replica(const std::string& project) override {
        return &projects.at(project).replica;
    }
    Result<void> flag_unauthorized(const std::string& project, const UnauthorizedChange& change,
                                   const merge::DeviceId& delivered_by) override {
        flagged.push_back({project, change, delivered_by});
        return {};
    }

    struct Flag {
        std::string project;
        UnauthorizedChange change;
        merge::DeviceId delivered_by{};
    };
    std::vector<Flag> flagged;
    std::map<std::string, Project> projects;
    std::map<merge::DeviceId, DeviceRecord> devices;
    std::map<TokenId, TokenRecord> tokens;
};

// A server (key, directory, clock) and a way to run one client session against it.
struct Harness {
    Harness() { directory.add_project(kProject); }

    crypto::DhKeyPair server_key = crypto::generate_dh_key();
    MemoryDirectory directory;
    merge::ManualClock clock{kNowMs};
    SyncLimits limits;
    std::vector<std::string> log;
    std::mutex log_mutex;

    ServerSessionOptions server_options() {
        ServerSessionOptions o;
        o.limits = limits;
        o.clock = &clock;
        o.log = [this](const std::string& line) {
            std::lock_guard lock(log_mutex);
            log.push_back(line);
        };
        return o;
    }
    ClientOptions client_options() {
        ClientOptions o;
        o.clock = &clock;
        return o;
    }

    // Runs `client` (given the client end) against a fresh server session on another thread.
    template <class F>
    auto run(F&& client, MemoryLinkOptions link = {}) {
        auto [c, s] = memory_transport_pair(std::move(link));
        ServerSession session(directory, server_key, server_options());
        std::thread server([&, t = s.get()] { (void)serve_blocking(*t, session); });
        auto result = client(*c);
        c->close();
        server.join();
        return result;
    }

    Result<SyncReport> sync(TestDevice& device, MemorySink& sink, MemoryLinkOptions link = {},
                            ClientOptions options = {}) {
        if (!options.clock) options.clock = &clock;
        return run(
            [&](Transport& t) {
                return run_client_sync(t, server_key.public_key, device.keys, device.replica, sink,
                                       options);
            },
            std::move(link));
    }
    Result<SyncReport> sync(TestDevice& device) {
        MemorySink sink;
        return sync(device, sink);
    }
};

}  // namespace canvass::sync::testing
