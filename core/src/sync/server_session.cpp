#include "sync/server_session.hpp"

#include <algorithm>

#include "crypto/hash.hpp"
#include "store/keyring.hpp"
#include "sync/enrollment.hpp"
#include "sync/handshake_hint.hpp"
#include "canvass/clock.hpp"
#include "util/log_text.hpp"

namespace canvass::sync {

SyncLimits server_send_limits(const SyncLimits& told) {
    const MessageLimits decoded;  // a client's caps
    SyncLimits out = told;
    out.batch_changesets = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(4ull * told.batch_changesets, decoded.max_batch_changesets));
    out.batch_bytes = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(4ull * told.batch_bytes, decoded.max_batch_bytes / 2));
    return out;
}

namespace {

enum class Phase {
    message1,
    sync_message3,
    enroll_message3,
    enrolled,
    await_hello,
    exchanging,
    media,
    closed
};

crypto::DhKeyPair clone(const crypto::DhKeyPair& k) {
    return {k.public_key, k.secret_key.clone()};
}

std::string short_hex(std::span<const std::uint8_t> id) {
    return crypto::to_hex(id.first(std::min<std::size_t>(id.size(), 8)));
}

std::string token_refusal_text(ErrorCode code) {
    switch (code) {
        case ErrorCode::token_used:
            return "this enrollment token was already used; ask for a new one";
        case ErrorCode::token_expired:
            return "this enrollment token has expired; ask for a new one";
        default:
            return "this enrollment token is not known to the server";
    }
}

}  // namespace

struct ServerSession::State {
    State(ServerDirectory& d, const crypto::DhKeyPair& k, ServerSessionOptions o)
        : dir(d),
          key(k),
          opt(std::move(o)),
          clock(opt.clock ? *opt.clock : canvass::system_clock()),
          assembler(opt.message_limits.max_message_bytes, opt.assembly_budget) {}

    ServerDirectory& dir;
    const crypto::DhKeyPair& key;
    ServerSessionOptions opt;
    merge::Clock& clock;
    Phase phase = Phase::message1;
    std::optional<NoiseHandshake> hs;
    crypto::Sha256 h2{};
    std::optional<TokenRecord> token;
    std::optional<NoiseSession> session;
    MessageAssembler assembler;
    std::optional<DeviceRecord> device;
    std::optional<Exchange> exchange;
    bool media_asked = false;         // the hello said media and this server carries attachments
    std::uint32_t media_version = 0;  // the media version the hello named
    std::optional<MediaResponder> media;
    std::string kind = "session";  // "sync" or "enroll" once known, for logs
    std::string unknown_key;       // a static key that is not enrolled (its first bytes), for logs

    void log(const std::string& line) const {
        if (opt.log) opt.log(kind + " " + who() + " " + line);
    }
    std::string who() const {
        if (!device) {
            if (token) return "token=" + short_hex(token->id);
            return unknown_key.empty() ? "device=?" : "device=? key=" + unknown_key;
        }
        std::string label = device->label.empty() ? "" : " label=\"" + device->label + "\"";
        return "device=" + crypto::to_hex(device->id) + label + " project=" + device->project +
               " role=" + std::string(role_name(device->role));
    }

    // Encrypts one message into frames.
    void send(const Message& m, Output& out) {
        for (const auto& plaintext : split_message(encode_message(m))) {
            auto frame = session->encrypt(plaintext);
            if (!frame) {  // only a 2^64 nonce could do this: give up on the session
                close(out);
                return;
            }
            out.frames.push_back(std::move(frame).value());
        }
    }
    void close(Output& out) {
        out.close = true;
        phase = Phase::closed;
    }
    // Tells the client why, logs it, and ends the session.
    void refuse(ErrorCode code, const std::string& why, Output& out) {
        log("outcome=refused reason=" + std::string(error_code_name(code)) +
            " detail=" + util::log_quoted(why));
        if (session) send(ErrorMessage{code, peer_text(why)}, out);
        close(out);
    }
    void fail_internal(const Error& e, Output& out) {
        log("outcome=error detail=" + util::log_quoted(e.describe()));
        if (session) {
            auto code = refusal_code(e);
            send(ErrorMessage{code, std::string(code == ErrorCode::disk_full
                                                    ? disk_full_text
                                                    : "the server failed; try again later")},
                 out);
        }
        close(out);
    }
    // Whether the server has room for this session now (ServerSessionOptions::admit).
    bool admitted(Output& out) {
        if (!opt.admit || opt.admit()) return true;
        refuse(ErrorCode::unavailable, std::string(busy_text), out);
        return false;
    }

    void on_message1(std::span<const std::uint8_t> frame, Output& out);
    void on_sync_message3(std::span<const std::uint8_t> frame, Output& out);
    void on_enroll_message3(std::span<const std::uint8_t> frame, Output& out);
    void on_transport_frame(std::span<const std::uint8_t> frame, Output& out);
    void on_message(Message m, Output& out);
    void welcome(Output& out);
    void answer_form(const FormMessage& m, Output& out);
    void start_exchange(Output& out);
    std::optional<ErrorCode> check_token(const TokenRecord& t) const;
};

void ServerSession::State::on_message1(std::span<const std::uint8_t> frame, Output& out) {
    // Sync is tried first (it is the common case); message 1 decrypts under exactly one.
    auto sync = NoiseHandshake::responder(NoisePattern::xk, as_bytes(sync_prologue), clone(key));
    if (sync) {
        auto payload = sync->read_message(frame);
        if (payload && payload->empty()) {
            kind = "sync";
            auto m2 = sync->write_message({});
            if (!m2) return fail_internal(m2.error(), out);
            out.frames.push_back(std::move(m2).value());
            hs.emplace(std::move(sync).value());
            phase = Phase::sync_message3;
            return;
        }
    }
    auto enroll =
        NoiseHandshake::responder(NoisePattern::xk_psk3, as_bytes(enroll_prologue), clone(key));
    if (!enroll) return fail_internal(enroll.error(), out);
    auto payload = enroll->read_message(frame);
    if (!payload || payload->size() != TokenId{}.size()) {
        log("outcome=refused reason=handshake detail=\"message 1 is not a canvass handshake for "
            "this "
            "server's key\"");
        out.frames.push_back(handshake_hint_frame(HandshakeHint::wrong_key));
        return close(out);
    }
    kind = "enroll";
    TokenId id{};
    std::copy(payload->begin(), payload->end(), id.begin());
    auto found = dir.token(id);
    if (!found) return fail_internal(found.error(), out);
    Bytes reply;  // message 2's payload: empty, or why the token is refused
    std::optional<ErrorCode> refusal = *found ? check_token(**found) : ErrorCode::invalid_token;
    if (*found)
        token = std::move(**found);
    else
        token = TokenRecord{id, {}, {}, Role::collector, 0, false, {}};
    if (!refusal) {
        auto set = enroll->set_psk(token->secret.clone());
        if (!set) return fail_internal(set.error(), out);
    } else {
        reply = encode_message(ErrorMessage{*refusal, token_refusal_text(*refusal)});
        log("outcome=refused reason=" + std::string(error_code_name(*refusal)));
    }
    auto m2 = enroll->write_message(reply);
    if (!m2) return fail_internal(m2.error(), out);
    out.frames.push_back(std::move(m2).value());
    if (refusal) return close(out);
    h2 = enroll->handshake_hash();
    hs.emplace(std::move(enroll).value());
    phase = Phase::enroll_message3;
}

std::optional<ErrorCode> ServerSession::State::check_token(const TokenRecord& t) const {
    if (t.used) return ErrorCode::token_used;
    if (clock.now_ms() / 1000 >= t.expires_unix) return ErrorCode::token_expired;
    return std::nullopt;
}

void ServerSession::State::on_sync_message3(std::span<const std::uint8_t> frame, Output& out) {
    auto payload = hs->read_message(frame);
    if (!payload || !payload->empty() || !hs->remote_static()) {
        log("outcome=refused reason=handshake detail=\"message 3 did not verify\"");
        return close(out);
    }
    auto split = hs->split();
    if (!split) return fail_internal(split.error(), out);
    session.emplace(std::move(split).value());
    auto remote = *hs->remote_static();
    hs.reset();
    if (!admitted(out)) return;
    auto found = dir.device_by_transport_key(remote);
    if (!found) return fail_internal(found.error(), out);
    if (!*found) {
        unknown_key = short_hex(remote);
        return refuse(ErrorCode::unknown_device,
                      "this device is not enrolled on this server; enroll it with a token first",
                      out);
    }
    device = std::move(**found);
    if (auto seen = dir.device_seen(device->id, clock.now_ms() / 1000); !seen)
        log("outcome=warning detail=\"cannot note the last-seen time: " + seen.error().message +
            "\"");
    if (device->revoked)
        return refuse(ErrorCode::revoked, "this device was revoked by the server's administrator",
                      out);
    if (opt.admit_device && !opt.admit_device(device->id))
        return refuse(ErrorCode::limit,
                      "this device already holds " + std::to_string(opt.admit_device_cap) +
                          " sessions with the server, the most one device may; let them finish, "
                          "then sync again",
                      out);
    phase = Phase::await_hello;
}

void ServerSession::State::on_enroll_message3(std::span<const std::uint8_t> frame, Output& out) {
    auto payload = hs->read_message(frame);
    if (!payload || !hs->remote_static()) {
        log("outcome=refused reason=handshake detail=\"message 3 did not verify: wrong token "
            "secret?\"");
        return close(out);
    }
    auto split = hs->split();
    if (!split) return fail_internal(split.error(), out);
    session.emplace(std::move(split).value());
    auto transport_key = *hs->remote_static();
    hs.reset();
    if (!admitted(out)) return;
    auto request = decode_enroll_request(*payload);
    if (!request) return refuse(ErrorCode::protocol, request.error().message, out);
    if (!crypto::verify(request->signature, enroll_binding(h2, transport_key, token->id),
                        request->signing_key))
        return refuse(ErrorCode::forbidden,
                      "the device's signature does not bind its key to this enrollment", out);
    DeviceRecord record;
    record.id = store::device_id_of(request->signing_key);
    record.project = token->project;
    record.role = token->role;
    record.signing_key = request->signing_key;
    record.transport_key = transport_key;
    record.enrolled_unix = clock.now_ms() / 1000;
    record.label = token->label;
    record.last_seen_unix = record.enrolled_unix;
    device = record;
    auto enrolled = dir.enroll_device(token->id, record);
    if (!enrolled) {
        const auto& e = enrolled.error();
        if (e.domain == Domain::auth)
            return refuse(
                e.code == errc::already_exists ? ErrorCode::token_used : ErrorCode::forbidden,
                e.message, out);
        return fail_internal(enrolled.error(), out);
    }
    log("outcome=ok");
    phase = Phase::enrolled;
    welcome(out);
}

void ServerSession::State::welcome(Output& out) {
    auto project = dir.project(device->project);
    if (!project) return fail_internal(project.error(), out);
    Welcome w;
    w.project = project->name;
    w.role = device->role;
    w.device = device->id;
    w.label = device->label;
    w.server_time_ms = clock.now_ms();
    w.recipients = project->recipients;
    w.forms = project->forms;
    w.limits = opt.limits;
    if (media_asked) w.media = opt.media;
    send(w, out);
}

void ServerSession::State::answer_form(const FormMessage& m, Output& out) {
    if (m.body) return refuse(ErrorCode::protocol, "clients do not send form bodies", out);
    auto body = dir.form_body(device->project, m.id, m.version);
    if (!body) return fail_internal(body.error(), out);
    if (!*body)
        return refuse(ErrorCode::not_found, "no form " + m.id + " version " + m.version, out);
    send(FormMessage{m.id, m.version, std::move(**body)}, out);
}

void ServerSession::State::start_exchange(Output& out) {
    auto replica = dir.replica(device->project);
    if (!replica) return fail_internal(replica.error(), out);
    Exchange::Options xo;
    xo.initiator = false;
    xo.send_limits = server_send_limits(opt.limits);
    xo.clock = &clock;
    xo.verify.project = device->project;
    xo.verify.sender = device->id;
    xo.verify.now_ms = clock.now_ms();
    xo.verify.future_threshold_ms = opt.future_threshold_ms;
    xo.verify.is_coordinator = [this](const merge::DeviceId& id) -> Result<bool> {
        CANVASS_TRY(auto author, dir.device(id));
        return author && author->project == device->project && author->role == Role::coordinator &&
               !author->revoked;
    };
    xo.verify.on_unauthorized = [this](const UnauthorizedChange& change) {
        log("outcome=flagged author=" + crypto::to_hex(change.device) +
            " record=" + merge::format_uuid(change.record) + " seq=" + std::to_string(change.seq) +
            " reason=\"changes a record it may not\"");
        if (auto flagged = dir.flag_unauthorized(device->project, change, device->id); !flagged)
            log("outcome=error detail=\"could not flag the device: " + flagged.error().describe() +
                "\"");
    };
    exchange.emplace(**replica, server_policy(device->role, device->id), std::move(xo));
    phase = Phase::exchanging;
    for (const auto& m : exchange->start()) send(m, out);
}

void ServerSession::State::on_message(Message m, Output& out) {
    if (auto* e = std::get_if<ErrorMessage>(&m)) {
        log("outcome=aborted detail=\"client error " + std::string(error_code_name(e->code)) +
            "\"");
        return close(out);
    }
    if (auto* f = std::get_if<FormMessage>(&m);
        f && (phase == Phase::enrolled || phase == Phase::exchanging))
        return answer_form(*f, out);
    switch (phase) {
        case Phase::enrolled:
            if (!std::holds_alternative<Bye>(m)) break;
            send(Bye{}, out);
            return close(out);
        case Phase::await_hello:
            if (!std::holds_alternative<Hello>(m)) break;
            media_version = std::get<Hello>(m).media;
            media_asked = media_version > 0 && dir.media_vault() != nullptr;
            welcome(out);
            if (phase != Phase::closed) start_exchange(out);
            return;
        case Phase::exchanging: {
            const auto refused_before = exchange->refused().size();
            for (const auto& reply : exchange->receive(m)) send(reply, out);
            for (auto i = refused_before; i < exchange->refused().size(); ++i) {
                const auto& r = exchange->refused()[i];
                log("outcome=refused_run chain=" + crypto::to_hex(r.device) + " seq=" +
                    std::to_string(r.seq) + " reason=" + std::string(error_code_name(r.code)) +
                    " detail=" + util::log_quoted(r.message));
            }
            const auto& s = exchange->stats();
            if (exchange->failed()) {
                log("outcome=refused detail=" + util::log_quoted(exchange->error().message));
                return close(out);
            }
            if (exchange->finished()) {
                log("outcome=ok sent=" + std::to_string(s.sent) + " received=" +
                    std::to_string(s.received) + " stored=" + std::to_string(s.stored) +
                    " evidence=" + std::to_string(s.evidence) +
                    " refused_runs=" + std::to_string(s.refused_runs) +
                    " future_clock=" + std::to_string(s.far_future));
                if (!media_asked) return close(out);
                media.emplace(
                    *dir.media_vault(), device->project, device->id, device->role, opt.media,
                    [this](const merge::DeviceId& author)
                        -> Result<std::optional<crypto::SigningPublicKey>> {
                        CANVASS_TRY(auto d, dir.device(author));
                        if (!d || d->project != device->project)
                            return std::optional<crypto::SigningPublicKey>();
                        return std::optional<crypto::SigningPublicKey>(d->signing_key);
                    },
                    media_version);
                phase = Phase::media;
            }
            return;
        }
        case Phase::media: {
            for (const auto& reply : media->receive(m)) send(reply, out);
            const auto& ms = media->stats();
            if (media->failed()) {
                log("outcome=refused phase=media detail=" +
                    util::log_quoted(media->error().message));
                return close(out);
            }
            if (media->done()) {
                log("outcome=ok phase=media offered=" + std::to_string(ms.offered) +
                    " chunks_received=" + std::to_string(ms.chunks_received) +
                    " delivered=" + std::to_string(ms.delivered) +
                    " chunks_sent=" + std::to_string(ms.chunks_sent));
                return close(out);
            }
            return;
        }
        default:
            break;
    }
    refuse(ErrorCode::protocol, "unexpected " + std::string(message_name(m)) + " message", out);
}

void ServerSession::State::on_transport_frame(std::span<const std::uint8_t> frame, Output& out) {
    auto plaintext = session->decrypt(frame);
    if (!plaintext) {
        log("outcome=refused reason=protocol detail=\"a frame failed authentication\"");
        return close(out);  // the stream is out of step: nothing more can be said
    }
    auto message = assembler.add(*plaintext);
    if (!message)
        return refuse(
            message.error().code == errc::unavailable ? ErrorCode::unavailable : ErrorCode::limit,
            message.error().message, out);
    // One device's sessions together hold at most its share of the budget: the rest stays
    // for the others.
    if (device && opt.device_assembly && !opt.device_assembly(assembler.charged())) {
        log("outcome=refused reason=unavailable detail=\"this device's unfinished messages hold "
            "its whole share of the server's memory\"");
        return refuse(ErrorCode::unavailable, std::string(busy_text), out);
    }
    if (!*message) return;
    auto decoded = decode_message(**message, opt.message_limits);
    if (!decoded) {
        auto code =
            decoded.error().code == errc::limit_exceeded ? ErrorCode::limit : ErrorCode::protocol;
        return refuse(code, decoded.error().message, out);
    }
    on_message(std::move(decoded).value(), out);
}

ServerSession::ServerSession(ServerDirectory& directory, const crypto::DhKeyPair& server_key,
                             ServerSessionOptions options)
    : s_(std::make_unique<State>(directory, server_key, std::move(options))) {}

ServerSession::~ServerSession() = default;

bool ServerSession::handshaking() const {
    return s_->phase == Phase::message1 || s_->phase == Phase::sync_message3 ||
           s_->phase == Phase::enroll_message3;
}
bool ServerSession::closed() const {
    return s_->phase == Phase::closed;
}
std::string ServerSession::who() const {
    return s_->who();
}

ServerSession::Output ServerSession::on_frame(std::span<const std::uint8_t> frame) {
    Output out;
    try {
        switch (s_->phase) {
            case Phase::message1:
                s_->on_message1(frame, out);
                break;
            case Phase::sync_message3:
                s_->on_sync_message3(frame, out);
                break;
            case Phase::enroll_message3:
                s_->on_enroll_message3(frame, out);
                break;
            case Phase::closed:
                out.close = true;
                break;
            default:
                s_->on_transport_frame(frame, out);
                break;
        }
    } catch (const std::exception& e) {  // never let one session's surprise escape
        s_->log("outcome=error detail=" + util::log_quoted(e.what()));
        s_->close(out);
    }
    return out;
}

Result<void> serve_blocking(Transport& transport, ServerSession& session) {
    while (!session.closed()) {
        CANVASS_TRY(auto frame, transport.receive_frame());
        auto out = session.on_frame(frame);
        for (const auto& f : out.frames) CANVASS_TRY_VOID(transport.send_frame(f));
        if (out.close) break;
    }
    transport.close();
    return {};
}

}  // namespace canvass::sync
