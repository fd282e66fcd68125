#include "sync/bundle.hpp"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>

#include "crypto/hash.hpp"
#include "sync/messages.hpp"
#include "sync/verify.hpp"

namespace canvass::sync {

namespace {

constexpr std::string_view kMagic = "CVBUNDL1";

// A file, unlike a session, may hold a whole device's history in one batch.
MessageLimits bundle_limits() {
    MessageLimits l;
    l.max_message_bytes = 512u << 20;
    l.max_batch_changesets = 1u << 22;
    l.max_batch_bytes = 512u << 20;
    return l;
}

Unexpected<Error> io_error(const std::string& what) {
    return unexpected(Domain::core, errc::io, what);
}

void write_record(std::ofstream& out, const Message& m) {
    auto bytes = encode_message(m);
    const std::uint32_t n = static_cast<std::uint32_t>(bytes.size());
    const char len[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                         static_cast<char>(n >> 8), static_cast<char>(n)};
    out.write(len, 4);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

// Reads the records of a bundle file. A length is believed only as far as the file goes: a
// 12-byte file claiming a 512 MiB record is truncated, and nothing that large is allocated
// for it.
class RecordReader {
  public:
    static Result<RecordReader> open(const std::string& path) {
        RecordReader r(path);
        if (!r.in_) return io_error("cannot read " + path);
        std::string magic(kMagic.size(), '\0');
        r.in_.read(magic.data(), static_cast<std::streamsize>(magic.size()));
        if (!r.in_ || magic != kMagic)
            return unexpected(Domain::protocol, errc::corrupt, path + " is not a canvass bundle");
        std::error_code ec;
        r.file_bytes_ = std::filesystem::file_size(path, ec);
        if (ec) return io_error("cannot read " + path + ": " + ec.message());
        return r;
    }
    // The next message; nullopt at the end of the file.
    Result<std::optional<Message>> next() {
        unsigned char len[4];
        in_.read(reinterpret_cast<char*>(len), 4);
        if (in_.gcount() == 0 && in_.eof()) return std::optional<Message>();
        if (in_.gcount() != 4) return truncated();
        const std::size_t n = std::size_t{len[0]} << 24 | std::size_t{len[1]} << 16 |
                              std::size_t{len[2]} << 8 | len[3];
        if (n > limits_.max_message_bytes)
            return unexpected(Domain::protocol, errc::limit_exceeded,
                              path_ + " holds a record too large");
        const auto at = static_cast<std::uintmax_t>(in_.tellg());
        if (at > file_bytes_ || n > file_bytes_ - at) return truncated();
        Bytes bytes(n);
        in_.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(n));
        if (static_cast<std::size_t>(in_.gcount()) != n) return truncated();
        CANVASS_TRY(auto m, decode_message(bytes, limits_));
        return std::optional<Message>(std::move(m));
    }
    std::streampos tell() { return in_.tellg(); }
    void seek(std::streampos at) {
        in_.clear();
        in_.seekg(at);
    }

  private:
    explicit RecordReader(const std::string& path)
        : path_(path), in_(path, std::ios::binary), limits_(bundle_limits()) {}
    Unexpected<Error> truncated() const {
        return unexpected(Domain::protocol, errc::corrupt, path_ + " is truncated");
    }
    std::string path_;
    std::ifstream in_;
    std::uintmax_t file_bytes_ = 0;
    MessageLimits limits_;
};

Unexpected<Error> bad_item(const std::string& path, const MediaItem& item, const std::string& why) {
    return unexpected(Domain::protocol, errc::corrupt,
                      path + ": an attachment of device " + crypto::to_hex(item.author) +
                          " was not kept: " + why);
}

// The chunks of `item`, next in the file, each checked and hashed; an error unless they hash
// to the signed root. `keep` (may be empty) is called with each as it is read.
Result<void> read_chunks(RecordReader& reader, const std::string& path, const MediaItem& item,
                         const std::function<Result<void>(std::uint64_t, const Bytes&)>& keep) {
    RootHasher root;
    for (std::uint64_t c = 0; c < item.chunks; ++c) {
        CANVASS_TRY(auto m, reader.next());
        auto* chunk = m ? std::get_if<MediaChunk>(&*m) : nullptr;
        if (!chunk || chunk->id != item.id || chunk->index != c ||
            chunk->data.size() != sealed_chunk_bytes(item, c) ||
            (chunk->author && *chunk->author != item.author))
            return bad_item(path, item, "its chunks are missing or out of order");
        root.update(chunk->data);
        if (keep) CANVASS_TRY_VOID(keep(c, chunk->data));
    }
    if (root.finish() != item.root)
        return bad_item(path, item, "its chunks are not the ones its author signed");
    return {};
}

}  // namespace

Result<std::optional<crypto::SigningPublicKey>> chain_key(Replica& replica,
                                                          const merge::DeviceId& device) {
    CANVASS_TRY(auto point, replica.chain_point(device));
    if (!point) return std::optional<crypto::SigningPublicKey>();
    CANVASS_TRY(auto head, replica.cover_head(device, point->seq, point->seq));
    if (!head) return std::optional<crypto::SigningPublicKey>();
    return std::optional<crypto::SigningPublicKey>(head->key);
}

Result<BundleReport> write_bundle(Replica& replica, MediaReplica* media, const std::string& path) {
    BundleReport report;
    const std::string tmp = path + ".partial";
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return io_error("cannot write " + tmp);
    out.write(kMagic.data(), static_cast<std::streamsize>(kMagic.size()));
    CANVASS_TRY(auto chains, replica.chains());
    for (const auto& [device, point] : chains.entries()) {
        CANVASS_TRY(auto head, replica.cover_head(device, 1, point.seq));
        if (!head || head->head.seq != point.seq) {
            return unexpected(Domain::store, errc::corrupt,
                              "no signed head covers the chain of a device held here");
        }
        ChainRun run;
        run.device = device;
        run.key = head->key;
        CANVASS_TRY(run.changesets, replica.changesets(device, 1, point.seq));
        run.head = HeadSignature{head->head.seq, head->head.hash, head->head.signature};
        CANVASS_TRY(run.grants, replica.grants(device));
        report.changesets += run.changesets.size();
        ++report.devices;
        Changesets message;
        message.runs.push_back(std::move(run));
        write_record(out, Message{std::move(message)});
    }
    if (media) {
        CANVASS_TRY(auto items, media->carried());
        for (const auto& item : items) {
            write_record(out, Message{MediaOffer{{item}}});
            for (std::uint64_t c = 0; c < item.chunks; ++c) {
                CANVASS_TRY(auto data, media->chunk(item.media_id(), c));
                // Its item, just before, names its author.
                write_record(out, Message{MediaChunk{.id = item.id,
                                                     .index = c,
                                                     .data = std::move(data),
                                                     .author = std::nullopt}});
            }
            ++report.attachments;
            report.attachment_bytes += item.size;
        }
    }
    out.flush();
    if (!out) return io_error("cannot write " + tmp);
    out.close();
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return io_error("cannot write " + path + ": " + ec.message());
    return report;
}

Result<BundleReport> read_bundle(Replica& replica, MediaReplica* media, const std::string& path,
                                 const std::string& project, std::uint64_t now_ms) {
    CANVASS_TRY(auto reader, RecordReader::open(path));
    VerifyContext context;
    context.project = project;
    context.may_deliver = [](const merge::DeviceId&) { return true; };
    context.now_ms = now_ms;
    BundleReport report;
    for (;;) {
        CANVASS_TRY(auto message, reader.next());
        if (!message) break;
        if (auto* offer = std::get_if<MediaOffer>(&*message)) {
            if (offer->items.size() != 1)
                return unexpected(Domain::protocol, errc::corrupt,
                                  path + " holds a damaged attachment record");
            const MediaItem item = offer->items.front();
            CANVASS_TRY(auto problem, item_problem(item, [&](const merge::DeviceId& d) {
                            return chain_key(replica, d);
                        }));
            if (problem) return bad_item(path, item, *problem);
            std::uint64_t held = 0;
            if (media) {
                CANVASS_TRY(held, media->held(item.media_id()));
            }
            // Checked whole before any chunk is kept, so a forged one leaves nothing behind.
            const auto start = reader.tell();
            CANVASS_TRY_VOID(read_chunks(reader, path, item, {}));
            if (!media || held == item.chunks) continue;  // skipped, or already held
            reader.seek(start);
            CANVASS_TRY_VOID(read_chunks(reader, path, item,
                                         [&](std::uint64_t c, const Bytes& data) -> Result<void> {
                                             return media->keep(item, c, data, true);
                                         }));
            ++report.attachments;
            report.attachment_bytes += item.size;
            continue;
        }
        auto* batch = std::get_if<Changesets>(&*message);
        if (!batch)
            return unexpected(Domain::protocol, errc::corrupt,
                              path + " holds something else than changesets");
        CANVASS_TRY(auto verified, verify_batch(*batch, replica, context));
        for (const auto& run : verified.runs) report.changesets += run.changesets.size();
        for (const auto& e : verified.evidence) report.evidence += e.changesets.size();
        report.devices += batch->runs.size();
        CANVASS_TRY_VOID(replica.store(verified));
    }
    return report;
}

}  // namespace canvass::sync
