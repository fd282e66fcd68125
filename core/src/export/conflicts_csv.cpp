// conflicts.csv: one row per candidate of every open conflict of the exported records, so
// a coordinator can review them in a spreadsheet and settle each with `canvass resolve`.
#include <map>

#include "crypto/hash.hpp"
#include "export/cells.hpp"
#include "export/csv.hpp"
#include "canvass/output_file.hpp"
#include "export/writers.hpp"
#include "merge/path.hpp"

namespace canvass::exporting {

namespace {

// (record, instance path) -> the KEY of that instance's row; "" is the record's own row.
using RowKeys = std::map<std::pair<merge::RecordId, std::string>, std::string>;

RowKeys row_keys(const RecordRows& tables) {
    RowKeys out;
    for (const auto& rows : tables) {
        for (const auto& r : rows) out[{r.record->view.id, r.instance_path}] = r.key;
    }
    return out;
}

// The KEY of the row holding `path`: its innermost enclosing instance's, else the record's.
std::string key_for(const RowKeys& keys, const merge::RecordId& record, const std::string& path) {
    std::string holder;
    if (!path.empty()) {
        auto enclosing = merge::enclosing_instances(path);
        if (!enclosing.empty()) holder = std::string(enclosing.back());
    }
    auto it = keys.find({record, holder});
    return it == keys.end() ? std::string() : it->second;
}

std::string field_of(const Conflict& c) {
    if (c.delete_conflict) return {};
    auto slash = c.path.rfind('/');
    return slash == std::string::npos ? c.path : c.path.substr(slash + 1);
}

// One record at a time: the keys of its own rows are all a conflict can name.
class ConflictsWriter final : public OneFileWriter {
  public:
    explicit ConflictsWriter(const ExportSpec& spec)
        : OneFileWriter(spec.dir + "/conflicts.csv", "candidates") {}

    void start(std::ostream& out) override {
        write_csv_record(out, {"record", "KEY", "path", "field", "conflict", "candidate", "value",
                               "device", "time", "shown"});
    }

    Result<void> add(const ExportRecord& r, const RecordRows& rows) override {
        if (r.view.deleted() || r.conflicts.empty()) return {};
        auto keys = row_keys(rows);
        for (const auto& c : r.conflicts) {
            for (std::size_t i = 0; i < c.candidates.size(); ++i) {
                const auto& cand = c.candidates[i];
                write_csv_record(
                    out(),
                    {merge::format_uuid(r.view.id), key_for(keys, r.view.id, c.path), c.path,
                     field_of(c), c.delete_conflict ? "delete" : "value", std::to_string(i + 1),
                     candidate_text(cand), crypto::to_hex(cand.device), iso_time(cand.hlc),
                     cand.shown ? "yes" : ""});
                ++count;
            }
        }
        return {};
    }
};

}  // namespace

std::unique_ptr<RecordWriter> conflicts_writer(const ExportSpec& spec) {
    return std::make_unique<ConflictsWriter>(spec);
}

}  // namespace canvass::exporting
