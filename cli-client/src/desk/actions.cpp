// The desk's changes (POST, past the guard's CSRF and Origin checks): settling a conflict,
// reviewing a record, syncing, and downloading an export. Each is what the command line
// does, through the same calls: Coordinator::resolve (`canvass resolve`), Device::review
// (`canvass review`), sync_once (`canvass sync`), export_form (`canvass export`).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "canvass/export.hpp"
#include "desk/desk.hpp"
#include "desk/guard.hpp"
#include "desk/html.hpp"
#include "desk/words.hpp"

namespace canvass::cli::desk {

namespace fs = std::filesystem;

namespace {

// A private temporary folder removed with everything in it when it goes out of scope: the
// export is written there, zipped, read into memory and the folder deleted at once.
class ScratchDir {
  public:
    ScratchDir() {
        auto name = "canvass-desk-export-" + random_hex(12);
        std::error_code ec;
        path_ = (fs::temp_directory_path(ec) / name).string();
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const std::string& path() const { return path_; }

  private:
    std::string path_;
};

Result<std::string> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return unexpected(Domain::core, errc::io, "cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The form id as export file names spell it (':' is not allowed in Windows names).
std::string file_stem(const std::string& form_id) {
    std::string name = form_id;
    std::replace(name.begin(), name.end(), ':', '-');
    return name;
}

}  // namespace

Response Desk::settle(const Params& body, const View& v) {
    const auto rid = param(body, "record");
    auto* table = table_of_record(rid);
    if (!table) return failure(v, 404, std::string(say(v.lang, "not_found")));
    const auto path = param(body, "path");
    // The candidates as they stand now, from a fresh decryption: the page may be older than
    // the last sync.
    auto record = coordinator_.record_detail(rid);
    if (!record) return failure(v, 409, record.error().message);
    const RecordConflict* conflict = nullptr;
    for (const auto& c : record->conflicts)
        if (c.path == path && !c.delete_conflict) conflict = &c;
    // Either one of the candidates, by its place, or a value the coordinator typed.
    const auto given = param(body, "candidate");
    const auto typed = param(body, "value");
    std::string value;
    if (given.empty() && !typed.empty()) {
        if (!conflict)
            return failure(v, 409,
                           "no open conflict at '" + path + "' (it may have been settled already)");
        value = typed_answer(typed);
    } else {
        std::size_t index = 0;
        bool number =
            !given.empty() && given.size() < 6 &&
            std::all_of(given.begin(), given.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (number) index = static_cast<std::size_t>(std::stoul(given));
        if (!conflict || !number || index >= conflict->candidates.size() ||
            !conflict->candidates[index].value_json)
            return failure(v, 409,
                           "no open conflict at '" + path +
                               "' with that candidate (it may have been settled already)");
        value = *conflict->candidates[index].value_json;
    }
    auto done = coordinator_.resolve(rid, path, value, form_language(table->form(), v));
    if (!done) return failure(v, 409, done.error().message);
    if (auto reloaded = table->reload(coordinator_, rid); !reloaded)
        return failure(v, 500, reloaded.error().message);
    return redirect(link(v, "/record", {{"id", rid}, {"notice", "settled"}}));
}

Response Desk::review(const Params& body, const View& v) {
    const auto rid = param(body, "record");
    auto* table = table_of_record(rid);
    if (!table) return failure(v, 404, std::string(say(v.lang, "not_found")));
    auto state = review_state_name(param(body, "state"));
    if (!state) return failure(v, 400, "no review state '" + param(body, "state") + "'");
    if (auto done = device_.review(rid, *state, param(body, "comment")); !done)
        return failure(v, 409, done.error().message);
    if (auto reloaded = table->reload(coordinator_, rid); !reloaded)
        return failure(v, 500, reloaded.error().message);
    return redirect(link(v, "/record", {{"id", rid}, {"notice", "review_saved"}}));
}

Response Desk::sync(const View& v) {
    if (!setup_.sync) return failure(v, 404, std::string(say(v.lang, "not_found")));
    auto report = setup_.sync();
    Html m;
    if (!report) {
        m.raw("<h1>")
            .text(say(v.lang, "sync_failed"))
            .raw("</h1><p class=\"error\" role=\"alert\">")
            .text(report.error().message)
            .raw("</p>");
        auto r = html_response(page(v, std::string(say(v.lang, "sync_failed")), m.str()));
        r.status = 502;
        return r;
    }
    auto loaded = load();
    m.raw("<h1 id=\"synced\">")
        .text(say(v.lang, "synced"))
        .raw("</h1><pre class=\"report\">")
        .text(*report)
        .raw("</pre>");
    if (!loaded)
        m.raw("<p class=\"error\" role=\"alert\">").text(loaded.error().message).raw("</p>");
    m.raw("<p><a href=\"").text(link(v, "/")).raw("\">").text(say(v.lang, "forms")).raw("</a></p>");
    return html_response(page(v, std::string(say(v.lang, "synced")), m.str()));
}

Response Desk::download(const Params& body, const View& v) {
    const auto form_id = param(body, "form");
    const auto format = param(body, "format");
    const auto& names = export_formats();
    auto* table = table_named(form_id);
    if (!table || std::find(names.begin(), names.end(), format) == names.end())
        return failure(v, 404, std::string(say(v.lang, "not_found")));
    ScratchDir scratch;
    const std::string stem = file_stem(form_id);
    const std::string dir = scratch.path() + "/" + stem;
    auto written = [&]() -> Result<std::string> {
        ExportRequest request;
        request.form_id = form_id;
        request.dir = dir;
        request.formats = {format};
        request.language = form_language(table->form(), v);
        CANVASS_TRY_VOID(export_form(coordinator_, request));
        const std::string zip = scratch.path() + "/export.zip";
        CANVASS_TRY_VOID(zip_folder(dir, zip));
        return read_bytes(zip);
    }();
    if (!written) return failure(v, 500, written.error().message);
    Response r;
    r.set("Content-Type", "application/zip");
    r.set("Content-Disposition", "attachment; filename=\"" + stem + "-" + format + ".zip\"");
    r.body = std::move(written).value();
    return r;
}

}  // namespace canvass::cli::desk
