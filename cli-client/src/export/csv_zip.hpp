// A .zip of export files, written like every other file of the export: under a temporary
// name, owner-only, renamed into place when complete (output_file.hpp).
#pragma once

#include <string>
#include <vector>

#include "canvass/result.hpp"

namespace canvass::cli::exporting {

struct ZipEntry {
    std::string name;  // path inside the archive
    std::string data;
};

// Writes `entries`, deflated, in the order given, to `path`. Errors name the file.
Result<void> write_zip(const std::string& path, const std::vector<ZipEntry>& entries);

}  // namespace canvass::cli::exporting
