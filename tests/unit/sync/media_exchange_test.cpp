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
    std::map<crypto::Hash, std::pair<MediaItem, merge::DeviceId>> items;
    std::map<std::pair<crypto::Hash, std::uint64_t>, Bytes> chunks;
};

MediaItem item(std::uint8_t tag, std::uint64_t size) {
    MediaItem i;
    i.id[0] = tag;
    i.size = size;
    i.chunks = crypto::attachment_chunks(size);
    return i;
}

const merge::DeviceId phone{1};

TEST(MediaResponder, RefusesA2GBFileBeforeAnyChunkAndStoresNothing) {
    MemoryVault vault;
    MediaResponder server(vault, "demo", phone, Role::collector, MediaCaps{64ull << 20, 2ull << 30});
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
    MediaResponder first(vault, "demo", phone, Role::collector, MediaCaps{1u << 20, 1500000});
    ASSERT_TRUE(std::holds_alternative<MediaNeed>(first.receive(MediaOffer{{item(1, 1000000)}}).at(0)));
    MediaResponder second(vault, "demo", phone, Role::collector, MediaCaps{1u << 20, 1500000});
    auto out = second.receive(MediaOffer{{item(2, 900000)}});
    auto* e = std::get_if<ErrorMessage>(&out.at(0));
    ASSERT_TRUE(e);
    EXPECT_THAT(e->message, HasSubstr("one device may deliver to this server: nothing was sent"));
}

TEST(MediaResponder, TakesChunksInOrderOfTheirExactLengthAndAcknowledgesEach) {
    MemoryVault vault;
    MediaResponder server(vault, "demo", phone, Role::collector, MediaCaps{});
    auto a = item(1, crypto::attachment_chunk_bytes + 10);  // two chunks, the last 10 bytes
    auto need = server.receive(MediaOffer{{a}});
    ASSERT_EQ(std::get<MediaNeed>(need.at(0)).held, std::vector<std::uint64_t>{0});
    Bytes full(crypto::attachment_chunk_bytes + 16), last(10 + 16);
    auto ack = server.receive(MediaChunk{a.id, 0, full});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(ack.at(0)));
    // A new session resumes where the vault stands.
    MediaResponder again(vault, "demo", phone, Role::collector, MediaCaps{});
    ASSERT_EQ(std::get<MediaNeed>(again.receive(MediaOffer{{a}}).at(0)).held, std::vector<std::uint64_t>{1});
    auto wrong = again.receive(MediaChunk{a.id, 1, full});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(wrong.at(0)));
    EXPECT_THAT(std::get<ErrorMessage>(wrong.at(0)).message, HasSubstr("wrong length"));

    MediaResponder third(vault, "demo", phone, Role::collector, MediaCaps{});
    third.receive(MediaOffer{{a}});
    auto skipped = third.receive(MediaChunk{a.id, 2, last});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(skipped.at(0)));
    MediaResponder fourth(vault, "demo", phone, Role::collector, MediaCaps{});
    fourth.receive(MediaOffer{{a}});
    ASSERT_TRUE(std::holds_alternative<MediaAck>(fourth.receive(MediaChunk{a.id, 1, last}).at(0)));
    EXPECT_EQ(vault.complete("demo")->size(), 1u);
}

TEST(MediaResponder, OnlyACoordinatorListsAndFetches) {
    MemoryVault vault;
    MediaResponder collector(vault, "demo", phone, Role::collector, MediaCaps{});
    auto out = collector.receive(MediaList{});
    ASSERT_TRUE(std::holds_alternative<ErrorMessage>(out.at(0)));
    EXPECT_EQ(std::get<ErrorMessage>(out.at(0)).code, ErrorCode::forbidden);

    auto a = item(3, 5);
    ASSERT_TRUE(vault.open("demo", phone, a));
    ASSERT_TRUE(vault.put("demo", a.id, 0, Bytes(21, 7)));
    MediaResponder desk(vault, "demo", merge::DeviceId{2}, Role::coordinator, MediaCaps{});
    auto listed = desk.receive(MediaList{});
    ASSERT_EQ(std::get<MediaList>(listed.at(0)).items->size(), 1u);
    auto chunk = desk.receive(MediaGet{a.id, 0});
    EXPECT_EQ(std::get<MediaChunk>(chunk.at(0)).data, Bytes(21, 7));
    EXPECT_TRUE(std::holds_alternative<Bye>(desk.receive(Bye{}).at(0)));
    EXPECT_TRUE(desk.done());
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
