#include "export/csv_zip.hpp"

#include <zip.h>

#include <memory>

#include "export/output_file.hpp"

namespace canvass::cli::exporting {

namespace {

Unexpected<Error> zip_failed(const std::string& path, const std::string& what, zip_error_t* e) {
    return unexpected(Domain::core, errc::io, path + ": " + what + ": " + zip_error_strerror(e));
}

struct SourceFree {
    void operator()(zip_source_t* s) const { zip_source_free(s); }
};

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
    for (const auto& entry : entries) {
        zip_source_t* data = zip_source_buffer(archive, entry.data.data(), entry.data.size(), 0);
        if (!data || zip_file_add(archive, entry.name.c_str(), data,
                                  ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) < 0) {
            if (data) zip_source_free(data);
            auto r = zip_failed(path, "cannot add " + entry.name, zip_get_error(archive));
            zip_discard(archive);
            return r;
        }
    }
    if (zip_close(archive) < 0) {
        auto r = zip_failed(path, "cannot finish the archive", zip_get_error(archive));
        zip_discard(archive);
        return r;
    }

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

}  // namespace canvass::cli::exporting
