#include "sync/media_exchange.hpp"

#include <map>
#include <set>

#include "crypto/attachment_crypto.hpp"

namespace canvass::sync {
namespace {

std::string mb(std::uint64_t bytes) {
    auto tenths = (bytes * 10 + (1u << 19)) >> 20;
    return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10) + " MB";
}

Error refusal(int code, std::string message) {
    return Error{Domain::protocol, code, std::move(message)};
}

// Where in `among` the item a chunk or a get names is: by author and id, or (media version 1,
// no author) by an id only one item of `among` has; nullopt when none is, or several.
std::optional<std::size_t> named(const crypto::Hash& id,
                                 const std::optional<merge::DeviceId>& author,
                                 const std::vector<MediaItem>& among) {
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < among.size(); ++i) {
        if (among[i].id != id || (author && among[i].author != *author)) continue;
        if (found) return std::nullopt;
        found = i;
    }
    return found;
}

}  // namespace

std::uint64_t sealed_chunk_bytes(const MediaItem& item, std::uint64_t index) {
    const std::uint64_t full = crypto::attachment_chunk_bytes;
    std::uint64_t plain = index + 1 < item.chunks ? full : item.size - full * (item.chunks - 1);
    return plain + crypto::sync_chunk_overhead;
}

bool well_formed(const MediaItem& item) {
    return item.chunks == crypto::attachment_chunks(item.size);
}

Bytes item_message(const MediaItem& item) {
    constexpr std::string_view domain = "canvass media item v1";
    Bytes out(domain.begin(), domain.end());
    auto put = [&out](std::span<const std::uint8_t> b) {
        out.insert(out.end(), b.begin(), b.end());
    };
    auto put64 = [&out](std::uint64_t v) {
        for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    put(item.id);
    put64(item.size);
    put64(item.chunks);
    put(item.author);
    put(item.root);
    return out;
}

void sign_item(MediaItem& item, const crypto::SecretBytes& signing_key) {
    item.signature = crypto::sign(item_message(item), signing_key);
}

bool signed_by(const MediaItem& item, const crypto::SigningPublicKey& key) {
    return crypto::verify(item.signature, item_message(item), key);
}

Result<std::optional<std::string>> item_problem(const MediaItem& item, const AuthorKeys& keys) {
    using Problem = std::optional<std::string>;
    if (!well_formed(item)) return Problem("its chunks do not match its size");
    CANVASS_TRY(auto key, keys(item.author));
    if (!key)
        return Problem("its author, device " + crypto::to_hex(item.author) +
                       ", is not a device of this project");
    if (!signed_by(item, *key))
        return Problem("it is not signed by its author, device " + crypto::to_hex(item.author));
    return Problem();
}

std::optional<std::string> media_cap_problem(const std::vector<MediaItem>& items,
                                             std::uint64_t already, const MediaCaps& caps,
                                             const std::vector<std::string>& names) {
    std::uint64_t total = already;
    for (std::size_t i = 0; i < items.size(); ++i) {
        const auto& item = items[i];
        std::string what =
            i < names.size() && !names[i].empty() ? "the attachment " + names[i] : "an attachment";
        if (item.size > caps.file_bytes)
            return what + " is " + mb(item.size) + ", more than the " + mb(caps.file_bytes) +
                   " one attachment may be on this server (" + std::to_string(item.size) + " > " +
                   std::to_string(caps.file_bytes) +
                   " bytes): nothing was sent; ask the server's administrator "
                   "to raise --max-attachment-bytes";
        total += item.size;
    }
    if (total > caps.device_bytes)
        return "this device's attachments would come to " + mb(total) + ", more than the " +
               mb(caps.device_bytes) +
               " one device may deliver to this server: nothing was sent; ask the server's "
               "administrator to "
               "raise --max-device-attachment-bytes";
    return std::nullopt;
}

// ---- server ----------------------------------------------------------------------------

std::vector<Message> MediaResponder::receive(const Message& m) {
    std::vector<Message> out;
    if (done_ || error_) return out;
    Result<void> r = std::visit(
        [&](const auto& msg) -> Result<void> {
            using T = std::decay_t<decltype(msg)>;
            if constexpr (std::is_same_v<T, MediaOffer>)
                return on_offer(msg, out);
            else if constexpr (std::is_same_v<T, MediaChunk>)
                return on_chunk(msg, out);
            else if constexpr (std::is_same_v<T, MediaGet>)
                return on_get(msg, out);
            else if constexpr (std::is_same_v<T, MediaList>)
                return on_list(msg, out);
            else if constexpr (std::is_same_v<T, Bye>) {
                out.push_back(Bye{});
                done_ = true;
                return {};
            } else {
                return unexpected(refusal(errc::invalid_argument,
                                          "unexpected " + std::string(message_name(Message{msg})) +
                                              " message while attachments are exchanged"));
            }
        },
        m);
    if (!r) {
        error_ = r.error();
        ErrorCode code = r.error().domain == Domain::auth         ? ErrorCode::forbidden
                         : r.error().code == errc::limit_exceeded ? ErrorCode::limit
                         : r.error().domain == Domain::protocol   ? ErrorCode::protocol
                                                                  : ErrorCode::internal;
        out.push_back(ErrorMessage{
            code, code == ErrorCode::internal
                      ? std::string("the server could not store the attachment; try again later")
                      : peer_text(r.error().message)});
    }
    return out;
}

Result<void> MediaResponder::on_offer(const MediaOffer& m, std::vector<Message>& out) {
    if (!offered_.empty())
        return unexpected(refusal(errc::invalid_argument, "a second media_offer"));
    std::set<MediaId> seen;
    std::set<crypto::Hash> ids;
    std::map<merge::DeviceId, std::vector<MediaItem>> fresh;  // by author
    for (const auto& item : m.items) {
        // A device of media version 1 names a chunk by its id alone: one item per id.
        if (!seen.insert(item.media_id()).second || (version_ < 2 && !ids.insert(item.id).second))
            return unexpected(
                refusal(errc::invalid_argument, "media_offer: an item offered twice"));
        if (item.author != device_ && role_ == Role::collector)
            return unexpected(Domain::auth, errc::permission_denied,
                              "media_offer: a collector delivers only its own attachments");
        CANVASS_TRY(auto problem, item_problem(item, keys_));
        if (problem)
            return unexpected(
                refusal(errc::invalid_argument, "media_offer: an attachment refused: " + *problem));
        // Kept by author and id: another device's item of this id is another item.
        CANVASS_TRY(auto held, vault_.find(project_, item.media_id()));
        if (held && held->item != item)
            return unexpected(Domain::auth, errc::permission_denied,
                              "media_offer: an attachment of device " +
                                  crypto::to_hex(item.author) +
                                  " the server holds otherwise under the same id");
        if (!held) fresh[item.author].push_back(item);
        if (item.author != device_) ++stats_.relayed;
    }
    // Every cap before any chunk: what each author already delivered, plus what is new.
    for (const auto& [author, items] : fresh) {
        CANVASS_TRY(auto already, vault_.device_bytes(project_, author));
        if (auto problem = media_cap_problem(items, already, caps_)) {
            if (author != device_)
                *problem = "carried for device " + crypto::to_hex(author) + ": " + *problem;
            return unexpected(refusal(errc::limit_exceeded, *problem));
        }
    }
    MediaNeed need;
    for (const auto& item : m.items) {
        CANVASS_TRY_VOID(vault_.open(project_, item));
        CANVASS_TRY(auto held, vault_.find(project_, item.media_id()));
        need.held.push_back(held ? held->chunks_held : 0);
    }
    offered_ = m.items;
    next_ = need.held;
    stats_.offered += m.items.size();
    out.push_back(std::move(need));
    return {};
}

Result<void> MediaResponder::on_chunk(const MediaChunk& m, std::vector<Message>& out) {
    const auto at = named(m.id, m.author, offered_);
    if (!at)
        return unexpected(
            refusal(errc::invalid_argument, "media_chunk: an attachment not offered"));
    const auto i = *at;
    const auto& item = offered_[i];
    if (m.index != next_[i])
        return unexpected(refusal(errc::invalid_argument,
                                  "media_chunk: chunk " + std::to_string(m.index) + " where " +
                                      std::to_string(next_[i]) + " was expected"));
    if (m.data.size() != sealed_chunk_bytes(item, m.index))
        return unexpected(
            refusal(errc::invalid_argument,
                    "media_chunk: chunk " + std::to_string(m.index) + " has the wrong length"));
    CANVASS_TRY_VOID(vault_.put(project_, item.media_id(), m.index, m.data));
    ++next_[i];
    ++stats_.chunks_received;
    if (next_[i] == item.chunks) {
        // Whole: its chunks, wherever each came from, must be the ones its author signed.
        RootHasher root;
        for (std::uint64_t c = 0; c < item.chunks; ++c) {
            CANVASS_TRY(auto data, vault_.get(project_, item.media_id(), c));
            root.update(data);
        }
        if (root.finish() != item.root) {
            CANVASS_TRY_VOID(vault_.discard(project_, item.media_id()));
            return unexpected(
                refusal(errc::corrupt,
                        "media_chunk: the chunks of an attachment of device " +
                            crypto::to_hex(item.author) +
                            " do not match what its author signed: the server discarded them; "
                            "sync again to deliver it anew"));
        }
        ++stats_.delivered;
    }
    out.push_back(MediaAck{m.id, m.index});
    return {};
}

Result<void> MediaResponder::on_get(const MediaGet& m, std::vector<Message>& out) {
    if (role_ != Role::coordinator)
        return unexpected(Domain::auth, errc::permission_denied,
                          "only a coordinator fetches the project's attachments");
    // Without an author (media version 1), the id names the one item of the list sent.
    std::optional<MediaId> which;
    if (m.author)
        which = MediaId{.author = *m.author, .id = m.id};
    else if (auto at = named(m.id, std::nullopt, listed_))
        which = listed_[*at].media_id();
    std::optional<MediaVault::Held> held;
    if (which) {
        CANVASS_TRY(held, vault_.find(project_, *which));
    }
    if (!held || held->chunks_held != held->item.chunks || m.index >= held->item.chunks)
        return unexpected(refusal(errc::not_found, "media_get: no such attachment chunk"));
    CANVASS_TRY(auto data, vault_.get(project_, *which, m.index));
    stats_.bytes_sent += data.size();
    ++stats_.chunks_sent;
    out.push_back(
        MediaChunk{.id = m.id, .index = m.index, .data = std::move(data), .author = std::nullopt});
    return {};
}

Result<void> MediaResponder::on_list(const MediaList& m, std::vector<Message>& out) {
    if (m.items)
        return unexpected(refusal(errc::invalid_argument, "devices do not send media lists"));
    if (role_ != Role::coordinator)
        return unexpected(Domain::auth, errc::permission_denied,
                          "only a coordinator fetches the project's attachments");
    CANVASS_TRY(listed_, vault_.complete(project_));
    // A device of media version 1 keeps attachments by id alone: it is listed none whose id
    // two authors share, since it could not tell them apart.
    if (version_ < 2) {
        std::map<crypto::Hash, std::size_t> authors;
        for (const auto& item : listed_) ++authors[item.id];
        std::erase_if(listed_, [&](const MediaItem& item) { return authors[item.id] > 1; });
    }
    out.push_back(MediaList{listed_});
    return {};
}

// ---- device ----------------------------------------------------------------------------

namespace {

Result<Message> expect(SecureChannel& channel) {
    CANVASS_TRY(Message m, channel.receive());
    if (const auto* e = std::get_if<ErrorMessage>(&m)) {
        if (e->code == ErrorCode::limit)
            return unexpected(Domain::form, errc::limit_exceeded,
                              "the server refused: " + e->message);
        return unexpected(
            Domain::protocol, errc::invalid_argument,
            "the server refused (" + std::string(error_code_name(e->code)) + "): " + e->message);
    }
    return m;
}

template <class T>
Result<T> expect_a(SecureChannel& channel, std::string_view what) {
    CANVASS_TRY(Message m, expect(channel));
    if (auto* t = std::get_if<T>(&m)) return std::move(*t);
    return unexpected(Domain::protocol, errc::invalid_argument,
                      "the server sent " + std::string(message_name(m)) + " where " +
                          std::string(what) + " was expected");
}

}  // namespace

Result<MediaStats> run_media_client(SecureChannel& channel, MediaReplica& replica, Role role,
                                    const MediaCaps& caps,
                                    const std::function<void(const MediaStats&)>& progress) {
    MediaStats stats;
    CANVASS_TRY_VOID(replica.caps(caps));
    CANVASS_TRY(auto unsent, replica.unsent());
    if (!unsent.empty()) {
        std::vector<MediaItem> items, own;
        std::vector<std::string> names;
        for (const auto& u : unsent) {
            // Only organizers and coordinators carry others' work; a collector's stays here.
            if (u.carried && role == Role::collector) continue;
            items.push_back(u.item);
            if (!u.carried) own.push_back(u.item), names.push_back(u.name);
        }
        CANVASS_TRY(auto already, replica.delivered_bytes());
        // The device checks the caps on its own attachments before offering: a refusal costs
        // no upload. The server checks those it carries against their authors' totals.
        if (auto problem = media_cap_problem(own, already, caps, names))
            return unexpected(Domain::form, errc::limit_exceeded, *problem);
        CANVASS_TRY_VOID(channel.send(MediaOffer{items}));
        CANVASS_TRY(auto need, expect_a<MediaNeed>(channel, "media_need"));
        if (need.held.size() != items.size())
            return unexpected(Domain::protocol, errc::invalid_argument,
                              "the server answered another number of attachments");
        stats.offered = items.size();
        for (std::size_t i = 0; i < items.size(); ++i) {
            const auto& item = items[i];
            if (need.held[i] > item.chunks)
                return unexpected(Domain::protocol, errc::invalid_argument,
                                  "the server claims more chunks than exist");
            for (std::uint64_t c = need.held[i]; c < item.chunks; ++c) {
                CANVASS_TRY(auto data, replica.chunk(item.media_id(), c));
                stats.bytes_sent += data.size();
                CANVASS_TRY_VOID(channel.send(MediaChunk{
                    .id = item.id, .index = c, .data = std::move(data), .author = item.author}));
                CANVASS_TRY(auto ack, expect_a<MediaAck>(channel, "media_ack"));
                if (ack.id != item.id || ack.index != c)
                    return unexpected(Domain::protocol, errc::invalid_argument,
                                      "the server acknowledged another chunk");
                ++stats.chunks_sent;
                if (progress) progress(stats);
            }
            CANVASS_TRY_VOID(replica.delivered(item.media_id()));
            ++stats.delivered;
        }
    }
    if (role == Role::coordinator) {
        CANVASS_TRY_VOID(channel.send(MediaList{}));
        CANVASS_TRY(auto list, expect_a<MediaList>(channel, "media_list"));
        for (const auto& item : list.items.value_or(std::vector<MediaItem>{})) {
            if (!well_formed(item) || item.size > caps.file_bytes) continue;  // not one to keep
            CANVASS_TRY(auto held, replica.held(item.media_id()));
            for (std::uint64_t c = held; c < item.chunks; ++c) {
                CANVASS_TRY_VOID(
                    channel.send(MediaGet{.id = item.id, .index = c, .author = item.author}));
                CANVASS_TRY(auto chunk, expect_a<MediaChunk>(channel, "media_chunk"));
                if (chunk.id != item.id || chunk.index != c ||
                    chunk.data.size() != sealed_chunk_bytes(item, c))
                    return unexpected(Domain::protocol, errc::invalid_argument,
                                      "the server sent another chunk than asked");
                CANVASS_TRY_VOID(replica.keep(item, c, chunk.data, false));
                ++stats.chunks_received;
                if (progress) progress(stats);
            }
            if (held < item.chunks) ++stats.fetched;
        }
    }
    CANVASS_TRY_VOID(channel.send(Bye{}));
    CANVASS_TRY(auto bye, expect_a<Bye>(channel, "bye"));
    (void)bye;
    return stats;
}

}  // namespace canvass::sync
