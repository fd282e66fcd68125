#include "export/media_files.hpp"

#include <map>
#include <set>

#include "coordinator/media.hpp"
#include "crypto/hash.hpp"
#include "canvass/output_file.hpp"
#include "form/attachment_ref.hpp"
#include "merge/ids.hpp"
#include "store/device_store.hpp"

namespace canvass::exporting {

using nlohmann::json;

class MediaFolder::Files {
  public:
    Files(store::DeviceStore& store, const form::Form& form, const coordinator::MediaKeys& keys,
          std::string dir, MediaLayout layout)
        : store_(store),
          form_(form),
          keys_(keys),
          dir_(std::move(dir) + (layout == MediaLayout::by_record ? "/files" : "/media")),
          layout_(layout) {}

    // Decrypts every attachment of `answers` into the folder, renaming answers where two
    // files share a name; counts into `record`.
    Result<void> record(json& answers, ExportRecord& record) {
        // ODK Central's folder of a submission: its instanceID without the `:`, which its
        // file-name sanitizing drops.
        folder_ = layout_ == MediaLayout::by_record ? "uuid" + merge::format_uuid(record.view.id)
                                                    : std::string();
        return add(answers, record);
    }

    MediaSummary summary;

  private:
    Result<void> add(json& answers, ExportRecord& record) {
        if (!answers.is_object()) return {};
        for (auto& [key, value] : answers.items()) {
            const form::Row* row = form_.find(key);
            if (!row) continue;
            if (row->type == form::RowType::group) {
                CANVASS_TRY_VOID(add(value, record));
            } else if (row->type == form::RowType::repeat && value.is_array()) {
                for (auto& inst : value) CANVASS_TRY_VOID(add(inst, record));
            } else if (form::is_media(row->type)) {
                auto ref = form::attachment_from_json(value);
                if (!ref) continue;
                ++record.attachments_expected;
                CANVASS_TRY(auto name, write(*ref));
                if (!name) {
                    ++summary.missing;
                    continue;
                }
                ++record.attachments_present;
                value["name"] = *name;
            }
        }
        return {};
    }

    // The file's name in its folder (media/, or the record's under files/), writing it the
    // first time; nullopt when it has not arrived.
    Result<std::optional<std::string>> write(const form::AttachmentRef& ref) {
        const std::string key = folder_ + "/" + ref.hash_hex();
        if (auto it = written_.find(key); it != written_.end())
            return std::optional<std::string>(it->second);
        CANVASS_TRY(auto bytes, coordinator::open_attachment(store_, keys_, ref.hash));
        if (!bytes) return std::optional<std::string>();
        std::string name = ref.name;
        if (auto taken = names_.find(folder_ + "/" + name);
            taken != names_.end() && taken->second != ref.hash) {
            auto dot = name.rfind('.');
            std::string stem = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
            std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot);
            name = stem + "-" + ref.hash_hex().substr(0, 8) + ext;
        }
        const std::string dir = folder_.empty() ? dir_ : dir_ + "/" + folder_;
        if (folders_.insert(dir).second) CANVASS_TRY_VOID(create_private_directories(dir));
        CANVASS_TRY(auto file, OutputFile::create(dir + "/" + name));
        file.stream().write(reinterpret_cast<const char*>(bytes->data()),
                            static_cast<std::streamsize>(bytes->size()));
        CANVASS_TRY_VOID(file.commit());
        names_[folder_ + "/" + name] = ref.hash;
        written_[key] = name;
        files.push_back(dir + "/" + name);
        ++summary.written;
        return std::optional<std::string>(name);
    }

    store::DeviceStore& store_;
    const form::Form& form_;
    const coordinator::MediaKeys& keys_;
    std::string dir_;
    MediaLayout layout_;
    std::string folder_;             // the record's under dir_ ("" in media/)
    std::set<std::string> folders_;  // made
    // By "<folder>/<name>" and "<folder>/<hash hex>": the files written, each once.
    std::map<std::string, crypto::Hash> names_;
    std::map<std::string, std::string> written_;

  public:
    std::vector<std::string> files;  // the files written, in that order
};

MediaFolder::MediaFolder(store::DeviceStore& store, const form::Form& form,
                         const coordinator::MediaKeys& keys, const std::string& dir,
                         MediaLayout layout)
    : files_(std::make_unique<Files>(store, form, keys, dir, layout)) {}

MediaFolder::~MediaFolder() = default;

void MediaFolder::new_pass() {
    files_->summary.missing = 0;
    files_->summary.records_missing = 0;
}

Result<void> MediaFolder::record(ExportRecord& r) {
    if (r.view.deleted()) return {};
    r.attachments_expected = 0;
    r.attachments_present = 0;
    const auto missing_before = files_->summary.missing;
    CANVASS_TRY_VOID(files_->record(r.answers, r));
    if (files_->summary.missing > missing_before) ++files_->summary.records_missing;
    return {};
}

const MediaSummary& MediaFolder::summary() const {
    return files_->summary;
}

const std::vector<std::string>& MediaFolder::files() const {
    return files_->files;
}

Result<MediaSummary> write_media(store::DeviceStore& store, const form::Form& form,
                                 Dataset& dataset, const std::string& dir) {
    MediaFolder folder(store, form, dataset.media, dir);
    for (auto& r : dataset.records) CANVASS_TRY_VOID(folder.record(r));
    return folder.summary();
}

}  // namespace canvass::exporting
