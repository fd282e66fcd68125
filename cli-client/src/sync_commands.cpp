// canvass enroll TOKEN and canvass sync: the device side of the sync protocol over TCP.
#include <CLI/CLI.hpp>

#include "app.hpp"
#include "canvass/duration.hpp"
#include "device_options.hpp"
#include "sync_once.hpp"

namespace canvass::cli {

namespace {

std::string plural(std::uint64_t n, const char* word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// " and 2 attachments (4.2 MB)" when a bundle carries some ("(3 kB)" under a megabyte).
std::string attachments_text(const BundleReport& r) {
    if (r.attachments == 0) return "";
    std::string size;
    if (r.attachment_bytes < 1'000'000) {
        size = std::to_string((r.attachment_bytes + 999) / 1000) + " kB";
    } else {
        const auto tenths = (r.attachment_bytes + 50'000) / 100'000;
        size = std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
    }
    return " and " + plural(r.attachments, "attachment") + " (" + size + ")";
}

// What becomes of imported chains: only an organizer (or a coordinator) sends other devices'
// changesets on to the server; a collector's sync sends its own chain only.
std::string forwarding_note(const std::optional<Project>& project) {
    if (!project) {
        return "this device is not enrolled: the chains stay here, and reach the server only if it "
               "enrolls as an organizer (a collector never forwards others' work)";
    }
    if (project->role == "organizer" || project->role == "coordinator")
        return "they go on to the server at this device's next 'canvass sync'";
    return "only organizers forward others' work: this device is a " + project->role +
           ", so its sync sends its own interviews only and these chains stay here; give the "
           "bundle "
           "to an organizer to deliver it";
}

}  // namespace

// Progress on stderr when it is a terminal: one line rewritten in place (none otherwise).
SyncProgress progress_line(Context& ctx) {
    if (!ctx.interactive) return {};
    return [&ctx](const SyncCounts& s) {
        ctx.err << "\rsent " << s.sent << "/" << s.to_send << " (acknowledged " << s.acknowledged
                << "), received " << s.received << "   " << std::flush;
    };
}

Result<SyncOutcome> sync_once(Device& device, Context& ctx) {
    auto progress = progress_line(ctx);
    auto outcome = device.sync(nullptr, progress);
    if (progress) ctx.err << "\n";
    return outcome;
}

void print_report(const SyncOutcome& outcome, Context& ctx) {
    const auto& s = outcome.changesets;
    ctx.out << "synced with " << outcome.server << " (project " << outcome.project << ", "
            << outcome.role << ")\n"
            << "sent " << plural(s.sent, "changeset") << ", " << s.acknowledged
            << " acknowledged; received " << plural(s.received, "changeset") << ", " << s.stored
            << " new\n";
    for (const auto& f : outcome.forms_installed) {
        ctx.out << "installed form " << f.form_id << " version " << f.version << "\n";
    }
    if (outcome.own_returned)
        ctx.out << "note: " << plural(outcome.own_returned, "changeset")
                << " of this device's own came back from the server: this store was restored from "
                   "an older "
                   "copy, or another copy of it is in use. If nobody restored it, stop using one "
                   "of the copies "
                   "and tell your coordinator\n";
    if (outcome.far_future)
        ctx.out << "warning: " << plural(outcome.far_future, "changeset")
                << " stamped far in the future (a device clock is wrong)\n";
    for (const auto& r : outcome.refused_chains)
        ctx.out << "REFUSED: the server refused the carried chain of device " << r.device
                << " from seq " << r.from_seq << " (" << r.reason
                << "); everything else was delivered. That chain stays here and is not sent again; "
                   "tell your "
                   "coordinator\n";
    if (!outcome.forks.empty()) {
        ctx.out << "WARNING: " << outcome.forks.size()
                << " device(s) forked their chain; the evidence is kept (canvass status)\n";
    }
    if (outcome.attachments) {
        const auto& m = *outcome.attachments;
        ctx.out << "attachments: " << m.delivered << " delivered ("
                << plural(m.chunks_sent, "chunk") << " sent), " << m.fetched << " fetched ("
                << plural(m.chunks_received, "chunk") << ")\n";
    }
    ctx.out << "bytes on the wire: " << outcome.bytes_sent << " sent, " << outcome.bytes_received
            << " received\n";
}

void add_sync_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);

    auto token_text = std::make_shared<std::string>();
    auto fingerprint = std::make_shared<std::string>();
    auto* enroll = app.add_subcommand("enroll", "join a project with an enrollment token");
    enroll->add_option("TOKEN", *token_text, "the token from 'canvass-server token create'")
        ->required();
    enroll->add_option(
        "--fingerprint", *fingerprint,
        "the project fingerprint your coordinator gave you (at least its first 16 hex digits): "
        "refuse a token made for anyone else");
    enroll->callback([dev, token_text, fingerprint, &ctx] {
        // A token that cannot be used is refused before the passphrase is asked for.
        if (auto token = inspect_token(*token_text); !token)
            return fail(ctx, "this enrollment token cannot be used: " + token.error().message);
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto enrolled = device->enroll(*token_text, *fingerprint);
        if (!enrolled) return fail(ctx, enrolled.error());
        ctx.out << "enrolled in project " << enrolled->project << " as " << enrolled->role
                << " (server " << enrolled->server << ")\n"
                << "project fingerprint " << enrolled->fingerprint
                << ": answers are sealed only to the coordinators it names\n";
        for (const auto& f : enrolled->forms_installed) {
            ctx.out << "installed form " << f.form_id << " version " << f.version << "\n";
        }
    });

    struct SyncRequest {
        bool until_done = false;
        std::string give_up_after = "2h";
    };
    auto req = std::make_shared<SyncRequest>();
    auto sync_cmd = app.add_subcommand("sync", "exchange changesets with the project's server");
    sync_cmd->add_flag(
        "--until-done", req->until_done,
        "on a lost link or a busy server, try again (waiting 2 s, doubling up to a minute) "
        "until every interview is delivered");
    sync_cmd
        ->add_option("--give-up-after", req->give_up_after,
                     "with --until-done: stop trying after this long, e.g. 30m, 2h, 1d")
        ->capture_default_str();
    sync_cmd->callback([dev, req, &ctx] {
        auto limit_s = parse_duration(req->give_up_after);
        if (!limit_s)
            return fail(ctx, "--give-up-after \"" + req->give_up_after +
                                 "\" is not a duration like 90s, 30m or 2h");
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto project = device->project();
        if (!project) return fail(ctx, project.error());
        if (!*project)
            return fail(ctx, "this device is not enrolled in a project (canvass enroll TOKEN)");
        if (!req->until_done) {
            auto report = sync_once(*device, ctx);
            if (!report)
                return fail(
                    ctx,
                    "sync failed: " + report.error().message +
                        "\n(what was acknowledged is kept; run 'canvass sync' again to resume)");
            return print_report(*report, ctx);
        }
        std::uint64_t interviews = 0;
        auto delivered_text = [&interviews](std::uint64_t left) {
            return std::to_string(interviews - std::min(interviews, left)) + " of " +
                   plural(interviews, "interview") + " delivered";
        };
        // The progress line of an attempt ends before anything else is printed.
        bool line_open = false;
        auto end_line = [&ctx, &line_open] {
            if (line_open) ctx.err << "\n";
            line_open = false;
        };
        SyncUntilDone options;
        options.give_up_after_ms = *limit_s * 1000;
        if (auto line = progress_line(ctx)) {
            options.progress = [line, &line_open](const SyncCounts& c) {
                line(c);
                line_open = true;
            };
        }
        options.synced = [&](const SyncOutcome& outcome) {
            end_line();
            print_report(outcome, ctx);
        };
        options.retrying = [&](const Error& why, const Pending& left, std::uint64_t wait_ms) {
            end_line();
            ctx.err << "sync: " << why.message << "; " << delivered_text(left.interviews)
                    << ", trying again in " << (wait_ms + 500) / 1000 << " s\n";
        };
        if (auto before = device->pending()) interviews = before->interviews;
        auto run = device->sync_until_done(options);
        end_line();
        if (!run) return fail(ctx, run.error());
        switch (run->end) {
            case SyncEnd::delivered:
                ctx.out << "done: " << delivered_text(0) << "\n";
                return;
            case SyncEnd::stalled:
                return fail(ctx,
                            "the server took no more after a complete sync: " +
                                delivered_text(run->left.interviews) + ", " +
                                std::to_string(run->left.other) +
                                " attachments or carried changesets still here (canvass status)");
            case SyncEnd::gave_up:
                return fail(ctx, "gave up after " + req->give_up_after + ": " +
                                     run->failure->message + "; " +
                                     delivered_text(run->left.interviews) +
                                     ". What was acknowledged is kept; run 'canvass sync "
                                     "--until-done' again later");
            case SyncEnd::failed:
                return fail(
                    ctx,
                    "sync failed: " + run->failure->message +
                        "\n(what was acknowledged is kept; run 'canvass sync' again to resume)");
        }
    });

    auto* bundle =
        app.add_subcommand("bundle", "carry changesets in a file where there is no network");
    bundle->require_subcommand(1);
    auto out_path = std::make_shared<std::string>();
    auto* bexport =
        bundle->add_subcommand("export", "write every chain this device holds to a file");
    bexport->add_option("--out", *out_path, "bundle file to write")->required();
    bexport->callback([dev, out_path, &ctx] {
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto report = device->export_bundle(*out_path);
        if (!report) return fail(ctx, report.error());
        ctx.out << "wrote " << plural(report->changesets, "changeset") << " of "
                << plural(report->devices, "device") << attachments_text(*report) << " to "
                << *out_path << "\n";
    });
    auto in_path = std::make_shared<std::string>();
    auto* bimport = bundle->add_subcommand("import",
                                           "verify and keep the chains of a bundle (an organizer's "
                                           "next sync forwards them to the server)");
    bimport->add_option("FILE", *in_path, "bundle file to read")->required();
    bimport->callback([dev, in_path, &ctx] {
        auto device = open_device(*dev, ctx);
        if (!device) return;
        auto project = device->project();
        if (!project) return fail(ctx, project.error());
        auto report = device->import_bundle(*in_path);
        if (!report) return fail(ctx, report.error());
        ctx.out << "kept " << plural(report->changesets, "new changeset") << " of "
                << plural(report->devices, "device") << attachments_text(*report) << " from "
                << *in_path << "\n";
        if (report->evidence) {
            ctx.out << "WARNING: " << plural(report->evidence, "changeset")
                    << " forked a device's chain and were kept as evidence\n";
        }
        ctx.out << forwarding_note(*project) << "\n";
    });
}

}  // namespace canvass::cli
