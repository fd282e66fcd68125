#include "export/export_form.hpp"

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "coordinator/record_stream.hpp"
#include "coordinator/source.hpp"
#include "coordinator/view_json.hpp"
#include "device/access.hpp"
#include "export/all_versions.hpp"
#include "export/csv_zip.hpp"
#include "export/media_files.hpp"
#include "export/writers.hpp"

namespace canvass {

const std::vector<std::string>& export_formats() {
    return exporting::format_names();
}

Result<ExportSummary> export_form(Coordinator& coordinator, const ExportRequest& request) {
    return exporting::export_form(coordinator_store(coordinator), coordinator_key(coordinator),
                                  request);
}

Result<void> zip_folder(const std::string& dir, const std::string& zip_path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        return unexpected(Domain::core, errc::not_found, dir + ": no such folder to zip");
    auto folder = fs::path(dir).lexically_normal();
    if (folder.filename().empty()) folder = folder.parent_path();  // "export/"
    const fs::path base = folder.parent_path();
    std::vector<exporting::ZipFileEntry> entries;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        entries.push_back(
            {it->path().lexically_relative(base).generic_string(), it->path().string()});
    }
    if (ec) return unexpected(Domain::core, errc::io, dir + ": cannot list it: " + ec.message());
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
    return exporting::write_zip_files(zip_path, entries);
}

}  // namespace canvass

namespace canvass::exporting {

namespace {

// The writers `formats` names, in the order an export writes them, then the codebook and
// the conflicts; a name that is no format refused.
Result<std::vector<std::string>> writers_of(std::vector<std::string> formats) {
    if (formats.empty()) formats = {"csv"};
    std::set<std::string> chosen;
    for (const auto& f : formats) {
        if (f == "all") {
            chosen.insert({"csv", "jsonl", "dta", "sav"});  // the tables; geojson when asked
            continue;
        }
        const auto& names = format_names();
        if (std::find(names.begin(), names.end(), f) == names.end()) {
            std::string list;
            for (const auto& n : names) list += " " + n;
            return unexpected(Domain::core, errc::invalid_argument,
                              "no export format '" + f + "' (there are" + list + " and all)");
        }
        chosen.insert(f);
    }
    std::vector<std::string> out;
    for (const auto& format : format_names()) {
        if (chosen.count(format)) out.push_back(format);
    }
    out.push_back("codebook");
    out.push_back("conflicts");
    return out;
}

// `lang` checked against the form's languages (`what` says what it is for); "" gives the
// default.
Result<std::string> form_language(const form::Form& form, const std::string& lang,
                                  const std::string& what) {
    if (lang.empty()) return form.settings().default_language;
    const auto& langs = form.languages();
    if (std::find(langs.begin(), langs.end(), lang) != langs.end()) return lang;
    std::string list;
    for (const auto& l : langs) list += " " + l;
    return unexpected(Domain::core, errc::invalid_argument,
                      what + " in " + lang + ": form " + form.settings().form_id +
                          " has no language '" + lang + "' (it has" + list + ")");
}

// The newest version of the form with the questions older versions had (all_versions).
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
    return all_versions_form(texts);
}

coordinator::Progress stage(const ExportRequest& request, std::string_view what) {
    if (!request.progress) return {};
    return [&request, what](std::size_t done, std::size_t total) {
        request.progress(what, done, total);
    };
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

Result<ExportSummary> export_form(store::DeviceStore& store, const crypto::DhKeyPair& key,
                                  const ExportRequest& request) {
    if (request.form_id.empty())
        return unexpected(Domain::core, errc::invalid_argument, "no form named to export");
    if (request.dir.empty())
        return unexpected(Domain::core, errc::invalid_argument,
                          "no directory named to export " + request.form_id + " into");
    CANVASS_TRY(auto writers, writers_of(request.formats));
    auto newest = store.form(request.form_id);
    if (!newest)
        return unexpected(Domain::store, errc::not_found,
                          "no form '" + request.form_id +
                              "' on this device: " + newest.error().message + " (sync first)");
    std::shared_ptr<const form::Form> form = *newest;
    if (request.all_versions) {
        CANVASS_TRY(auto merged, every_version(store, **newest));
        form = std::make_shared<const form::Form>(std::move(merged));
    }
    CANVASS_TRY(auto lang, form_language(*form, request.language, "labels"));
    if (!request.labels.empty()) {
        auto labels = form_language(*form, request.labels, "choice labels");
        if (!labels) return unexpected(std::move(labels).error());
    }

    ExportSummary summary;
    summary.form_id = request.form_id;
    summary.version = form->settings().version;
    summary.language = lang;
    coordinator::DeviceStoreSource source(store);
    CANVASS_TRY(auto stream, coordinator::RecordStream::open(source, key, request.form_id,
                                                             stage(request, "decrypt")));
    summary.warnings = coordinator::report_lines(stream.report());
    if (stream.report().unreadable() > 0)
        summary.warnings.push_back(
            "records with unreadable changesets are exported with what could be read; their "
            "Status column says 'partly decrypted' or 'not decrypted'");

    CANVASS_TRY_VOID(create_private_directories(request.dir));
    // Every pass sees each record after its attachments are written (or found written), with
    // the counts and names the media folder gives it.
    MediaFolder media(store, *form, stream.media(), request.dir,
                      request.files_by_record ? MediaLayout::by_record : MediaLayout::media);
    RecordPass pass = [&](std::string_view what, const RecordFn& fn) -> Result<void> {
        media.new_pass();
        summary.records = 0;
        return stream.for_each(
            [&](coordinator::Record& r) -> Result<void> {
                CANVASS_TRY_VOID(media.record(r));
                if (!r.view.deleted()) ++summary.records;
                return fn(r);
            },
            stage(request, what));
    };
    CsvOptions csv{request.split_select_multiples, request.group_paths, request.zip, request.labels,
                   [&media] { return media.files(); }};
    ExportResult result;
    CANVASS_TRY_VOID(write_export(*form, pass, writers, request.dir, lang, csv, result));
    for (auto& f : result.files) summary.files.push_back({std::move(f.path), f.rows, f.unit});
    const auto& m = media.summary();
    summary.media_files = m.written;
    summary.attachments_missing = m.missing;
    summary.records_missing_attachments = m.records_missing;
    if (m.missing > 0)
        summary.warnings.push_back(
            plural(m.missing, "attachment") + " of " + plural(m.records_missing, "record") +
            (m.missing == 1 ? " has" : " have") +
            " not arrived yet (AttachmentsPresent < AttachmentsExpected); their cells name the "
            "files to come: sync again later");
    for (auto& w : result.warnings) summary.warnings.push_back(std::move(w));
    return summary;
}

}  // namespace canvass::exporting
