// The `media/` folder of an export (docs/media.md): every attachment of the exported records
// decrypted into it, named as ODK Central names a submission's files (the name the file was
// attached under), and the counts behind the AttachmentsPresent and AttachmentsExpected
// columns. A record whose attachments have not all arrived keeps its file names in its cells
// and shows fewer present than expected; the export says so.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "canvass/result.hpp"
#include "coordinator/media.hpp"
#include "export/dataset.hpp"
#include "form/form.hpp"

namespace canvass::store {
class DeviceStore;
}

namespace canvass::exporting {

struct MediaSummary {
    std::size_t written = 0;          // files in media/
    std::size_t missing = 0;          // attachments referenced but not arrived (or unreadable)
    std::size_t records_missing = 0;  // records with at least one of those
};

// Where the attachments go: `media/<name>`, each file once however many records name it,
// or `files/uuid<record id>/<name>`, a folder per record, as ODK Central's zip of
// submissions and attachments lays them out.
enum class MediaLayout { media, by_record };

// The attachments' folder written a record at a time, in one pass or several: each file is
// decrypted and written the first time a record references it (in media/, the first time
// any record does) and named the same in every pass after. Two different files under one
// name in one folder are told apart by the first hex digits of their hash. `store`, `form`
// and `keys` must outlive it.
class MediaFolder {
  public:
    MediaFolder(store::DeviceStore& store, const form::Form& form,
                const coordinator::MediaKeys& keys, const std::string& dir,
                MediaLayout layout = MediaLayout::media);
    ~MediaFolder();
    // Starts counting missing attachments anew (each pass sees every record).
    void new_pass();
    // Writes the attachments `record` references (a deleted record has none), renames its
    // answers where two files share a name and sets its attachment counts.
    Result<void> record(ExportRecord& record);
    // What the passes wrote, and the missing attachments of the last pass.
    const MediaSummary& summary() const;
    // The files the passes wrote (their paths: the export's folder, then media/… or files/…),
    // in the order written.
    const std::vector<std::string>& files() const;

  private:
    class Files;
    std::unique_ptr<Files> files_;
};

// Writes `dir`/media/ for `dataset`'s records (created only when there is an attachment), and
// sets each record's attachments_present and attachments_expected. Two different files
// attached under one name are told apart by the first hex digits of their hash
// ("stall-3f2a9c1b.jpg"), and the record's answer names the file as written.
Result<MediaSummary> write_media(store::DeviceStore& store, const form::Form& form,
                                 Dataset& dataset, const std::string& dir);

}  // namespace canvass::exporting
