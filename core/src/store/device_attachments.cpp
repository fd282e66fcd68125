// Attachments in the device store (docs/media.md): copied in sealed, read back checked, and
// listed, sealed again, for sync.
#include <sqlite3.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "crypto/attachment_crypto.hpp"
#include "store/device_store_impl.hpp"
#include "form/json_text.hpp"

namespace canvass::store {
namespace {

using nlohmann::json;

constexpr std::string_view stream_ad = "canvass attachment at rest v1";

std::span<const std::uint8_t> ad() {
    return as_bytes(stream_ad);
}

std::string mb(std::uint64_t bytes) {
    auto tenths = (bytes * 10 + (1u << 19)) >> 20;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

Unexpected<Error> too_large(std::string_view what, std::uint64_t size, std::uint64_t limit) {
    return unexpected(
        Domain::form, errc::limit_exceeded,
        std::string(what) + " is " + mb(size) + " (" + std::to_string(size) +
            " bytes), more than the " + mb(limit) + " (" + std::to_string(limit) +
            " bytes) one attachment may be: take a smaller photo or a shorter recording, "
            "or ask the server's administrator to raise --max-attachment-bytes");
}

}  // namespace

// Writes an attachment's chunks as they come, under a temporary row key, then names it by
// the MAC of its content hash once the last chunk is in: one pass over the file.
class AttachmentWriter {
  public:
    AttachmentWriter(DeviceStore::Impl& impl, std::uint64_t limit, std::string what)
        : impl_(impl),
          sealer_(impl.sealer.subkey(Purpose::attachment)),
          limit_(limit),
          what_(std::move(what)) {
        impl.random->fill(temp_);
    }

    Result<void> add(std::span<const std::uint8_t> bytes) {
        size_ += bytes.size();
        if (size_ > limit_) return too_large(what_, size_, limit_);
        hash_.update(bytes);
        pending_.insert(pending_.end(), bytes.begin(), bytes.end());
        while (pending_.size() > crypto::attachment_chunk_bytes) CANVASS_TRY_VOID(flush(false));
        return {};
    }

    // Names the rows; returns the content hash.
    Result<crypto::Hash> finish() {
        CANVASS_TRY_VOID(flush(true));
        crypto::Hash content = hash_.finish();
        auto key = impl_.sealer.mac(
            Purpose::attachment_id,
            std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
        CANVASS_TRY(auto held, impl_.db.prepare("SELECT 1 FROM attachments WHERE key = ?"));
        held.bind(1, key);
        CANVASS_TRY(bool exists, held.step());
        if (exists) {  // the same bytes again: the rows already there stay, ours go
            CANVASS_TRY(auto del, impl_.db.prepare("DELETE FROM attachment_chunks WHERE key = ?"));
            CANVASS_TRY_VOID(del.bind(1, temp_).run());
            return content;
        }
        CANVASS_TRY(auto up,
                    impl_.db.prepare("UPDATE attachment_chunks SET key = ? WHERE key = ?"));
        CANVASS_TRY_VOID(up.bind(1, key).bind(2, temp_).run());
        CANVASS_TRY(auto ins,
                    impl_.db.prepare(
                        "INSERT INTO attachments(key, size, chunks, header) VALUES(?, ?, ?, ?)"));
        CANVASS_TRY_VOID(
            ins.bind(1, key).bind(2, size_).bind(3, index_).bind(4, sealer_.header()).run());
        return content;
    }

    std::uint64_t size() const { return size_; }

  private:
    Result<void> flush(bool last) {
        std::size_t n = std::min(pending_.size(), crypto::attachment_chunk_bytes);
        auto sealed = sealer_.push(std::span<const std::uint8_t>(pending_).first(n), last, ad());
        pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
        CANVASS_TRY(auto ins, impl_.db.cached(
                                  "INSERT INTO attachment_chunks(key, idx, body) VALUES(?, ?, ?)"));
        CANVASS_TRY_VOID(ins->bind(1, temp_).bind(2, index_).bind(3, sealed).run());
        ++index_;
        return {};
    }

    DeviceStore::Impl& impl_;
    crypto::StreamSealer sealer_;
    std::uint64_t limit_;
    std::string what_;
    std::array<std::uint8_t, 32> temp_{};
    crypto::Blake2b hash_;
    std::vector<std::uint8_t> pending_;
    std::uint64_t size_ = 0;
    std::uint64_t index_ = 0;
};

// What the outbox row of `id` says: the attachment row, its content hash and its epoch.
struct OutboxRow {
    crypto::Hash key{};
    crypto::Hash content{};
    EpochId epoch{};
    std::uint64_t chunks = 0;
    std::optional<crypto::Hash> root;
};

// Reads of the attachment rows that need the store's insides.
struct AttachmentRows {
    static Result<bool> read_chunks(
        DeviceStore::Impl& impl, const crypto::Hash& key, const crypto::Hash& content,
        const std::function<Result<void>(std::uint64_t, std::vector<std::uint8_t>)>& fn,
        std::optional<std::uint64_t> only = std::nullopt);
    static Result<std::vector<OutgoingAttachment>> list_outgoing(
        DeviceStore::Impl& impl, std::string_view where, std::optional<std::uint64_t> up_to);
    static Result<OutboxRow> outbox_row(DeviceStore::Impl& impl, const crypto::Hash& id);
    static Result<std::vector<std::uint8_t>> plain_chunk(DeviceStore::Impl& impl,
                                                         const crypto::Hash& key,
                                                         std::uint64_t index);
};

namespace {

crypto::Hash row_key(const Sealer& sealer, const crypto::Hash& content) {
    return sealer.mac(
        Purpose::attachment_id,
        std::string_view(reinterpret_cast<const char*>(content.data()), content.size()));
}

form::AttachmentRef make_ref(const crypto::Hash& content, std::uint64_t size, std::string_view name,
                             std::string_view type) {
    form::AttachmentRef ref;
    ref.hash = content;
    ref.size = size;
    ref.name = std::string(name);
    ref.type = type.empty() ? form::media_type_for_name(name) : std::string(type);
    return ref;
}

// Refuses a name no attachment may have and, for a file (`kind` a question type: image,
// audio, video or file), a type that question does not take; before anything is kept.
Result<void> check_name(std::string_view name, std::string_view type = "application/octet-stream",
                        std::string_view kind = "file", std::string_view path = {}) {
    form::AttachmentRef probe = make_ref({}, 0, name, type);
    if (auto p = form::attachment_problem(probe.to_json(), kind))
        return unexpected(Domain::form, errc::invalid_argument,
                          path.empty() ? *p : std::string(path) + ": " + *p);
    return {};
}

}  // namespace

Result<MediaLimits> DeviceStore::media_limits() {
    MediaLimits limits;
    CANVASS_TRY(auto raw, impl_->get_meta("media_limits"));
    if (!raw) return limits;
    auto j = json::parse(raw->begin(), raw->end(), nullptr, false);
    if (j.is_object()) {
        limits.file_bytes = j.value("file_bytes", limits.file_bytes);
        limits.device_bytes = j.value("device_bytes", limits.device_bytes);
    }
    return limits;
}

Result<void> DeviceStore::set_media_limits(const MediaLimits& limits) {
    return impl_->put_meta(
        "media_limits",
        json{{"file_bytes", limits.file_bytes}, {"device_bytes", limits.device_bytes}}.dump());
}

Result<form::AttachmentRef> DeviceStore::add_attachment_file(const std::string& path,
                                                             std::string_view kind) {
    const std::string name = form::file_name_of(path);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR)
            return unexpected(Domain::store, errc::not_found,
                              "there is no file " + path +
                                  ": give the path of the photo, recording or file to attach");
        return unexpected(Domain::store, errc::io,
                          "cannot read " + path + ": " + std::strerror(err));
    }
    if (!S_ISREG(st.st_mode))
        return unexpected(Domain::store, errc::io,
                          path + " is not a file: give the path of a photo, recording or file");
    CANVASS_TRY(auto limits, media_limits());
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (size > limits.file_bytes) return too_large(path, size, limits.file_bytes);
    const std::string type = form::media_type_for_name(name);
    CANVASS_TRY_VOID(check_name(name, type, kind.empty() ? "file" : kind, path));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return unexpected(Domain::store, errc::io,
                          "cannot read " + path + ": " + std::strerror(errno));
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    AttachmentWriter writer(*impl_, limits.file_bytes, path);
    std::vector<std::uint8_t> buf(crypto::attachment_chunk_bytes);
    while (in) {
        in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
        auto got = static_cast<std::size_t>(in.gcount());
        if (got > 0) CANVASS_TRY_VOID(writer.add(std::span<const std::uint8_t>(buf).first(got)));
    }
    if (in.bad())
        return unexpected(Domain::store, errc::io, "reading " + path + " failed: nothing was kept");
    CANVASS_TRY(auto content, writer.finish());
    CANVASS_TRY_VOID(tx.commit());
    return make_ref(content, writer.size(), name, type);
}

Result<form::AttachmentRef> DeviceStore::add_attachment(std::span<const std::uint8_t> bytes,
                                                        std::string_view name,
                                                        std::string_view type) {
    CANVASS_TRY(auto limits, media_limits());
    if (bytes.size() > limits.file_bytes)
        return too_large("the attachment " + std::string(name), bytes.size(), limits.file_bytes);
    CANVASS_TRY_VOID(check_name(name));
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    AttachmentWriter writer(*impl_, limits.file_bytes, std::string(name));
    CANVASS_TRY_VOID(writer.add(bytes));
    CANVASS_TRY(auto content, writer.finish());
    CANVASS_TRY_VOID(tx.commit());
    return make_ref(content, bytes.size(), name, type);
}

Result<bool> DeviceStore::has_attachment(const crypto::Hash& content) {
    CANVASS_TRY(auto st, impl_->db.prepare("SELECT 1 FROM attachments WHERE key = ?"));
    st.bind(1, row_key(impl_->sealer, content));
    return st.step();
}

// Calls `fn` with each plaintext chunk of the attachment row `key`, in order, checked.
Result<bool> AttachmentRows::read_chunks(
    DeviceStore::Impl& impl, const crypto::Hash& key, const crypto::Hash& content,
    const std::function<Result<void>(std::uint64_t, std::vector<std::uint8_t>)>& fn,
    std::optional<std::uint64_t> only) {
    CANVASS_TRY(auto head,
                impl.db.prepare("SELECT size, chunks, header FROM attachments WHERE key = ?"));
    head.bind(1, key);
    CANVASS_TRY(bool found, head.step());
    if (!found) return false;
    const auto chunks = static_cast<std::uint64_t>(head.int64(1));
    CANVASS_TRY(auto opener,
                crypto::StreamOpener::open(impl.sealer.subkey(Purpose::attachment), head.blob(2)));
    CANVASS_TRY(auto st, impl.db.prepare(
                             "SELECT idx, body FROM attachment_chunks WHERE key = ? ORDER BY idx"));
    st.bind(1, key);
    crypto::Blake2b hash;
    std::uint64_t next = 0;
    auto damaged = [&] {
        return unexpected(Domain::store, errc::corrupt,
                          "an attachment in this store is damaged (its chunks do not open): "
                          "restore the store from a backup");
    };
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        if (static_cast<std::uint64_t>(st.int64(0)) != next) return damaged();
        auto plain = opener.pull(st.blob(1), next + 1 == chunks, ad());
        if (!plain) return damaged();
        hash.update(*plain);
        // Chunks before `only` are opened for the stream's order but not handed on.
        if (!only || *only == next) CANVASS_TRY_VOID(fn(next, std::move(plain).value()));
        ++next;
        if (only && next > *only) return true;
    }
    if (next != chunks || hash.finish() != content) return damaged();
    return true;
}

Result<std::optional<std::vector<std::uint8_t>>> DeviceStore::attachment(
    const crypto::Hash& content) {
    std::vector<std::uint8_t> out;
    CANVASS_TRY(bool found, AttachmentRows::read_chunks(
                                *impl_, row_key(impl_->sealer, content), content,
                                [&](std::uint64_t, std::vector<std::uint8_t> c) -> Result<void> {
                                    out.insert(out.end(), c.begin(), c.end());
                                    return {};
                                }));
    if (!found) return std::optional<std::vector<std::uint8_t>>();
    return std::optional<std::vector<std::uint8_t>>(std::move(out));
}

// ---- for sync ----

Result<void> DeviceStore::Impl::register_attachments(
    const merge::ChangesetHeader& h, const EpochId& epoch, const crypto::SecretBytes& epoch_key,
    const std::vector<std::optional<std::string>>& values) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!values[i] || values[i]->empty() || (*values[i])[0] != '{') continue;
        auto j = form::parse_value(*values[i]);
        auto ref = form::attachment_from_json(j);
        if (!ref) continue;
        const crypto::Hash content = ref->hash;
        const auto key = row_key(sealer, content);
        CANVASS_TRY(auto held, db.prepare("SELECT size FROM attachments WHERE key = ?"));
        held.bind(1, key);
        CANVASS_TRY(bool found, held.step());
        if (!found || static_cast<std::uint64_t>(held.int64(0)) != ref->size)
            return unexpected(
                Domain::form, errc::invalid_argument,
                h.ops[i].path + ": the attachment " + ref->name +
                    " is not in this store: answer the question with the file's path, so that "
                    "it is copied in. Nothing was saved.");
        const crypto::Hash id = crypto::attachment_sync_id(epoch_key, content);
        CANVASS_TRY(auto ins, db.prepare("INSERT OR IGNORE INTO attachment_outbox(id, key, "
                                         "content, epoch, seq, size) VALUES(?, ?, ?, ?, ?, ?)"));
        CANVASS_TRY_VOID(ins.bind(1, id)
                             .bind(2, key)
                             .bind(3, sealer.seal(Purpose::attachment, id, content))
                             .bind(4, epoch)
                             .bind(5, h.seq)
                             .bind(6, ref->size)
                             .run());
    }
    return {};
}

Result<std::vector<OutgoingAttachment>> AttachmentRows::list_outgoing(
    DeviceStore::Impl& impl, std::string_view where, std::optional<std::uint64_t> up_to) {
    CANVASS_TRY(auto st, impl.db.prepare("SELECT id, size, seq FROM attachment_outbox " +
                                         std::string(where) + " ORDER BY seq, id"));
    if (up_to) st.bind(1, *up_to);
    std::vector<OutgoingAttachment> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        OutgoingAttachment a;
        if (!st.blob_into(0, a.id))
            return unexpected(Domain::store, errc::corrupt, "an attachment outbox row is damaged");
        a.size = static_cast<std::uint64_t>(st.int64(1));
        a.chunks = crypto::attachment_chunks(a.size);
        a.seq = static_cast<std::uint64_t>(st.int64(2));
        out.push_back(a);
    }
    return out;
}

Result<std::vector<OutgoingAttachment>> DeviceStore::unsent_attachments(std::uint64_t up_to_seq) {
    return AttachmentRows::list_outgoing(*impl_, "WHERE sent = 0 AND seq <= ?", up_to_seq);
}

Result<std::vector<OutgoingAttachment>> DeviceStore::own_attachments() {
    return AttachmentRows::list_outgoing(*impl_, "", std::nullopt);
}

Result<OutboxRow> AttachmentRows::outbox_row(DeviceStore::Impl& impl, const crypto::Hash& id) {
    CANVASS_TRY(auto st,
                impl.db.prepare(
                    "SELECT key, content, epoch, size, root FROM attachment_outbox WHERE id = ?"));
    st.bind(1, id);
    CANVASS_TRY(bool row, st.step());
    if (!row) return unexpected(Domain::store, errc::not_found, "no such attachment to send");
    OutboxRow r;
    if (!st.blob_into(0, r.key) || !st.blob_into(2, r.epoch))
        return unexpected(Domain::store, errc::corrupt, "an attachment outbox row is damaged");
    CANVASS_TRY(auto opened, impl.sealer.open(Purpose::attachment, id, st.blob(1),
                                              "an attachment's outbox row"));
    if (opened.size() != r.content.size())
        return unexpected(Domain::store, errc::corrupt, "an attachment outbox row is damaged");
    std::copy(opened.begin(), opened.end(), r.content.begin());
    r.chunks = crypto::attachment_chunks(static_cast<std::uint64_t>(st.int64(3)));
    crypto::Hash root{};
    if (st.blob_into(4, root)) r.root = root;
    return r;
}

// The plaintext of chunk `index` of the attachment row `key`, going on from the cursor when
// it stands there, else opening the stream from its first chunk.
Result<std::vector<std::uint8_t>> AttachmentRows::plain_chunk(DeviceStore::Impl& impl,
                                                              const crypto::Hash& key,
                                                              std::uint64_t index) {
    auto damaged = [] {
        return unexpected(Domain::store, errc::corrupt,
                          "an attachment in this store is damaged (its chunks do not open): "
                          "restore the store from a backup");
    };
    if (!impl.cursor || impl.cursor->key != key || impl.cursor->next > index) {
        impl.cursor.reset();
        CANVASS_TRY(auto head,
                    impl.db.prepare("SELECT chunks, header FROM attachments WHERE key = ?"));
        head.bind(1, key);
        CANVASS_TRY(bool found, head.step());
        if (!found)
            return unexpected(Domain::store, errc::not_found,
                              "an attachment to send is no longer in this store");
        CANVASS_TRY(auto opener, crypto::StreamOpener::open(impl.sealer.subkey(Purpose::attachment),
                                                            head.blob(1)));
        impl.cursor.emplace(DeviceStore::Impl::ChunkCursor{
            key, 0, static_cast<std::uint64_t>(head.int64(0)), std::move(opener)});
    }
    auto& c = *impl.cursor;
    if (index >= c.chunks)
        return unexpected(Domain::store, errc::not_found, "no such attachment chunk");
    CANVASS_TRY(auto st,
                impl.db.cached("SELECT body FROM attachment_chunks WHERE key = ? AND idx = ?"));
    for (;;) {
        st->bind(1, key).bind(2, c.next);
        CANVASS_TRY(bool row, st->step());
        if (!row) {
            impl.cursor.reset();
            return damaged();
        }
        auto plain = c.opener.pull(st->blob(0), c.next + 1 == c.chunks, ad());
        st->reset();
        if (!plain) {
            impl.cursor.reset();
            return damaged();
        }
        if (c.next++ == index) return std::move(plain).value();
        crypto::wipe(*plain);
    }
}

Result<std::vector<std::uint8_t>> DeviceStore::sync_chunk(const crypto::Hash& id,
                                                          std::uint64_t index) {
    CANVASS_TRY(auto row, AttachmentRows::outbox_row(*impl_, id));
    if (index >= row.chunks)
        return unexpected(Domain::store, errc::not_found, "no such attachment chunk");
    CANVASS_TRY(auto epoch_key, impl_->epoch_key(row.epoch));
    if (!epoch_key)
        return unexpected(Domain::crypto, errc::wrong_key,
                          "the epoch key of an attachment to send is not in this store");
    auto sync_key = crypto::attachment_sync_key(*epoch_key, row.content);
    CANVASS_TRY(auto plain, AttachmentRows::plain_chunk(*impl_, row.key, index));
    auto sealed = crypto::seal_sync_chunk(sync_key, id, index, row.chunks, plain);
    crypto::wipe(plain);
    return sealed;
}

Result<crypto::Hash> DeviceStore::sync_root(const crypto::Hash& id) {
    CANVASS_TRY(auto row, AttachmentRows::outbox_row(*impl_, id));
    if (row.root) return *row.root;
    crypto::Blake2b root;
    for (std::uint64_t c = 0; c < row.chunks; ++c) {
        CANVASS_TRY(auto sealed, sync_chunk(id, c));
        root.update(sealed);
    }
    const crypto::Hash r = root.finish();
    CANVASS_TRY(auto st, impl_->db.prepare("UPDATE attachment_outbox SET root = ? WHERE id = ?"));
    CANVASS_TRY_VOID(st.bind(1, r).bind(2, id).run());
    return r;
}

Result<void> DeviceStore::mark_attachment_sent(const merge::DeviceId& author,
                                               const crypto::Hash& id) {
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    if (author == impl_->keys.id) {
        CANVASS_TRY(auto own,
                    impl_->db.prepare("UPDATE attachment_outbox SET sent = 1 WHERE id = ?"));
        CANVASS_TRY_VOID(own.bind(1, id).run());
    }
    CANVASS_TRY(
        auto carried,
        impl_->db.prepare("UPDATE attachment_inbox SET forward = 0 WHERE author = ? AND id = ?"));
    CANVASS_TRY_VOID(carried.bind(1, author).bind(2, id).run());
    return tx.commit();
}

Result<std::uint64_t> DeviceStore::received_chunks(const merge::DeviceId& author,
                                                   const crypto::Hash& id) {
    CANVASS_TRY(auto st,
                impl_->db.prepare(
                    "SELECT count(*) FROM attachment_inbox_chunks WHERE author = ? AND id = ?"));
    st.bind(1, author).bind(2, id);
    CANVASS_TRY(bool row, st.step());
    return row ? static_cast<std::uint64_t>(st.int64(0)) : 0;
}

Result<void> DeviceStore::keep_received_chunk(const CarriedAttachment& a, std::uint64_t index,
                                              std::span<const std::uint8_t> body, bool forward) {
    CANVASS_TRY(auto tx, Transaction::begin(impl_->db));
    CANVASS_TRY(auto head, impl_->db.prepare("INSERT OR IGNORE INTO attachment_inbox(author, id, "
                                             "size, chunks, root, signature, forward) "
                                             "VALUES(?, ?, ?, ?, ?, ?, ?)"));
    CANVASS_TRY_VOID(head.bind(1, a.author)
                         .bind(2, a.id)
                         .bind(3, a.size)
                         .bind(4, a.chunks)
                         .bind(5, a.root)
                         .bind(6, a.signature)
                         .bind(7, forward ? 1 : 0)
                         .run());
    CANVASS_TRY(auto ins, impl_->db.prepare("INSERT OR IGNORE INTO attachment_inbox_chunks(author, "
                                            "id, idx, body) VALUES(?, ?, ?, ?)"));
    CANVASS_TRY_VOID(ins.bind(1, a.author).bind(2, a.id).bind(3, index).bind(4, body).run());
    return tx.commit();
}

Result<std::vector<std::uint8_t>> DeviceStore::received_chunk(const merge::DeviceId& author,
                                                              const crypto::Hash& id,
                                                              std::uint64_t index) {
    CANVASS_TRY(
        auto st,
        impl_->db.prepare(
            "SELECT body FROM attachment_inbox_chunks WHERE author = ? AND id = ? AND idx = ?"));
    st.bind(1, author).bind(2, id).bind(3, index);
    CANVASS_TRY(bool row, st.step());
    if (!row)
        return unexpected(Domain::store, errc::not_found,
                          "no such attachment chunk held for another device");
    return st.blob(0);
}

Result<std::vector<CarriedAttachment>> DeviceStore::carried_attachments(bool to_forward) {
    CANVASS_TRY(
        auto st,
        impl_->db.prepare(
            std::string(
                "SELECT id, size, chunks, author, root, signature FROM attachment_inbox i WHERE ") +
            (to_forward ? "forward = 1 AND " : "") +
            "chunks = (SELECT count(*) FROM attachment_inbox_chunks c WHERE c.author = i.author "
            "AND c.id = i.id) "
            "ORDER BY id, author"));
    std::vector<CarriedAttachment> out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        CarriedAttachment a;
        a.size = static_cast<std::uint64_t>(st.int64(1));
        a.chunks = static_cast<std::uint64_t>(st.int64(2));
        if (!st.blob_into(0, a.id) || !st.blob_into(3, a.author) || !st.blob_into(4, a.root) ||
            !st.blob_into(5, a.signature))
            return unexpected(Domain::store, errc::corrupt,
                              "a row of the attachments held for others is damaged");
        out.push_back(a);
    }
    return out;
}

Result<std::optional<std::vector<std::vector<std::uint8_t>>>> DeviceStore::received_attachment(
    const merge::DeviceId& author, const crypto::Hash& id) {
    using Chunks = std::vector<std::vector<std::uint8_t>>;
    CANVASS_TRY(auto head, impl_->db.prepare(
                               "SELECT chunks FROM attachment_inbox WHERE author = ? AND id = ?"));
    head.bind(1, author).bind(2, id);
    CANVASS_TRY(bool found, head.step());
    if (!found) return std::optional<Chunks>();
    const auto chunks = static_cast<std::uint64_t>(head.int64(0));
    CANVASS_TRY(auto st, impl_->db.prepare("SELECT idx, body FROM attachment_inbox_chunks WHERE "
                                           "author = ? AND id = ? ORDER BY idx"));
    st.bind(1, author).bind(2, id);
    Chunks out;
    for (;;) {
        CANVASS_TRY(bool row, st.step());
        if (!row) break;
        if (static_cast<std::uint64_t>(st.int64(0)) != out.size()) return std::optional<Chunks>();
        out.push_back(st.blob(1));
    }
    if (out.size() != chunks) return std::optional<Chunks>();
    return std::optional<Chunks>(std::move(out));
}

// The tallies are kept by the triggers of schema version 10; only the records still waiting
// for their attachments are counted, over the outbox's undelivered rows.
Result<AttachmentStatus> DeviceStore::Impl::attachment_status() {
    AttachmentStatus s;
    {
        CANVASS_TRY(
            auto st,
            db.prepare("SELECT held, held_bytes, unsent, unsent_bytes, received, partial, carried "
                       "FROM attachment_tally"));
        CANVASS_TRY(bool row, st.step());
        if (!row)
            return unexpected(Domain::store, errc::corrupt,
                              "the store's attachment tally is missing");
        std::uint64_t* figures[] = {&s.held,     &s.held_bytes, &s.unsent, &s.unsent_bytes,
                                    &s.received, &s.partial,    &s.carried};
        for (int i = 0; i < 7; ++i) *figures[i] = static_cast<std::uint64_t>(st.int64(i));
    }
    if (s.unsent) {
        CANVASS_TRY(
            auto st,
            db.prepare("SELECT count(DISTINCT c.record) FROM attachment_outbox o "
                       "JOIN changesets c ON c.device = ? AND c.seq = o.seq WHERE o.sent = 0"));
        st.bind(1, keys.id);
        CANVASS_TRY(bool row, st.step());
        if (row) s.records_waiting = static_cast<std::uint64_t>(st.int64(0));
    }
    return s;
}

}  // namespace canvass::store
