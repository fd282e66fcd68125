// A .zip of export files, written like every other file of the export: under a temporary
// name, owner-only, renamed into place when complete (output_file.hpp).
#pragma once

#include <string>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::exporting {

struct ZipEntry {
    std::string name;  // path inside the archive
    std::string data;
};

// Writes `entries`, deflated, in the order given, to `path`. Errors name the file.
Result<void> write_zip(const std::string& path, const std::vector<ZipEntry>& entries);

struct ZipFileEntry {
    std::string name;  // path inside the archive
    std::string file;  // the file holding its data
};
// The same with each entry's data read from its file while the archive is written, so that
// neither the data nor the archive is ever held in memory whole.
Result<void> write_zip_files(const std::string& path, const std::vector<ZipFileEntry>& entries);

}  // namespace canvass::exporting
