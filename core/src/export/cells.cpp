#include "export/cells.hpp"

#include "crypto/hash.hpp"
#include "form/answer_types.hpp"

namespace canvass::exporting {

using nlohmann::json;

std::string cell_text(const Cell& cell) {
    if (const auto* d = std::get_if<double>(&cell)) return form::answer_text(json(*d));
    if (const auto* s = std::get_if<std::string>(&cell)) return *s;
    return {};
}

std::optional<double> geopoint_part(const json& value, int part) {
    static constexpr const char* keys[4] = {"lat", "lon", "alt", "acc"};
    if (!value.is_object() || part < 0 || part > 3) return std::nullopt;
    auto it = value.find(keys[part]);
    if (it == value.end() || !it->is_number()) return std::nullopt;
    return it->get<double>();
}

const MetaColumn& submission_date_column() {
    static const MetaColumn column{
        "SubmissionDate", "when the record was first saved (UTC, the device's clock)", false};
    return column;
}

const std::vector<MetaColumn>& meta_columns() {
    static const std::vector<MetaColumn> columns{
        {"KEY", "record key: uuid:<record id>", false},
        {"SubmitterID", "device that created the record", false},
        {"SubmitterName", "always empty: canvass identifies submitters by device", false},
        {"AttachmentsPresent",
         "attachments of the record in media/ (fewer than expected: not all arrived yet)", true},
        {"AttachmentsExpected", "attachments the record's answers reference", true},
        {"Status",
         "empty, or 'partly decrypted' / 'not decrypted' when the key could not read everything",
         false},
        {"ReviewState",
         "hasIssues while a conflict is open, else a coordinator's review (approved, hasIssues, "
         "rejected), "
         "else edited after a change, else empty",
         false},
        {"DeviceID", "device that created the record", false},
        {"Edits", "number of saved changes after the first save", true},
        {"FormVersion", "form version of the latest change", false},
    };
    return columns;
}

std::vector<Cell> meta_values(const ExportRecord& record) {
    std::string creator = crypto::to_hex(record.creator);
    double edits = record.view.edits > 0 ? static_cast<double>(record.view.edits - 1) : 0.0;
    return {record_key(record.view.id),
            creator,
            std::string(),
            static_cast<double>(record.attachments_present),
            static_cast<double>(record.attachments_expected),
            status_text(record),
            review_state(record),
            creator,
            edits,
            record.view.meta.form_version};
}

std::string utf8_prefix(std::string_view text, std::size_t max_bytes) {
    if (text.size() <= max_bytes) return std::string(text);
    std::size_t end = max_bytes;
    // Step back over continuation bytes (10xxxxxx) to the start of a sequence.
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    return std::string(text.substr(0, end));
}

std::string utf8_chars(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (chars == max_chars) return std::string(text.substr(0, i));
            ++chars;
        }
    }
    return std::string(text);
}

}  // namespace canvass::exporting
