#include "export/media_files.hpp"

#include <map>

#include "coordinator/media.hpp"
#include "crypto/hash.hpp"
#include "canvass/output_file.hpp"
#include "form/attachment_ref.hpp"
#include "store/device_store.hpp"

namespace canvass::exporting {

using nlohmann::json;

class MediaFolder::Files {
  public:
    Files(store::DeviceStore& store, const form::Form& form, const coordinator::MediaKeys& keys,
          std::string dir)
        : store_(store), form_(form), keys_(keys), dir_(std::move(dir) + "/media") {}

    // Decrypts every attachment of `answers` into the folder, renaming answers where two
    // files share a name; counts into `record`.
    Result<void> record(json& answers, ExportRecord& record) {
        if (!answers.is_object()) return {};
        for (auto& [key, value] : answers.items()) {
            const form::Row* row = form_.find(key);
            if (!row) continue;
            if (row->type == form::RowType::group) {
                CANVASS_TRY_VOID(this->record(value, record));
            } else if (row->type == form::RowType::repeat && value.is_array()) {
                for (auto& inst : value) CANVASS_TRY_VOID(this->record(inst, record));
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

    MediaSummary summary;

  private:
    // The file's name in media/, writing it the first time; nullopt when it has not arrived.
    Result<std::optional<std::string>> write(const form::AttachmentRef& ref) {
        if (auto it = written_.find(ref.hash); it != written_.end())
            return std::optional<std::string>(it->second);
        CANVASS_TRY(auto bytes, coordinator::open_attachment(store_, keys_, ref.hash));
        if (!bytes) return std::optional<std::string>();
        std::string name = ref.name;
        if (auto taken = names_.find(name); taken != names_.end() && taken->second != ref.hash) {
            auto dot = name.rfind('.');
            std::string stem = dot == std::string::npos || dot == 0 ? name : name.substr(0, dot);
            std::string ext = dot == std::string::npos || dot == 0 ? "" : name.substr(dot);
            name = stem + "-" + ref.hash_hex().substr(0, 8) + ext;
        }
        if (written_.empty()) CANVASS_TRY_VOID(create_private_directories(dir_));
        CANVASS_TRY(auto file, OutputFile::create(dir_ + "/" + name));
        file.stream().write(reinterpret_cast<const char*>(bytes->data()),
                            static_cast<std::streamsize>(bytes->size()));
        CANVASS_TRY_VOID(file.commit());
        names_[name] = ref.hash;
        written_[ref.hash] = name;
        ++summary.written;
        return std::optional<std::string>(name);
    }

    store::DeviceStore& store_;
    const form::Form& form_;
    const coordinator::MediaKeys& keys_;
    std::string dir_;
    std::map<std::string, crypto::Hash> names_;
    std::map<crypto::Hash, std::string> written_;
};

MediaFolder::MediaFolder(store::DeviceStore& store, const form::Form& form,
                         const coordinator::MediaKeys& keys, const std::string& dir)
    : files_(std::make_unique<Files>(store, form, keys, dir)) {}

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

Result<MediaSummary> write_media(store::DeviceStore& store, const form::Form& form,
                                 Dataset& dataset, const std::string& dir) {
    MediaFolder folder(store, form, dataset.media, dir);
    for (auto& r : dataset.records) CANVASS_TRY_VOID(folder.record(r));
    return folder.summary();
}

}  // namespace canvass::exporting
