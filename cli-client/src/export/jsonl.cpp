// JSON Lines: one merged record per line, answers nested as a person gave them (repeats
// as arrays of instance objects with their "_id"), every answer kept, including answers
// to questions the newest form version no longer has.
#include <optional>

#include "export/cells.hpp"
#include "export/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::cli::exporting {

using nlohmann::json;

namespace {

class JsonlWriter final : public RecordWriter {
public:
    explicit JsonlWriter(const ExportSpec& spec) : spec_(spec) {}

    Result<void> begin() override {
        CANVASS_TRY(auto file, OutputFile::create(spec_.dir + "/" + file_stem(spec_.form) + ".jsonl"));
        file_.emplace(std::move(file));
        return {};
    }
    Result<void> add(const ExportRecord& r, const RecordRows&) override {
        if (r.view.deleted()) return {};
        file_->stream() << coordinator::record_json(&spec_.form, r).dump(-1, ' ', false, json::error_handler_t::replace)
                        << "\n";
        ++n_;
        return {};
    }
    Result<void> finish(ExportResult& result) override {
        CANVASS_TRY_VOID(file_->commit());
        result.files.push_back({file_->path(), n_});
        return {};
    }

private:
    const ExportSpec& spec_;
    std::optional<OutputFile> file_;
    std::size_t n_ = 0;
};

}  // namespace

std::unique_ptr<RecordWriter> jsonl_writer(const ExportSpec& spec) { return std::make_unique<JsonlWriter>(spec); }

}  // namespace canvass::cli::exporting
