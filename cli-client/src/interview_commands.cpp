// `canvass interview FORM | --resume RECORD [--lang L]` and the interactive `canvass edit`.
#include "interview_commands.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <istream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "interview/edit_changes.hpp"
#include "interview/session.hpp"
#include "interview/words.hpp"
#include "store/answers.hpp"

namespace canvass::cli {
namespace {

using nlohmann::json;

// What a person types to find a record again (find_record takes a unique prefix).
std::string short_id(const merge::RecordId& id) {
    return merge::format_uuid(id).substr(0, 8);
}

// A new interview's draft in the device store: created at the first answer (so quitting
// before answering leaves nothing behind), replaced at every answer after, finalized at
// the end.
class DraftSink : public interview::AnswerSink {
  public:
    DraftSink(store::DeviceStore& store, std::string form_id, std::string lang,
              std::optional<merge::RecordId> id)
        : store_(store), form_id_(std::move(form_id)), lang_(std::move(lang)), id_(id) {}

    Result<std::string> save(const json& answers) override {
        if (id_) {
            auto saved = store_.save_draft(*id_, answers, lang_);
            if (!saved) return failed(saved.error());
            return std::string();
        }
        auto id = store_.create_record(form_id_, answers, false, lang_);
        if (!id) return failed(id.error());
        id_ = *id;
        return interview::say(lang_, interview::Phrase::draft_saved,
                              {merge::format_uuid(*id), short_id(*id)});
    }

    Result<std::string> finish(const json& answers) override {
        auto saved = save(answers);
        if (!saved) return saved;
        if (auto done = store_.finalize(*id_, lang_); !done) return unexpected(done.error());
        return interview::say(lang_, interview::Phrase::finalized, {merge::format_uuid(*id_)});
    }

    const std::optional<merge::RecordId>& id() const { return id_; }
    bool any_failure() const { return any_failure_; }

  private:
    Unexpected<Error> failed(Error e) {
        any_failure_ = true;
        return unexpected(std::move(e));
    }

    store::DeviceStore& store_;
    std::string form_id_, lang_;
    std::optional<merge::RecordId> id_;
    bool any_failure_ = false;
};

// An edit of a finalized record: nothing is written until the end, then only what changed,
// as one edit.
class EditSink : public interview::AnswerSink {
  public:
    EditSink(store::DeviceStore& store, const form::Form& form, merge::RecordId id, json before,
             std::string lang, const merge::RecordState* readable)
        : store_(store),
          form_(form),
          id_(id),
          before_(std::move(before)),
          lang_(std::move(lang)),
          readable_(readable) {}

    Result<std::string> save(const json&) override { return std::string(); }

    Result<std::string> finish(const json& answers) override {
        auto changed =
            store_.edit(id_, interview::edit_changes(form_, before_, answers), lang_, readable_);
        if (!changed) return unexpected(changed.error());
        if (!*changed)
            return interview::say(lang_, interview::Phrase::unchanged_record,
                                  {merge::format_uuid(id_)});
        return interview::say(lang_, interview::Phrase::saved_edit, {merge::format_uuid(id_)});
    }

  private:
    store::DeviceStore& store_;
    const form::Form& form_;
    merge::RecordId id_;
    json before_;
    std::string lang_;
    const merge::RecordState* readable_;  // a coordinator's decryption of the record, or null
};

// Feeds the session one line at a time until it is done or the input ends.
void converse(interview::Session& session, Context& ctx) {
    ctx.out << session.start() << std::flush;
    std::string line;
    while (!session.done()) {
        if (!std::getline(ctx.in, line)) {
            ctx.out << session.end_of_input() << std::flush;
            break;
        }
        // Without a terminal nothing echoes what was typed: a transcript should read like the
        // screen.
        if (!ctx.interactive) ctx.out << line << "\n";
        ctx.out << session.respond(line) << std::flush;
    }
}

// --home and --passphrase-file as given to the root app, where the store commands add them
// (device_session.hpp); read when the command runs.
DeviceOptions device_options(const CLI::App& root) {
    DeviceOptions device;
    if (const auto* home = root.get_option_no_throw("--home"); home && home->count())
        device.home = home->as<std::string>();
    if (const auto* file = root.get_option_no_throw("--passphrase-file"); file && file->count())
        device.passphrase_file = file->as<std::string>();
    return device;
}

bool language_ok(const form::Form& form, const std::string& lang, Context& ctx) {
    const auto& langs = form.languages();
    if (lang.empty() || std::find(langs.begin(), langs.end(), lang) != langs.end()) return true;
    std::string list;
    for (const auto& l : langs) list += " " + l;
    fail(ctx,
         "form " + form.settings().form_id + " has no language " + lang + " (it has:" + list + ")");
    return false;
}

// Why record `snap` cannot be resumed, or "" when it is a draft.
std::string not_resumable(const store::RecordSnapshot& snap, const merge::RecordId& id) {
    std::string name = merge::format_uuid(id);
    if (snap.summary.deleted) return "record " + name + " is deleted";
    if (snap.summary.status != store::RecordStatus::draft)
        return "record " + name + " is finalized: change it with 'canvass edit " + short_id(id) +
               "'";
    return {};
}

struct InterviewArgs {
    std::string form, resume, lang;
};

void run_interview(const CLI::App& root, const InterviewArgs& args, Context& ctx) {
    if (args.form.empty() == args.resume.empty()) {
        ctx.err << "canvass: interview needs FORM, or --resume RECORD\n"
                   "Run 'canvass interview --help' for usage.\n";
        ctx.exit_code = exit_usage;
        return;
    }
    auto store = open_device(device_options(root), ctx);
    if (!store) return;
    std::string form_id = args.form;
    json answers = json::object();
    std::optional<merge::RecordId> id;
    if (!args.resume.empty()) {
        auto found = store->find_record(args.resume);
        if (!found) return fail(ctx, found.error());
        auto snap = store->record(*found);
        if (!snap) return fail(ctx, snap.error());
        if (auto why = not_resumable(*snap, *found); !why.empty()) return fail(ctx, why);
        form_id = snap->summary.form_id;
        answers = std::move(snap->answers);
        id = *found;
    }
    auto form = store->form(form_id);
    if (!form) {
        return fail(ctx, "no form " + form_id +
                             " on this device ('canvass forms' lists them; "
                             "'canvass form add FILE' installs one)");
    }
    if (!language_ok(**form, args.lang, ctx)) return;
    DraftSink sink(*store, form_id, args.lang, id);
    interview::Purpose purpose = id ? interview::Purpose::resume : interview::Purpose::interview;
    interview::Session session(**form, std::move(answers), sink,
                               {purpose, args.lang, {}, ctx.color});
    converse(session, ctx);
    if (session.outcome() == interview::Outcome::draft_kept) {
        if (sink.id())
            ctx.out << "Resume with: canvass interview --resume " << short_id(*sink.id()) << "\n";
        else
            ctx.out << "No answer was given: nothing was saved.\n";
    }
    if (sink.any_failure()) ctx.exit_code = exit_failure;
}

}  // namespace

void add_interview_commands(CLI::App& app, Context& ctx) {
    auto args = std::make_shared<InterviewArgs>();
    auto* cmd = app.add_subcommand(
        "interview", "interview someone question by question (saved at every answer)");
    auto* form_opt = cmd->add_option("FORM", args->form, "form id ('canvass forms' lists them)");
    auto* resume_opt = cmd->add_option("--resume", args->resume,
                                       "continue the draft RECORD (its id or first characters)");
    form_opt->excludes(resume_opt);
    cmd->add_option("--lang", args->lang, "language of the questions (default: the form's)");
    cmd->callback([&app, args, &ctx] { run_interview(app, *args, ctx); });
}

void edit_interactively(const DeviceOptions& device, const std::string& record,
                        const std::string& lang, const KeyOptions& key, Context& ctx) {
    auto store = open_device(device, ctx);
    if (!store) return;
    auto id = store->find_record(record);
    if (!id) return fail(ctx, id.error());
    auto snap = store->record(*id);
    if (!snap) return fail(ctx, snap.error());
    std::string name = merge::format_uuid(*id);
    if (snap->summary.deleted) return fail(ctx, "record " + name + " is deleted");
    if (snap->summary.status == store::RecordStatus::draft)
        return fail(ctx, "record " + name +
                             " is a draft: continue it with 'canvass interview --resume " +
                             short_id(*id) + "'");
    // Before any question: an edit this device may not save is refused now, not at the end.
    if (auto may = store->may_change(*id); !may) return fail(ctx, may.error());
    std::optional<exporting::ExportRecord> readable;
    if (!key.file.empty()) {
        if (!(readable = open_record_with_key(*store, *id, key, device, ctx))) return;
        snap->answers = readable->answers;
    } else if (!snap->readable) {
        return fail(ctx, "record " + name +
                             " holds answers encrypted for the project's coordinators: "
                             "give --key FILE, a coordinator key, to edit it, or correct one "
                             "answer with 'canvass resolve " +
                             short_id(*id) + " PATH --value V'");
    }
    auto form = store->form(snap->summary.form_id);
    if (!form) return fail(ctx, form.error());
    if (!language_ok(**form, lang, ctx)) return;
    json before = snap->answers;
    store::strip_calculations(**form, before);
    EditSink sink(*store, **form, *id, before, lang, readable ? &*readable->state : nullptr);
    interview::Session session(**form, std::move(before), sink,
                               {interview::Purpose::edit, lang, {}, ctx.color});
    converse(session, ctx);
}

}  // namespace canvass::cli
