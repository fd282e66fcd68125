// Attachment chunks in PostgreSQL (pg_store.hpp): the rows of media_items and media_chunks
// stand for the item and chunk files of media_vault.hpp, by author (`device`) and id. Each write is
// one autocommitted statement, durable when it returns.
#include "server/pg_store.hpp"

namespace canvass::server::pg {

Result<std::optional<sync::MediaVault::Held>> PgMediaVault::find(const std::string& project,
                                                                 const sync::MediaId& id) {
    // Chunks count "from the first on", as the file vault counts them.
    CANVASS_TRY(auto rows, db_.query("SELECT i.size, i.chunks, (SELECT count(*) FROM media_chunks "
                                     "c WHERE c.project = i.project "
                                     "AND c.device = i.device AND c.id = i.id AND c.chunk < "
                                     "i.chunks), i.root, i.signature FROM media_items i "
                                     "WHERE i.project = $1 AND i.device = $2 AND i.id = $3",
                                     Params().text(project).add(id.author).add(id.id)));
    if (rows.empty()) return std::optional<Held>();
    Held h;
    h.item.id = id.id;
    h.item.author = id.author;
    h.item.size = rows.uint64(0, 0);
    h.item.chunks = rows.uint64(0, 1);
    h.item.root = rows.fixed<32>(0, 3);
    h.item.signature = rows.fixed<64>(0, 4);
    h.chunks_held = rows.uint64(0, 2);
    if (h.chunks_held < h.item.chunks) {
        // Held "from the first on": the first missing index bounds it.
        CANVASS_TRY(auto gap,
                    db_.query("SELECT coalesce(min(n), $4) FROM generate_series(0::bigint, $4 - 1) "
                              "n WHERE NOT EXISTS "
                              "(SELECT 1 FROM media_chunks c WHERE c.project = $1 AND c.device = "
                              "$2 AND c.id = $3 AND c.chunk = n)",
                              Params().text(project).add(id.author).add(id.id).add(h.item.chunks)));
        h.chunks_held = gap.uint64(0, 0);
    }
    return std::optional<Held>(std::move(h));
}

Result<void> PgMediaVault::open(const std::string& project, const sync::MediaItem& item) {
    return db_.run(
        "INSERT INTO media_items (project, id, device, size, chunks, root, signature) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        Params()
            .text(project)
            .add(item.id)
            .add(item.author)
            .add(item.size)
            .add(item.chunks)
            .add(item.root)
            .add(item.signature));
}

Result<void> PgMediaVault::put(const std::string& project, const sync::MediaId& id,
                               std::uint64_t index, std::span<const std::uint8_t> data) {
    return db_.run(
        "INSERT INTO media_chunks (project, device, id, chunk, data) VALUES ($1, $2, $3, $4, $5) "
        "ON CONFLICT (project, device, id, chunk) DO UPDATE SET data = excluded.data",
        Params().text(project).add(id.author).add(id.id).add(index).add(data));
}

Result<sync::Bytes> PgMediaVault::get(const std::string& project, const sync::MediaId& id,
                                      std::uint64_t index) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT data FROM media_chunks WHERE project = $1 AND device = $2 AND id = $3 "
                  "AND chunk = $4",
                  Params().text(project).add(id.author).add(id.id).add(index)));
    if (rows.empty())
        return unexpected(Domain::store, errc::not_found,
                          "attachment chunk " + std::to_string(index) + " is not held");
    return rows.bytes(0, 0);
}

Result<std::uint64_t> PgMediaVault::device_bytes(const std::string& project,
                                                 const merge::DeviceId& author) {
    CANVASS_TRY(
        auto rows,
        db_.query("SELECT coalesce(sum(size), 0)::bigint FROM media_items WHERE project = $1 "
                  "AND device = $2",
                  Params().text(project).add(author)));
    return rows.uint64(0, 0);
}

Result<std::vector<sync::MediaItem>> PgMediaVault::complete(const std::string& project) {
    CANVASS_TRY(auto rows, db_.query("SELECT i.id, i.size, i.chunks, i.device, i.root, i.signature "
                                     "FROM media_items i WHERE i.project = $1 "
                                     "AND i.chunks = (SELECT count(*) FROM media_chunks c WHERE "
                                     "c.project = i.project AND c.device = i.device "
                                     "AND c.id = i.id AND c.chunk < i.chunks) "
                                     "ORDER BY i.id, i.device",
                                     Params().text(project)));
    std::vector<sync::MediaItem> out;
    for (int i = 0; i < rows.size(); ++i) {
        sync::MediaItem item;
        item.id = rows.fixed<32>(i, 0);
        item.size = rows.uint64(i, 1);
        item.chunks = rows.uint64(i, 2);
        item.author = rows.fixed<16>(i, 3);
        item.root = rows.fixed<32>(i, 4);
        item.signature = rows.fixed<64>(i, 5);
        out.push_back(std::move(item));
    }
    return out;
}

Result<void> PgMediaVault::discard(const std::string& project, const sync::MediaId& id) {
    return db_.transaction(Isolation::serializable, [&]() -> Result<void> {
        CANVASS_TRY_VOID(
            db_.run("DELETE FROM media_chunks WHERE project = $1 AND device = $2 AND id = $3",
                    Params().text(project).add(id.author).add(id.id)));
        return db_.run("DELETE FROM media_items WHERE project = $1 AND device = $2 AND id = $3",
                       Params().text(project).add(id.author).add(id.id));
    });
}

Result<MediaCensus> PgMediaVault::census(const std::string& project) {
    CANVASS_TRY(
        auto rows,
        db_.query(
            "SELECT count(*) FILTER (WHERE held = chunks), count(*) FILTER (WHERE held < chunks), "
            "coalesce(sum(held), 0)::bigint, coalesce(sum(bytes), 0)::bigint FROM (SELECT "
            "i.chunks, "
            "(SELECT count(*) FROM media_chunks c WHERE c.project = i.project AND c.device = "
            "i.device AND c.id = i.id "
            "AND c.chunk < i.chunks) AS held, "
            "(SELECT coalesce(sum(length(c.data)), 0) FROM media_chunks c WHERE c.project = "
            "i.project "
            "AND c.device = i.device AND c.id = i.id AND c.chunk < i.chunks) AS bytes "
            "FROM media_items i WHERE i.project = $1) t",
            Params().text(project)));
    MediaCensus c;
    c.attachments = rows.uint64(0, 0);
    c.partial = rows.uint64(0, 1);
    c.chunks = rows.uint64(0, 2);
    c.bytes = rows.uint64(0, 3);
    return c;
}

}  // namespace canvass::server::pg
