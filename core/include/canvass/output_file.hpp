// Files that hold decrypted answers (an export's tables, `canvass fill`'s refused lines):
// created owner-only and written under a temporary name, renamed into place only when
// complete, so an interrupted write never leaves a truncated file that looks whole
// (docs/security.md, "Files at rest").
#pragma once

#include <fstream>
#include <memory>
#include <string>

#include "canvass/result.hpp"

namespace canvass {

// Creates the directory `path` and any missing parent, each owner-only (0700). An existing
// directory is left as it is. Errors name the directory.
Result<void> create_private_directories(const std::string& path);

class OutputFile {
  public:
    // Opens `path` + ".part" for writing (replacing any leftover), readable and writable by
    // its owner only (0600, whatever the umask). Errors name the file.
    static Result<OutputFile> create(const std::string& path);

    OutputFile(OutputFile&&) = default;
    OutputFile& operator=(OutputFile&&) = default;
    ~OutputFile();  // removes the temporary file unless commit() succeeded

    std::ostream& stream() { return *out_; }
    const std::string& path() const { return path_; }
    // Flushes what was written to the temporary file (`path()` + ".part"), still open.
    // Errors name the file.
    Result<void> flush();
    // Flushes, closes and renames the file to its final name (replacing an older one).
    Result<void> commit();

  private:
    OutputFile(std::string path, std::unique_ptr<std::ofstream> out);

    std::string path_;
    std::unique_ptr<std::ofstream> out_;
    bool committed_ = false;
};

}  // namespace canvass
