// JSON Lines: one merged record per line, answers nested as a person gave them (repeats
// as arrays of instance objects with their "_id"), every answer kept, including answers
// to questions the newest form version no longer has.
#include "export/cells.hpp"
#include "canvass/output_file.hpp"
#include "export/writers.hpp"

namespace canvass::exporting {

using nlohmann::json;

namespace {

class JsonlWriter final : public OneFileWriter {
  public:
    explicit JsonlWriter(const ExportSpec& spec)
        : OneFileWriter(spec.dir + "/" + file_stem(spec.form) + ".jsonl", "rows"), spec_(spec) {}

    Result<void> add(const ExportRecord& r, const RecordRows&) override {
        if (r.view.deleted()) return {};
        out() << coordinator::record_json(&spec_.form, r)
                     .dump(-1, ' ', false, json::error_handler_t::replace)
              << "\n";
        ++count;
        return {};
    }

  private:
    const ExportSpec& spec_;
};

}  // namespace

std::unique_ptr<RecordWriter> jsonl_writer(const ExportSpec& spec) {
    return std::make_unique<JsonlWriter>(spec);
}

}  // namespace canvass::exporting
