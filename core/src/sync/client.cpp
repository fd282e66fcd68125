#include "sync/client.hpp"

#include "crypto/hash.hpp"
#include "sync/channel.hpp"
#include "sync/enrollment.hpp"
#include "sync/frame.hpp"
#include "sync/handshake_hint.hpp"
#include "sync/noise.hpp"
#include "canvass/clock.hpp"

namespace canvass::sync {
namespace {

crypto::DhKeyPair clone(const crypto::DhKeyPair& k) {
    return {k.public_key, k.secret_key.clone()};
}

// What a failed message 2 means to the person running the command. Only a message 2 that
// does not verify proves a wrong key; a connection that ends says nothing about keys.
Error server_handshake_error(const Error& e) {
    if (e.domain == Domain::net && e.code == errc::io)
        return Error{
            Domain::net, errc::io,
            "lost the connection to the server during the handshake (it stopped, or the network "
            "failed); try again"};
    if (e.domain == Domain::net) return e;
    return Error{Domain::protocol, errc::wrong_key,
                 "the server could not prove it holds the server key this device trusts (" +
                     e.message + "); refusing to talk to it"};
}

// What a server's hint in place of message 2 means. Unauthenticated, so it only chooses the
// explanation (handshake_hint.hpp): nothing the device trusts changes.
Error hint_error(HandshakeHint hint) {
    if (hint == HandshakeHint::busy)
        return Error{Domain::net, errc::unavailable, std::string(busy_text)};
    return Error{
        Domain::protocol, errc::wrong_key,
        "the server at this address does not hold the server key this device trusts (another "
        "server answers there, or its key was replaced); refusing to talk to it: check the "
        "address, or enroll again with a new token"};
}

// Message 2, or why there is none.
Result<Bytes> receive_message2(Transport& t) {
    auto m2 = t.receive_frame();
    if (!m2) return unexpected(server_handshake_error(m2.error()));
    if (auto hint = read_handshake_hint(*m2)) return unexpected(hint_error(*hint));
    return m2;
}

// The next message, with an `error` from the server turned into the local Error.
Result<Message> receive_from_server(SecureChannel& channel) {
    CANVASS_TRY(Message m, channel.receive());
    if (const auto* e = std::get_if<ErrorMessage>(&m)) return unexpected(peer_error(*e, "server"));
    return m;
}

// Sends a message; if the connection is gone, the server may have said why just before
// closing it (a refused device): that explanation is the better error.
Result<void> send_or_explain(SecureChannel& channel, const Message& m) {
    auto sent = channel.send(m);
    if (sent || sent.error().domain != Domain::net) return sent;
    auto why = channel.receive();
    if (why && std::holds_alternative<ErrorMessage>(*why))
        return unexpected(peer_error(std::get<ErrorMessage>(*why), "server"));
    return sent;
}

Result<Welcome> receive_welcome(SecureChannel& channel, const store::DeviceKeys& keys) {
    CANVASS_TRY(Message m, receive_from_server(channel));
    auto* w = std::get_if<Welcome>(&m);
    if (!w)
        return unexpected(
            Domain::protocol, errc::invalid_argument,
            "the server sent " + std::string(message_name(m)) + " instead of welcome");
    if (w->device != keys.id)
        return unexpected(Domain::protocol, errc::invalid_argument,
                          "the server welcomed another device id than this device's");
    return std::move(*w);
}

// Requests every form version the sink lacks (all requests first, then the answers, in order).
Result<std::vector<FormRef>> fetch_forms(SecureChannel& channel, const Welcome& welcome,
                                         ProjectSink& sink) {
    std::vector<FormRef> wanted;
    for (const auto& f : welcome.forms)
        if (!sink.has_form(f)) wanted.push_back(f);
    for (const auto& f : wanted)
        CANVASS_TRY_VOID(send_or_explain(channel, FormMessage{f.id, f.version, std::nullopt}));
    for (const auto& f : wanted) {
        CANVASS_TRY(Message m, receive_from_server(channel));
        auto* form = std::get_if<FormMessage>(&m);
        if (!form || !form->body || form->id != f.id || form->version != f.version)
            return unexpected(
                Domain::protocol, errc::invalid_argument,
                "the server did not answer the request for form " + f.id + " " + f.version);
        if (crypto::blake2b_256(*form->body) != f.hash)
            return unexpected(
                Domain::protocol, errc::corrupt,
                "form " + f.id + " " + f.version + " does not match the hash the server announced");
        CANVASS_TRY_VOID(sink.add_form(f, *form->body));
    }
    return wanted;
}

// The handshake's bytes on the wire, framing included, for the report.
struct HandshakeBytes {
    std::uint64_t sent = 0;
    std::uint64_t received = 0;
};

Result<NoiseSession> sync_handshake(Transport& t, const crypto::DhKeyPair& local,
                                    const crypto::DhPublicKey& server, HandshakeBytes& bytes) {
    CANVASS_TRY(auto hs, NoiseHandshake::initiator(NoisePattern::xk, as_bytes(sync_prologue),
                                                   clone(local), server, std::nullopt));
    CANVASS_TRY(auto m1, hs.write_message({}));
    CANVASS_TRY_VOID(t.send_frame(m1));
    auto m2 = receive_message2(t);
    if (!m2) return unexpected(std::move(m2).error());
    auto p2 = hs.read_message(*m2);
    if (!p2) return unexpected(server_handshake_error(p2.error()));
    CANVASS_TRY(auto m3, hs.write_message({}));
    CANVASS_TRY_VOID(t.send_frame(m3));
    bytes.sent = m1.size() + m3.size() + 2 * frame_header_bytes;
    bytes.received = m2->size() + frame_header_bytes;
    return hs.split();
}

Result<NoiseSession> enroll_handshake(Transport& t, const EnrollmentToken& token,
                                      const store::DeviceKeys& keys, const std::string& agent) {
    CANVASS_TRY(auto hs, NoiseHandshake::initiator(NoisePattern::xk_psk3, as_bytes(enroll_prologue),
                                                   clone(keys.transport), token.server_key,
                                                   token.secret.clone()));
    CANVASS_TRY(auto m1, hs.write_message(token.id));
    CANVASS_TRY_VOID(t.send_frame(m1));
    auto m2 = receive_message2(t);
    if (!m2) return unexpected(std::move(m2).error());
    auto p2 = hs.read_message(*m2);
    if (!p2) return unexpected(server_handshake_error(p2.error()));
    if (!p2->empty()) {  // the server refuses the token, and says why
        auto m = decode_message(*p2);
        if (m && std::holds_alternative<ErrorMessage>(*m))
            return unexpected(peer_error(std::get<ErrorMessage>(*m), "server"));
        return unexpected(Domain::protocol, errc::corrupt,
                          "the server sent an unreadable answer to the token");
    }
    EnrollRequest request;
    request.signing_key = keys.signing.public_key;
    request.signature =
        crypto::sign(enroll_binding(hs.handshake_hash(), keys.transport.public_key, token.id),
                     keys.signing.secret_key);
    request.agent = agent;
    CANVASS_TRY(auto m3, hs.write_message(encode_enroll_request(request)));
    CANVASS_TRY_VOID(t.send_frame(m3));
    return hs.split();
}

// Runs the exchange until both sides said bye, or one failed.
Result<void> exchange_loop(SecureChannel& channel, Exchange& exchange) {
    for (const auto& m : exchange.start()) CANVASS_TRY_VOID(send_or_explain(channel, m));
    while (!exchange.finished() && !exchange.failed()) {
        CANVASS_TRY(Message m, channel.receive());
        for (const auto& reply : exchange.receive(m))
            CANVASS_TRY_VOID(send_or_explain(channel, reply));
    }
    if (exchange.failed()) return unexpected(exchange.error());
    return {};
}

}  // namespace

Result<EnrollmentResult> enroll(Transport& transport, const EnrollmentToken& token,
                                const store::DeviceKeys& keys, ProjectSink& sink,
                                const ClientOptions& options) {
    CANVASS_TRY(auto session, enroll_handshake(transport, token, keys, options.agent));
    SecureChannel channel(transport, std::move(session), options.limits);
    EnrollmentResult result;
    auto welcome = receive_welcome(channel, keys);
    if (!welcome && welcome.error().domain == Domain::net && welcome.error().code == errc::io)
        return unexpected(
            Domain::auth, errc::permission_denied,
            "the server closed the connection at the end of the handshake: the token's "
            "secret does not match (was the token copied completely?)");
    CANVASS_TRY(result.welcome, std::move(welcome));
    if (result.welcome.project != token.project || result.welcome.role != token.role)
        return unexpected(
            Domain::protocol, errc::invalid_argument,
            "the server enrolled this device in another project or role than the token's");
    CANVASS_TRY_VOID(sink.on_welcome(result.welcome));
    CANVASS_TRY(result.forms_received, fetch_forms(channel, result.welcome, sink));
    CANVASS_TRY_VOID(send_or_explain(channel, Bye{}));
    CANVASS_TRY(Message last, receive_from_server(channel));
    if (!std::holds_alternative<Bye>(last))
        return unexpected(Domain::protocol, errc::invalid_argument,
                          "the server did not end the enrollment");
    channel.close();
    return result;
}

Result<SyncReport> run_client_sync(Transport& transport, const crypto::DhPublicKey& server_key,
                                   const store::DeviceKeys& keys, Replica& replica,
                                   ProjectSink& sink, const ClientOptions& options) {
    HandshakeBytes handshake;
    CANVASS_TRY(auto session, sync_handshake(transport, keys.transport, server_key, handshake));
    SecureChannel channel(transport, std::move(session), options.limits);
    Hello hello;
    hello.agent = options.agent;
    hello.media = options.media != nullptr ? media_version : 0;
    CANVASS_TRY_VOID(send_or_explain(channel, hello));
    SyncReport report;
    CANVASS_TRY(report.welcome, receive_welcome(channel, keys));
    CANVASS_TRY_VOID(sink.on_welcome(report.welcome));
    CANVASS_TRY(report.forms_received, fetch_forms(channel, report.welcome, sink));

    merge::Clock& clock = options.clock ? *options.clock : canvass::system_clock();
    Exchange::Options xo;
    xo.initiator = true;
    xo.send_limits = report.welcome.limits;
    xo.verify.project = report.welcome.project;
    xo.verify.now_ms = clock.now_ms();
    xo.verify.future_threshold_ms = options.future_threshold_ms;
    xo.progress = options.progress;
    xo.self = keys.id;
    xo.peer_name = "server";
    xo.clock = &clock;
    Exchange exchange(replica, device_policy(report.welcome.role, keys.id), std::move(xo));
    auto done = exchange_loop(channel, exchange);
    if (done && options.media && report.welcome.media) {
        auto media = run_media_client(channel, *options.media, report.welcome.role,
                                      *report.welcome.media, options.media_progress);
        if (media)
            report.media = *media;
        else
            done = unexpected(std::move(media).error());
    }
    report.stats = exchange.stats();
    report.equivocations = exchange.equivocations();
    report.refused = exchange.refused();
    report.bytes_sent = handshake.sent + channel.bytes_sent();
    report.bytes_received = handshake.received + channel.bytes_received();
    channel.close();
    if (!done) return unexpected(std::move(done).error());
    return report;
}

}  // namespace canvass::sync
