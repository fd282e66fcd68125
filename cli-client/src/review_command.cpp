// `canvass review RECORD approved|hasIssues|rejected|none [--comment TEXT]`: a coordinator's
// review of a record, as ODK Central's review states, written as a coordinator edit of the
// record's reserved review field that syncs like any other (canvass::Device::review).
#include <CLI/CLI.hpp>
#include <memory>

#include "app.hpp"
#include "device_options.hpp"

namespace canvass::cli {

namespace {

struct ReviewArgs {
    std::string record, state, comment;
};

void run_review(const ReviewArgs& a, const DeviceOptions& dev, Context& ctx) {
    // A state that does not exist is refused before the passphrase is asked for.
    auto state = review_state_name(a.state);
    if (!state)
        return fail(
            ctx, "'" + a.state + "' is not a review state: approved, hasIssues, rejected or none");
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto id = device->find_record(a.record);
    if (!id) return fail(ctx, id.error());
    if (auto done = device->review(*id, *state, a.comment); !done) return fail(ctx, done.error());
    ctx.out << "reviewed " << *id << ": "
            << (*state == "none" ? std::string("review cleared") : *state)
            << (a.comment.empty() ? "" : ", with a comment")
            << "; the review syncs like any other edit\n";
}

}  // namespace

void add_review_command(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    auto a = std::make_shared<ReviewArgs>();
    auto* cmd =
        app.add_subcommand("review",
                           "set a record's review state (coordinator): approved, hasIssues, "
                           "rejected or none, as ODK Central's");
    cmd->add_option("RECORD", a->record, "record id (or its first characters)")->required();
    cmd->add_option("STATE", a->state, "approved, hasIssues, rejected, or none to clear it")
        ->required();
    cmd->add_option("--comment", a->comment, "why: what the field researcher should check");
    cmd->callback([a, dev, &ctx] { run_review(*a, *dev, ctx); });
}

}  // namespace canvass::cli
