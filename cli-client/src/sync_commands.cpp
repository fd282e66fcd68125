// canvass enroll TOKEN and canvass sync: the device side of the sync protocol over TCP.
#include <CLI/CLI.hpp>

#include "app.hpp"
#include "crypto/hash.hpp"
#include "device_session.hpp"
#include "net/tcp_transport.hpp"
#include "sync/bundle.hpp"
#include "sync/client.hpp"
#include "sync/device_replica.hpp"
#include "sync/token.hpp"

namespace canvass::cli {

namespace {

// Progress on stderr when it is a terminal: one line rewritten in place.
std::function<void(const sync::ExchangeStats&)> progress_printer(Context& ctx) {
    if (!ctx.interactive) return {};
    return [&ctx](const sync::ExchangeStats& s) {
        ctx.err << "\rsent " << s.sent << "/" << s.to_send << " (acknowledged " << s.acknowledged
                << "), received " << s.received << "   " << std::flush;
    };
}

std::string plural(std::uint64_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// What becomes of imported chains: only an organizer (or a coordinator) sends other devices'
// changesets on to the server; a collector's sync sends its own chain only (sync/exchange.hpp).
std::string forwarding_note(const std::optional<store::ProjectConfig>& project) {
    if (!project) {
        return "this device is not enrolled: the chains stay here, and reach the server only if it "
               "enrolls as an organizer (a collector never forwards others' work)";
    }
    if (project->role == "organizer" || project->role == "coordinator")
        return "they go on to the server at this device's next 'canvass sync'";
    return "only organizers forward others' work: this device is a " + project->role +
           ", so its sync sends its own interviews only and these chains stay here; give the bundle "
           "to an organizer to deliver it";
}

}  // namespace

void add_sync_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);

    auto token_text = std::make_shared<std::string>();
    auto fingerprint = std::make_shared<std::string>();
    auto* enroll = app.add_subcommand("enroll", "join a project with an enrollment token");
    enroll->add_option("TOKEN", *token_text, "the token from 'canvass-server token create'")->required();
    enroll->add_option("--fingerprint", *fingerprint,
                       "the project fingerprint your coordinator gave you (at least its first 16 hex digits): "
                       "refuse a token made for anyone else");
    enroll->callback([dev, token_text, fingerprint, &ctx] {
        auto token = sync::decode_token(*token_text);
        if (!token) return fail(ctx, "this enrollment token cannot be used: " + token.error().message);
        if (!fingerprint->empty()) {
            if (auto checked = sync::check_fingerprint(*token, *fingerprint); !checked)
                return fail(ctx, checked.error());
        }
        auto store = open_device(*dev, ctx);
        if (!store) return;
        auto transport = net::connect_tcp(token->address);
        if (!transport) return fail(ctx, transport.error());
        sync::DeviceProjectSink sink(*store, token->address, token->server_key, token->fingerprint);
        sync::ClientOptions options;
        auto enrolled = sync::enroll(**transport, *token, store->keys(), sink, options);
        if (!enrolled) return fail(ctx, "enrollment refused: " + enrolled.error().message);
        const auto& w = enrolled->welcome;
        ctx.out << "enrolled in project " << w.project << " as " << sync::role_name(w.role)
                << " (server " << token->address << ")\n"
                << "project fingerprint " << sync::short_fingerprint(token->fingerprint)
                << ": answers are sealed only to the coordinators it names\n";
        for (const auto& f : enrolled->forms_received) {
            ctx.out << "installed form " << f.id << " version " << f.version << "\n";
        }
    });

    auto sync_cmd = app.add_subcommand("sync", "exchange changesets with the project's server");
    sync_cmd->callback([dev, &ctx] {
        auto store = open_device(*dev, ctx);
        if (!store) return;
        auto project = store->project();
        if (!project) return fail(ctx, project.error());
        if (!*project) return fail(ctx, "this device is not enrolled in a project (canvass enroll TOKEN)");
        const auto config = **project;
        auto transport = net::connect_tcp(config.server_address);
        if (!transport) return fail(ctx, transport.error());
        sync::DeviceReplica replica(*store);
        sync::DeviceProjectSink sink(*store, config.server_address, config.server_key);
        sync::DeviceMediaReplica media(*store);
        sync::ClientOptions options;
        options.progress = progress_printer(ctx);
        options.media = &media;
        auto report = sync::run_client_sync(**transport, config.server_key, store->keys(), replica,
                                            sink, options);
        if (options.progress) ctx.err << "\n";
        if (!report) {
            return fail(ctx, "sync failed: " + report.error().message +
                                 "\n(what was acknowledged is kept; run 'canvass sync' again to resume)");
        }
        const auto& s = report->stats;
        ctx.out << "synced with " << config.server_address << " (project " << config.project << ", "
                << config.role << ")\n"
                << "sent " << plural(s.sent, "changeset") << ", " << s.acknowledged
                << " acknowledged; received " << plural(s.received, "changeset") << ", " << s.stored
                << " new\n";
        for (const auto& f : report->forms_received) {
            ctx.out << "installed form " << f.id << " version " << f.version << "\n";
        }
        if (s.own_returned)
            ctx.out << "note: " << plural(s.own_returned, "changeset")
                    << " of this device's own came back from the server: this store was restored from an older "
                       "copy, or another copy of it is in use. If nobody restored it, stop using one of the copies "
                       "and tell your coordinator\n";
        if (s.far_future) ctx.out << "warning: " << plural(s.far_future, "changeset") << " stamped far in the future (a device clock is wrong)\n";
        for (const auto& r : report->refused)
            ctx.out << "REFUSED: the server refused the carried chain of device " << crypto::to_hex(r.device)
                    << " from seq " << r.seq << " (" << r.message
                    << "); everything else was delivered. That chain stays here and is not sent again; tell your "
                       "coordinator\n";
        if (!report->equivocations.empty()) {
            ctx.out << "WARNING: " << report->equivocations.size()
                    << " device(s) forked their chain; the evidence is kept (canvass status)\n";
        }
        if (report->media) {
            const auto& m = *report->media;
            ctx.out << "attachments: " << m.delivered << " delivered (" << plural(m.chunks_sent, "chunk")
                    << " sent), " << m.fetched << " fetched (" << plural(m.chunks_received, "chunk") << ")\n";
        }
        ctx.out << "bytes on the wire: " << report->bytes_sent << " sent, " << report->bytes_received
                << " received\n";
    });

    auto* bundle = app.add_subcommand("bundle", "carry changesets in a file where there is no network");
    bundle->require_subcommand(1);
    auto out_path = std::make_shared<std::string>();
    auto* bexport = bundle->add_subcommand("export", "write every chain this device holds to a file");
    bexport->add_option("--out", *out_path, "bundle file to write")->required();
    bexport->callback([dev, out_path, &ctx] {
        auto store = open_device(*dev, ctx);
        if (!store) return;
        sync::DeviceReplica replica(*store);
        auto report = sync::write_bundle(replica, *out_path);
        if (!report) return fail(ctx, report.error());
        ctx.out << "wrote " << plural(report->changesets, "changeset") << " of "
                << plural(report->devices, "device") << " to " << *out_path << "\n";
    });
    auto in_path = std::make_shared<std::string>();
    auto* bimport = bundle->add_subcommand(
        "import", "verify and keep the chains of a bundle (an organizer's next sync forwards them to the server)");
    bimport->add_option("FILE", *in_path, "bundle file to read")->required();
    bimport->callback([dev, in_path, &ctx] {
        auto store = open_device(*dev, ctx);
        if (!store) return;
        auto project = store->project();
        if (!project) return fail(ctx, project.error());
        std::string name = *project ? (*project)->project : std::string(store::kUnenrolledProject);
        sync::DeviceReplica replica(*store);
        const auto now = store->clock().now_ms();
        auto report = sync::read_bundle(replica, *in_path, name, now);
        if (!report) return fail(ctx, *in_path + ": " + report.error().message);
        ctx.out << "kept " << plural(report->changesets, "new changeset") << " of "
                << plural(report->devices, "device") << " from " << *in_path << "\n";
        if (report->evidence) {
            ctx.out << "WARNING: " << plural(report->evidence, "changeset")
                    << " forked a device's chain and were kept as evidence\n";
        }
        ctx.out << forwarding_note(*project) << "\n";
    });
}

}  // namespace canvass::cli
