#include "commands.hpp"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/hash.hpp"
#include "crypto/random.hpp"
#include "data_dir.hpp"
#include "form/loader.hpp"
#include "net/tcp_transport.hpp"
#include "qr.hpp"
#include "sync/token.hpp"

namespace canvass::server {
namespace {

using json = nlohmann::json;

std::uint64_t now_unix() {
    return static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

int fail(const Error& e) {
    std::cerr << "canvass-server: " << e.message << "\n";
    return 1;
}
int fail(const std::string& message) { return fail(Error{Domain::core, errc::invalid_argument, message}); }

std::string date_of(std::uint64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &utc);
    return buf;
}

// A recipient key as `canvass keys create` prints it: 64 lowercase (or uppercase) hex digits.
Result<crypto::DhPublicKey> parse_recipient(const std::string& text) {
    crypto::DhPublicKey key{};
    if (!crypto::from_hex(text, key))
        return unexpected(Domain::core, errc::invalid_argument,
                          "recipient key \"" + text + "\" is not 64 hex digits (a public key from `canvass keys create`)");
    // A low-order point would let anyone open what is sealed to it: refuse it now.
    if (!crypto::dh(crypto::SecretBytes::random(32), key))
        return unexpected(Domain::core, errc::invalid_argument, "recipient key \"" + text + "\" is not a usable X25519 key");
    return key;
}

}  // namespace

std::optional<std::uint64_t> parse_duration(const std::string& text) {
    if (text.size() < 2 || text.size() > 12) return std::nullopt;
    std::string digits = text.substr(0, text.size() - 1);
    if (digits.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    std::uint64_t n = std::stoull(digits);
    std::uint64_t unit;
    switch (text.back()) {
        case 's': unit = 1; break;
        case 'm': unit = 60; break;
        case 'h': unit = 3600; break;
        case 'd': unit = 86400; break;
        default: return std::nullopt;
    }
    if (n == 0 || n > 3650 * 86400 / unit) return std::nullopt;
    return n * unit;
}

int cmd_init(const std::filesystem::path& data, const std::string& address, bool as_json) {
    if (!address.empty()) {
        if (auto a = net::parse_address(address); !a) return fail(a.error());
    }
    auto key = init_data_dir(data);
    if (!key) return fail(key.error());
    if (!address.empty()) {
        auto store = open_data_store(data);
        if (!store) return fail(store.error());
        if (auto r = (*store)->set_setting("address", address); !r) return fail(r.error());
    }
    auto hex = crypto::to_hex(*key);
    if (as_json) std::cout << json{{"public_key", hex}, {"data", data.string()}}.dump() << "\n";
    else std::cout << hex << "\n";
    std::cerr << "initialized " << data.string() << "; the line above is the server's public key\n";
    return 0;
}

int cmd_project_create(const std::filesystem::path& data, const std::string& name,
                       const std::vector<std::string>& recipients) {
    std::vector<crypto::DhPublicKey> keys;
    for (const auto& r : recipients) {
        auto k = parse_recipient(r);
        if (!k) return fail(k.error());
        keys.push_back(*k);
    }
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    if (auto r = (*store)->create_project(name, keys, now_unix()); !r) return fail(r.error());
    std::cout << "created project " << name << " with " << keys.size() << " recipient key(s)\n";
    return 0;
}

int cmd_form_publish(const std::filesystem::path& data, const std::string& project, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof()) return fail("cannot read " + file);
    std::string body = text.str();
    auto form = form::load_form(body);
    if (!form) {
        for (const auto& p : form.error()) std::cerr << file << ": " << form::describe(p) << "\n";
        std::cerr << "canvass-server: " << file << " is not a valid form; nothing was published\n";
        return 1;
    }
    const auto& settings = form.value().settings();
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto ref = (*store)->publish_form(project, settings.form_id, settings.version, body, now_unix());
    if (!ref) return fail(ref.error());
    std::cout << "published form " << ref->id << " version " << ref->version << " to " << project << " (hash "
              << crypto::to_hex(ref->hash).substr(0, 16) << ")\n";
    return 0;
}

int cmd_token_create(const std::filesystem::path& data, const TokenRequest& req) {
    auto seconds = parse_duration(req.expires);
    if (!seconds) return fail("--expires \"" + req.expires + "\" is not a duration like 72h, 7d or 30m");
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto key = load_server_key(data);
    if (!key) return fail(key.error());
    std::string address = req.address;
    if (address.empty()) {
        auto saved = (*store)->setting("address");
        if (!saved) return fail(saved.error());
        if (!*saved) return fail("give --address HOST:PORT (where devices reach this server), or set it with init --address");
        address = **saved;
    }
    if (auto a = net::parse_address(address); !a) return fail(a.error());
    sync::EnrollmentToken token;
    token.address = address;
    token.server_key = key->public_key;
    token.id = crypto::random_array<16>();
    token.secret = crypto::SecretBytes::random(32);
    token.project = req.project;
    token.expires_unix = now_unix() + *seconds;
    token.role = *sync::parse_role(req.role);
    sync::TokenRecord record{token.id, token.secret.clone(), token.project, token.role, token.expires_unix, false};
    if (auto r = (*store)->create_token(record, now_unix()); !r) return fail(r.error());
    auto text = sync::encode_token(token);
    if (req.json) {
        std::cout << json{{"token", text}, {"project", token.project}, {"role", req.role},
                          {"expires", token.expires_unix}, {"address", address}}.dump() << "\n";
        return 0;
    }
    std::cout << text << "\n";
    if (::isatty(STDOUT_FILENO)) {
        std::string upper = text;  // uppercase fits QR's compact alphanumeric mode
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (auto qr = render_qr(upper, req.dark_on_light)) std::cout << *qr;
        std::cout << "single use, " << req.role << " of " << token.project << ", valid until "
                  << date_of(token.expires_unix) << "\n";
    }
    return 0;
}

int cmd_run(const std::filesystem::path& data, ListenOptions options) {
    auto key = load_server_key(data);
    if (!key) return fail(key.error());
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    std::signal(SIGPIPE, SIG_IGN);
    StderrLogger log;
    auto done = run_server(**store, *key, options, log, [](const std::string& address) {
        std::cout << "listening on " << address << std::endl;
    });
    if (!done) return fail(done.error());
    return 0;
}

int cmd_devices(const std::filesystem::path& data, bool as_json) {
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    auto devices = (*store)->devices();
    if (!devices) return fail(devices.error());
    auto flagged = (*store)->flagged_devices();
    if (!flagged) return fail(flagged.error());
    auto flag_of = [&](const sync::DeviceRecord& d) -> const FlaggedDevice* {
        for (const auto& f : *flagged)
            if (f.device == d.id && f.project == d.project) return &f;
        return nullptr;
    };
    json out = json::array();
    for (const auto& d : *devices) {
        const auto* flag = flag_of(d);
        json refused = flag ? json{{"changesets", flag->refused}, {"last", flag->last_reason}} : json();
        out.push_back({{"device", crypto::to_hex(d.id)}, {"project", d.project}, {"role", sync::role_name(d.role)},
                       {"enrolled", d.enrolled_unix}, {"revoked", d.revoked}, {"refused_changes", refused}});
        if (!as_json) {
            std::cout << crypto::to_hex(d.id) << "  " << d.project << "  " << sync::role_name(d.role) << "  enrolled "
                      << date_of(d.enrolled_unix) << (d.revoked ? "  REVOKED" : "")
                      << (flag ? "  FLAGGED: " + std::to_string(flag->refused) +
                                     " refused change(s) of records it may not change"
                               : std::string()) << "\n";
            if (flag) std::cout << "    last: " << flag->last_reason << "\n";
        }
    }
    if (as_json) std::cout << out.dump() << "\n";
    else if (devices->empty()) std::cout << "no enrolled devices\n";
    return 0;
}

int cmd_revoke(const std::filesystem::path& data, const std::string& device) {
    merge::DeviceId id{};
    if (!crypto::from_hex(device, id)) return fail("\"" + device + "\" is not a device id (32 hex digits; see `devices`)");
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    if (auto r = (*store)->revoke(id, now_unix()); !r) return fail(r.error());
    std::cout << "revoked " << crypto::to_hex(id) << ": its next sync will be refused\n";
    return 0;
}

int cmd_stats(const std::filesystem::path& data, const std::string& project, bool as_json) {
    auto store = open_data_store(data);
    if (!store) return fail(store.error());
    std::vector<std::string> names{project};
    if (project.empty()) {
        auto all = (*store)->project_names();
        if (!all) return fail(all.error());
        names = *all;
    }
    json out = json::array();
    for (const auto& name : names) {
        auto s = (*store)->stats(name, now_unix());
        if (!s) return fail(s.error());
        json j = {{"project", s->project}, {"devices", s->devices}, {"revoked_devices", s->revoked_devices},
                  {"records", s->records}, {"changesets", s->changesets}, {"equivocations", s->equivocations},
                  {"equivocating_devices", s->equivocating_devices}, {"future_clock", s->future_clock},
                  {"refused_changes", s->refused_changes}, {"refusing_devices", s->refusing_devices},
                  {"open_tokens", s->open_tokens}, {"state_digest", crypto::to_hex(s->state_digest)}};
        if (!as_json) {
            std::cout << "project " << s->project << "\n";
            for (const char* k : {"devices", "revoked_devices", "records", "changesets", "equivocations",
                                  "equivocating_devices", "future_clock", "refused_changes", "refusing_devices",
                                  "open_tokens", "state_digest"})
                std::cout << "  " << k << ": " << (j[k].is_string() ? j[k].get<std::string>() : j[k].dump()) << "\n";
        }
        out.push_back(std::move(j));
    }
    if (as_json) std::cout << (project.empty() ? out : out.at(0)).dump() << "\n";
    return 0;
}

}  // namespace canvass::server
