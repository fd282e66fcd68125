// Attachments in the device store: sealed at rest, content-addressed, checked on the way
// out, listed for sync under an id the server cannot test guesses against.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "crypto/attachment_crypto.hpp"
#include "photo_form.hpp"
#include "store/device_store.hpp"
#include "store/sqlite.hpp"
#include "temp_dir.hpp"

namespace canvass::store {
namespace {

using canvass::testing::TempDir;
using nlohmann::json;
using ::testing::HasSubstr;

using canvass::testing::kPhotoForm;

StoreOptions fast() {
    StoreOptions o;
    o.pwhash = crypto::PwhashParams::minimum();
    return o;
}

DeviceStore make_store(const std::string& home) {
    auto s = DeviceStore::create(home, Passphrase{"correct horse"}, fast());
    EXPECT_TRUE(s) << (s ? "" : s.error().message);
    auto f = s->add_form(kPhotoForm);
    EXPECT_TRUE(f) << (f ? "" : f.error().message);
    return std::move(s).value();
}

// Bytes with a marker that must never appear in clear in the store's files.
std::vector<std::uint8_t> photo_bytes(std::size_t n) {
    std::string marker = "PLAINTEXT-PHOTO-MARKER-7f3a";
    std::vector<std::uint8_t> out;
    out.reserve(n);
    for (std::size_t i = 0; out.size() < n; ++i) {
        if (i % 5000 == 0)
            for (char c : marker) out.push_back(static_cast<std::uint8_t>(c));
        else
            out.push_back(static_cast<std::uint8_t>((i * 131) ^ (i >> 7)));
    }
    out.resize(n);
    return out;
}

void write_file(const std::string& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()),
              static_cast<std::streamsize>(bytes.size()));
}

using canvass::testing::slurp;

TEST(Attachments, AFileIsCopiedInSealedAndReadBackByteForByte) {
    TempDir dir;
    auto store = make_store(dir / "home");
    auto bytes = photo_bytes(300 * 1024 + 17);  // five chunks, the last one short
    write_file(dir / "Stall 1.JPG", bytes);
    auto ref = store.add_attachment_file(dir / "Stall 1.JPG");
    ASSERT_TRUE(ref) << ref.error().message;
    EXPECT_EQ(ref->name, "Stall 1.JPG");
    EXPECT_EQ(ref->type, "image/jpeg");
    EXPECT_EQ(ref->size, bytes.size());
    EXPECT_EQ(ref->hash, crypto::blake2b_256(bytes));
    auto back = store.attachment(ref->hash);
    ASSERT_TRUE(back && *back);
    EXPECT_EQ(**back, bytes);

    // The same bytes again are kept once.
    auto again = store.add_attachment(bytes, "copy.jpg");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->hash, ref->hash);
    auto status = store.status();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->attachments.held, 1u);
    EXPECT_EQ(status->attachments.held_bytes, bytes.size());
}

TEST(Attachments, NeitherThePlaintextNorItsHashIsInTheStoreFiles) {
    TempDir dir;
    std::string hash_bytes;
    {
        auto store = make_store(dir / "home");
        auto bytes = photo_bytes(200 * 1024);
        auto ref = store.add_attachment(bytes, "stall.jpg");
        ASSERT_TRUE(ref);
        hash_bytes.assign(ref->hash.begin(), ref->hash.end());
        auto id = store.create_record("stalls",
                                      json{{"market", "Gikomba"}, {"stall", ref->to_json()}}, true);
        ASSERT_TRUE(id) << id.error().message;
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir / "home")) {
        auto text = slurp(entry.path());
        EXPECT_EQ(text.find("PLAINTEXT-PHOTO-MARKER"), std::string::npos) << entry.path();
        EXPECT_EQ(text.find(hash_bytes), std::string::npos) << entry.path();
    }
}

TEST(Attachments, MissingUnreadableAndTooLargeFilesAreRefusedByName) {
    TempDir dir;
    auto store = make_store(dir / "home");
    auto missing = store.add_attachment_file(dir / "nope.jpg");
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, errc::not_found);
    EXPECT_THAT(missing.error().message, HasSubstr("nope.jpg"));

    auto folder = store.add_attachment_file(dir.path().string());
    ASSERT_FALSE(folder);
    EXPECT_THAT(folder.error().message, HasSubstr("is not a file"));

    // A sparse 3 GB file: refused from its size, before a byte is read.
    { std::ofstream big(dir / "huge.mp4", std::ios::binary); }
    std::filesystem::resize_file(dir / "huge.mp4", 3ull << 30);
    auto huge = store.add_attachment_file(dir / "huge.mp4");
    ASSERT_FALSE(huge);
    EXPECT_EQ(huge.error().code, errc::limit_exceeded);
    EXPECT_THAT(huge.error().message, HasSubstr("huge.mp4 is 3072.0 MB"));
    EXPECT_THAT(huge.error().message, HasSubstr("more than the 64.0 MB"));

    // A kind of file the question does not take: refused by name before it is copied in.
    std::ofstream(dir / "notes.txt") << "not a photo";
    auto text = store.add_attachment_file(dir / "notes.txt", "image");
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, errc::invalid_argument);
    EXPECT_THAT(text.error().message,
                HasSubstr("notes.txt: an image question takes a image/… file, got text/plain"));
    ASSERT_TRUE(store.set_media_limits({1000, 5000}));
    auto over = store.add_attachment(photo_bytes(1001), "x.jpg");
    ASSERT_FALSE(over);
    EXPECT_EQ(over.error().code, errc::limit_exceeded);
    auto status = store.status();
    ASSERT_TRUE(status);
    EXPECT_EQ(status->attachments.held, 0u);  // nothing kept of any refusal
}

TEST(Attachments, AnAnswerNamingAnAttachmentNotHeldIsRefusedAndNothingSaved) {
    TempDir dir;
    auto store = make_store(dir / "home");
    json ghost = {{"attachment", std::string(64, 'b')},
                  {"size", 10},
                  {"name", "ghost.jpg"},
                  {"type", "image/jpeg"}};
    auto id = store.create_record("stalls", json{{"market", "Gikomba"}, {"stall", ghost}}, true);
    ASSERT_FALSE(id);
    EXPECT_THAT(id.error().message,
                HasSubstr("stall: the attachment ghost.jpg is not in this store"));
    auto records = store.records();
    ASSERT_TRUE(records);
    EXPECT_TRUE(records->empty());
}

TEST(Attachments, AFinalizedRecordListsItsAttachmentForSyncUnderAKeyedId) {
    TempDir dir;
    auto store = make_store(dir / "home");
    auto bytes = photo_bytes(70 * 1024);
    auto ref = store.add_attachment(bytes, "stall.jpg");
    ASSERT_TRUE(ref);
    ASSERT_TRUE(store.create_record("stalls",
                                    json{{"market", "Gikomba"}, {"stall", ref->to_json()}}, true));
    auto unsent = store.unsent_attachments(1);
    ASSERT_TRUE(unsent);
    ASSERT_EQ(unsent->size(), 1u);
    const auto& a = unsent->front();
    EXPECT_EQ(a.size, bytes.size());
    EXPECT_EQ(a.chunks, 2u);
    EXPECT_EQ(a.seq, 1u);
    EXPECT_NE(a.id, ref->hash);                         // never the plain BLAKE2b
    EXPECT_TRUE(store.unsent_attachments(0)->empty());  // only once its changeset may go

    // The sealed chunks are stable (a re-sent chunk is the same bytes) and open with the
    // epoch-derived key only.
    auto c0 = store.sync_chunk(a.id, 0);
    auto c0_again = store.sync_chunk(a.id, 0);
    auto c1 = store.sync_chunk(a.id, 1);
    ASSERT_TRUE(c0 && c0_again && c1);
    EXPECT_EQ(*c0, *c0_again);
    EXPECT_EQ(c0->size(), crypto::attachment_chunk_bytes + crypto::sync_chunk_overhead);
    EXPECT_FALSE(store.sync_chunk(a.id, 2));

    ASSERT_TRUE(store.mark_attachment_sent(store.keys().id, a.id));
    EXPECT_TRUE(store.unsent_attachments(1)->empty());
    EXPECT_EQ(store.own_attachments()->size(), 1u);
}

TEST(Attachments, ReceivedChunksAreKeptUntilComplete) {
    TempDir dir;
    auto store = make_store(dir / "home");
    crypto::Hash id{};
    id[0] = 7;
    const merge::DeviceId author{5};
    const store::CarriedAttachment a{id, 100000, 2, author, {}, {}};
    ASSERT_TRUE(store.keep_received_chunk(a, 0, std::vector<std::uint8_t>(10, 1), false));
    EXPECT_EQ(*store.received_chunks(author, id), 1u);
    EXPECT_FALSE(*store.received_attachment(author, id));
    EXPECT_EQ(store.status()->attachments.partial, 1u);
    ASSERT_TRUE(store.keep_received_chunk(a, 1, std::vector<std::uint8_t>(10, 2), false));
    ASSERT_TRUE(store.keep_received_chunk(a, 1, std::vector<std::uint8_t>(10, 2),
                                          false));  // twice: kept once
    auto all = store.received_attachment(author, id);
    ASSERT_TRUE(all && *all);
    EXPECT_EQ((*all)->size(), 2u);
    EXPECT_EQ(store.status()->attachments.received, 1u);
}

// Issue 13: a carrier's item under another device's id is another item: neither is read for
// the other, and delivering one leaves the other to deliver.
TEST(Attachments, ReceivedItemsOfTwoAuthorsUnderOneIdAreKeptApart) {
    TempDir dir;
    auto store = make_store(dir / "home");
    crypto::Hash id{};
    id[0] = 9;
    const merge::DeviceId author{5}, carrier{6};
    const store::CarriedAttachment real{id, 10, 1, author, {}, {}},
        claim{id, 20, 1, carrier, {}, {}};
    ASSERT_TRUE(store.keep_received_chunk(claim, 0, std::vector<std::uint8_t>(36, 0xcc), true));
    EXPECT_EQ(*store.received_chunks(author, id), 0u) << "the carrier's chunk is not the author's";
    EXPECT_FALSE(*store.received_attachment(author, id));
    ASSERT_TRUE(store.keep_received_chunk(real, 0, std::vector<std::uint8_t>(26, 0xaa), true));
    auto mine = store.received_attachment(author, id);
    ASSERT_TRUE(mine && *mine);
    EXPECT_EQ((*mine)->at(0), std::vector<std::uint8_t>(26, 0xaa));
    EXPECT_EQ(*store.received_chunk(carrier, id, 0), std::vector<std::uint8_t>(36, 0xcc));
    auto carried = store.carried_attachments(true);
    ASSERT_TRUE(carried);
    ASSERT_EQ(carried->size(), 2u);
    EXPECT_EQ(store.status()->attachments.received, 2u);

    ASSERT_TRUE(store.mark_attachment_sent(author, id));
    carried = store.carried_attachments(true);
    ASSERT_TRUE(carried);
    ASSERT_EQ(carried->size(), 1u);
    EXPECT_EQ(carried->at(0).author, carrier)
        << "delivering the author's leaves the carrier's to deliver";
    EXPECT_EQ(store.status()->attachments.carried, 1u);
}

TEST(AttachmentCrypto, SyncIdsDependOnTheEpochKeyAndChunksOpenOnlyWhereTheyBelong) {
    auto e1 = crypto::SecretBytes::random(32), e2 = crypto::SecretBytes::random(32);
    crypto::Hash content = crypto::blake2b_256(std::string_view("a photo"));
    auto id1 = crypto::attachment_sync_id(e1, content);
    EXPECT_NE(id1, crypto::attachment_sync_id(e2, content));
    EXPECT_EQ(id1, crypto::attachment_sync_id(e1, content));
    auto key = crypto::attachment_sync_key(e1, content);
    std::vector<std::uint8_t> plain(1000, 42);
    auto sealed = crypto::seal_sync_chunk(key, id1, 0, 2, plain);
    EXPECT_EQ(*crypto::open_sync_chunk(key, id1, 0, 2, sealed), plain);
    EXPECT_FALSE(crypto::open_sync_chunk(key, id1, 1, 2, sealed));  // moved
    EXPECT_FALSE(crypto::open_sync_chunk(key, id1, 0, 1, sealed));  // truncated stream
    sealed[5] ^= 1;
    EXPECT_FALSE(crypto::open_sync_chunk(key, id1, 0, 2, sealed));
}

}  // namespace
}  // namespace canvass::store
