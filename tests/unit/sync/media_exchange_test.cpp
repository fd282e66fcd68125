// The server's side of attachments (sync/media_exchange.hpp), without a socket: caps checked
// before any chunk, chunks only in order and of their exact length, fetching only for
// coordinators; and the new messages' encoding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "crypto/attachment_crypto.hpp"
#include "sync/media_exchange.hpp"

namespace canvass::sync {
namespace {

using ::testing::HasSubstr;

class MemoryVault final : public MediaVault {
public:
    Result<std::optional<Held>> find(const std::string&, const crypto::Hash& id) override {
        auto it = items.find(id);
        if (it == items.end()) return std::optional<Held>();
        std::uint64_t n = 0;
        while (chunks.contains({id, n})) ++n;
        return std::optional<Held>(Held{it->second.first, it->second.second, n});
    }
    Result<void> open(const std::string&, const merge::DeviceId& d, const MediaItem& item) override {
        items.emplace(item.id, std::make_pair(item, d));
        return {};
    }
    Result<void> put(const std::string&, const crypto::Hash& id, std::uint64_t i, std::span<const std::uint8_t> data) override {
        chunks[{id, i}] = Bytes(data.begin(), data.end());
        return {};
    }
    Result<Bytes> get(const std::string&, const crypto::Hash& id, std::uint64_t i) override { return chunks.at({id, i}); }
    Result<std::uint64_t> device_bytes(const std::string&, const merge::DeviceId& d) override {
        std::uint64_t n = 0;
        for (const auto& [id, v] : items)
            if (v.second == d) n += v.first.size;
        return n;
    }
    Result<std::vector<MediaItem>> complete(const std::string& p) override {
        std::vector<MediaItem> out;
        for (const auto& [id, v] : items)
            if (find(p, id)->value().chunks_held == v.first.chunks) out.push_back(v.first);
        return out;
    }
    Result<void> discard(const std::string&, const crypto::Hash& id) override {
        items.erase(id);
        std::erase_if(chunks, [&](const auto& c) { return c.first.first == id; });
        return {};
    }
    std::map<crypto::Hash, std::pair<MediaItem, merge::DeviceId>> items;
    std::map<std::pair<crypto::Hash, std::uint64_t>, Bytes> chunks;
};

const merge::DeviceId phone{1};
const merge::DeviceId other{3};
const crypto::SigningKeyPair& key_of(const merge::DeviceId& d) {
    static const auto phone_key = crypto::generate_signing_key();
    static const auto other_key = crypto::generate_signing_key();
    return d == phone ? phone_key : other_key;
}
// The devices of the project: phone and other.
Result<std::optional<crypto::SigningPublicKey>> project_keys(const merge::DeviceId& d) {
    if (d != phone && d != other) return std::optional<crypto::SigningPublicKey>();
    return std::optional<crypto::SigningPublicKey>(key_of(d).public_key);
}

// Chunk `c` of the attachment tagged `tag`, as its author would seal it (any bytes do).
Bytes chunk_of(const MediaItem& i, std::uint64_t c) {
    return Bytes(sealed_chunk_bytes(i, c), static_cast<std::uint8_t>(i.id[0] + c));
}

// An attachment of `author`, signed; its root is that of chunk_of's chunks (left zero for
// one too large to hash in a test: it is refused before any chunk).
MediaItem item(std::uint8_t tag, std::uint64_t size, merge::DeviceId author = phone) {
    MediaItem i;
    i.id[0] = tag;
    i.size = size;
    i.chunks = crypto::attachment_chunks(size);
    i.author = author;
    if (size < (16u << 20)) {
        RootHasher root;
        for (std::uint64_t c = 0; c < i.chunks; ++c) root.update(chunk_of(i, c));
        i.root = root.finish();
    }
    sign_item(i, key_of(author).secret_key);
    return i;
}

MediaResponder responder(MediaVault& vault, merge::DeviceId device, Role role, MediaCaps caps = {}) {
    return MediaResponder(vault, "demo", device, role, caps, project_keys);
}

TEST(MediaResponder, RefusesA2GBFileBeforeAnyChunkAndStoresNothing) {
    MemoryVault vault;
    auto server = responder(vault, phone, Role::collector, MediaCaps{64ull << 20, 2ull << 30});
    auto out = server.receive(MediaOffer{{item(1, 1000), item(2, 2ull << 30)}});
    ASSERT_EQ(out.size(), 1u);
    auto* e = std::get_if<ErrorMessage>(&out[0]);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, ErrorCode::limit);
    EXPECT_THAT(e->message, HasSubstr("more than the 64.0 MB one attachment may be on this server"));
    EXPECT_TRUE(server.failed());
    EXPECT_TRUE(vault.items.empty());
}

TEST(MediaResponder, RefusesWhatWouldTakeTheDevicePastItsTotal) {
    MemoryVault vault;
    auto first = responder(vault, phone, Role::collector, MediaCaps{1u << 20, 1500000});
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(first.receive(MediaOffer{{item(1, 1000000)}}).at(0)));
    auto second = responder(vault, phone, Role::collector, MediaCaps{1u << 20, 1500000});
    auto out = second.receive(MediaOffer{{item(2, 900000)}});
    auto* e = std::get_if<ErrorMessage>(&out.at(0));
    ASSERT_TRUE(e);
    EXPECT_THAT(e->message, HasSubstr("one device may deliver to this server: nothing was sent"));
}

TEST(MediaResponder, TakesChunksInOrderOfTheirExactLengthAndAcknowledgesEach) {
    MemoryVault vault;
    auto server = responder(vault, phone, Role::collector, MediaCaps{});
    auto a = item(1, crypto::attachment_chunk_bytes + 10);  // two chunks, the last 10 bytes
    auto need = server.receive(MediaOffer{{a}});
    ASSERT_EQ(std::get<MediaNeed>(need.at(0)).held, std::vector<std::uint64_t>{0});
    const Bytes full = chunk_of(a, 0), last = chunk_of(a, 1);
    auto ack = server.receive(MediaChunk{a.id, 0, full});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(ack.at(0)));
    // A new session resumes where the vault stands.
    auto again = responder(vault, phone, Role::collector, MediaCaps{});
    ASSERT_EQ(std::get<MediaNeed>(again.receive(MediaOffer{{a}}).at(0)).held, std::vector<std::uint64_t>{1});
    auto wrong = again.receive(MediaChunk{a.id, 1, full});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(wrong.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(wrong.at(0)).message, HasSubstr("wrong length"));

    auto third = responder(vault, phone, Role::collector, MediaCaps{});
    third.receive(MediaOffer{{a}});
    auto skipped = third.receive(MediaChunk{a.id, 2, last});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(skipped.at(0)));
    auto fourth = responder(vault, phone, Role::collector, MediaCaps{});
    fourth.receive(MediaOffer{{a}});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(fourth.receive(MediaChunk{a.id, 1, last}).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

TEST(MediaResponder, OnlyACoordinatorListsAndFetches) {
    MemoryVault vault;
    auto collector = responder(vault, phone, Role::collector, MediaCaps{});
    auto out = collector.receive(MediaList{});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
    EXPECT_EQ(std::get<ErrorMessage>(out.at(0)).code, ErrorCode::forbidden);

    auto a = item(3, 5);
    ASSERT_TRUE(vault.open("demo", phone, a));
    ASSERT_TRUE(vault.put("demo", a.id, 0, chunk_of(a, 0)));
    auto desk = responder(vault, merge::DeviceId{2}, Role::coordinator, MediaCaps{});
    auto listed = desk.receive(MediaList{});
    ASSERT_EQ(std::get<MediaList>(listed.at(0)).items->size(), 1u);
    auto chunk = desk.receive(MediaGet{a.id, 0});
    EXPECT_EQ(std::get<MediaChunk>(chunk.at(0)).data, chunk_of(a, 0));
    EXPECT_TRUE(std::holds_alternative<Bye>(desk.receive(Bye{}).at(0)));
    EXPECT_TRUE(desk.done());
}

TEST(MediaResponder, ACollectorDeliversOnlyItsOwnAttachments) {
    MemoryVault vault;
    auto server = responder(vault, phone, Role::collector);
    auto out = server.receive(MediaOffer{{item(1, 100, other)}});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
    EXPECT_EQ(std::get<ErrorMessage>(out.at(0)).code, ErrorCode::forbidden);
    EXPECT_TRUE(vault.items.empty());
}

TEST(MediaResponder, AnItemItsAuthorDidNotSignIsRefusedBeforeAnyChunk) {
    MemoryVault vault;
    auto grown = item(1, 100);
    grown.size = 200;  // a carrier's change: the signature no longer holds
    auto forged = item(2, 100, other);
    forged.author = phone;  // passed off as another device's
    auto stranger = item(4, 100);
    stranger.author = merge::DeviceId{9};  // not a device of the project
    for (const auto& bad : {grown, forged, stranger}) {
        auto server = responder(vault, phone, Role::organizer);
        auto out = server.receive(MediaOffer{{bad}});
        ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
        EXPECT_THAT(std::get<ErrorMessage>(out.at(0)).message, HasSubstr("an attachment refused"));
    }
    EXPECT_TRUE(vault.items.empty());
}

TEST(MediaResponder, AnOrganizerCarriesAnotherDevicesAttachmentCountedAgainstItsAuthor) {
    MemoryVault vault;
    auto a = item(5, crypto::attachment_chunk_bytes + 10, other);
    auto relay = responder(vault, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(relay.receive(MediaOffer{{a}}).at(0)));
    for (std::uint64_t c = 0; c < a.chunks; ++c)
        ASSERT_TRUE(std::holds_alternative<MediaAck>(relay.receive(MediaChunk{a.id, c, chunk_of(a, c)}).at(0)));
    EXPECT_EQ(relay.stats().relayed, 1u);
    EXPECT_EQ(relay.stats().delivered, 1u);
    EXPECT_EQ(*vault.device_bytes("demo", other), a.size);
    EXPECT_EQ(*vault.device_bytes("demo", phone), 0u);
    // Its author offering it later finds it whole.
    auto author = responder(vault, other, Role::collector);
    EXPECT_EQ(std::get<MediaNeed>(author.receive(MediaOffer{{a}}).at(0)).held, std::vector<std::uint64_t>{2});
}

TEST(MediaResponder, ChunksThatAreNotTheOnesTheAuthorSignedAreDiscardedAndTheAuthorStillDelivers) {
    MemoryVault vault;
    auto a = item(6, crypto::attachment_chunk_bytes + 10, other);
    auto relay = responder(vault, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(relay.receive(MediaOffer{{a}}).at(0)));
    Bytes junk(sealed_chunk_bytes(a, 0), 0xee);
    ASSERT_TRUE(std::holds_alternative<MediaAck>(relay.receive(MediaChunk{a.id, 0, junk}).at(0)));
    auto last = relay.receive(MediaChunk{a.id, 1, chunk_of(a, 1)});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(last.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(last.at(0)).message, HasSubstr("do not match what its author signed"));
    EXPECT_TRUE(vault.items.empty());
    EXPECT_TRUE(vault.chunks.empty());
    EXPECT_TRUE(vault.complete("demo")->empty());

    auto author = responder(vault, other, Role::collector);
    ASSERT_EQ(std::get<MediaNeed>(author.receive(MediaOffer{{a}}).at(0)).held, std::vector<std::uint64_t>{0});
    for (std::uint64_t c = 0; c < a.chunks; ++c)
        ASSERT_TRUE(std::holds_alternative<MediaAck>(author.receive(MediaChunk{a.id, c, chunk_of(a, c)}).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

TEST(MediaMessages, RoundTripAndAnOldHelloStaysAsItWas) {
    Hello h;
    h.agent = "x";
    auto plain = encode_message(Message{h});
    h.media = true;
    auto with = decode_message(encode_message(Message{h}));
    ASSERT_TRUE(with);
    EXPECT_TRUE(std::get<Hello>(*with).media);
    EXPECT_FALSE(std::get<Hello>(*decode_message(plain)).media);
    EXPECT_LT(plain.size(), encode_message(Message{h}).size());

    auto offer = decode_message(encode_message(Message{MediaOffer{{item(1, 100)}}}));
    ASSERT_TRUE(offer);
    EXPECT_EQ(std::get<MediaOffer>(*offer).items, std::vector<MediaItem>{item(1, 100)});
    auto chunk = decode_message(encode_message(Message{MediaChunk{item(1, 1).id, 3, Bytes(100, 1)}}));
    ASSERT_TRUE(chunk);
    EXPECT_EQ(std::get<MediaChunk>(*chunk).index, 3u);
    EXPECT_EQ(message_name(*chunk), "media_chunk");
    // An item whose chunk count does not fit is refused when decoded.
    MediaItem bad = item(1, 100);
    bad.chunks = 0;
    EXPECT_FALSE(decode_message(encode_message(Message{MediaOffer{{bad}}})));
}

}  // namespace
}  // namespace canvass::sync
