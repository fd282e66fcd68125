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
    Result<std::optional<Held>> find(const std::string&, const MediaId& id) override {
        auto it = items.find(id);
        if (it == items.end()) return std::optional<Held>();
        std::uint64_t n = 0;
        while (chunks.contains({id, n})) ++n;
        return std::optional<Held>(Held{it->second, n});
    }
    Result<void> open(const std::string&, const MediaItem& item) override {
        items.emplace(item.media_id(), item);
        return {};
    }
    Result<void> put(const std::string&, const MediaId& id, std::uint64_t i,
                     std::span<const std::uint8_t> data) override {
        chunks[{id, i}] = Bytes(data.begin(), data.end());
        return {};
    }
    Result<Bytes> get(const std::string&, const MediaId& id, std::uint64_t i) override {
        return chunks.at({id, i});
    }
    Result<std::uint64_t> device_bytes(const std::string&, const merge::DeviceId& d) override {
        std::uint64_t n = 0;
        for (const auto& [id, item] : items)
            if (item.author == d) n += item.size;
        return n;
    }
    Result<std::vector<MediaItem>> complete(const std::string& p) override {
        std::vector<MediaItem> out;
        for (const auto& [id, item] : items)
            if (find(p, id)->value().chunks_held == item.chunks) out.push_back(item);
        return out;
    }
    Result<void> discard(const std::string&, const MediaId& id) override {
        items.erase(id);
        std::erase_if(chunks, [&](const auto& c) { return c.first.first == id; });
        return {};
    }
    std::map<MediaId, MediaItem> items;
    std::map<std::pair<MediaId, std::uint64_t>, Bytes> chunks;
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

MediaResponder responder(MediaVault& vault, merge::DeviceId device, Role role, MediaCaps caps = {},
                         std::uint32_t version = media_version) {
    return MediaResponder(vault, "demo", device, role, caps, project_keys, version);
}

// Chunk `c` of `i` as a device delivers it, naming its author.
MediaChunk delivery(const MediaItem& i, std::uint64_t c, Bytes data) {
    return MediaChunk{.id = i.id, .index = c, .data = std::move(data), .author = i.author};
}

MediaGet get_of(const MediaItem& i, std::uint64_t c) {
    return MediaGet{.id = i.id, .index = c, .author = i.author};
}

TEST(MediaResponder, RefusesA2GBFileBeforeAnyChunkAndStoresNothing) {
    MemoryVault vault;
    auto server = responder(vault, phone, Role::collector, MediaCaps{64ull << 20, 2ull << 30});
    auto out = server.receive(MediaOffer{{item(1, 1000), item(2, 2ull << 30)}});
    ASSERT_EQ(out.size(), 1u);
    auto* e = std::get_if<ErrorMessage>(&out[0]);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->code, ErrorCode::limit);
    EXPECT_THAT(e->message,
                HasSubstr("more than the 64.0 MB one attachment may be on this server"));
    EXPECT_TRUE(server.failed());
    EXPECT_TRUE(vault.items.empty());
}

TEST(MediaResponder, RefusesWhatWouldTakeTheDevicePastItsTotal) {
    MemoryVault vault;
    auto first = responder(vault, phone, Role::collector, MediaCaps{1u << 20, 1500000});
    ASSERT_TRUE(
        std::holds_alternative<MediaNeed>(first.receive(MediaOffer{{item(1, 1000000)}}).at(0)));
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
    auto ack = server.receive(delivery(a, 0, full));
    ASSERT_TRUE(std::holds_alternative<MediaAck>(ack.at(0)));
    // A new session resumes where the vault stands.
    auto again = responder(vault, phone, Role::collector, MediaCaps{});
    ASSERT_EQ(std::get<MediaNeed>(again.receive(MediaOffer{{a}}).at(0)).held,
              std::vector<std::uint64_t>{1});
    auto wrong = again.receive(delivery(a, 1, full));
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(wrong.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(wrong.at(0)).message, HasSubstr("wrong length"));

    auto third = responder(vault, phone, Role::collector, MediaCaps{});
    third.receive(MediaOffer{{a}});
    auto skipped = third.receive(delivery(a, 2, last));
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(skipped.at(0)));
    auto fourth = responder(vault, phone, Role::collector, MediaCaps{});
    fourth.receive(MediaOffer{{a}});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(fourth.receive(delivery(a, 1, last)).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

TEST(MediaResponder, OnlyACoordinatorListsAndFetches) {
    MemoryVault vault;
    auto collector = responder(vault, phone, Role::collector, MediaCaps{});
    auto out = collector.receive(MediaList{});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
    EXPECT_EQ(std::get<ErrorMessage>(out.at(0)).code, ErrorCode::forbidden);

    auto a = item(3, 5);
    ASSERT_TRUE(vault.open("demo", a));
    ASSERT_TRUE(vault.put("demo", a.media_id(), 0, chunk_of(a, 0)));
    auto desk = responder(vault, merge::DeviceId{2}, Role::coordinator, MediaCaps{});
    auto listed = desk.receive(MediaList{});
    ASSERT_EQ(std::get<MediaList>(listed.at(0)).items->size(), 1u);
    auto chunk = desk.receive(get_of(a, 0));
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
        ASSERT_TRUE(
            std::holds_alternative<MediaAck>(relay.receive(delivery(a, c, chunk_of(a, c))).at(0)));
    EXPECT_EQ(relay.stats().relayed, 1u);
    EXPECT_EQ(relay.stats().delivered, 1u);
    EXPECT_EQ(*vault.device_bytes("demo", other), a.size);
    EXPECT_EQ(*vault.device_bytes("demo", phone), 0u);
    // Its author offering it later finds it whole.
    auto author = responder(vault, other, Role::collector);
    EXPECT_EQ(std::get<MediaNeed>(author.receive(MediaOffer{{a}}).at(0)).held,
              std::vector<std::uint64_t>{2});
}

TEST(MediaResponder, ChunksThatAreNotTheOnesTheAuthorSignedAreDiscardedAndTheAuthorStillDelivers) {
    MemoryVault vault;
    auto a = item(6, crypto::attachment_chunk_bytes + 10, other);
    auto relay = responder(vault, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(relay.receive(MediaOffer{{a}}).at(0)));
    Bytes junk(sealed_chunk_bytes(a, 0), 0xee);
    ASSERT_TRUE(std::holds_alternative<MediaAck>(relay.receive(delivery(a, 0, junk)).at(0)));
    auto last = relay.receive(delivery(a, 1, chunk_of(a, 1)));
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(last.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(last.at(0)).message,
                HasSubstr("do not match what its author signed"));
    EXPECT_TRUE(vault.items.empty());
    EXPECT_TRUE(vault.chunks.empty());
    EXPECT_TRUE(vault.complete("demo")->empty());

    auto author = responder(vault, other, Role::collector);
    ASSERT_EQ(std::get<MediaNeed>(author.receive(MediaOffer{{a}}).at(0)).held,
              std::vector<std::uint64_t>{0});
    for (std::uint64_t c = 0; c < a.chunks; ++c)
        ASSERT_TRUE(
            std::holds_alternative<MediaAck>(author.receive(delivery(a, c, chunk_of(a, c))).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

// Issue 13: a carrier that learned the id of another device's attachment claims it first for
// an item of its own. The author's item is still taken, each is kept and counted for its own
// author, and a coordinator fetches the one it names.
TEST(MediaResponder, AClaimOfAnotherDevicesIdLeavesTheAuthorsItemToBeDelivered) {
    MemoryVault vault;
    const auto real = item(7, crypto::attachment_chunk_bytes + 10, other);
    auto claim = item(7, 300, phone);  // the same id, the carrier's own bytes and signature
    ASSERT_EQ(claim.id, real.id);
    auto squatter = responder(vault, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(squatter.receive(MediaOffer{{claim}}).at(0)));
    ASSERT_TRUE(std::holds_alternative<MediaAck>(
        squatter.receive(delivery(claim, 0, chunk_of(claim, 0))).at(0)));

    auto author = responder(vault, other, Role::collector);
    auto need = author.receive(MediaOffer{{real}});
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(need.at(0)))
        << std::get<ErrorMessage>(need.at(0)).message;
    EXPECT_EQ(std::get<MediaNeed>(need.at(0)).held, std::vector<std::uint64_t>{0});
    for (std::uint64_t c = 0; c < real.chunks; ++c)
        ASSERT_TRUE(std::holds_alternative<MediaAck>(
            author.receive(delivery(real, c, chunk_of(real, c))).at(0)));
    EXPECT_EQ(author.stats().delivered, 1u);
    EXPECT_EQ(vault.complete("demo")->size(), 2u);
    EXPECT_EQ(*vault.device_bytes("demo", other), real.size);
    EXPECT_EQ(*vault.device_bytes("demo", phone), claim.size);

    auto desk = responder(vault, merge::DeviceId{2}, Role::coordinator);
    EXPECT_EQ(std::get<MediaList>(desk.receive(MediaList{}).at(0)).items->size(), 2u);
    EXPECT_EQ(std::get<MediaChunk>(desk.receive(get_of(real, 1)).at(0)).data, chunk_of(real, 1));
    EXPECT_EQ(std::get<MediaChunk>(desk.receive(get_of(claim, 0)).at(0)).data, chunk_of(claim, 0));
}

TEST(MediaResponder, AnOfferMayHoldOneIdForTwoAuthorsAndEachChunkNamesWhich) {
    MemoryVault vault;
    const auto real = item(8, 500, other);
    const auto claim = item(8, 700, phone);
    auto relay = responder(vault, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(relay.receive(MediaOffer{{claim, real}}).at(0)));
    ASSERT_TRUE(std::holds_alternative<MediaAck>(
        relay.receive(delivery(real, 0, chunk_of(real, 0))).at(0)));
    ASSERT_TRUE(std::holds_alternative<MediaAck>(
        relay.receive(delivery(claim, 0, chunk_of(claim, 0))).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 2u);
    EXPECT_EQ(vault.chunks.at({real.media_id(), 0}), chunk_of(real, 0));

    // A chunk naming no author, where the id names two items, is refused.
    MemoryVault fresh;
    auto again = responder(fresh, phone, Role::organizer);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(again.receive(MediaOffer{{claim, real}}).at(0)));
    auto bare = again.receive(
        MediaChunk{.id = real.id, .index = 0, .data = chunk_of(real, 0), .author = std::nullopt});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(bare.at(0)));
    EXPECT_EQ(std::get<ErrorMessage>(bare.at(0)).code, ErrorCode::protocol);
    EXPECT_TRUE(fresh.chunks.empty());
}

TEST(MediaResponder, ADeviceOfMediaVersion1NamesItemsByIdAndIsListedNoIdTwoAuthorsShare) {
    MemoryVault vault;
    const auto real = item(9, 500, other), claim = item(9, 700, phone), alone = item(10, 40, other);
    for (const auto& i : {real, claim, alone}) {
        ASSERT_TRUE(vault.open("demo", i));
        ASSERT_TRUE(vault.put("demo", i.media_id(), 0, chunk_of(i, 0)));
    }
    auto desk = responder(vault, merge::DeviceId{2}, Role::coordinator, MediaCaps{}, 1);
    auto listed = desk.receive(MediaList{});
    EXPECT_EQ(std::get<MediaList>(listed.at(0)).items, std::vector<MediaItem>{alone});
    auto chunk = desk.receive(MediaGet{.id = alone.id, .index = 0, .author = std::nullopt});
    EXPECT_EQ(std::get<MediaChunk>(chunk.at(0)).data, chunk_of(alone, 0));
    auto shared = desk.receive(MediaGet{.id = real.id, .index = 0, .author = std::nullopt});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(shared.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(shared.at(0)).message,
                HasSubstr("no such attachment chunk"));

    // Its chunks name no author, so its offer holds one item per id.
    MemoryVault fresh;
    auto relay = responder(fresh, phone, Role::organizer, MediaCaps{}, 1);
    auto out = relay.receive(MediaOffer{{claim, real}});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(out.at(0)).message, HasSubstr("offered twice"));
    auto old = responder(fresh, other, Role::collector, MediaCaps{}, 1);
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(old.receive(MediaOffer{{real}}).at(0)));
    auto ack = old.receive(
        MediaChunk{.id = real.id, .index = 0, .data = chunk_of(real, 0), .author = std::nullopt});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(ack.at(0)));
    EXPECT_EQ(fresh.complete("demo")->size(), 1u);
}

TEST(MediaMessages, RoundTripAndAnOldHelloStaysAsItWas) {
    Hello h;
    h.agent = "x";
    auto plain = encode_message(Message{h});
    h.media = media_version;
    auto with = decode_message(encode_message(Message{h}));
    ASSERT_TRUE(with);
    EXPECT_EQ(std::get<Hello>(*with).media, media_version);
    EXPECT_EQ(std::get<Hello>(*decode_message(plain)).media, 0u);
    EXPECT_LT(plain.size(), encode_message(Message{h}).size());
    h.media = 1;  // a device from before authors
    EXPECT_EQ(std::get<Hello>(*decode_message(encode_message(Message{h}))).media, 1u);
    h.media = media_version + 1;
    EXPECT_FALSE(decode_message(encode_message(Message{h})));

    auto offer = decode_message(encode_message(Message{MediaOffer{{item(1, 100)}}}));
    ASSERT_TRUE(offer);
    EXPECT_EQ(std::get<MediaOffer>(*offer).items, std::vector<MediaItem>{item(1, 100)});
    auto chunk =
        decode_message(encode_message(Message{delivery(item(1, 1, other), 3, Bytes(100, 1))}));
    ASSERT_TRUE(chunk);
    EXPECT_EQ(std::get<MediaChunk>(*chunk).index, 3u);
    EXPECT_EQ(std::get<MediaChunk>(*chunk).author, other);
    EXPECT_EQ(message_name(*chunk), "media_chunk");
    // Without an author (a server's answer to a get, a bundle, a device of media version 1).
    auto bare = decode_message(encode_message(Message{MediaChunk{
        .id = item(1, 1).id, .index = 3, .data = Bytes(100, 1), .author = std::nullopt}}));
    ASSERT_TRUE(bare);
    EXPECT_FALSE(std::get<MediaChunk>(*bare).author);
    auto get = decode_message(encode_message(Message{get_of(item(1, 1, other), 2)}));
    ASSERT_TRUE(get);
    EXPECT_EQ(std::get<MediaGet>(*get).author, other);
    EXPECT_EQ(std::get<MediaGet>(*get).index, 2u);
    // An item whose chunk count does not fit is refused when decoded.
    MediaItem bad = item(1, 100);
    bad.chunks = 0;
    EXPECT_FALSE(decode_message(encode_message(Message{MediaOffer{{bad}}})));
}

}  // namespace
}  // namespace canvass::sync
