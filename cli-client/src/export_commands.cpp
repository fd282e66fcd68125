// `canvass export --key FILE [--form F] --format csv|xlsx|jsonl|geojson|dta|sav --out DIR [--lang
// L]` and the CSV options of ODK Central's download (--split-select-multiples, --no-group-paths,
// --zip) and Kobo's (--labels L):
// the coordinator's merged, decrypted dataset (DESIGN.md section 10, docs/export.md).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <filesystem>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <set>

#include "app.hpp"
#include "export/all_versions.hpp"
#include "coordinator_commands.hpp"
#include "coordinator/record_stream.hpp"
#include "coordinator/view_json.hpp"
#include "coordinator_session.hpp"
#include "export/dataset.hpp"
#include "export/media_files.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::cli {

namespace {

struct ExportArgs {
    KeyOptions key;
    std::string form, out, lang;
    std::vector<std::string> formats;
    exporting::CsvOptions csv;
    bool no_group_paths = false;
    bool all_versions = false;
};

// Progress on standard error, only when it is a terminal (never in logs or pipes).
class TerminalProgress {
  public:
    explicit TerminalProgress(Context& ctx)
        : on_(&ctx.err == &std::cerr && isatty(STDERR_FILENO)) {}
    ~TerminalProgress() { clear(); }

    exporting::Progress decrypting() {
        if (!on_) return {};
        return [this](std::size_t done, std::size_t total) {
            show("decrypting and merging " + std::to_string(done) + " of " + std::to_string(total) +
                 " changesets");
        };
    }
    // A pass over the records: "survey", "gather" or "write" (exporting::RecordPass).
    exporting::Progress passing(std::string_view what) {
        if (!on_) return {};
        std::string doing = what == "survey"   ? "surveying the records"
                            : what == "gather" ? "gathering long texts"
                                               : "writing the files";
        return [this, doing](std::size_t done, std::size_t total) {
            show(doing + ": " + std::to_string(done) + " of " + std::to_string(total) + " records");
        };
    }
    void show(const std::string& what) {
        if (!on_) return;
        std::cerr << "\r\033[K" << what << std::flush;
        shown_ = true;
    }
    void clear() {
        if (shown_) std::cerr << "\r\033[K" << std::flush;
        shown_ = false;
    }

  private:
    bool on_;
    bool shown_ = false;
};

std::set<std::string> chosen_formats(const std::vector<std::string>& given) {
    std::set<std::string> out(given.begin(), given.end());
    if (out.empty()) out.insert("csv");
    if (out.count("all")) out = {"csv", "jsonl", "dta", "sav"};  // the tables; geojson when asked
    return out;
}

// `lang` given with `option`, checked against the form's languages; "" gives the default.
std::optional<std::string> check_language(const form::Form& form, const std::string& lang,
                                          Context& ctx, const std::string& option = "--lang") {
    if (lang.empty()) return form.settings().default_language;
    const auto& langs = form.languages();
    if (std::find(langs.begin(), langs.end(), lang) != langs.end()) return lang;
    std::string list;
    for (const auto& l : langs) list += " " + l;
    fail(ctx, option + " " + lang + ": form " + form.settings().form_id + " has no language '" +
                  lang + "' (it has" + list + ")");
    return std::nullopt;
}

// The writers of `formats`, in the order an export writes them, then the codebook and the
// conflicts.
std::vector<std::string> writers_of(const std::set<std::string>& formats) {
    std::vector<std::string> out;
    for (const auto& format : exporting::format_names()) {
        if (formats.count(format)) out.push_back(format);
    }
    out.push_back("codebook");
    out.push_back("conflicts");
    return out;
}

void print_summary(Context& ctx, const form::Form& form, const std::string& lang,
                   const std::string& dir, std::size_t records,
                   const exporting::ExportResult& result, std::size_t media_files) {
    ctx.out << "exported " << records << " record" << (records == 1 ? "" : "s") << " of "
            << form.settings().form_id << " (columns of version " << form.settings().version
            << ", labels in " << lang << "):\n";
    std::size_t width = 0;
    for (const auto& f : result.files) width = std::max(width, f.path.size());
    for (const auto& f : result.files) {
        ctx.out << "  " << std::left << std::setw(static_cast<int>(width)) << f.path << "  "
                << f.rows << " " << f.unit << "\n";
    }
    if (media_files)
        ctx.out << "  media/  " << media_files << " file" << (media_files == 1 ? "" : "s") << "\n";
    std::error_code ec;
    auto where = std::filesystem::absolute(dir, ec);
    ctx.out << "files are in " << (ec ? dir : where.lexically_normal().string()) << "\n"
            << "they hold decrypted answers: readable by you only (mode 0600); keep them on an "
               "encrypted disk, share them only with people allowed to read the answers, and "
               "delete them when done\n";
}

// The newest version of the form with the questions older versions had (--all-versions).
Result<form::Form> every_version(store::DeviceStore& store, const form::Form& newest) {
    const std::string& id = newest.settings().form_id;
    CANVASS_TRY(auto installed, store.forms());
    std::vector<std::string> texts;
    CANVASS_TRY(auto newest_text, store.form_text(id, newest.settings().version));
    if (!newest_text)
        return unexpected(Domain::store, errc::not_found,
                          "the newest version of " + id + " is not installed");
    texts.push_back(std::move(*newest_text));
    for (auto it = installed.rbegin(); it != installed.rend(); ++it) {
        if (it->form_id != id || it->version == newest.settings().version) continue;
        CANVASS_TRY(auto text, store.form_text(id, it->version));
        if (text) texts.push_back(std::move(*text));
    }
    return exporting::all_versions_form(texts);
}

// Exports form `form_id` into `dir`. Errors are reported through ctx (exit_code set).
void export_form(store::DeviceStore& store, const crypto::DhKeyPair& key, const ExportArgs& a,
                 const std::string& form_id, const std::string& dir, Context& ctx) {
    auto newest = store.form(form_id);
    if (!newest)
        return fail(ctx, "no form '" + form_id + "' on this device: " + newest.error().message +
                             " (canvass forms lists them; sync first)");
    std::shared_ptr<const form::Form> form = *newest;
    if (a.all_versions) {
        auto merged = every_version(store, **newest);
        if (!merged) return fail(ctx, merged.error());
        form = std::make_shared<const form::Form>(std::move(merged).value());
    }
    auto lang = check_language(*form, a.lang, ctx);
    if (!lang) return;
    if (!a.csv.labels.empty() && !check_language(*form, a.csv.labels, ctx, "--labels")) return;

    TerminalProgress progress(ctx);
    coordinator::DeviceStoreSource source(store);
    auto stream = coordinator::RecordStream::open(source, key, form_id, progress.decrypting());
    progress.clear();
    if (!stream) return fail(ctx, stream.error());
    for (const auto& line : coordinator::report_lines(stream->report()))
        ctx.err << "canvass: warning: " << line << "\n";
    if (stream->report().unreadable() > 0) {
        ctx.err << "canvass: warning: records with unreadable changesets are exported with what "
                   "could be "
                   "read; their Status column says 'partly decrypted' or 'not decrypted'\n";
    }

    if (auto made = exporting::create_private_directories(dir); !made)
        return fail(ctx, made.error());
    // Every pass sees each record after its attachments are written (or found written), with
    // the counts and names the media folder gives it.
    exporting::MediaFolder media(store, *form, stream->media(), dir);
    std::size_t records = 0;
    exporting::RecordPass pass = [&](std::string_view what,
                                     const exporting::RecordFn& fn) -> Result<void> {
        media.new_pass();
        records = 0;
        return stream->for_each(
            [&](coordinator::Record& r) -> Result<void> {
                CANVASS_TRY_VOID(media.record(r));
                if (!r.view.deleted()) ++records;
                return fn(r);
            },
            progress.passing(what));
    };
    exporting::CsvOptions csv = a.csv;
    csv.group_paths = !a.no_group_paths;
    exporting::ExportResult result;
    auto written = exporting::write_export(*form, pass, writers_of(chosen_formats(a.formats)), dir,
                                           *lang, csv, result);
    progress.clear();
    if (!written) return fail(ctx, written.error());
    const auto& m = media.summary();
    if (m.missing > 0)
        ctx.err << "canvass: warning: " << m.missing << " attachment" << (m.missing == 1 ? "" : "s")
                << " of " << m.records_missing << " record" << (m.records_missing == 1 ? "" : "s")
                << " have not arrived yet (AttachmentsPresent < AttachmentsExpected); their cells "
                   "name the files "
                   "to come: sync again later\n";
    for (const auto& w : result.warnings) ctx.err << "canvass: warning: " << w << "\n";
    print_summary(ctx, *form, *lang, dir, records, result, m.written);
}

// Without --form, every form of the device, each in its own folder `<out>/<form id>/`, so
// one form's codebook.csv and conflicts.csv never overwrite another's. Stops at the first
// form that fails.
void run_export(const ExportArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto store = open_store(dev, ctx);
    if (!store) return;
    std::vector<std::string> form_ids{a.form};
    if (a.form.empty()) {
        auto forms = store->forms();
        if (!forms) return fail(ctx, forms.error());
        form_ids.clear();
        for (const auto& f : *forms) {
            if (std::find(form_ids.begin(), form_ids.end(), f.form_id) == form_ids.end())
                form_ids.push_back(f.form_id);
        }
        if (form_ids.empty()) return fail(ctx, "no forms on this device to export (sync first)");
    }
    auto key = open_coordinator_key(a.key, dev, ctx);
    if (!key) return;
    for (const auto& id : form_ids) {
        std::string folder = id;  // as file_stem: no ':' in a folder name either
        std::replace(folder.begin(), folder.end(), ':', '-');
        export_form(*store, *key, a, id, a.form.empty() ? a.out + "/" + folder : a.out, ctx);
        if (ctx.exit_code != 0) return;
    }
}

void add_export(CLI::App& app, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<ExportArgs>();
    auto* cmd =
        app.add_subcommand("export", "decrypt, merge and write the project's data (coordinator)");
    cmd->add_option("--key", a->key.file, "coordinator key file (canvass keys create)")->required();
    cmd->add_option("--form", a->form,
                    "form id (default: every form, each in its own folder under --out)");
    cmd->add_option("--format", a->formats,
                    "csv (ODK Central's layout), xlsx, jsonl, geojson, dta (Stata), sav (SPSS) or "
                    "all (every "
                    "one but xlsx and geojson); repeat the "
                    "option or separate with commas (default: csv)")
        ->delimiter(',')
        ->check(CLI::IsMember({"csv", "xlsx", "jsonl", "geojson", "dta", "sav", "all"}));
    cmd->add_option("--out", a->out, "output directory (created if missing)")->required();
    cmd->add_option("--lang", a->lang, "language of labels (default: the form's default language)");
    cmd->add_flag(
        "--split-select-multiples", a->csv.split_select_multiples,
        "CSV: after each select_multiple column, one 1/0 column per choice (question/choice)");
    cmd->add_flag("--all-versions", a->all_versions,
                  "columns of every version's questions, those the newest version removed too");
    cmd->add_flag("--no-group-paths", a->no_group_paths,
                  "CSV: bare field names as column headers, without their groups");
    cmd->add_option("--labels", a->csv.labels,
                    "CSV: choices as their labels in this language of the form, not their names");
    cmd->add_flag("--zip", a->csv.zip,
                  "CSV: the tables in FORM.zip as ODK Central downloads them (LF line ends)");
    add_key_passphrase_option(cmd, a->key);
    cmd->callback([a, dev, &ctx] { run_export(*a, *dev, ctx); });
}

}  // namespace

void add_export_commands(CLI::App& app, Context& ctx) {
    auto dev = add_device_options(app, ctx);
    add_keys_commands(app, ctx);
    add_export(app, dev, ctx);
    add_conflict_commands(app, ctx);
    add_history_command(app, ctx);
}

}  // namespace canvass::cli
