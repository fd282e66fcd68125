#include "export/csv_zip.hpp"

#include <zip.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "canvass/output_file.hpp"

namespace canvass::exporting {

namespace {

Unexpected<Error> zip_failed(const std::string& path, const std::string& what, zip_error_t* e) {
    return unexpected(Domain::core, errc::io, path + ": " + what + ": " + zip_error_strerror(e));
}

struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};

// Adds `count` entries to `archive`, entry i named names(i) with data from source(i), and
// closes it. On failure the archive is discarded.
Result<void> fill_and_close(zip_t* archive, const std::string& path, std::size_t count,
                            const std::function<const std::string&(std::size_t)>& name,
                            const std::function<zip_source_t*(std::size_t)>& source) {
    for (std::size_t i = 0; i < count; ++i) {
        zip_source_t* data = source(i);
        if (!data ||
            zip_file_add(archive, name(i).c_str(), data, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (data) zip_source_free(data);
            auto r = zip_failed(path, "cannot add " + name(i), zip_get_error(archive));
            zip_discard(archive);
            return r;
        }
    }
    if (zip_close(archive) < 0) {
        auto r = zip_failed(path, "cannot finish the archive", zip_get_error(archive));
        zip_discard(archive);
        return r;
    }
    return {};
}

}  // namespace

Result<void> write_zip(const std::string& path, const std::vector<ZipEntry>& entries) {
    // The archive is built in memory, then written through OutputFile so that it gets the
    // export's file mode and atomic rename.
    zip_error_t error;
    zip_error_init(&error);
    std::unique_ptr<zip_source_t, SourceFree> buffer(
        zip_source_buffer_create(nullptr, 0, 0, &error));
    if (!buffer) return zip_failed(path, "cannot start the archive", &error);
    zip_t* archive = zip_open_from_source(buffer.get(), ZIP_TRUNCATE, &error);
    if (!archive) return zip_failed(path, "cannot start the archive", &error);
    zip_source_keep(buffer.get());  // still ours after zip_close
    CANVASS_TRY_VOID(fill_and_close(
        archive, path, entries.size(),
        [&](std::size_t i) -> const std::string& { return entries[i].name; },
        [&](std::size_t i) {
            return zip_source_buffer(archive, entries[i].data.data(), entries[i].data.size(), 0);
        }));

    if (zip_source_open(buffer.get()) < 0)
        return zip_failed(path, "cannot read the archive", zip_source_error(buffer.get()));
    zip_source_seek(buffer.get(), 0, SEEK_END);
    zip_int64_t size = zip_source_tell(buffer.get());
    zip_source_seek(buffer.get(), 0, SEEK_SET);
    std::string bytes(static_cast<std::size_t>(size < 0 ? 0 : size), '\0');
    zip_int64_t got =
        zip_source_read(buffer.get(), bytes.data(), static_cast<zip_uint64_t>(bytes.size()));
    zip_source_close(buffer.get());
    if (got != size)
        return zip_failed(path, "cannot read the archive", zip_source_error(buffer.get()));

    CANVASS_TRY(auto file, OutputFile::create(path));
    file.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return file.commit();
}

Result<void> write_zip_files(const std::string& path, const std::vector<ZipFileEntry>& entries) {
    // libzip writes the archive beside its temporary name and renames it there; that name is
    // OutputFile's, created owner-only first, and the mode is set again before the rename into
    // place, whatever libzip gave its own temporary file.
    CANVASS_TRY(auto file, OutputFile::create(path));
    const std::string part = path + ".part";
    int code = 0;
    zip_t* archive = zip_open(part.c_str(), ZIP_TRUNCATE, &code);
    if (!archive) {
        zip_error_t error;
        zip_error_init_with_code(&error, code);
        auto r = zip_failed(path, "cannot start the archive", &error);
        zip_error_fini(&error);
        return r;
    }
    CANVASS_TRY_VOID(fill_and_close(
        archive, path, entries.size(),
        [&](std::size_t i) -> const std::string& { return entries[i].name; },
        [&](std::size_t i) { return zip_source_file(archive, entries[i].file.c_str(), 0, -1); }));
    std::error_code ec;
    namespace fs = std::filesystem;
    fs::permissions(part, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                    ec);
    if (ec)
        return unexpected(Domain::core, errc::io,
                          part + ": cannot make it owner-only: " + ec.message());
    return file.commit();
}

}  // namespace canvass::exporting
