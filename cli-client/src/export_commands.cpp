// `canvass export --key FILE [--form F] --format csv|xlsx|jsonl|geojson|dta|sav --out DIR [--lang
// L]` and the CSV options of ODK Central's download (--split-select-multiples, --no-group-paths,
// --zip) and Kobo's (--labels L):
// the coordinator's merged, decrypted dataset (DESIGN.md section 10, docs/export.md).
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "app.hpp"
#include "canvass/export.hpp"
#include "coordinator_commands.hpp"
#include "device_options.hpp"
#include "key_options.hpp"

namespace canvass::cli {

namespace {

struct ExportArgs {
    KeyOptions key;
    std::string form, out;
    ExportRequest request;
    bool no_group_paths = false;
};

// Progress on standard error, only when it is a terminal (never in logs or pipes).
class TerminalProgress {
  public:
    explicit TerminalProgress(Context& ctx)
        : on_(&ctx.err == &std::cerr && isatty(STDERR_FILENO)) {}
    ~TerminalProgress() { clear(); }

    // What export_form reports, as ExportRequest::progress takes it.
    std::function<void(std::string_view, std::size_t, std::size_t)> callback() {
        if (!on_) return {};
        return [this](std::string_view stage, std::size_t done, std::size_t total) {
            if (stage == "decrypt") {
                show("decrypting and merging " + std::to_string(done) + " of " +
                     std::to_string(total) + " changesets");
                return;
            }
            std::string doing = stage == "survey"   ? "surveying the records"
                                : stage == "gather" ? "gathering long texts"
                                                    : "writing the files";
            show(doing + ": " + std::to_string(done) + " of " + std::to_string(total) + " records");
        };
    }
    void clear() {
        if (shown_) std::cerr << "\r\033[K" << std::flush;
        shown_ = false;
    }

  private:
    void show(const std::string& what) {
        std::cerr << "\r\033[K" << what << std::flush;
        shown_ = true;
    }

    bool on_;
    bool shown_ = false;
};

void print_summary(Context& ctx, const ExportSummary& s, const std::string& dir,
                   bool files_by_record) {
    ctx.out << "exported " << s.records << " record" << (s.records == 1 ? "" : "s") << " of "
            << s.form_id << " (columns of version " << s.version << ", labels in " << s.language
            << "):\n";
    std::size_t width = 0;
    for (const auto& f : s.files) width = std::max(width, f.path.size());
    for (const auto& f : s.files) {
        ctx.out << "  " << std::left << std::setw(static_cast<int>(width)) << f.path << "  "
                << f.rows << " " << f.unit << "\n";
    }
    if (s.media_files)
        ctx.out << "  " << (files_by_record ? "files/" : "media/") << "  " << s.media_files
                << " file" << (s.media_files == 1 ? "" : "s") << "\n";
    std::error_code ec;
    auto where = std::filesystem::absolute(dir, ec);
    ctx.out << "files are in " << (ec ? dir : where.lexically_normal().string()) << "\n"
            << "they hold decrypted answers: readable by you only (mode 0600); keep them on an "
               "encrypted disk, share them only with people allowed to read the answers, and "
               "delete them when done\n";
}

// The forms to export: --form, or every form of the device (each id once).
std::optional<std::vector<std::string>> form_ids(Device& device, const ExportArgs& a,
                                                 Context& ctx) {
    if (!a.form.empty()) return std::vector<std::string>{a.form};
    auto forms = device.forms();
    if (!forms) {
        fail(ctx, forms.error());
        return std::nullopt;
    }
    std::vector<std::string> ids;
    for (const auto& f : nlohmann::json::parse(*forms)) {
        auto id = f.at("form_id").get<std::string>();
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
    }
    if (ids.empty()) {
        fail(ctx, "no forms on this device to export (sync first)");
        return std::nullopt;
    }
    return ids;
}

// Without --form, every form of the device, each in its own folder `<out>/<form id>/`, so
// one form's codebook.csv and conflicts.csv never overwrite another's. Stops at the first
// form that fails.
void run_export(const ExportArgs& a, const DeviceOptions& dev, Context& ctx) {
    auto device = open_device(dev, ctx);
    if (!device) return;
    auto ids = form_ids(*device, a, ctx);
    if (!ids) return;
    auto view = open_coordinator(*device, a.key, dev, ctx);
    if (!view) return;
    for (const auto& id : *ids) {
        std::string folder = id;  // as the files' names: no ':' in a folder name either
        std::replace(folder.begin(), folder.end(), ':', '-');
        ExportRequest request = a.request;
        request.form_id = id;
        request.dir = a.form.empty() ? a.out + "/" + folder : a.out;
        request.group_paths = !a.no_group_paths;
        TerminalProgress progress(ctx);
        request.progress = progress.callback();
        auto summary = export_form(*view, request);
        progress.clear();
        if (!summary) return fail(ctx, summary.error());
        for (const auto& w : summary->warnings) ctx.err << "canvass: warning: " << w << "\n";
        print_summary(ctx, *summary, request.dir, request.files_by_record);
    }
}

void add_export(CLI::App& app, const std::shared_ptr<DeviceOptions>& dev, Context& ctx) {
    auto a = std::make_shared<ExportArgs>();
    auto* cmd =
        app.add_subcommand("export", "decrypt, merge and write the project's data (coordinator)");
    cmd->add_option("--key", a->key.file, "coordinator key file (canvass keys create)")->required();
    cmd->add_option("--form", a->form,
                    "form id (default: every form, each in its own folder under --out)");
    auto formats = export_formats();
    formats.push_back("all");
    cmd->add_option("--format", a->request.formats,
                    "csv (ODK Central's layout), xlsx, jsonl, geojson, dta (Stata), sav (SPSS) or "
                    "all (every one but xlsx and geojson); repeat the option or separate with "
                    "commas (default: csv)")
        ->delimiter(',')
        ->check(CLI::IsMember(formats));
    cmd->add_option("--out", a->out, "output directory (created if missing)")->required();
    cmd->add_option("--lang", a->request.language,
                    "language of labels (default: the form's default language)");
    cmd->add_flag(
        "--split-select-multiples", a->request.split_select_multiples,
        "CSV: after each select_multiple column, one 1/0 column per choice (question/choice)");
    cmd->add_flag("--all-versions", a->request.all_versions,
                  "columns of every version's questions, those the newest version removed too");
    cmd->add_flag("--files-by-record", a->request.files_by_record,
                  "attachments in files/uuid<record>/<name>, a folder per record as ODK "
                  "Central's zip holds them (default: media/<name>)");
    cmd->add_flag("--no-group-paths", a->no_group_paths,
                  "CSV: bare field names as column headers, without their groups");
    cmd->add_option("--labels", a->request.labels,
                    "CSV: choices as their labels in this language of the form, not their names");
    cmd->add_flag("--zip", a->request.zip,
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
