// The coordinator's merged, decrypted dataset written as files (docs/export.md): CSV in ODK
// Central's layout, XLSX, JSON Lines, GeoJSON, Stata .dta and SPSS .sav, each with
// codebook.csv, conflicts.csv and the attachments in media/. `canvass export` and the desk's
// downloads are faces of export_form(). Desktop builds only: the core-only build for phones
// leaves it out (and the libraries it writes with).
//
//   auto view = canvass::Coordinator::open(laptop, "project.key", key_passphrase);
//   canvass::ExportRequest request;
//   request.form_id = "market";
//   request.dir = "out";
//   request.formats = {"csv", "dta"};
//   auto summary = canvass::export_form(*view, request);   // out/market.csv, out/market.dta…
//
// Every file holds decrypted answers: created owner-only (0600, folders 0700) and written
// under a temporary name, so an interrupted export leaves no table that looks whole.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "canvass/coordinator.hpp"
#include "canvass/result.hpp"

namespace canvass {

// The formats by name, in the order an export writes them: csv, jsonl, xlsx, geojson, dta,
// sav.
const std::vector<std::string>& export_formats();

struct ExportRequest {
    std::string form_id;  // required
    std::string dir;      // created owner-only when missing; files of the same names replaced
    // Names of export_formats(), or "all" (csv, jsonl, dta and sav); none: csv.
    std::vector<std::string> formats;
    std::string language;  // of labels, one of the form's; empty: its default language
    // Columns of every installed version's questions, those the newest version removed too
    // (the newest version's otherwise).
    bool all_versions = false;
    // Attachments in `files/uuid<record id>/<name>`, a folder per record as ODK Central's
    // zip lays them out, instead of `media/<name>` (each file once).
    bool files_by_record = false;
    // The CSV tables, as ODK Central's download options lay them out:
    bool split_select_multiples = false;  // a 1/0 `question/choice` column after each one
    bool group_paths = true;              // false: bare field names as headers
    bool zip = false;                     // the tables in `<form id>.zip`, LF line ends
    std::string labels;                   // a language of the form: choice labels, not names
    // Called now and then with what is being done, how much of it is done and of how much:
    // "decrypt" counts changesets; "survey", "gather" and "write", the passes over the
    // records, count records.
    std::function<void(std::string_view stage, std::size_t done, std::size_t total)> progress;
};

struct ExportedFile {
    std::string path;  // under the request's dir
    std::size_t rows = 0;
    std::string unit;  // what `rows` counts: "rows", "variables", "records"…
};

struct ExportSummary {
    std::string form_id;
    std::string version;              // whose columns the tables have: the newest installed
    std::string language;             // of the labels
    std::size_t records = 0;          // not deleted
    std::vector<ExportedFile> files;  // in the order written
    std::size_t media_files = 0;      // in `<dir>/media/` (or `<dir>/files/`)
    // Attachments the records name that have not arrived yet (their cells name the files to
    // come; AttachmentsPresent < AttachmentsExpected), and the records with one of those.
    std::size_t attachments_missing = 0;
    std::size_t records_missing_attachments = 0;
    // What the reader of the files must know, a line of words each: changesets this key
    // could not read (those records exported with what could be read, their Status column
    // saying so), attachments still to come, values a format could not hold.
    std::vector<std::string> warnings;
};

// Writes form `request.form_id`'s dataset into `request.dir`, a record at a time (peak
// memory does not grow with the records). Refused, naming what is wrong, before anything is
// written: a form not installed on the device, a language or format it does not have;
// Error{crypto, wrong_key} when not one changeset of the form opens with this key.
Result<ExportSummary> export_form(Coordinator& coordinator, const ExportRequest& request);

// The files under `dir` (an export's folder) packed, deflated, into one owner-only zip at
// `zip_path`, each named by its path from `dir`'s parent (`street_vendors/street_vendors.csv`,
// `street_vendors/media/…`), in name order: an export handed over as one file. Files are
// read while the archive is written, never held in memory whole.
Result<void> zip_folder(const std::string& dir, const std::string& zip_path);

}  // namespace canvass
