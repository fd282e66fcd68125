// Moving an embedded server to PostgreSQL (`canvass-server migrate --from DIR --to URL`).
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "canvass/result.hpp"
#include "crypto/hash.hpp"

namespace canvass::server {

struct MigrationReport {
    std::vector<std::pair<std::string, std::uint64_t>> rows;  // table -> rows copied
    std::uint64_t attachments = 0;                            // whole attachments copied
    struct Project {
        std::string name;
        std::uint64_t changesets = 0;
        crypto::Hash state_digest{};
        bool equal = false;  // same digest and counts in both stores
    };
    std::vector<Project> projects;
};

// Copies every changeset, head, grant, device, token, form, setting and record state of the
// SQLite store in `dir` (left unchanged, but for attachments of the layout before authors,
// moved under their authors' folders) into the empty PostgreSQL database at `url`, in one
// transaction, and whole attachments under DIR/media into its vault; then compares each
// project's state digest and counts on both sides. Error{store, already_exists} if the
// database holds a project already; unsupported if server.db's schema is not the current one.
// Stop the server first: what it stores during the copy would be missing from it.
Result<MigrationReport> migrate_to_postgres(const std::filesystem::path& dir,
                                            const std::string& url, std::uint64_t now_unix);

}  // namespace canvass::server
