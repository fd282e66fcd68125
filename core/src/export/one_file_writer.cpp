#include "export/writers.hpp"

#include <memory>

#include "canvass/output_file.hpp"

namespace canvass::exporting {

OneFileWriter::OneFileWriter(std::string path, std::string unit)
    : path_(std::move(path)), unit_(std::move(unit)) {}

OneFileWriter::~OneFileWriter() = default;

Result<void> OneFileWriter::begin() {
    CANVASS_TRY(auto file, OutputFile::create(path_));
    file_ = std::make_unique<OutputFile>(std::move(file));
    start(file_->stream());
    return {};
}

Result<void> OneFileWriter::finish(ExportResult& result) {
    end(file_->stream());
    CANVASS_TRY_VOID(file_->commit());
    result.files.push_back({path_, count, unit_});
    return {};
}

std::ostream& OneFileWriter::out() {
    return file_->stream();
}

}  // namespace canvass::exporting
